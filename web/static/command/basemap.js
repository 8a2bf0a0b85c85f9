// The base map under every Leaflet map: Jingwu's own vector tiles (/api/v1/tiles, drawn from
// the road network it routes on) rendered by MapLibre GL with a style of our own. Labels use
// the device's fonts (no glyph server): Chinese by default, English names with the English UI.
// Without WebGL (old terminals) the road lines are drawn by Leaflet instead, unlabelled.
import * as maplibregl from '../vendor/maplibre-gl/maplibre-gl.mjs';
import { api, currentLang } from '../js/shell.js';
import { ROAD_COLOURS, AREA_COLOURS, SITE_COLOUR, LAND_COLOURS } from './mapcolours.js';

const L = window.L;


const FONTS = ['Noto Sans CJK SC', 'Noto Sans SC', 'PingFang SC', 'Microsoft YaHei', 'sans-serif'];
const LOCAL_IDEOGRAPHS = '"Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif';

// Line widths (px) per class at GL zoom 10 and 16; interpolated between.
const WIDTHS = {
  motorway: [2.5, 14],
  trunk: [2.2, 13],
  primary: [1.6, 11],
  secondary: [1.2, 9],
  tertiary: [0.8, 7],
  street: [0.4, 5],
  service: [0.3, 3],
  path: [0.3, 1.6],
};

const width = (cls, extra = 0) => [
  'interpolate', ['exponential', 1.5], ['zoom'],
  10, WIDTHS[cls][0] + extra,
  16, WIDTHS[cls][1] + extra,
];

/**
 * The map style: land use, roads by class with casings, area boundaries, names, sites. The
 * background is the map element's own colour (map.css), not a layer: one full-screen fill less
 * per frame, which counts where WebGL runs on the CPU.
 */
export function baseStyle(lang) {
  const name = lang === 'en' ? ['coalesce', ['get', 'name_en'], ['get', 'name']] : ['get', 'name'];
  const classes = Object.keys(ROAD_COLOURS).reverse();
  const road = (cls, casing) => ({
    id: `road-${cls}${casing ? '-casing' : ''}`,
    type: 'line',
    source: 'jingwu',
    'source-layer': 'roads',
    filter: ['==', ['get', 'class'], cls],
    layout: { 'line-cap': 'round', 'line-join': 'round' },
    paint: casing
      ? { 'line-color': '#b7bfc9', 'line-width': width(cls, 1.5) }
      : {
          'line-color': ROAD_COLOURS[cls],
          'line-width': width(cls),
          ...(cls === 'path' ? { 'line-dasharray': [2, 1.5] } : {}),
        },
  });
  const halo = { 'text-color': '#1f2a36', 'text-halo-color': '#ffffff', 'text-halo-width': 1.6 };
  return {
    version: 8,
    sources: {
      jingwu: {
        type: 'vector',
        tiles: [`${location.origin}/api/v1/tiles/{z}/{x}/{y}.mvt`],
        minzoom: 8,
        maxzoom: 16,
      },
    },
    layers: [
      {
        id: 'landuse',
        type: 'fill',
        source: 'jingwu',
        'source-layer': 'landuse',
        paint: {
          'fill-color': ['match', ['get', 'kind'], 'water', LAND_COLOURS.water, 'park', LAND_COLOURS.park, LAND_COLOURS.building],
          'fill-outline-color': ['match', ['get', 'kind'], 'building', '#c4bdb2', 'rgba(0,0,0,0)'],
        },
      },
      ...classes.filter((c) => c !== 'path' && c !== 'service').map((c) => road(c, true)),
      ...classes.map((c) => road(c, false)),
      {
        id: 'areas-line',
        type: 'line',
        source: 'jingwu',
        'source-layer': 'areas',
        paint: {
          'line-color': ['match', ['get', 'kind'], 'district', AREA_COLOURS.district, AREA_COLOURS.station],
          'line-width': ['match', ['get', 'kind'], 'district', 2.5, 1.2],
          'line-dasharray': [4, 3],
          'line-opacity': 0.7,
        },
      },
      {
        id: 'road-names',
        type: 'symbol',
        source: 'jingwu',
        'source-layer': 'road_names',
        layout: {
          'symbol-placement': 'line',
          'text-field': name,
          'text-font': FONTS,
          'text-size': ['interpolate', ['linear'], ['zoom'], 12, 11, 16, 15],
          'text-max-angle': 40,
          'symbol-spacing': 350,
        },
        paint: halo,
      },
      {
        id: 'sites',
        type: 'circle',
        source: 'jingwu',
        'source-layer': 'sites',
        paint: {
          'circle-radius': 4,
          'circle-color': SITE_COLOUR,
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': 1.5,
        },
      },
      {
        id: 'site-names',
        type: 'symbol',
        source: 'jingwu',
        'source-layer': 'sites',
        minzoom: 13,
        layout: {
          'text-field': name,
          'text-font': FONTS,
          'text-size': 12,
          'text-offset': [0, 0.9],
          'text-anchor': 'top',
          'text-optional': true,
        },
        paint: { ...halo, 'text-color': '#005f66' },
      },
      {
        id: 'places',
        type: 'symbol',
        source: 'jingwu',
        'source-layer': 'places',
        layout: { 'text-field': name, 'text-font': FONTS, 'text-size': ['match', ['get', 'kind'], 'water', 15, 13] },
        paint: {
          ...halo,
          'text-color': ['match', ['get', 'kind'], 'water', '#1f5f99', 'park', '#2e6b2e', '#1f2a36'],
        },
      },
      {
        id: 'org-labels',
        type: 'symbol',
        source: 'jingwu',
        'source-layer': 'labels',
        layout: {
          'text-field': name,
          'text-font': FONTS,
          'text-size': ['match', ['get', 'kind'], 'district', 17, 14],
          'text-offset': [0, 1.4],
          'text-anchor': 'top',
          'text-allow-overlap': false,
        },
        paint: {
          ...halo,
          'text-color': ['match', ['get', 'kind'], 'district', AREA_COLOURS.district, AREA_COLOURS.station],
          'text-halo-width': 2,
        },
      },
    ],
  };
}

function webgl() {
  try {
    const c = document.createElement('canvas');
    return Boolean(c.getContext('webgl2') || c.getContext('webgl'));
  } catch {
    return false;
  }
}

/**
 * Puts the base map under `map` in the `roads` pane: vector tiles where WebGL works, road lines
 * otherwise. `document.body.dataset.basemap` says which (`vector` or `lines`).
 */
export async function addBaseMap(map) {
  map.createPane('roads');
  map.getPane('roads').style.zIndex = 250;
  if (webgl()) {
    try {
      // The Leaflet binding is a UMD script that finds MapLibre on `window`.
      window.maplibregl = maplibregl;
      await import('../vendor/maplibre-gl-leaflet/leaflet-maplibre-gl.js');
      const layer = L.maplibreGL({
        style: baseStyle(currentLang()),
        pane: 'roads',
        interactive: false,
        // Labels appear at once: no fade, so a settled map needs no further frames.
        fadeDuration: 0,
        localIdeographFontFamily: LOCAL_IDEOGRAPHS,
        attributionControl: false,
      }).addTo(map);
      const gl = layer.getMaplibreMap();
      gl.once('idle', () => {
        document.body.dataset.basemap = 'vector';
      });
      // Reachable from the map's element, for diagnostics and the browser tests.
      map.getContainer().basemap = gl;
      return;
    } catch (err) {
      console.warn('vector base map unavailable, drawing road lines', err);
    }
  }
  roadLines(map);
  document.body.dataset.basemap = 'lines';
}

/** Road lines from /api/v1/roads for the view, redrawn after each move (no WebGL). */
function roadLines(map) {
  const renderer = L.canvas({ pane: 'roads', padding: 0.3 });
  const roads = L.geoJSON(null, {
    pane: 'roads',
    renderer,
    interactive: false,
    style: (f) => {
      const kmh = f.properties.kmh;
      if (kmh >= 55) return { color: ROAD_COLOURS.primary, weight: 4, opacity: 1 };
      if (kmh >= 35) return { color: '#ffffff', weight: 3, opacity: 1 };
      return { color: '#ffffff', weight: 1.5, opacity: 0.9 };
    },
  }).addTo(map);
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
}
