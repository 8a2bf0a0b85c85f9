// The clerk's desk beyond violations (/traffic/clerk): the office's service applications
// (accept, return, approve once the fee is paid, reject, post with a tracking number), the
// public's messages (reply once), disputed accidents (assign liability) and the road events
// published for map apps (publish, withdraw).
import { api, ApiError, t, $, make, toast } from '../js/shell.js';
import { yuan, when, codeLabel, problemText, showProblem, fieldErrors, zh } from './common.js';

const TABS = ['violations', 'applications', 'messages', 'accidents', 'roads'];
const COUNTERPART = { full: 'none', main: 'minor', equal: 'equal', minor: 'main', none: 'full' };

let codes = null;
let appStatus = ''; // the application filter; '' is every status
let apps = [];
let msgStatus = 'open';
let msgs = [];
let accs = [];
const shares = new Map(); // accident id → the liabilities chosen so far {a, b}
let roads = []; // GeoJSON features in force
let busy = new Set();
const rowErrors = new Map(); // id → text shown under that row's actions

const colon = () => (zh() ? '：' : ': ');

function button(text, className, testid, onClick) {
  const b = make('button', className, text);
  b.type = 'button';
  if (testid) b.dataset.testid = testid;
  b.addEventListener('click', onClick);
  return b;
}

function fail(err) {
  toast(problemText(err), 'error');
}

/** A problem as one line: the problem, then its field errors. */
function problemLine(err) {
  const fields = Object.values(fieldErrors(err));
  return fields.length ? fields.join(' ') : problemText(err);
}

function countBadge(id, n) {
  $(id).hidden = !n;
  $(id).textContent = String(n || '');
}

// ---------------------------------------------------------------- tabs

function currentTab() {
  const h = window.location.hash.replace('#', '');
  return TABS.includes(h) ? h : 'violations';
}

function showTab(tab) {
  for (const name of TABS) {
    const on = name === tab;
    const btn = $(`ctab-${name}`);
    btn.setAttribute('aria-selected', String(on));
    btn.tabIndex = on ? 0 : -1;
    $(`cpanel-${name}`).hidden = !on;
  }
}

function wireTabs() {
  for (const name of TABS) {
    $(`ctab-${name}`).addEventListener('click', () => {
      window.history.replaceState(null, '', `#${name}`);
      showTab(name);
      if (name === 'roads') loadRoads().catch(fail);
    });
  }
  document.querySelector('.ctabs').addEventListener('keydown', (e) => {
    const i = TABS.indexOf(currentTab());
    let next = null;
    if (e.key === 'ArrowRight') next = TABS[(i + 1) % TABS.length];
    if (e.key === 'ArrowLeft') next = TABS[(i + TABS.length - 1) % TABS.length];
    if (!next) return;
    e.preventDefault();
    window.history.replaceState(null, '', `#${next}`);
    showTab(next);
    $(`ctab-${next}`).focus();
  });
  window.addEventListener('hashchange', () => showTab(currentTab()));
}

// ---------------------------------------------------------------- applications

const serviceOf = (code) => (codes.services || []).find((s) => s.code === code) || null;

function renderAppFilters() {
  const box = $('app-filters');
  const all = [{ code: '' }, ...codes.application_statuses];
  box.replaceChildren(...all.map((c) => {
    const b = make('button', null, c.code ? codeLabel('application_statuses', c.code) : t('traffic.clerk.all'));
    b.type = 'button';
    b.dataset.status = c.code;
    b.dataset.testid = `app-filter-${c.code || 'all'}`;
    b.setAttribute('aria-pressed', String(c.code === appStatus));
    return b;
  }));
}

function cell(tr, text, className) {
  const td = make('td', className, text);
  tr.append(td);
  return td;
}

function appRow(a) {
  const svc = serviceOf(a.service);
  const tr = make('tr');
  tr.dataset.testid = 'app-row';
  tr.dataset.id = a.id;
  tr.dataset.status = a.status;
  const name = cell(tr, null);
  name.append(make('strong', null, svc ? (zh() ? svc.label_zh : svc.label_en) : a.service));
  name.append(make('div', 'hint', `${t('traffic.svc.applied_at')} ${when(a.created_at)}`));

  const det = cell(tr, null, 'details-cell');
  if (a.plate) det.append(make('span', 'plate', a.plate));
  const extra = Object.entries(a.details || {}).map(([k, v]) => `${k === 'reason' ? t('traffic.svc.notes') : k}${colon()}${typeof v === 'string' ? v : JSON.stringify(v)}`);
  for (const line of extra) det.append(make('div', null, line));
  if (a.address) det.append(make('div', null, `${t('traffic.svc.address')}${colon()}${a.address}`));
  if (!a.plate && !extra.length && !a.address) det.append(make('span', 'muted', '—'));

  const mats = cell(tr, null);
  const ul = make('ul', 'plain mats');
  for (const m of svc?.materials || []) {
    const ok = a.materials.includes(m.code);
    const li = make('li', ok ? 'mat-ok' : 'mat-missing', `${ok ? '✓' : '✗'} ${zh() ? m.label_zh : m.label_en}`);
    ul.append(li);
  }
  mats.append(ul);

  const fee = cell(tr, null, 'num');
  if (a.fee_fen > 0) {
    fee.append(make('div', null, yuan(a.fee_fen)));
    const paid = make('div', a.paid ? 'paid-yes' : 'paid-no', t(a.paid ? 'traffic.svc.paid' : 'traffic.svc.unpaid'));
    paid.dataset.testid = 'app-paid';
    fee.append(paid);
  } else {
    fee.append(make('span', 'muted', t('traffic.clerk.free')));
  }

  const st = cell(tr, null);
  const badge = make('span', `badge app-st-${a.status}`, codeLabel('application_statuses', a.status));
  badge.dataset.testid = 'app-row-status';
  st.append(badge);
  if (a.tracking_no) {
    const tn = make('div', 'hint', `${t('traffic.svc.tracking_no')} ${a.tracking_no}`);
    tn.dataset.testid = 'app-row-tracking';
    st.append(tn);
  }

  cell(tr, null, 'act-cell').append(appActions(a, svc));
  return tr;
}

function appActions(a, svc) {
  const box = make('div', 'desk-actions');
  const b = busy.has(a.id);
  const deciding = a.status === 'submitted' || a.status === 'accepted';
  const mailing = a.status === 'approved' && svc?.mailed;
  if (!deciding && !mailing) {
    box.append(make('span', 'muted', t(a.status === 'returned' ? 'traffic.clerk.app_waiting' : 'traffic.clerk.app_done')));
    return box;
  }
  let note = null;
  if (deciding) {
    note = make('input');
    note.maxLength = 500;
    note.placeholder = t('traffic.clerk.note');
    note.setAttribute('aria-label', t('traffic.clerk.note'));
    note.dataset.testid = 'app-note';
    box.append(note);
  }
  let tracking = null;
  if (mailing) {
    tracking = make('input');
    tracking.maxLength = 40;
    tracking.placeholder = t('traffic.svc.tracking_no');
    tracking.setAttribute('aria-label', t('traffic.svc.tracking_no'));
    tracking.dataset.testid = 'app-tracking';
    box.append(tracking);
  }
  const row = make('div', 'btn-row');
  const act = (action, cls) => {
    const btn = button(t(`traffic.clerk.app_${action}`), `btn btn-small ${cls}`, `app-${action}`, () => review(a, action, note?.value ?? '', tracking?.value ?? ''));
    btn.disabled = b;
    row.append(btn);
    return btn;
  };
  if (a.status === 'submitted') {
    act('accept', 'btn-primary');
    act('return', 'btn-ghost');
    act('reject', 'btn-danger');
  }
  if (a.status === 'accepted') {
    const ok = act('approve', 'btn-primary');
    if (a.fee_fen > 0 && !a.paid) {
      ok.disabled = true;
      box.append(make('p', 'hint', t('traffic.clerk.app_fee_first')));
    }
    act('reject', 'btn-danger');
  }
  if (mailing) act('mail', 'btn-primary');
  box.append(row);
  const err = rowErrors.get(a.id);
  if (err) {
    const p = make('p', 'field-error', err);
    p.dataset.testid = 'app-row-error';
    box.append(p);
  }
  return box;
}

function renderApps() {
  const body = $('app-rows');
  body.replaceChildren();
  if (!apps.length) {
    const tr = make('tr');
    cell(tr, t('traffic.clerk.empty'), 'muted').colSpan = 6;
    body.append(tr);
  }
  for (const a of apps) body.append(appRow(a));
}

async function review(a, action, note, tracking) {
  rowErrors.delete(a.id);
  if ((action === 'return' || action === 'reject') && !note.trim()) {
    rowErrors.set(a.id, t('traffic.field_errors.note_name_invalid'));
    renderApps();
    return;
  }
  if (action === 'mail' && !tracking.trim()) {
    rowErrors.set(a.id, t('traffic.field_errors.tracking_no_name_invalid'));
    renderApps();
    return;
  }
  busy.add(a.id);
  renderApps();
  const body = { action, note: note.trim() };
  if (action === 'mail') body.tracking_no = tracking.trim();
  try {
    const updated = await api('POST', `/api/v1/traffic/applications/${encodeURIComponent(a.id)}/review`, body);
    toast(t('traffic.clerk.app_moved', { status: codeLabel('application_statuses', updated.status) }));
    apps = apps.map((x) => (x.id === updated.id ? updated : x));
    if (appStatus && updated.status !== appStatus) apps = apps.filter((x) => x.id !== updated.id);
  } catch (err) {
    rowErrors.set(a.id, problemLine(err));
    if (err.code === 'application_state') await loadApps().catch(() => {});
  }
  busy.delete(a.id);
  renderApps();
  countApps().catch(() => {});
}

async function loadApps() {
  const q = appStatus ? `?status=${encodeURIComponent(appStatus)}` : '';
  const list = await api('GET', `/api/v1/traffic/applications${q}`);
  // The queue: oldest first.
  apps = list.sort((a, b) => String(a.created_at).localeCompare(String(b.created_at)));
  renderApps();
}

async function countApps() {
  const waiting = await api('GET', '/api/v1/traffic/applications?status=submitted');
  countBadge('ca-count', waiting.length);
}

// ---------------------------------------------------------------- messages

function renderMsgFilters() {
  for (const b of $('msg-filters').querySelectorAll('button')) b.setAttribute('aria-pressed', String(b.dataset.status === msgStatus));
}

function renderMsgs() {
  const ul = $('msg-rows');
  ul.replaceChildren();
  if (!msgs.length) ul.append(make('li', 'muted', t('traffic.clerk.empty')));
  for (const m of msgs) {
    const li = make('li', 'desk-item');
    li.dataset.testid = 'msg-row';
    li.dataset.id = m.id;
    li.dataset.status = m.status;
    const head = make('div', 'vio-head');
    const subject = make('h3', 'vio-name', m.subject);
    subject.dataset.testid = 'msg-row-subject';
    head.append(subject, make('span', `badge msg-st-${m.status}`, t(`traffic.msg.status.${m.status}`)));
    li.append(head);
    li.append(make('p', 'muted msg-meta', `${codeLabel('message_kinds', m.kind)} · ${when(m.created_at)}`));
    li.append(make('p', 'msg-body', m.body));
    if (m.reply) {
      const box = make('div', 'reply');
      box.append(make('p', 'reply-title', `${t('traffic.msg.reply')} · ${when(m.replied_at)}`));
      const text = make('p', 'msg-body', m.reply);
      text.dataset.testid = 'msg-row-reply';
      box.append(text);
      li.append(box);
    } else {
      const form = make('form', 'reply-form');
      form.noValidate = true;
      const area = make('textarea');
      area.rows = 3;
      area.maxLength = 2000;
      area.placeholder = t('traffic.clerk.reply_placeholder');
      area.setAttribute('aria-label', t('traffic.field.reply'));
      area.dataset.testid = 'msg-reply-input';
      const send = make('button', 'btn btn-primary btn-small', t('traffic.clerk.reply_send'));
      send.type = 'submit';
      send.disabled = busy.has(m.id);
      send.dataset.testid = 'msg-reply-send';
      form.append(area, send);
      const err = rowErrors.get(m.id);
      if (err) form.append(make('p', 'field-error', err));
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        reply(m, area.value);
      });
      li.append(form);
    }
    ul.append(li);
  }
}

async function reply(m, text) {
  rowErrors.delete(m.id);
  if (!text.trim()) {
    rowErrors.set(m.id, t('traffic.field_errors.reply_name_invalid'));
    renderMsgs();
    return;
  }
  busy.add(m.id);
  renderMsgs();
  try {
    const updated = await api('POST', `/api/v1/traffic/messages/${encodeURIComponent(m.id)}/reply`, { reply: text.trim() });
    toast(t('traffic.clerk.replied'));
    msgs = msgs.map((x) => (x.id === updated.id ? updated : x));
  } catch (err) {
    rowErrors.set(m.id, problemLine(err));
    if (err.code === 'message_answered') await loadMsgs().catch(() => {});
  }
  busy.delete(m.id);
  renderMsgs();
  countMsgs().catch(() => {});
}

async function loadMsgs() {
  const q = msgStatus ? `?status=${encodeURIComponent(msgStatus)}` : '';
  msgs = await api('GET', `/api/v1/traffic/messages${q}`);
  renderMsgs();
}

async function countMsgs() {
  const open = await api('GET', '/api/v1/traffic/messages?status=open');
  countBadge('cm-count', open.length);
}

// ---------------------------------------------------------------- accidents

function liabilitySelect(value, testid, label) {
  const sel = make('select');
  sel.dataset.testid = testid;
  sel.setAttribute('aria-label', label);
  for (const l of codes.liabilities) {
    const o = make('option', null, zh() ? l.label_zh : l.label_en);
    o.value = l.code;
    sel.append(o);
  }
  sel.value = value;
  return sel;
}

function renderAccs() {
  const ul = $('acc-rows');
  ul.replaceChildren();
  countBadge('cx-count', accs.length);
  if (!accs.length) ul.append(make('li', 'muted', t('traffic.clerk.accs_none')));
  for (const a of accs) {
    const li = make('li', 'desk-item');
    li.dataset.testid = 'acc-row';
    li.dataset.id = a.id;
    const head = make('div', 'vio-head');
    head.append(make('h3', 'vio-name', a.place), make('span', `badge acc-st-${a.status}`, codeLabel('accident_statuses', a.status)));
    li.append(head);
    const dl = make('dl', 'facts');
    dl.append(make('dt', null, t('traffic.acc.time')), make('dd', null, when(a.occurred_at)));
    dl.append(make('dt', null, t('traffic.clerk.position')), make('dd', null, `${a.lat.toFixed(5)}, ${a.lon.toFixed(5)}`));
    const plates = make('dd');
    plates.append(make('span', 'plate', a.plate_a), make('span', 'vs', t('traffic.clerk.vs')), make('span', 'plate', a.plate_b));
    dl.append(make('dt', null, t('traffic.clerk.plates')), plates);
    dl.append(make('dt', null, t('traffic.acc.account')), make('dd', 'msg-body', a.account));
    li.append(dl);
    const form = make('form', 'assign');
    form.noValidate = true;
    const chosen = shares.get(a.id) || { a: 'equal', b: 'equal' };
    const la = liabilitySelect(chosen.a, 'acc-liab-a', t('traffic.field.liability_a'));
    const lb = liabilitySelect(chosen.b, 'acc-liab-b', t('traffic.field.liability_b'));
    la.addEventListener('change', () => {
      lb.value = COUNTERPART[la.value];
      shares.set(a.id, { a: la.value, b: lb.value });
    });
    lb.addEventListener('change', () => shares.set(a.id, { a: la.value, b: lb.value }));
    const A = make('label', null);
    A.append(make('span', null, `${t('traffic.acc.party_a')} ${a.plate_a}`), la);
    const B = make('label', null);
    B.append(make('span', null, `${t('traffic.acc.party_b')} ${a.plate_b}`), lb);
    const go = make('button', 'btn btn-primary btn-small', t('traffic.clerk.assign'));
    go.type = 'submit';
    go.disabled = busy.has(a.id);
    go.dataset.testid = 'acc-assign';
    form.append(A, B, go);
    const err = rowErrors.get(a.id);
    if (err) {
      const p = make('p', 'field-error', err);
      p.dataset.testid = 'acc-row-error';
      form.append(p);
    }
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      assign(a, la.value, lb.value);
    });
    li.append(form);
    ul.append(li);
  }
}

async function assign(a, la, lb) {
  rowErrors.delete(a.id);
  busy.add(a.id);
  renderAccs();
  try {
    await api('POST', `/api/v1/traffic/accidents/${encodeURIComponent(a.id)}/liability`, { liability_a: la, liability_b: lb });
    toast(t('traffic.clerk.assigned', { a: a.plate_a, la: codeLabel('liabilities', la), b: a.plate_b, lb: codeLabel('liabilities', lb) }));
    accs = accs.filter((x) => x.id !== a.id);
    shares.delete(a.id);
  } catch (err) {
    rowErrors.set(a.id, problemLine(err));
    if (err.code === 'accident_state') await loadAccs().catch(() => {});
  }
  busy.delete(a.id);
  renderAccs();
}

async function loadAccs() {
  accs = await api('GET', '/api/v1/traffic/accidents');
  renderAccs();
}

// ---------------------------------------------------------------- road events

const ROAD_FIELDS = ['kind', 'street', 'description', 'line', 'starts_at', 'ends_at'];
const roadSlots = () => Object.fromEntries(ROAD_FIELDS.map((f) => [f, $(`road-err-${f}`)]));

function fillRoadKinds() {
  const sel = $('road-kind');
  const keep = sel.value || 'closure';
  sel.replaceChildren(...codes.road_event_kinds.map((k) => {
    const o = make('option', null, zh() ? k.label_zh : k.label_en);
    o.value = k.code;
    return o;
  }));
  sel.value = keep;
}

function renderRoads() {
  const ul = $('road-rows');
  ul.replaceChildren();
  if (!roads.length) ul.append(make('li', 'muted', t('traffic.clerk.roads_none')));
  for (const f of roads) {
    const p = f.properties || {};
    const li = make('li', 'desk-item');
    li.dataset.testid = 'road-row';
    li.dataset.id = f.id;
    li.dataset.kind = p.kind;
    const head = make('div', 'vio-head');
    const street = make('h3', 'vio-name', p.street);
    street.dataset.testid = 'road-row-street';
    head.append(street, make('span', `badge road-${p.kind}`, codeLabel('road_event_kinds', p.kind)));
    li.append(head);
    li.append(make('p', 'msg-body', p.description));
    const pts = f.geometry?.type === 'Point' ? 1 : (f.geometry?.coordinates || []).length;
    const span = `${when(p.starts_at)} — ${p.ends_at ? when(p.ends_at) : t('traffic.clerk.road_open_end')}`;
    li.append(make('p', 'hint', `${span} · ${t(p.both_ways ? 'traffic.clerk.road_both_short' : 'traffic.clerk.road_one_way')} · ${t('traffic.clerk.road_points', { n: pts })}`));
    const w = button(t('traffic.clerk.road_withdraw'), 'btn btn-ghost btn-small', 'road-withdraw', () => withdrawRoad(f));
    w.disabled = busy.has(f.id);
    li.append(w);
    ul.append(li);
  }
}

async function loadRoads() {
  // The public feed is cacheable for a minute: ask past any cached copy.
  let res;
  try {
    res = await fetch('/api/v1/traffic/road-events.geojson', { cache: 'no-store', credentials: 'same-origin', headers: { Accept: 'application/geo+json' } });
  } catch {
    throw new ApiError(0, null, null);
  }
  if (!res.ok) throw new ApiError(res.status, null, res.headers);
  const fc = await res.json();
  roads = (fc.features || []).sort((a, b) => String(b.properties?.starts_at).localeCompare(String(a.properties?.starts_at)));
  renderRoads();
}

async function withdrawRoad(f) {
  busy.add(f.id);
  renderRoads();
  try {
    await api('POST', `/api/v1/traffic/road-events/${encodeURIComponent(f.id)}/withdraw`);
    toast(t('traffic.clerk.road_withdrawn', { street: f.properties?.street || '' }));
  } catch (err) {
    fail(err);
  }
  busy.delete(f.id);
  await loadRoads().catch(fail);
}

async function publishRoad(e) {
  e.preventDefault();
  const iso = (id) => {
    const v = $(id).value;
    const d = v ? new Date(v) : null;
    return d && !Number.isNaN(d.getTime()) ? d.toISOString() : undefined;
  };
  const body = {
    kind: $('road-kind').value,
    street: $('road-street').value.trim(),
    description: $('road-description').value.trim(),
    // Commas are accepted as separators too ("29.87,121.55 29.88,121.56").
    line: $('road-line').value.replace(/[,，;；]/g, ' ').trim().replace(/\s+/g, ' '),
    both_ways: $('road-both').checked,
  };
  const starts = iso('road-starts');
  const ends = iso('road-ends');
  if (starts) body.starts_at = starts;
  if (ends) body.ends_at = ends;
  const missing = [];
  for (const f of ['street', 'description']) if (!body[f]) missing.push({ field: f, code: 'required' });
  if (!body.line) missing.push({ field: 'line', code: 'lat.range' });
  if (missing.length) {
    showProblem($('road-error'), new ApiError(422, { code: 'validation_failed', errors: missing }, null), roadSlots());
    return;
  }
  const btn = $('road-submit');
  btn.disabled = true;
  try {
    const ev = await api('POST', '/api/v1/traffic/road-events', body);
    showProblem($('road-error'), null, roadSlots());
    toast(t('traffic.clerk.road_published', { street: ev.street }));
    for (const id of ['road-street', 'road-description', 'road-line', 'road-starts', 'road-ends']) $(id).value = '';
    await loadRoads();
  } catch (err) {
    showProblem($('road-error'), err, roadSlots());
  }
  btn.disabled = false;
}

// ---------------------------------------------------------------- wiring

function renderAll() {
  renderAppFilters();
  renderApps();
  renderMsgFilters();
  renderMsgs();
  renderAccs();
  fillRoadKinds();
  renderRoads();
}

/** Wires the desk's tabs and loads what they show. */
export async function initDesk(codeLists) {
  codes = codeLists;
  wireTabs();
  showTab(currentTab());
  $('app-filters').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-status]');
    if (!b) return;
    appStatus = b.dataset.status;
    rowErrors.clear();
    renderAppFilters();
    loadApps().catch(fail);
  });
  $('app-reload').addEventListener('click', () => { loadApps().catch(fail); countApps().catch(() => {}); });
  $('msg-filters').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-status]');
    if (!b) return;
    msgStatus = b.dataset.status;
    renderMsgFilters();
    loadMsgs().catch(fail);
  });
  $('msg-reload').addEventListener('click', () => { loadMsgs().catch(fail); countMsgs().catch(() => {}); });
  $('acc-reload').addEventListener('click', () => loadAccs().catch(fail));
  $('road-reload').addEventListener('click', () => loadRoads().catch(fail));
  $('road-form').addEventListener('submit', publishRoad);
  document.addEventListener('langchange', renderAll);
  renderAll();
  const results = await Promise.allSettled([loadApps(), countApps(), loadMsgs(), countMsgs(), loadAccs(), loadRoads()]);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) fail(failed.reason);
}
