// Officer terminal (警务终端), phone-first: the crew's unit, its current job with map, route,
// tap-to-call and hand-off to the phone's navigation, the next valid step, closing with a
// result, resumable scene media upload with thumbnails, and the message history.
// Everything the command room sends arrives over the terminal WebSocket protocol (the same as
// the native terminals'), resumed from the last sequence kept in localStorage; status changes
// and acknowledgements go over the socket too. What the job and the unit are is always read
// back from the API (the message log says *that* something changed), so a closed or withdrawn
// job is never shown as the current one. The event stream only says "look now" for changes
// that are not messages to the crew. The phone's position (navigator.geolocation) goes to the
// server as the socket's `position` frames, as a native terminal's AVL does: a unit is
// recommended only with a recent fix. The crew goes on and off duty here when no roster does.
import { boot, api, t, $, make, toast, errorText, clock, mmss, label, ApiError } from '../js/shell.js';
import { createMap, unitIcon, incidentStyle, routeLine } from './mapkit.js';
import { loadTaxonomy, taxLabel } from './taxonomy.js';
import { TerminalSocket } from './terminal-socket.js';

const L = window.L;
const CHUNK = 64 * 1024;
/** At most one fix every 5 s, unless the phone moved farther than 30 m. */
const FIX_EVERY_MS = 5_000;
const FIX_MOVED_M = 30;
/** A phone standing still may report nothing: ask for a fresh fix after a minute of silence
 * (the server recommends a unit only with a fix of the last 10 minutes). */
const FIX_KEEPALIVE_MS = 60_000;
const me = await boot(['officer', 'dispatcher']);

let unit = null;
let detail = null; // the current job's incident detail (never a closed one)
let socket = null;
let tmap = null;
let mapLayers = null;
let routeLayer = null;
let routeKey = '';
let framedKey = '';
let following = true; // the map follows the unit until the user pans it
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
    // Storage off: this page still works, it just takes the log again next time.
  }
}

function lastSeq() {
  const v = Number(localStorage.getItem(seqKey));
  return Number.isFinite(v) && v >= 0 ? v : 0;
}

/** The text fields of a message body, whatever kind it is (ids left out). */
function bodyTexts(b) {
  const out = [];
  const walk = (obj, prefix) => {
    for (const [k, v] of Object.entries(obj || {})) {
      if (k === 'type' || k.endsWith('_id') || k === 'id') continue;
      if (typeof v === 'string' || typeof v === 'number') out.push(`${prefix}${k}: ${v}`);
      else if (v && typeof v === 'object' && !Array.isArray(v)) walk(v, `${prefix}${k}.`);
    }
  };
  walk(b, '');
  return out;
}

/** One line about a message: what the crew needs to read. */
function describe(m) {
  const b = m.body || {};
  const kind = label('term.kind', m.kind);
  if (m.kind === 'assignment') return [kind, b.number, taxLabel('sub', b.subcategory), b.address].filter(Boolean).join(' · ');
  if (m.kind === 'cancelled' && b.diverted_to) {
    return [t('term.diverted', { from: b.number || '', to: b.diverted_to.number || '' }), b.reason].filter(Boolean).join(' · ');
  }
  const reason = b.reason || b.note || b.result_text;
  const texts = reason ? [reason] : bodyTexts(b);
  return [kind, b.number, ...texts].filter(Boolean).join(' · ');
}

function renderHistory() {
  const ul = $('history');
  ul.replaceChildren();
  for (const m of [...history].reverse()) ul.append(make('li', null, `${clock(m.at)} ${describe(m)}`));
}

/** The incident the shown notice diverted the unit to: its assignment keeps the notice up. */
let divertedTo = null;

/** A notice the crew must see until the next one: withdrawn (or diverted), updated, closed. */
function notice(m) {
  const box = $('notice');
  const b = m.body || {};
  const diverted = m.kind === 'cancelled' && b.diverted_to ? b.diverted_to : null;
  divertedTo = diverted ? diverted.id : null;
  box.hidden = false;
  box.className = `alert notice is-${diverted ? 'diverted' : m.kind}`;
  box.replaceChildren(
    make('strong', null, diverted ? t('term.diverted', { from: b.number || '', to: diverted.number || '' }) : label('term.kind', m.kind)),
  );
  const lines = m.kind === 'incident_updated' ? bodyTexts(b) : [b.reason || b.note || b.result_text || bodyTexts(b).join(' · ')];
  for (const line of lines.filter(Boolean)) box.append(make('p', null, line));
}

function renderUnit() {
  $('unit-name').textContent = unit.call_sign;
  $('unit-kind-label').textContent = t(unit.kind === 'foot_patrol' ? 'term.unit_foot' : 'term.unit');
  const st = $('unit-status');
  st.textContent = label('unit_status', unit.status);
  st.className = `status-badge is-${unit.status}`;
}

function myAssignment() {
  return detail ? detail.assignments.find((a) => a.unit_id === unit.id) : null;
}

/** Only what the status machine allows next (served with the unit) is enabled. */
function renderButtons() {
  const a = myAssignment();
  const next = new Set((unit.next_statuses || []).filter((n) => !n.reason_required).map((n) => n.status));
  const buttons = {
    'b-ack': Boolean(a && a.status === 'dispatched' && !a.acknowledged_at),
    'b-enroute': next.has('en_route'),
    'b-onscene': next.has('on_scene'),
    'b-close': unit.status === 'on_scene',
  };
  // On and off duty by hand, without a job (a roster does it by itself for rostered units).
  const onDuty = next.has('available') && !a && (unit.status === 'off_duty' || unit.status === 'busy');
  const offDuty = next.has('off_duty') && !a;
  $('duty').hidden = !onDuty && !offDuty;
  $('b-onduty').disabled = !onDuty;
  $('b-offduty').disabled = !offDuty;
  let marked = false;
  for (const [id, on] of Object.entries(buttons)) {
    const b = $(id);
    b.disabled = !on;
    // The first enabled step is the one to take now.
    b.classList.toggle('is-next', on && !marked);
    if (on) marked = true;
  }
}

function frame(points) {
  tmap.fitBounds(L.latLngBounds(points).pad(0.4), { maxZoom: 16 });
}

async function drawMap() {
  const i = detail.incident;
  if (!tmap) {
    tmap = createMap('tmap', { center: [i.lat, i.lon], zoom: 15 });
    mapLayers = L.layerGroup().addTo(tmap);
    routeLayer = L.layerGroup().addTo(tmap);
    // A pan by the user stops the following until "re-centre".
    tmap.on('dragstart', () => {
      following = false;
      $('b-recenter').hidden = false;
    });
  }
  mapLayers.clearLayers();
  L.circleMarker([i.lat, i.lon], incidentStyle(i)).addTo(mapLayers);
  const pts = [[i.lat, i.lon]];
  if (unit.lat != null) {
    L.marker([unit.lat, unit.lon], { icon: unitIcon(unit), keyboard: false }).addTo(mapLayers);
    pts.push([unit.lat, unit.lon]);
  }
  // Framed again only when the job or the unit's place changed, and only while following.
  const key = `${i.id}:${unit.lat}:${unit.lon}`;
  if (following && key !== framedKey) {
    framedKey = key;
    frame(pts);
  }
  $('b-recenter').onclick = () => {
    following = true;
    $('b-recenter').hidden = true;
    framedKey = key;
    frame(pts);
  };
  // A route only while getting there.
  const going = unit.status === 'dispatched' || unit.status === 'en_route';
  if (!going || unit.lat == null) {
    routeLayer.clearLayers();
    routeKey = '';
    $('a-route').textContent = '';
  } else if (key !== routeKey) {
    routeKey = key;
    const r = await routeLine([unit.lat, unit.lon], [i.lat, i.lon]);
    if (r && routeKey === key) {
      routeLayer.clearLayers();
      r.line.addTo(routeLayer);
      $('a-route').textContent = t('term.route', { time: mmss(r.seconds) });
    }
  }
}

function renderContact(i) {
  const caller = $('a-caller');
  caller.replaceChildren(document.createTextNode(`${t('term.caller')}: ${i.caller_name || ''} `));
  if (i.caller_phone) {
    const tel = make('a', 'btn btn-secondary', `${t('term.call')} ${i.caller_phone}`);
    tel.href = `tel:${String(i.caller_phone).replace(/[^0-9+]/g, '')}`;
    tel.dataset.testid = 'a-call';
    caller.append(tel);
  }
  const nav = $('a-nav');
  const q = encodeURIComponent(i.address || i.number || '');
  nav.href = `geo:${i.lat},${i.lon}?q=${i.lat},${i.lon}(${q})`;
}

async function renderThumbs(id) {
  const box = $('thumbs');
  let items = [];
  try {
    items = await api('GET', `/api/v1/incidents/${id}/media`);
  } catch {
    items = [];
  }
  if (!detail || detail.incident.id !== id) return;
  box.replaceChildren();
  for (const m of items) {
    const a = make('a', 'thumb');
    a.href = m.url;
    a.target = '_blank';
    a.rel = 'noopener';
    if (m.kind === 'photo') {
      const img = make('img');
      img.src = m.url;
      img.alt = m.file_name;
      img.loading = 'lazy';
      a.append(img);
    } else {
      a.append(make('span', 'thumb-video', m.file_name));
    }
    box.append(a);
  }
}

async function renderAssignment() {
  const has = Boolean(detail);
  $('a-none').hidden = has;
  $('a-body').hidden = !has;
  $('upload-box').hidden = !has;
  renderButtons();
  if (!has) return;
  const i = detail.incident;
  $('a-title').textContent = `${i.number} · ${taxLabel('sub', i.subcategory)} · ${label('priority', i.priority)}`;
  $('a-where').textContent = i.address;
  $('a-desc').textContent = i.description;
  renderContact(i);
  const st = $('a-status');
  st.textContent = label('incident_status', i.status);
  st.className = `status-badge is-${i.status}`;
  await drawMap();
}

/**
 * Re-reads the unit and its job; the job is only ever the unit's open incident. Both are read
 * before either is shown, so the status badge and the step buttons never disagree.
 */
async function refresh() {
  const u = await api('GET', `/api/v1/units/${unit.id}`);
  let job = null;
  if (u.incident_id) {
    try {
      const d = await api('GET', `/api/v1/incidents/${u.incident_id}`);
      if (d.incident.status !== 'closed') job = d;
    } catch {
      job = null;
    }
  }
  unit = u;
  const before = detail ? detail.incident.id : null;
  detail = job;
  renderUnit();
  if (detail && detail.incident.id !== before) {
    following = true;
    $('b-recenter').hidden = true;
  }
  await renderAssignment();
  if (detail) await renderThumbs(detail.incident.id);
}

let refreshing = null;
let again = false;
/** One refresh at a time; changes meanwhile cause one more. */
async function refreshSoon() {
  if (refreshing) {
    again = true;
    return refreshing;
  }
  refreshing = (async () => {
    try {
      do {
        again = false;
        await refresh();
      } while (again);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) window.location.replace('/login');
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

function onMessage(m) {
  if (m.seq <= lastSeq()) return;
  history.push(m);
  saveState(m.seq);
  renderHistory();
  const b = m.body || {};
  if (m.kind === 'assignment') {
    // A new job ends the last notice, except the divert that brought this job.
    if (!divertedTo || b.incident_id !== divertedTo) $('notice').hidden = true;
    divertedTo = null;
    toast(t('term.new_assignment', { number: b.number || '' }));
  } else {
    notice(m);
    toast(describe(m));
  }
  refreshSoon();
}

/**
 * Changes made in the command room that are not messages to the crew (a dispatcher sets the
 * unit's status, the incident is edited) only say "look now"; nothing is polled.
 */
function listen() {
  const source = new EventSource('/api/v1/events');
  source.addEventListener('unit', (ev) => {
    if (JSON.parse(ev.data).unit_id === unit.id) refreshSoon();
  });
  source.addEventListener('incident', (ev) => {
    if (detail && JSON.parse(ev.data).incident_id === detail.incident.id) refreshSoon();
  });
}

function onResync() {
  // The server's log is behind what this phone kept: take it again from the start.
  history = [];
  saveState(0);
  renderHistory();
}

function onState(online) {
  const c = $('conn');
  c.dataset.state = online ? 'online' : 'offline';
  c.textContent = t(online ? 'term.online' : 'term.offline');
  if (online) {
    refreshSoon();
    if (geo.unsent) share(geo.unsent, true);
  }
}

function onFatal(err) {
  if (err.code === 'unauthenticated') window.location.replace('/login');
  else toast(err.detail || err.code, 'error');
}

/** A command over the socket; the toast says what happened. */
async function act(frame, doneKey) {
  try {
    await socket.command(frame);
    toast(t(doneKey));
  } catch (err) {
    toast(err.code === 'offline' ? t('term.offline') : err.detail || err.code, 'error');
  }
  await refreshSoon();
}

// ---------- position sharing: the phone's fixes over the socket ----------

const geo = { state: 'off', sent: null, unsent: null, sending: false, at: null, watch: null };

function metres(a, b) {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.sqrt(h));
}

/** The indicator next to the connection state, and what to do when sharing is off. */
function renderGeo() {
  const el = $('geo');
  el.dataset.state = geo.state;
  el.textContent = geo.state === 'on' && geo.at ? t('term.geo.on_at', { time: clock(geo.at) }) : t(`term.geo.${geo.state}`);
  const help = $('geo-help');
  const why = { denied: 'term.geo.denied_help', unavailable: 'term.geo.unavailable_help', unsupported: 'term.geo.unsupported_help' }[geo.state];
  help.hidden = !why;
  help.textContent = why ? t(why) : '';
}

function setGeo(state) {
  geo.state = state;
  renderGeo();
}

/** One fix as the protocol's `position` frame; what the browser does not know is left out. */
function toFix(p) {
  const c = p.coords;
  const fix = { at: new Date(p.timestamp).toISOString(), lat: c.latitude, lon: c.longitude };
  if (Number.isFinite(c.speed) && c.speed >= 0) fix.speed_kmh = Math.round(c.speed * 36) / 10;
  if (Number.isFinite(c.heading) && c.heading >= 0 && c.heading < 360) fix.heading = c.heading;
  return fix;
}

/** Sends a fix unless one was sent under 5 s ago within 30 m; the newest waits for the socket. */
async function share(fix, force = false) {
  const last = geo.sent;
  const due = !last || force || Date.parse(fix.at) - Date.parse(last.at) >= FIX_EVERY_MS || metres(last, fix) > FIX_MOVED_M;
  if (!due) return;
  geo.unsent = fix;
  if (!socket || geo.sending) return;
  geo.sending = true;
  try {
    while (geo.unsent) {
      const next = geo.unsent;
      geo.unsent = null;
      try {
        await socket.command({ type: 'position', positions: [next] });
        geo.sent = next;
        geo.at = next.at;
        setGeo('on');
      } catch (err) {
        if (err.code === 'offline') {
          // Sent again once the socket is back (onState).
          if (!geo.unsent) geo.unsent = next;
          break;
        }
        setGeo('refused');
        toast(`${t('term.geo.refused')}: ${err.detail || err.code}`, 'error');
      }
    }
  } finally {
    geo.sending = false;
  }
}

function onPosition(p) {
  share(toFix(p));
}

function onPositionError(err) {
  if (err.code === err.PERMISSION_DENIED) {
    setGeo('denied');
    if (geo.watch != null) navigator.geolocation.clearWatch(geo.watch);
    geo.watch = null;
  } else if (geo.state !== 'on') {
    // No fix yet (no signal, timed out): the watch goes on trying.
    setGeo('unavailable');
  }
}

function startSharing() {
  if (!('geolocation' in navigator) || !window.isSecureContext) {
    setGeo('unsupported');
    return;
  }
  setGeo('waiting');
  const opts = { enableHighAccuracy: true, maximumAge: 10_000, timeout: 30_000 };
  geo.watch = navigator.geolocation.watchPosition(onPosition, onPositionError, opts);
  setInterval(() => {
    if (geo.watch == null) return;
    if (geo.sent && Date.now() - Date.parse(geo.sent.at) < FIX_KEEPALIVE_MS) return;
    navigator.geolocation.getCurrentPosition((p) => share(toFix(p), true), onPositionError, { ...opts, maximumAge: 0 });
  }, FIX_KEEPALIVE_MS);
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
    if (detail) await renderThumbs(detail.incident.id);
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
      act({ type: 'ack_assignment', incident_id: detail.incident.id }, 'term.done_ack'),
    );
    $('b-enroute').addEventListener('click', () => act({ type: 'status', status: 'en_route' }, 'term.done_en_route'));
    $('b-onscene').addEventListener('click', () => act({ type: 'status', status: 'on_scene' }, 'term.done_on_scene'));
    $('b-onduty').addEventListener('click', () => act({ type: 'status', status: 'available' }, 'term.done_on_duty'));
    $('b-offduty').addEventListener('click', () => act({ type: 'status', status: 'off_duty' }, 'term.done_off_duty'));
    $('b-close').addEventListener('click', () => {
      $('close-form').hidden = false;
      $('c-text').focus();
    });
    $('close-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const frame = { type: 'close', incident_id: detail.incident.id, result_code: $('c-code').value, result_text: $('c-text').value.trim() };
      act(frame, 'term.done_close').then(() => {
        if (!detail) {
          $('close-form').hidden = true;
          $('c-text').value = '';
        }
      });
    });
    $('upload-form').addEventListener('submit', upload);
    document.addEventListener('langchange', () => {
      renderUnit();
      renderHistory();
      renderAssignment();
      renderGeo();
    });
    await refresh();
    socket = new TerminalSocket(unit.id, { lastSeq, message: onMessage, resync: onResync, state: onState, fatal: onFatal });
    socket.start();
    startSharing();
    listen();
    document.body.dataset.ready = '1';
  }
}
