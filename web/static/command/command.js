// Command map (指挥调度): live map of incidents, units, stations, key sites, cameras and
// coverage; intake, recommendations with routes, one-click dispatch, timeline, hand-over.
import { boot, api, t, $, make, toast, errorText, clock, mmss, label, currentLang } from '../js/shell.js';
import { loadTaxonomy, categories, subcategories, priorities, sources, taxLabel } from './taxonomy.js';
import { createMap, unitIcon, unitTooltip, incidentStyle, incidentLabel, routeLine, escapeHtml } from './mapkit.js';
import { COVERAGE_COLOURS, ROAD_EVENT_COLOURS } from './mapcolours.js';
import './timers.js';
import { attachAddressSearch, addressNear } from './address-search.js';

const L = window.L;
const me = await boot(['dispatcher']);

const incidents = new Map(); // id -> { data, marker }
const units = new Map(); // id -> { data, marker }
let selected = null; // incident id
let recs = [];
let routeLayer = null;
let pickMarker = null;
let orgs = [];

const map = me ? createMap('map', { legend: ['base', 'units', 'incidents', 'coverage'] }) : null;
// Coverage polygons sit between the road base map and the markers.
let coverageRenderer = null;
if (map) {
  map.createPane('coverage');
  map.getPane('coverage').style.zIndex = 300;
  coverageRenderer = L.canvas({ pane: 'coverage' });
}
const layers = {
  incidents: L.layerGroup(),
  units: L.layerGroup(),
  stations: L.layerGroup(),
  areas: L.layerGroup(),
  key_sites: L.layerGroup(),
  cameras: L.layerGroup(),
  cov60: L.layerGroup(),
  cov180: L.layerGroup(),
  cov300: L.layerGroup(),
  gaps: L.layerGroup(),
  hazmat: L.layerGroup(),
  road_events: L.layerGroup(),
};
const shownByDefault = ['incidents', 'units', 'stations', 'hazmat', 'road_events'];
let control = null;

function buildControl() {
  if (control) control.remove();
  const overlays = {};
  for (const [k, layer] of Object.entries(layers)) overlays[t(`layers.${k}`)] = layer;
  control = L.control.layers(null, overlays, { collapsed: false, position: 'topright' }).addTo(map);
}

// ---------- data ----------

function unitName(id) {
  const u = units.get(id);
  return u ? u.data.call_sign : id.slice(-6);
}

function putIncident(i) {
  let entry = incidents.get(i.id);
  if (!entry) {
    const marker = L.circleMarker([i.lat, i.lon], incidentStyle(i));
    marker.on('click', () => select(i.id));
    marker.addTo(layers.incidents);
    entry = { data: i, marker };
    incidents.set(i.id, entry);
  }
  entry.data = i;
  entry.marker.setLatLng([i.lat, i.lon]);
  entry.marker.setStyle(incidentStyle(i));
  entry.marker.bindTooltip(incidentLabel(i));
}

function putUnit(u) {
  if (u.lat == null || u.lon == null) return;
  let entry = units.get(u.id);
  if (!entry) {
    const marker = L.marker([u.lat, u.lon], { icon: unitIcon(u), keyboard: false });
    marker.addTo(layers.units);
    entry = { data: u, marker };
    units.set(u.id, entry);
  }
  const changed = entry.data.status !== u.status || entry.data.kind !== u.kind;
  entry.data = u;
  entry.marker.setLatLng([u.lat, u.lon]);
  if (changed || !entry.marker.getTooltip()) entry.marker.setIcon(unitIcon(u));
  entry.marker.bindTooltip(unitTooltip(u));
}

async function loadIncidents() {
  const list = await api('GET', '/api/v1/incidents?limit=200');
  for (const i of list) putIncident(i);
  renderList();
}

async function loadUnits() {
  const list = await api('GET', '/api/v1/units');
  for (const u of list) putUnit(u);
}

async function loadStatic() {
  const cats = await api('GET', '/api/v1/layers');
  const all = cats.flatMap((c) => c.layers);
  const byCode = (code) => all.find((l) => l.code === code);
  const stations = byCode('police_stations');
  if (stations) {
    const fc = await api('GET', `/api/v1/layers/${stations.id}/features`);
    for (const f of fc.features) {
      const [lon, lat] = f.geometry.coordinates;
      const name = currentLang() === 'en' ? f.properties.name_en || f.properties.name : f.properties.name;
      L.marker([lat, lon], {
        icon: L.divIcon({ className: 'station-icon', html: '<span>所</span>', iconSize: [24, 24], iconAnchor: [12, 12] }),
        keyboard: false,
      })
        .bindTooltip(escapeHtml(name))
        .addTo(layers.stations);
    }
  }
  // Cameras of every kind the caller may read, each popup opening the camera's own link.
  for (const code of ['cctv_public_security', 'cctv_traffic', 'cctv_social']) {
    const cams = byCode(code);
    if (!cams) continue;
    const fc = await api('GET', `/api/v1/layers/${cams.id}/features`);
    for (const f of fc.features) {
      if (f.geometry.type !== 'Point') continue;
      const [lon, lat] = f.geometry.coordinates;
      const box = make('div', 'cam-popup');
      box.append(make('strong', null, f.properties.name || f.id));
      // Only web and stream links: an admin-set `javascript:` URL would run in the page.
      // Registered sources carry `url`; older layer imports `video_url`.
      const link = f.properties.url || f.properties.video_url;
      if (typeof link === 'string' && /^(https?|rtsp):\/\//i.test(link)) {
        const a = make('a', null, t('cmd.video'));
        a.href = link;
        a.rel = 'noopener noreferrer';
        a.target = '_blank';
        a.dataset.testid = 'camera-link';
        box.append(make('br'), a);
      }
      if (f.properties.note) box.append(make('p', 'muted', f.properties.note));
      L.circleMarker([lat, lon], { radius: 5, color: '#004d40', weight: 1, fillColor: '#26a69a', fillOpacity: 0.9, className: `cam-marker cam-${code}` })
        .bindPopup(box)
        .addTo(layers.cameras);
    }
  }
  const sites = await api('GET', '/api/v1/key-sites');
  for (const s of sites.sites) {
    const name = currentLang() === 'en' ? s.name_en : s.name_zh;
    L.circleMarker([s.lat, s.lon], {
      radius: 7,
      color: '#4a148c',
      weight: 2,
      fillColor: s.covered ? '#ce93d8' : '#ffffff',
      fillOpacity: 0.95,
    })
      .bindTooltip(escapeHtml(`${name} · ${t('cmd.best_eta')} ${mmss(s.best_eta_s)}`))
      .addTo(layers.key_sites);
  }
  orgs = await api('GET', '/api/v1/orgs');
  renderOrgs();
}

async function loadCoverage(which) {
  const seconds = { cov60: 60, cov180: 180, cov300: 300, gaps: 180 }[which];
  const kind = which === 'gaps' ? 'uncovered' : 'covered';
  const style =
    which === 'gaps'
      ? { color: '#b71c1c', weight: 0, fillColor: COVERAGE_COLOURS.gaps, fillOpacity: 0.35 }
      : { color: COVERAGE_COLOURS.cov60, weight: 0, fillColor: COVERAGE_COLOURS[which], fillOpacity: 0.3 };
  try {
    const fc = await api('GET', `/api/v1/coverage/geojson?seconds=${seconds}`);
    const g = layers[which];
    g.clearLayers();
    L.geoJSON(
      { type: 'FeatureCollection', features: fc.features.filter((f) => f.properties.kind === kind) },
      { style, interactive: false, pane: 'coverage', renderer: coverageRenderer },
    ).addTo(g);
    document.body.dataset[`layer_${which}`] = 'loaded';
  } catch (err) {
    toast(errorText(err), 'error');
  }
}

// Station areas (辖区): fixed per road network, so loaded once, when first shown.
async function loadAreas() {
  if (layers.areas.getLayers().length) return;
  try {
    const fc = await api('GET', '/api/v1/coverage/areas');
    L.geoJSON(fc, {
      style: { color: '#0d47a1', weight: 1.5, dashArray: '5 4', fill: false },
      onEachFeature: (f, l) =>
        l.bindTooltip(escapeHtml(currentLang() === 'en' ? f.properties.name_en : f.properties.name_zh), { sticky: true }),
    }).addTo(layers.areas);
    document.body.dataset.layer_areas = 'loaded';
  } catch (err) {
    toast(errorText(err), 'error');
  }
}

// Road events in force (closures, traffic control, works, accidents), as the traffic police
// publish them and as dispatch routes around them.
async function loadRoadEvents() {
  try {
    const fc = await api('GET', '/api/v1/traffic/road-events.geojson');
    layers.road_events.clearLayers();
    const style = (f) =>
      f.properties.closes_road
        ? { color: ROAD_EVENT_COLOURS.closed, weight: 6, opacity: 0.85, dashArray: '8 6' }
        : { color: ROAD_EVENT_COLOURS.other, weight: 6, opacity: 0.85 };
    L.geoJSON(fc, {
      style,
      pointToLayer: (f, latlng) => L.circleMarker(latlng, { ...style(f), radius: 8, fillOpacity: 0.6 }),
      onEachFeature: (f, l) => {
        const p = f.properties;
        const kind = currentLang() === 'en' ? p.kind : p.kind_zh;
        l.bindTooltip(`${escapeHtml(kind)} · ${escapeHtml(p.street)}<br>${escapeHtml(p.description)}`, { sticky: true });
      },
    }).addTo(layers.road_events);
    document.body.dataset.layer_road_events = 'loaded';
  } catch (err) {
    toast(errorText(err), 'error');
  }
}

// ---------- list and detail ----------

function renderList() {
  const list = $('incidents');
  list.replaceChildren();
  const items = [...incidents.values()].map((e) => e.data).sort((a, b) => (a.created_at < b.created_at ? 1 : -1));
  for (const i of items.slice(0, 60)) {
    const li = make('li', `incident-item pr-${i.priority} is-${i.status}${i.id === selected ? ' selected' : ''}`);
    li.dataset.id = i.id;
    li.dataset.testid = 'incident-item';
    const btn = make('button', 'incident-btn');
    btn.type = 'button';
    btn.append(
      make('span', `prio prio-${i.priority}`, i.priority.toUpperCase()),
      make('span', 'incident-text', `${taxLabel('sub', i.subcategory)} · ${i.address || i.number}`),
      make('span', 'incident-meta', `${clock(i.created_at)} · ${label('incident_status', i.status)}`),
    );
    btn.addEventListener('click', () => select(i.id));
    li.append(btn);
    list.append(li);
  }
}

async function select(id) {
  selected = id;
  renderList();
  await renderDetail(true);
}

function deselect() {
  selected = null;
  recs = [];
  $('detail').hidden = true;
  if (routeLayer) routeLayer.remove();
  routeLayer = null;
  renderList();
}

let routeSeq = 0;
async function drawRoute(rec) {
  const mine = ++routeSeq;
  const u = units.get(rec.unit_id);
  const i = incidents.get(selected);
  if (!u || !i) return;
  const r = await routeLine([u.data.lat, u.data.lon], [i.data.lat, i.data.lon]);
  if (mine !== routeSeq || !r || selected !== i.data.id) return;
  if (routeLayer) routeLayer.remove();
  routeLayer = r.line.addTo(map);
  document.body.dataset.route = rec.unit_id;
}

async function dispatch(unitId) {
  if (!selected) return;
  try {
    await api('POST', `/api/v1/incidents/${selected}/dispatch`, { unit_ids: [unitId] });
    toast(t('cmd.dispatched', { unit: unitName(unitId) }));
    await renderDetail(false);
  } catch (err) {
    toast(errorText(err), 'error');
  }
}

function timelineText(e) {
  const who = e.unit_id ? `${unitName(e.unit_id)} ` : '';
  let extra = '';
  if (e.kind === 'closed' && e.detail && e.detail.result_text) extra = `: ${e.detail.result_text}`;
  if (e.kind === 'handed_over' && e.detail && e.detail.reason) extra = `: ${e.detail.reason}`;
  if (e.kind === 'case_opened' && e.detail && e.detail.case_number) extra = `: ${e.detail.case_number}`;
  if (e.kind === 'note' && e.detail && e.detail.text) extra = `: ${e.detail.text}`;
  if (e.kind === 'cancelled' && e.detail && e.detail.reason) extra = `: ${e.detail.reason}`;
  if (e.kind === 'updated' && e.detail && e.detail.changes) {
    const parts = Object.entries(e.detail.changes).map(([f, c]) => `${f} ${c.old} → ${c.new}`);
    extra = `: ${parts.join('; ')}`;
  }
  return `${who}${label('tl', e.kind)}${extra}`;
}

let renderGen = 0;

/** The unit whose route to show: the top recommendation while new, else a unit still on its way. */
function routeUnit(d, list) {
  if (d.incident.status === 'new') return list[0] ? list[0].unit_id : null;
  const moving = d.assignments.find((a) => ['dispatched', 'acknowledged', 'en_route'].includes(a.status));
  return moving ? moving.unit_id : null;
}

async function renderDetail(fly) {
  const id = selected;
  if (!id) return;
  const gen = ++renderGen;
  let d;
  let list = [];
  let recView = null;
  let recError = null;
  try {
    d = await api('GET', `/api/v1/incidents/${id}`);
    const open = d.incident.status !== 'closed' && d.incident.status !== 'merged';
    if (open) {
      try {
        recView = await api('GET', `/api/v1/incidents/${id}/recommendations?limit=6`);
        list = recView.units;
      } catch (err) {
        recError = errorText(err);
      }
    }
  } catch (err) {
    // Handed over and signed for elsewhere, or no longer ours: it leaves this map.
    if (err.status === 404) dropIncident(id);
    else toast(errorText(err), 'error');
    return;
  }
  // A newer render (or another selection) superseded this one.
  if (gen !== renderGen || selected !== id) return;
  putIncident(d.incident);
  const i = d.incident;
  $('detail').hidden = false;
  $('d-title').textContent = `${i.number}`;
  $('d-summary').textContent = [
    `${taxLabel('cat', i.category)} / ${taxLabel('sub', i.subcategory)}`,
    label('priority', i.priority),
    i.address,
    i.description,
  ]
    .filter(Boolean)
    .join(' · ');
  const st = $('d-status');
  st.textContent = label('incident_status', i.status);
  st.className = `status-badge is-${i.status}`;
  if (fly) map.flyTo([i.lat, i.lon], Math.max(map.getZoom(), 15), { duration: 0.5 });

  const tl = $('timeline');
  tl.replaceChildren();
  for (const e of d.timeline) {
    const li = make('li', `tl-${e.kind}`);
    li.dataset.kind = e.kind;
    li.append(make('time', null, clock(e.at)), make('span', null, timelineText(e)));
    tl.append(li);
  }
  const as = $('assignments');
  as.replaceChildren();
  const open = i.status !== 'closed' && i.status !== 'merged';
  let active = 0;
  for (const a of d.assignments) {
    const li = make('li', null, `${unitName(a.unit_id)} · ${label('assign_status', a.status)}${a.eta_secs != null ? ` · ETA ${mmss(a.eta_secs)}` : ''}`);
    if (open && ACTIVE.includes(a.status)) {
      active++;
      const cancel = make('button', 'btn btn-ghost btn-sm', t('incident.cancel_unit'));
      cancel.type = 'button';
      cancel.dataset.testid = 'cancel-unit';
      cancel.addEventListener('click', () => withdraw(a.unit_id, null));
      const divert = make('button', 'btn btn-ghost btn-sm', t('incident.divert'));
      divert.type = 'button';
      divert.dataset.testid = 'divert-unit';
      divert.addEventListener('click', () => withdraw(a.unit_id, $('w-target').value));
      li.append(' ', cancel, ' ', divert);
    }
    as.append(li);
  }
  if (!d.assignments.length) as.append(make('li', 'muted', t('cmd.none')));
  $('withdraw').hidden = !active;
  fillDivertTargets();
  renderHandoverState(d.incident);
  $('edit').hidden = !open;
  $('note').hidden = !open;
  $('finish').hidden = !open;
  fillEditForm(d.incident);

  const ol = $('recs');
  ol.replaceChildren();
  recs = list;
  renderRecsPlan(recView);
  if (i.status === 'closed' || i.status === 'merged') ol.append(make('li', 'muted', t('cmd.closed_no_recs')));
  else if (recError) ol.append(make('li', 'muted', recError));
  else if (!recs.length) ol.append(make('li', 'muted', t('cmd.no_recs')));
  recs.forEach((r, n) => {
    const li = make('li', 'rec');
    li.dataset.unit = r.unit_id;
    li.dataset.callSign = r.call_sign;
    const txt = make('button', 'rec-text');
    txt.type = 'button';
    txt.append(
      make('strong', null, r.call_sign),
      make('span', 'rec-meta', `${currentLang() === 'en' ? r.org_name_en || r.org_name_zh : r.org_name_zh} · ${label('unit_kind', r.kind)}`),
      make('span', 'rec-eta', `ETA ${mmss(r.eta_s)} · ${(r.distance_m / 1000).toFixed(1)} km`),
      recReason(r),
    );
    txt.addEventListener('click', () => drawRoute(r));
    const go = make('button', 'btn btn-primary btn-sm', n === 0 ? t('cmd.dispatch_key') : t('cmd.dispatch'));
    go.type = 'button';
    go.dataset.testid = 'dispatch';
    go.addEventListener('click', () => dispatch(r.unit_id));
    li.append(txt, go);
    ol.append(li);
  });
  const showRoute = routeUnit(d, recs);
  if (showRoute) drawRoute({ unit_id: showRoute });
  else {
    routeSeq++;
    if (routeLayer) routeLayer.remove();
    routeLayer = null;
    delete document.body.dataset.route;
  }
}

/** What a slot asks for: "2 × 巡逻车 (rifle)". */
function slotText(slot, count) {
  const kit = slot.equipment && slot.equipment.length ? ` (${slot.equipment.join(', ')})` : '';
  return `${count} × ${label('unit_kind', slot.kind)}${kit}`;
}

/** Why a unit has its rank: its type fit (the rule as a tooltip) and the plan slot it fills. */
function recReason(r) {
  const why = make('span', 'rec-why');
  why.dataset.testid = 'rec-why';
  const fit = make('span', `rec-fit fit-${r.fit}`, label('plans.fit', r.fit));
  fit.title = r.fit_reason;
  why.append(fit);
  if (r.travel_mode) {
    // The ETA is at this unit's own travel mode (a foot patrol walks).
    const mode = make('span', 'rec-mode', t('plans.by_mode', { mode: label('setup.mode', r.travel_mode) }));
    mode.dataset.testid = 'rec-mode';
    why.append(mode);
  }
  if (r.plan_slot) {
    const slot = make('span', 'rec-slot', t('plans.fills_slot', { n: r.plan_slot.index + 1, what: label('unit_kind', r.plan_slot.kind) }));
    slot.dataset.testid = 'rec-slot';
    why.append(slot);
  }
  return why;
}

/** The panel's title says the order; the applied plan, its unfilled slots and agencies follow. */
function renderRecsPlan(view) {
  const plan = view && view.plan;
  $('recs-title').textContent = plan ? t('plans.recs_by_plan', { name: plan.name }) : t('plans.recs_by_eta');
  const box = $('recs-plan');
  box.replaceChildren();
  box.hidden = !plan;
  if (!plan) return;
  for (const u of view.unfilled) {
    const line = make('p', 'rec-unfilled', t('plans.unfilled', { what: slotText(u, u.wanted - u.found) }));
    line.dataset.testid = 'rec-unfilled';
    box.append(line);
  }
  if (view.notify.length) {
    box.append(make('p', 'rec-notify', t('plans.notify', { agencies: view.notify.map((a) => label('plans.agency', a)).join('、') })));
  }
}

function renderOrgs() {
  const sel = $('h-org');
  sel.replaceChildren();
  // Escalation: a station or bureau hands the incident up to its parent command room.
  if (me.org.parent_id) {
    const up = make('option', null, t('cmd.escalate_up'));
    up.value = me.org.parent_id;
    sel.append(up);
  }
  for (const o of orgs) {
    if (o.kind === 'city') continue;
    const opt = make('option', null, currentLang() === 'en' ? o.name_en : o.name_zh);
    opt.value = o.id;
    sel.append(opt);
  }
}

// ---------- incident lifecycle: sign-for, withdraw/divert, edit, notes ----------

/** Takes an incident this room no longer sees off the map (and out of the list). */
function dropIncident(id) {
  const gone = incidents.get(id);
  if (gone) layers.incidents.removeLayer(gone.marker);
  incidents.delete(id);
  if (selected === id) deselect();
  renderList();
}

const ACTIVE = ['dispatched', 'acknowledged', 'en_route', 'on_scene'];

/** "Awaiting sign-for" (待签收) for both rooms; the sign-for button only where the incident
 * is now owned — in this room's subtree (the sending room would be answered out of scope). */
function renderHandoverState(i) {
  const box = $('d-handover');
  box.hidden = !i.handover_from;
  if (!i.handover_from) return;
  const from = orgs.find((o) => o.id === i.handover_from);
  const name = from ? (currentLang() === 'en' ? from.name_en : from.name_zh) : i.handover_from.slice(-6);
  $('d-handover-text').textContent = t('incident.awaiting_sign_for', { from: name });
  $('d-sign-for').hidden = !orgs.some((o) => o.id === i.org_id);
}

async function signFor() {
  if (!selected) return;
  try {
    await api('POST', `/api/v1/incidents/${selected}/sign-for`);
    toast(t('incident.signed_for'));
    await renderDetail(false);
  } catch (e) {
    toast(errorText(e), 'error');
  }
}

/** The open incidents a unit may be diverted to: every other one on this map. */
function fillDivertTargets() {
  const sel = $('w-target');
  const keep = sel.value;
  sel.replaceChildren();
  for (const { data } of incidents.values()) {
    if (data.id === selected || data.status === 'closed' || data.status === 'merged') continue;
    const o = make('option', null, `${data.number} · ${taxLabel('sub', data.subcategory)}`);
    o.value = data.id;
    sel.append(o);
  }
  if ([...sel.options].some((o) => o.value === keep)) sel.value = keep;
}

/** Cancels a unit (撤回), or diverts it (改派) to `target` in one step; a reason is required. */
async function withdraw(unitId, target) {
  if (!selected) return;
  const reason = $('w-reason').value.trim();
  if (!reason) {
    toast(t('incident.reason_required'), 'error');
    $('w-reason').focus();
    return;
  }
  try {
    if (target) {
      await api('POST', `/api/v1/incidents/${selected}/units/${unitId}/divert`, { to_incident: target, reason });
      toast(t('incident.diverted', { unit: unitName(unitId) }));
    } else {
      await api('POST', `/api/v1/incidents/${selected}/units/${unitId}/cancel`, { reason });
      toast(t('incident.cancelled', { unit: unitName(unitId) }));
    }
    $('w-reason').value = '';
    await renderDetail(false);
  } catch (e) {
    toast(errorText(e), 'error');
  }
}

let editing = null; // the incident as the edit form was filled

function fillEditForm(i) {
  // Keep what the dispatcher is typing when a live refresh comes in.
  if ($('edit').open && editing && editing.id === i.id) return;
  editing = i;
  $('e-lat').value = i.lat.toFixed(6);
  $('e-lon').value = i.lon.toFixed(6);
  $('e-address').value = i.address;
  fillSelect($('e-category'), categories(), (v) => taxLabel('cat', v));
  $('e-category').value = i.category;
  fillEditSubs();
  $('e-subcategory').value = i.subcategory;
  fillSelect($('e-priority'), priorities(), (v) => label('priority', v));
  $('e-priority').value = i.priority;
}

function fillEditSubs() {
  const subs = subcategories($('e-category').value);
  fillSelect($('e-subcategory'), subs.map((x) => x.code), (v) => taxLabel('sub', v));
}

/** Sends only the fields that changed (PATCH). */
async function saveEdit(ev) {
  ev.preventDefault();
  if (!selected || !editing) return;
  const now = {
    lat: Number($('e-lat').value),
    lon: Number($('e-lon').value),
    address: $('e-address').value.trim(),
    category: $('e-category').value,
    subcategory: $('e-subcategory').value,
    priority: $('e-priority').value,
  };
  const body = {};
  for (const [k, v] of Object.entries(now)) {
    const was = k === 'lat' || k === 'lon' ? Number(editing[k].toFixed(6)) : editing[k];
    if (v !== was) body[k] = v;
  }
  try {
    await api('PATCH', `/api/v1/incidents/${selected}`, body);
    toast(t('incident.updated'));
    editing = null;
    $('edit').open = false;
    await renderDetail(false);
  } catch (e) {
    toast(errorText(e), 'error');
  }
}

/** 办结 from the command room: the result, and every unit still on it is cleared. */
async function finish(ev) {
  ev.preventDefault();
  if (!selected) return;
  const text = $('x-text').value.trim();
  if (text.length < 4) {
    toast(t('incident.finish_text_required'), 'error');
    $('x-text').focus();
    return;
  }
  try {
    await api('POST', `/api/v1/incidents/${selected}/close`, { result_code: $('x-code').value, result_text: text });
    $('x-text').value = '';
    $('finish').open = false;
    toast(t('incident.finished'));
    await renderDetail(false);
  } catch (e) {
    toast(errorText(e), 'error');
  }
}

async function addNote(ev) {
  ev.preventDefault();
  if (!selected) return;
  const text = $('n-text').value.trim();
  if (!text) return;
  try {
    await api('POST', `/api/v1/incidents/${selected}/notes`, { text, for_crew: $('n-crew').checked });
    $('n-text').value = '';
    $('n-crew').checked = false;
    toast(t('incident.note_added'));
    await renderDetail(false);
  } catch (e) {
    toast(errorText(e), 'error');
  }
}

// ---------- caller history at intake ----------

let historyTimer = null;
let historyGen = 0;

/** Asks for the caller's history while the number is typed (debounced), with the picked
 * location if there is one. */
function historySoon() {
  clearTimeout(historyTimer);
  historyTimer = setTimeout(loadHistory, 400);
}

async function loadHistory() {
  const phone = $('f-caller-phone').value.trim();
  const lat = Number($('f-lat').value);
  const lon = Number($('f-lon').value);
  const q = new URLSearchParams();
  if (phone.replace(/\D/g, '').length >= 7) q.set('phone', phone);
  if ($('f-lat').value && $('f-lon').value && Number.isFinite(lat) && Number.isFinite(lon)) {
    q.set('lat', String(lat));
    q.set('lon', String(lon));
  }
  const box = $('f-history');
  if (![...q.keys()].length) {
    box.hidden = true;
    return;
  }
  const gen = ++historyGen;
  let h;
  try {
    h = await api('GET', `/api/v1/callers/history?${q}`);
  } catch {
    return;
  }
  if (gen !== historyGen) return;
  const parts = [];
  if (h.by_phone_count != null) parts.push(t('incident.history_phone', { n: h.by_phone_count }));
  if (h.nearby_count != null) parts.push(t('incident.history_nearby', { n: h.nearby_count }));
  $('f-history-summary').textContent = parts.join(' · ');
  const list = $('f-history-list');
  list.replaceChildren();
  const seen = new Set();
  for (const x of [...h.by_phone, ...h.nearby]) {
    if (seen.has(x.id)) continue;
    seen.add(x.id);
    const result = x.result_text ? ` · ${x.result_text}` : '';
    const where = x.distance_m != null ? ` · ${Math.round(x.distance_m)} m` : '';
    list.append(
      make(
        'li',
        null,
        `${x.created_at.slice(0, 10)} ${x.number} · ${taxLabel('sub', x.subcategory)} · ${label('incident_status', x.status)}${result}${where}`,
      ),
    );
  }
  box.hidden = false;
}

// ---------- intake form ----------

function fillSelect(sel, values, labelOf) {
  const keep = sel.value;
  sel.replaceChildren();
  for (const v of values) {
    const o = make('option', null, labelOf(v));
    o.value = v;
    sel.append(o);
  }
  if (values.includes(keep)) sel.value = keep;
}

function fillTaxonomy() {
  fillSelect($('f-category'), categories(), (v) => taxLabel('cat', v));
  fillSubs();
  fillSelect($('f-priority'), priorities(), (v) => label('priority', v));
  fillSelect($('f-source'), sources(), (v) => label('source', v));
}

function fillSubs() {
  const subs = subcategories($('f-category').value);
  fillSelect($('f-subcategory'), subs.map((s) => s.code), (v) => taxLabel('sub', v));
  setDefaultPriority();
}

function setDefaultPriority() {
  const hit = subcategories($('f-category').value).find((s) => s.code === $('f-subcategory').value);
  if (hit) $('f-priority').value = hit.suggested_priority;
}

function openForm() {
  $('new-form').hidden = false;
  $('f-address').focus();
}

// The address field was filled from a map click (not typed), so another click may replace it.
let addressFromMap = false;

/** A map click at intake: the point, and its nearest address unless one was typed. */
async function pickOnMap(lat, lon) {
  placePick(lat, lon);
  if ($('f-address').value.trim() && !addressFromMap) return;
  const near = await addressNear(lat, lon);
  if (near && (!$('f-address').value.trim() || addressFromMap)) {
    $('f-address').value = near;
    addressFromMap = true;
  }
}

/** A geocoder candidate picked at intake: it sets the location and shows it on the map. */
function pickAddress(c) {
  addressFromMap = false;
  placePick(c.lat, c.lon);
  map.setView([c.lat, c.lon], Math.max(map.getZoom(), 16));
}

function closeForm() {
  $('new-form').hidden = true;
  $('f-error').hidden = true;
  if (pickMarker) pickMarker.remove();
  pickMarker = null;
}

function placePick(lat, lon) {
  $('f-lat').value = lat.toFixed(6);
  $('f-lon').value = lon.toFixed(6);
  historySoon();
  if (pickMarker) pickMarker.setLatLng([lat, lon]);
  else pickMarker = L.circleMarker([lat, lon], { radius: 12, color: '#0d47a1', weight: 3, fillOpacity: 0.1 }).addTo(map);
}

async function submitForm(ev) {
  ev.preventDefault();
  const lat = Number($('f-lat').value);
  const lon = Number($('f-lon').value);
  const err = $('f-error');
  err.hidden = true;
  const body = {
    lat,
    lon,
    address: $('f-address').value.trim(),
    category: $('f-category').value,
    subcategory: $('f-subcategory').value,
    priority: $('f-priority').value,
    source: $('f-source').value,
    caller_name: $('f-caller-name').value.trim(),
    caller_phone: $('f-caller-phone').value.trim(),
    description: $('f-description').value.trim(),
  };
  try {
    const r = await api('POST', '/api/v1/incidents', body);
    putIncident(r.incident);
    closeForm();
    $('f-history').hidden = true;
    $('f-description').value = '';
    $('f-address').value = '';
    addressFromMap = false;
    toast(t('cmd.created', { number: r.incident.number }));
    if (r.possible_duplicates && r.possible_duplicates.length) {
      const first = r.possible_duplicates[0];
      const why = (first.reasons || []).map((x) => t(`incident.dup_${x}`)).join(', ');
      toast(`${t('cmd.possible_duplicate', { number: first.number })} (${why})`, 'error');
    }
    if (r.handed_over) {
      toast(t('incident.recorded_and_handed_over'));
    }
    await select(r.incident.id);
  } catch (e) {
    let text = errorText(e);
    const fields = e.problem && e.problem.errors;
    if (Array.isArray(fields) && fields.length) text += ` (${fields.map((f) => f.field).join(', ')})`;
    err.textContent = text;
    err.hidden = false;
  }
}

async function handover(ev) {
  ev.preventDefault();
  if (!selected) return;
  try {
    await api('POST', `/api/v1/incidents/${selected}/handover`, { to_org: $('h-org').value, reason: $('h-reason').value.trim() });
    toast(t('cmd.handed_over'));
    $('h-reason').value = '';
    // Escalated out of this room's jurisdiction: it leaves this map.
    const stillOurs = await api('GET', `/api/v1/incidents/${selected}`).then(
      () => true,
      () => false,
    );
    if (stillOurs) {
      await renderDetail(false);
    } else {
      dropIncident(selected);
    }
  } catch (e) {
    toast(errorText(e), 'error');
  }
}

// ---------- hazmat zones ----------

/** The threat zones of the open hazmat responses (the fire command's, computed from the live
 * wind), so the 110 room sees where not to send anyone. */
async function loadHazmat() {
  let list;
  try {
    list = await api('GET', '/api/v1/hazmat/responses');
  } catch {
    return; // A role without hazmat data sees no zones.
  }
  const open = list.filter((r) => !r.response.closed_at);
  const pictures = await Promise.all(
    open.map((r) => api('GET', `/api/v1/hazmat/responses/${r.response.id}`).catch(() => null)),
  );
  layers.hazmat.clearLayers();
  for (const d of pictures) {
    if (!d || !d.picture) continue;
    const name = `${d.response.title} · ${currentLang() === 'en' ? d.chemical.name_en : d.chemical.name_zh}`;
    L.geoJSON(d.picture.geojson, {
      style: (f) => ({ color: f.properties.color, weight: 2, fillColor: f.properties.color, fillOpacity: 0.15, dashArray: f.properties.kind === 'protective_action' ? '6 4' : null }),
    })
      .bindTooltip(escapeHtml(name))
      .addTo(layers.hazmat);
  }
}

// ---------- live updates ----------

let source = null;
function connectLive() {
  source = new EventSource('/api/v1/events');
  const live = $('live');
  // On every (re)connection, reload what may have changed while the stream was not yet (or no
  // longer) listening; from then on events keep the map current.
  source.onopen = () => {
    live.classList.add('on');
    loadIncidents();
    loadUnits();
  };
  source.onerror = () => live.classList.remove('on');
  source.addEventListener('incident', async (ev) => {
    const { incident_id: id } = JSON.parse(ev.data);
    if (id === selected) {
      await renderDetail(false);
    } else {
      try {
        const d = await api('GET', `/api/v1/incidents/${id}`);
        putIncident(d.incident);
      } catch (err) {
        if (err.status !== 404) return;
        dropIncident(id);
      }
    }
    renderList();
  });
  source.addEventListener('unit', async (ev) => {
    const { unit_id: id } = JSON.parse(ev.data);
    try {
      putUnit(await api('GET', `/api/v1/units/${id}`));
    } catch {
      // Out of view or gone.
    }
  });
  source.addEventListener('coverage_alert', () => {
    for (const k of ['cov60', 'cov180', 'cov300', 'gaps']) if (map.hasLayer(layers[k])) loadCoverage(k);
  });
  let hazmatTimer = null;
  source.addEventListener('hazmat', (ev) => {
    const { kind } = JSON.parse(ev.data);
    if (kind !== 'response' && kind !== 'weather') return;
    clearTimeout(hazmatTimer);
    hazmatTimer = setTimeout(loadHazmat, 500);
  });
  source.addEventListener('lagged', () => {
    loadIncidents();
    loadUnits();
    loadHazmat();
  });
}

// ---------- keys and help ----------

function toggleHelp(show) {
  $('help').hidden = !show;
  if (show) $('help-close').focus();
}

function onKey(ev) {
  const tag = (ev.target && ev.target.tagName) || '';
  const typing = ['INPUT', 'TEXTAREA', 'SELECT'].includes(tag);
  if (ev.key === 'Escape') {
    if (!$('help').hidden) toggleHelp(false);
    else if (!$('new-form').hidden) closeForm();
    else deselect();
    return;
  }
  if (typing || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  const k = ev.key.toLowerCase();
  if (k === 'n') {
    ev.preventDefault();
    openForm();
  } else if (k === 'd' && recs.length) {
    ev.preventDefault();
    dispatch(recs[0].unit_id);
  } else if (k === 'r') {
    loadIncidents();
    loadUnits();
  } else if (ev.key === '?') {
    toggleHelp($('help').hidden);
  }
}

if (me) {
  try {
    await loadTaxonomy();
  } catch (err) {
    toast(errorText(err), 'error');
  }
  fillTaxonomy();
  buildControl();
  for (const k of shownByDefault) layers[k].addTo(map);
  map.on('overlayadd', (e) => {
    for (const [k, layer] of Object.entries(layers)) if (layer === e.layer && k.match(/^cov|gaps/)) loadCoverage(k);
    if (e.layer === layers.areas) loadAreas();
    if (e.layer === layers.road_events) loadRoadEvents();
  });
  // Road events change rarely and are public: a look every 30 s keeps the layer current.
  loadRoadEvents();
  setInterval(() => map.hasLayer(layers.road_events) && loadRoadEvents(), 30_000);
  map.on('click', (e) => {
    if (!$('new-form').hidden) pickOnMap(e.latlng.lat, e.latlng.lng);
  });
  $('new-btn').addEventListener('click', openForm);
  $('f-cancel').addEventListener('click', closeForm);
  $('new-form').addEventListener('submit', submitForm);
  $('f-category').addEventListener('change', fillSubs);
  $('f-subcategory').addEventListener('change', setDefaultPriority);
  $('handover-form').addEventListener('submit', handover);
  $('d-sign-for').addEventListener('click', signFor);
  $('edit-form').addEventListener('submit', saveEdit);
  $('e-category').addEventListener('change', fillEditSubs);
  $('note-form').addEventListener('submit', addNote);
  $('finish-form').addEventListener('submit', finish);
  $('f-caller-phone').addEventListener('input', historySoon);
  attachAddressSearch($('f-address'), $('f-address-list'), pickAddress);
  $('f-address').addEventListener('input', () => {
    addressFromMap = false;
  });
  $('f-lat').addEventListener('change', historySoon);
  $('f-lon').addEventListener('change', historySoon);
  $('d-close').addEventListener('click', deselect);
  $('help-btn').addEventListener('click', () => toggleHelp(true));
  $('help-close').addEventListener('click', () => toggleHelp(false));
  document.addEventListener('keydown', onKey);
  document.addEventListener('langchange', () => {
    fillTaxonomy();
    buildControl();
    renderOrgs();
    renderList();
    for (const e of units.values()) e.marker.bindTooltip(unitTooltip(e.data));
    for (const e of incidents.values()) e.marker.bindTooltip(incidentLabel(e.data));
    if (selected) renderDetail(false);
  });
  connectLive();
  try {
    await Promise.all([loadUnits(), loadIncidents()]);
    document.body.dataset.ready = '1';
    await Promise.all([loadStatic(), loadHazmat()]);
  } catch (err) {
    toast(errorText(err), 'error');
  }
}
