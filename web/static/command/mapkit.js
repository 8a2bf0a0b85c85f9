// Map pieces shared by the command map and the terminal: the map with its base map (basemap.js),
// scale and legend, unit and incident markers, routes. Colours live in mapcolours.js.
import { api, t, label } from '../js/shell.js';
import { taxLabel } from './taxonomy.js';
import { addBaseMap } from './basemap.js';
import { addLegend } from './legend.js';
import { PRIORITY_COLOURS, CLOSED_INCIDENT, KIND_GLYPHS, ROUTE_COLOUR } from './mapcolours.js';

export { PRIORITY_COLOURS, STATUS_COLOURS, KIND_GLYPHS } from './mapcolours.js';

const L = window.L;

export const CITY_CENTER = [29.87, 121.55];

/**
 * A Leaflet map on a canvas renderer over the vector base map, with a scale bar and a legend
 * of the `legend` sections (see legend.js). Zoom is limited to where the tiles have detail.
 */
export function createMap(id, { center = CITY_CENTER, zoom = 12, legend = ['base', 'units', 'incidents'] } = {}) {
  const map = L.map(id, {
    preferCanvas: true,
    zoomControl: true,
    attributionControl: false,
    minZoom: 9,
    maxZoom: 19,
  }).setView(center, zoom);
  addBaseMap(map);
  L.control.scale({ metric: true, imperial: false, position: 'bottomright' }).addTo(map);
  addLegend(map, legend);
  const zoomClass = () => {
    map.getContainer().classList.toggle('zoom-low', map.getZoom() < 14);
    map.getContainer().classList.toggle('zoom-label', map.getZoom() >= 15);
  };
  map.on('zoomend', zoomClass);
  zoomClass();
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
    fillColor: closed ? CLOSED_INCIDENT : PRIORITY_COLOURS[i.priority] || '#555',
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
    const line = L.polyline(latlngs, { color: ROUTE_COLOUR, weight: 6, opacity: 0.85 });
    return { line, seconds: f.properties.seconds };
  } catch (err) {
    console.warn('route', err);
    return null;
  }
}

export { t };
