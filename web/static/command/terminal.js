// Officer terminal (警务终端), phone-sized: the crew's unit, its current assignment with map
// and route, progress buttons, closing with a result, resumable scene media upload, history.
// Assignments arrive through the unit's durable message log, polled by sequence number (the
// last one seen is kept in localStorage); server-sent events only make it poll at once.
import { boot, api, t, $, make, toast, errorText, clock, mmss, label, ApiError } from '../js/shell.js';
import { createMap, unitIcon, incidentStyle, routeLine } from './mapkit.js';
import { loadTaxonomy, taxLabel } from './taxonomy.js';

const L = window.L;
const POLL_MS = 3000;
const CHUNK = 64 * 1024;
const me = await boot(['officer', 'dispatcher']);

let unit = null;
let detail = null; // the current incident's detail
let tmap = null;
let mapLayers = null;
let routeLayer = null;
let routeKey = '';
let seqKey = '';
let history = [];

function mine(u) {
  return (u.crew || []).includes(me.username);
}

function loadHistory() {
  try {
    history = JSON.parse(localStorage.getItem(`${seqKey}.history`) || '[]');
  } catch {
    history = [];
  }
}

function saveState(seq) {
  try {
    localStorage.setItem(seqKey, String(seq));
    localStorage.setItem(`${seqKey}.history`, JSON.stringify(history.slice(-50)));
  } catch {
    // Storage off: this page still works, it just re-reads messages next time.
  }
}

function lastSeq() {
  const v = Number(localStorage.getItem(seqKey));
  return Number.isFinite(v) ? v : 0;
}

function renderHistory() {
  const ul = $('history');
  ul.replaceChildren();
  for (const m of [...history].reverse()) {
    const b = m.body || {};
    const what = b.type === 'assignment' ? [b.number, taxLabel('sub', b.subcategory), b.address].filter(Boolean).join(' · ') : m.kind;
    ul.append(make('li', null, `${clock(m.at)} ${what}`));
  }
}

function renderUnit() {
  $('unit-name').textContent = unit.call_sign;
  const st = $('unit-status');
  st.textContent = label('unit_status', unit.status);
  st.className = `status-badge is-${unit.status}`;
}

function myAssignment() {
  return detail ? detail.assignments.find((a) => a.unit_id === unit.id) : null;
}

function renderButtons() {
  const a = myAssignment();
  const s = unit.status;
  const open = detail && detail.incident.status !== 'closed';
  $('b-ack').disabled = !(open && a && a.status === 'dispatched');
  $('b-enroute').disabled = !(open && s === 'dispatched');
  $('b-onscene').disabled = !(open && (s === 'en_route' || s === 'dispatched'));
  $('b-close').disabled = !(open && s === 'on_scene');
}

async function drawMap() {
  const i = detail.incident;
  if (!tmap) {
    tmap = createMap('tmap', { center: [i.lat, i.lon], zoom: 15 });
    mapLayers = L.layerGroup().addTo(tmap);
    routeLayer = L.layerGroup().addTo(tmap);
  }
  mapLayers.clearLayers();
  L.circleMarker([i.lat, i.lon], incidentStyle(i)).addTo(mapLayers);
  const pts = [[i.lat, i.lon]];
  if (unit.lat != null) {
    L.marker([unit.lat, unit.lon], { icon: unitIcon(unit), keyboard: false }).addTo(mapLayers);
    pts.push([unit.lat, unit.lon]);
  }
  tmap.fitBounds(L.latLngBounds(pts).pad(0.4), { maxZoom: 16 });
  const key = `${i.id}:${unit.lat}:${unit.lon}`;
  if (i.status === 'closed') {
    routeLayer.clearLayers();
    routeKey = '';
  } else if (unit.lat != null && key !== routeKey) {
    routeKey = key;
    const r = await routeLine([unit.lat, unit.lon], [i.lat, i.lon]);
    if (r && routeKey === key) {
      routeLayer.clearLayers();
      r.line.addTo(routeLayer);
      $('a-route').textContent = t('term.route', { time: mmss(r.seconds) });
    }
  }
}

async function renderAssignment() {
  const has = Boolean(detail);
  $('a-none').hidden = has;
  $('a-body').hidden = !has;
  $('upload-box').hidden = !has;
  if (!has) return;
  const i = detail.incident;
  $('a-title').textContent = `${i.number} · ${taxLabel('sub', i.subcategory)} · ${label('priority', i.priority)}`;
  $('a-where').textContent = i.address;
  $('a-desc').textContent = i.description;
  $('a-caller').textContent = `${t('term.caller')}: ${i.caller_name} ${i.caller_phone}`;
  const st = $('a-status');
  st.textContent = label('incident_status', i.status);
  st.className = `status-badge is-${i.status}`;
  renderButtons();
  await drawMap();
}

let currentIncident = null;
async function refresh() {
  unit = await api('GET', `/api/v1/units/${unit.id}`);
  renderUnit();
  // The unit's incident, or the one we were on until it is closed and acknowledged.
  const id = unit.incident_id || currentIncident;
  if (id) {
    try {
      detail = await api('GET', `/api/v1/incidents/${id}`);
      currentIncident = detail.incident.status === 'closed' && !unit.incident_id ? currentIncident : id;
    } catch {
      detail = null;
    }
  } else {
    detail = null;
  }
  await renderAssignment();
}

let timer = null;
let polling = false;
let again = false;

function schedule(ms) {
  clearTimeout(timer);
  timer = setTimeout(poll, ms);
}

async function poll() {
  // One poll at a time, so a message is never taken twice.
  if (polling) {
    again = true;
    return;
  }
  polling = true;
  try {
    const msgs = await api('GET', `/api/v1/units/${unit.id}/messages?after=${lastSeq()}`);
    if (msgs.length) {
      for (const m of msgs) {
        history.push(m);
        if (m.body && m.body.type === 'assignment') {
          currentIncident = m.body.incident_id;
          toast(t('term.new_assignment', { number: m.body.number }));
        }
      }
      saveState(msgs[msgs.length - 1].seq);
      renderHistory();
    }
    await refresh();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) window.location.replace('/login');
  } finally {
    polling = false;
    schedule(again ? 0 : POLL_MS);
    again = false;
  }
}

/** Server-sent events only say "look now"; the message log stays the source of truth. */
function listen() {
  const source = new EventSource('/api/v1/events');
  source.addEventListener('terminal', (ev) => {
    if (JSON.parse(ev.data).unit_id === unit.id) schedule(0);
  });
  source.addEventListener('unit', (ev) => {
    if (JSON.parse(ev.data).unit_id === unit.id) schedule(0);
  });
  source.addEventListener('incident', (ev) => {
    if (detail && JSON.parse(ev.data).incident_id === detail.incident.id) schedule(0);
  });
}

async function act(fn) {
  try {
    await fn();
    toast(t('term.done'));
  } catch (err) {
    toast(errorText(err), 'error');
  }
  await refresh();
}

// ---------- media upload: chunked, each chunk with its SHA-256, resumable ----------

async function sha256Hex(buf) {
  const d = await crypto.subtle.digest('SHA-256', buf);
  return [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function putChunk(uploadId, offset, bytes) {
  const res = await fetch(`/api/v1/media/uploads/${uploadId}/chunks/${offset}`, {
    method: 'PUT',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/octet-stream', 'x-chunk-sha256': await sha256Hex(bytes) },
    body: bytes,
  });
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, body, res.headers);
  return body;
}

async function upload(ev) {
  ev.preventDefault();
  const file = $('u-file').files[0];
  const status = $('u-status');
  if (!file || !detail) {
    status.textContent = t('term.pick_file');
    return;
  }
  const bar = $('u-progress');
  bar.hidden = false;
  bar.value = 0;
  const all = await file.arrayBuffer();
  try {
    let up = await api('POST', `/api/v1/incidents/${detail.incident.id}/media`, {
      file_name: file.name,
      content_type: file.type || 'application/octet-stream',
      size: file.size,
      sha256: await sha256Hex(all),
      chunk_size: CHUNK,
    });
    let offset = up.received_bytes;
    let failures = 0;
    while (up.status !== 'complete') {
      const bytes = all.slice(offset, offset + up.chunk_size);
      try {
        up = await putChunk(up.id, offset, bytes);
        offset = up.received_bytes;
        failures = 0;
      } catch (err) {
        // A dropped connection or a chunk the server already had: ask where to go on.
        const retry = (err instanceof ApiError && (err.status === 0 || err.status === 409)) || err instanceof TypeError;
        if (!retry || ++failures > 10) throw err;
        status.textContent = t('term.resuming');
        await sleep(Math.min(500 * failures, 5000));
        up = await api('GET', `/api/v1/media/uploads/${up.id}`);
        offset = up.received_bytes;
      }
      bar.value = Math.round((100 * offset) / Math.max(1, file.size));
      status.textContent = t('term.uploading', { pct: bar.value });
    }
    bar.value = 100;
    status.textContent = t('term.uploaded', { name: file.name });
    $('u-file').value = '';
  } catch (err) {
    status.textContent = errorText(err);
  }
}

if (me) {
  // Without the taxonomy, sub-categories show as their codes.
  const [units] = await Promise.all([api('GET', '/api/v1/units'), loadTaxonomy().catch(() => null)]);
  unit = units.find(mine) || null;
  if (!unit) {
    $('no-unit').hidden = false;
  } else {
    seqKey = `jingwu.term.${unit.id}.seq`;
    loadHistory();
    renderHistory();
    renderUnit();
    $('b-ack').addEventListener('click', () =>
      act(() => api('POST', `/api/v1/units/${unit.id}/acknowledge`, { incident_id: detail.incident.id })),
    );
    $('b-enroute').addEventListener('click', () => act(() => api('POST', `/api/v1/units/${unit.id}/status`, { status: 'en_route' })));
    $('b-onscene').addEventListener('click', () => act(() => api('POST', `/api/v1/units/${unit.id}/status`, { status: 'on_scene' })));
    $('b-close').addEventListener('click', () => {
      $('close-form').hidden = false;
      $('c-text').focus();
    });
    $('close-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      act(async () => {
        await api('POST', `/api/v1/incidents/${detail.incident.id}/close`, {
          result_code: $('c-code').value,
          result_text: $('c-text').value.trim(),
        });
        $('close-form').hidden = true;
        $('c-text').value = '';
      });
    });
    $('upload-form').addEventListener('submit', upload);
    document.addEventListener('langchange', () => {
      renderUnit();
      renderHistory();
      renderAssignment();
    });
    await refresh();
    document.body.dataset.ready = '1';
    listen();
    poll();
  }
}
