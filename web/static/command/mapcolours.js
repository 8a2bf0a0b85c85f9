// Every colour and symbol the maps draw, in one place: the map layers and the legend read them
// from here, so the legend cannot drift from the map.

export const PRIORITY_COLOURS = { p1: '#c62828', p2: '#ef6c00', p3: '#f9a825', p4: '#1565c0' };
export const CLOSED_INCIDENT = '#78909c';
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
export const ROUTE_COLOUR = '#0d47a1';
export const COVERAGE_COLOURS = { cov60: '#1b5e20', cov180: '#43a047', cov300: '#a5d6a7', gaps: '#e53935' };
export const ROAD_EVENT_COLOURS = { closed: '#c62828', other: '#ef6c00' };

/** Base map: road colours by class (the tiles' `class`), areas, key sites. */
export const ROAD_COLOURS = {
  motorway: '#e8833a',
  trunk: '#f29e4c',
  primary: '#f6c453',
  secondary: '#fbe29a',
  tertiary: '#ffffff',
  street: '#ffffff',
  service: '#ffffff',
  path: '#9aa7b5',
};
export const AREA_COLOURS = { station: '#0d47a1', district: '#4a148c' };
export const SITE_COLOUR = '#00838f';
export const LAND_COLOURS = { water: '#a9cbe6', park: '#cfe8c4', building: '#d9d3ca' };
