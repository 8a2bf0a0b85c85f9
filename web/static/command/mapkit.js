// Map pieces shared by the command map and the terminal: the base map drawn from Jingwu's own
// road graph (no tile server), colours, unit and incident markers, routes.
import { api, t, label } from '../js/shell.js';
import { taxLabel } from './taxonomy.js';

const L = window.L;

export const CITY_CENTER = [29.87, 121.55];

export const PRIORITY_COLOURS = { p1: '#c62828', p2: '#ef6c00', p3: '#f9a825', p4: '#1565c0' };
export const STATUS_COLOURS = {
  available: '#2e7d32',
  dispatched: '#6a1b9a',
  en_route: '#ef6c00',
  on_scene: '#c62828',
  busy: '#546e7a',
  off_duty: '#9e9e9e',
};
// One character per unit type, drawn in the marker.
export const KIND_GLYPHS = {
  patrol_car: '车',
  foot_patrol: '步',
  motorcycle: '摩',
  armed_patrol_team: '特',
  traffic_unit: '交',
};

/** A Leaflet map on a canvas renderer, with the road base map kept in sync with the view. */
export function createMap(id, { center = CITY_CENTER, zoom = 12 } = {}) {
  const map = L.map(id, { preferCanvas: true, zoomControl: true, attributionControl: false }).setView(center, zoom);
  map.createPane('roads');
  map.getPane('roads').style.zIndex = 250;
  const renderer = L.canvas({ pane: 'roads', padding: 0.3 });
  const roads = L.geoJSON(null, {
    pane: 'roads',
    renderer,
    interactive: false,
    style: (f) => {
      const kmh = f.properties.kmh;
      if (kmh >= 55) return { color: '#f6c453', weight: 4, opacity: 1 };
      if (kmh >= 35) return { color: '#ffffff', weight: 3, opacity: 1 };
      return { color: '#ffffff', weight: 1.5, opacity: 0.9 };
    },
  }).addTo(map);
  const zoomClass = () => {
    map.getContainer().classList.toggle('zoom-low', map.getZoom() < 14);
    map.getContainer().classList.toggle('zoom-label', map.getZoom() >= 15);
  };
  map.on('zoomend', zoomClass);
  zoomClass();
  let seq = 0;
  async function refresh() {
    const b = map.getBounds().pad(0.2);
    const mine = ++seq;
    const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(5)).join(',');
    try {
      const fc = await api('GET', `/api/v1/roads?bbox=${bbox}&zoom=${Math.round(map.getZoom())}`);
      if (mine !== seq) return;
      roads.clearLayers();
      roads.addData(fc);
    } catch (err) {
      console.warn('roads', err);
    }
  }
  let timer = null;
  map.on('moveend', () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 150);
  });
  refresh();
  return map;
}

/**
 * Text made safe for Leaflet's tooltips, popups and divIcons, which take a string as HTML:
 * names are set by admins and imports (unit call signs, stations, key sites, layers), so
 * every one goes through here before it reaches the map.
 */
export const escapeHtml = (v) =>
  String(v).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

/** A unit marker: status as colour, type as glyph, call sign shown from zoom 15 (CSS). */
export function unitIcon(u) {
  return L.divIcon({
    className: `unit-icon st-${u.status}`,
    html: `<span>${KIND_GLYPHS[u.kind] || '警'}</span><b class="cs">${escapeHtml(u.call_sign)}</b>`,
    iconSize: [26, 26],
    iconAnchor: [13, 13],
  });
}

/** The unit's tooltip as escaped HTML (for `bindTooltip`). */
export function unitTooltip(u) {
  return escapeHtml(`${u.call_sign} · ${label('unit_status', u.status)} · ${label('unit_kind', u.kind)}`);
}

export function incidentStyle(i) {
  const closed = i.status === 'closed' || i.status === 'merged';
  return {
    radius: closed ? 6 : 10,
    color: '#ffffff',
    weight: 2,
    fillColor: closed ? '#78909c' : PRIORITY_COLOURS[i.priority] || '#555',
    fillOpacity: closed ? 0.6 : 0.95,
  };
}

/** The incident's tooltip as escaped HTML (for `bindTooltip`). */
export function incidentLabel(i) {
  return escapeHtml(`${i.number} · ${taxLabel('sub', i.subcategory)} · ${label('incident_status', i.status)}`);
}

/** Fetches a route and returns a polyline layer (or null) with the travel time. */
export async function routeLine(from, to) {
  try {
    const f = await api('GET', `/api/v1/route?from=${from[0]},${from[1]}&to=${to[0]},${to[1]}`);
    const latlngs = f.geometry.coordinates.map(([lon, lat]) => [lat, lon]);
    const line = L.polyline(latlngs, { color: '#0d47a1', weight: 6, opacity: 0.85 });
    return { line, seconds: f.properties.seconds };
  } catch (err) {
    console.warn('route', err);
    return null;
  }
}

export { t };
