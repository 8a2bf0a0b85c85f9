// The map legend: every symbol and colour a map draws, in the page's language. A page names
// the sections it shows; the legend folds away to a button on small screens.
import { t, label } from '../js/shell.js';
import {
  ROAD_COLOURS,
  AREA_COLOURS,
  SITE_COLOUR,
  LAND_COLOURS,
  STATUS_COLOURS,
  KIND_GLYPHS,
  PRIORITY_COLOURS,
  CLOSED_INCIDENT,
  ROUTE_COLOUR,
  COVERAGE_COLOURS,
  ROAD_EVENT_COLOURS,
} from './mapcolours.js';

const L = window.L;

function swatch(kind, colour, extra = '') {
  const s = document.createElement('span');
  s.className = `lg-sw lg-${kind}`;
  s.style.setProperty('--c', colour);
  if (extra) s.textContent = extra;
  return s;
}

function row(sw, text) {
  const li = document.createElement('li');
  const span = document.createElement('span');
  span.textContent = text;
  li.append(sw, span);
  return li;
}

function section(title, rows) {
  const wrap = document.createElement('section');
  const h = document.createElement('h3');
  h.textContent = title;
  const ul = document.createElement('ul');
  ul.append(...rows);
  wrap.append(h, ul);
  return wrap;
}

const SECTIONS = {
  base: () =>
    section(t('legend.base'), [
      row(swatch('line', ROAD_COLOURS.trunk), t('legend.road_major')),
      row(swatch('line', ROAD_COLOURS.primary), t('legend.road_primary')),
      row(swatch('line', ROAD_COLOURS.secondary), t('legend.road_secondary')),
      row(swatch('line lg-outlined', ROAD_COLOURS.street), t('legend.road_street')),
      row(swatch('dash', ROAD_COLOURS.path), t('legend.road_path')),
      row(swatch('fill', LAND_COLOURS.water), t('legend.water')),
      row(swatch('fill', LAND_COLOURS.park), t('legend.park')),
      row(swatch('dash', AREA_COLOURS.station), t('legend.area_station')),
      row(swatch('dash', AREA_COLOURS.district), t('legend.area_district')),
      row(swatch('dot', SITE_COLOUR), t('legend.key_site')),
    ]),
  units: () =>
    section(t('legend.units'), [
      ...Object.entries(STATUS_COLOURS).map(([s, c]) => row(swatch('unit', c), label('unit_status', s))),
      ...Object.entries(KIND_GLYPHS).map(([k, g]) => row(swatch('glyph', '#455a64', g), label('unit_kind', k))),
    ]),
  incidents: () =>
    section(t('legend.incidents'), [
      ...Object.entries(PRIORITY_COLOURS).map(([p, c]) => row(swatch('dot', c), label('priority', p))),
      row(swatch('dot', CLOSED_INCIDENT), t('legend.incident_closed')),
      row(swatch('line', ROUTE_COLOUR), t('legend.route')),
    ]),
  coverage: () =>
    section(t('legend.coverage'), [
      ...Object.entries(COVERAGE_COLOURS).map(([k, c]) => row(swatch('fill', c), t(`layers.${k}`))),
      row(swatch('dash', ROAD_EVENT_COLOURS.closed), t('legend.road_closed')),
      row(swatch('line', ROAD_EVENT_COLOURS.other), t('legend.road_event')),
    ]),
};

/** Adds the legend control with `sections` (keys of SECTIONS) to `map`. */
export function addLegend(map, sections) {
  const Legend = L.Control.extend({
    options: { position: 'bottomleft' },
    onAdd() {
      const box = L.DomUtil.create('div', 'leaflet-control map-legend');
      box.dataset.testid = 'map-legend';
      const btn = document.createElement('button');
      btn.type = 'button';
      btn.className = 'lg-toggle';
      btn.textContent = t('legend.title');
      btn.setAttribute('aria-expanded', 'true');
      const body = document.createElement('div');
      body.className = 'lg-body';
      body.append(...sections.map((s) => SECTIONS[s]()));
      btn.addEventListener('click', () => {
        const open = body.hidden;
        body.hidden = !open;
        btn.setAttribute('aria-expanded', String(open));
      });
      // Folded on phones, where the map is small.
      if (window.matchMedia('(max-width: 700px)').matches) {
        body.hidden = true;
        btn.setAttribute('aria-expanded', 'false');
      }
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      box.append(btn, body);
      return box;
    },
  });
  return new Legend().addTo(map);
}
