// The permit clerk's window (/permits/window), desktop. Pick the office (those of the clerk's
// jurisdiction) and the window; call the next ticket the window serves (green channel, then
// appointments, then walk-ins) and recall, serve, finish, miss or transfer it; the queue
// follows the office's live board. Walk-in tickets, the day's appointments with check-in,
// bookings taken by phone (the same booking rules as online), the online applications of the
// jurisdiction (nearest deadline first) with the review steps and the filled paper forms to
// print, and the statistics.
import { boot, api, ApiError, t } from '../js/shell.js';
import {
  $, make, button, fact, toast, tabs, yuan, when, hm, localDate, today, slotText,
  duration, loadCodes, codeLabel, name, problemText, fieldErrors, apiWith, uuid, followBoard, feeState,
} from './common.js';

const TABS = ['queue', 'appointments', 'applications', 'stats'];
const RANK = { green: 0, appointment: 1, walk_in: 2 };
const OFFICE_KEY = 'jingwu.permits.office';
const WINDOW_KEY = 'jingwu.permits.window';

const me = await boot(['permit_clerk']);

let items = [];
let offices = []; // of the clerk's jurisdiction
let officeId = '';
let windowId = '';
let queue = { tickets: [], windows: [] };
let currentId = null; // the ticket at my window
let stopLive = null;
let busy = false;

const store = {
  get(k) {
    try {
      return window.localStorage.getItem(k) || '';
    } catch {
      return '';
    }
  },
  set(k, v) {
    try {
      window.localStorage.setItem(k, v);
    } catch {
      // Storage off: the choice lasts for this page.
    }
  },
};

const office = () => offices.find((o) => o.id === officeId) || null;
const itemOf = (code) => items.find((i) => i.code === code) || null;
const itemName = (code) => (itemOf(code) ? name(itemOf(code)) : code);
const windows = () => (queue.windows?.length ? queue.windows : office()?.windows || []);
const myWindow = () => windows().find((w) => w.id === windowId) || null;
/** Items some window of the office serves. */
const officeItems = () => {
  const codes = new Set(windows().flatMap((w) => w.items || []));
  return items.filter((i) => codes.has(i.code) && !i.retired);
};

/** Fills a select (only when its choices changed, so an open list is not pulled away). */
function options(sel, list, keep, placeholder) {
  const sig = JSON.stringify([placeholder || '', list]);
  if (sel.dataset.sig === sig) {
    if (list.some(([v]) => v === keep)) sel.value = keep;
    return;
  }
  sel.dataset.sig = sig;
  const opts = list.map(([value, text]) => {
    const o = make('option', null, text);
    o.value = value;
    return o;
  });
  if (placeholder) {
    const none = make('option', null, placeholder);
    none.value = '';
    opts.unshift(none);
  }
  sel.replaceChildren(...opts);
  if (list.some(([v]) => v === keep)) sel.value = keep;
}

// ---------------------------------------------------------------- office and window

function renderPickers() {
  options($('office'), offices.map((o) => [o.id, o.name]), officeId);
  options($('window'), windows().map((w) => [w.id, `${t('permits.win.window_n', { n: w.number })}${w.open ? '' : ` (${t('permits.win.closed')})`}`]), windowId);
  const o = office();
  $('office-meta').textContent = o ? `${o.address || ''}` : '';
  $('hall-link').href = o ? `/permits/hall?office=${encodeURIComponent(o.id)}` : '/permits/hall';
  $('no-office').hidden = offices.length > 0;
}

async function chooseOffice(id) {
  officeId = id;
  store.set(OFFICE_KEY, id);
  queue = { tickets: [], windows: office()?.windows || [] };
  windowId = store.get(`${WINDOW_KEY}.${id}`);
  if (!windows().some((w) => w.id === windowId)) windowId = windows()[0]?.id || '';
  currentId = null;
  renderPickers();
  fillItemSelects();
  if (stopLive) stopLive();
  stopLive = null;
  if (!id) return;
  stopLive = followBoard(id, (kind) => {
    if (kind !== 'slots') loadQueue().catch(() => {});
    if (kind === 'slots' || kind === 'queue' || kind === 'open' || kind === 'lagged') {
      if ($('appt-date').value === today() && tab.current() === 'appointments') loadAppointments().catch(() => {});
    }
  }, (on) => $('live').classList.toggle('on', on));
  await Promise.all([loadQueue(), loadAppointments(), loadPhoneSlots()]).catch((err) => toast(problemText(err), 'error'));
}

function chooseWindow(id) {
  windowId = id;
  store.set(`${WINDOW_KEY}.${officeId}`, id);
  currentId = null;
  pickCurrent();
  renderQueue();
}

// ---------------------------------------------------------------- the queue

async function loadQueue() {
  if (!officeId) return;
  queue = await api('GET', `/api/v1/permits/offices/${encodeURIComponent(officeId)}/queue`);
  if (!windows().some((w) => w.id === windowId)) windowId = windows()[0]?.id || '';
  renderPickers();
  pickCurrent();
  renderQueue();
  renderAppointments();
}

/** The ticket at my window: the one I called, else the latest called or served there. */
function pickCurrent() {
  const mine = queue.tickets.filter((tk) => tk.window_id === windowId && (tk.state === 'called' || tk.state === 'serving'));
  if (currentId && mine.some((tk) => tk.id === currentId)) return;
  mine.sort((a, b) => String(b.called_at).localeCompare(String(a.called_at)));
  currentId = mine[0]?.id || null;
}

/** Does my window call this waiting ticket (its item, or transferred to it)? */
function forMe(tk) {
  const w = myWindow();
  if (!w) return false;
  if (tk.window_id) return tk.window_id === w.id;
  return (w.items || []).includes(tk.item_code);
}

function waitedMin(tk) {
  return Math.max(0, Math.round((Date.now() - Date.parse(tk.checked_in_at)) / 60000));
}

function renderQueue() {
  const waiting = queue.tickets
    .filter((tk) => tk.state === 'waiting')
    .sort((a, b) => (RANK[a.priority] ?? 9) - (RANK[b.priority] ?? 9) || String(a.checked_in_at).localeCompare(String(b.checked_in_at)));
  const mineN = waiting.filter(forMe).length;
  $('wait-n').textContent = t('permits.win.waiting_n', { n: waiting.length, mine: mineN });
  $('q-count').hidden = !mineN;
  $('q-count').textContent = String(mineN || '');
  const ol = $('wait-list');
  ol.replaceChildren(...waiting.map((tk) => {
    const li = make('li', `q-item pr-${tk.priority}${forMe(tk) ? '' : ' not-mine'}`);
    li.dataset.testid = 'wait-ticket';
    li.dataset.number = tk.number;
    li.append(make('span', 'q-number', tk.number));
    li.append(make('span', `badge pr-badge pr-${tk.priority}`, codeLabel('priorities', tk.priority)));
    const text = make('span', 'q-text');
    text.append(make('span', null, `${tk.name || '—'} · ${itemName(tk.item_code)}`));
    const meta = [t('permits.win.waited', { n: waitedMin(tk) })];
    if (tk.window_id) meta.push(t('permits.win.for_window', { n: windows().find((w) => w.id === tk.window_id)?.number || '?' }));
    if (!forMe(tk)) meta.push(t('permits.win.other_window'));
    text.append(make('span', 'muted', meta.join(' · ')));
    li.append(text);
    return li;
  }));
  if (!waiting.length) ol.append(make('li', 'muted', t('permits.win.nobody')));
  const called = queue.tickets.filter((tk) => tk.state === 'called' || tk.state === 'serving')
    .sort((a, b) => String(b.called_at).localeCompare(String(a.called_at)));
  $('called-list').replaceChildren(...called.map((tk) => {
    const li = make('li', 'q-item');
    li.append(make('span', 'q-number', tk.number));
    li.append(make('span', 'q-text', `→ ${t('permits.win.window_n', { n: tk.window_number || windows().find((w) => w.id === tk.window_id)?.number || '?' })} · ${codeLabel('ticket_states', tk.state)} · ${tk.name || ''}`));
    return li;
  }));
  if (!called.length) $('called-list').append(make('li', 'muted', '—'));
  renderCurrent();
}

function renderCurrent() {
  const tk = queue.tickets.find((x) => x.id === currentId) || null;
  const w = myWindow();
  $('current').hidden = !tk;
  const next = $('call-next');
  next.disabled = busy || !w || !w.open || !!tk;
  next.title = tk ? t('permits.win.finish_first') : '';
  if (!w) $('call-status').textContent = t('permits.win.no_window');
  else if (!w.open) $('call-status').textContent = t('permits.win.window_closed', { n: w.number });
  if (!tk) return;
  $('cur-number').textContent = tk.number;
  $('cur-name').textContent = tk.name || '—';
  $('cur-item').textContent = `${itemName(tk.item_code)} (${tk.item_code})`;
  $('cur-priority').textContent = codeLabel('priorities', tk.priority);
  $('cur-state').textContent = `${codeLabel('ticket_states', tk.state)}${tk.recalls ? ` · ${t('permits.win.recalls', { n: tk.recalls })}` : ''}`;
  $('current').dataset.state = tk.state;
  $('cur-recall').disabled = busy || tk.state !== 'called';
  $('cur-start').disabled = busy || tk.state !== 'called';
  $('cur-miss').disabled = busy || tk.state !== 'called';
  $('cur-finish').disabled = busy || tk.state !== 'serving';
  const choices = [
    ...officeItems().filter((i) => i.code !== tk.item_code).map((i) => [`item:${i.code}`, `${t('permits.win.to_item')} ${name(i)}`]),
    ...windows().filter((x) => x.id !== windowId).map((x) => [`window:${x.id}`, `${t('permits.win.to_window')} ${t('permits.win.window_n', { n: x.number })}`]),
  ];
  options($('cur-transfer-to'), choices, $('cur-transfer-to').value, t('permits.win.transfer_choose'));
  $('cur-transfer-btn').disabled = busy;
}

async function callNext() {
  const w = myWindow();
  if (!w || busy) return;
  busy = true;
  renderCurrent();
  try {
    const tk = await api('POST', `/api/v1/permits/windows/${encodeURIComponent(w.id)}/call-next`);
    currentId = tk.id;
    queue.tickets = [...queue.tickets.filter((x) => x.id !== tk.id), { ...tk, window_number: tk.window_number || w.number }];
    $('call-status').textContent = t('permits.win.called', { number: tk.number, n: w.number });
  } catch (err) {
    $('call-status').textContent = err.code === 'queue_empty' ? t('permits.win.nobody') : problemText(err);
  }
  busy = false;
  renderQueue();
  await loadQueue().catch(() => {});
  if (currentId) $('cur-start').focus();
}

async function moveTicket(action, body) {
  const tk = queue.tickets.find((x) => x.id === currentId);
  if (!tk || busy) return;
  busy = true;
  renderCurrent();
  try {
    const done = await api('POST', `/api/v1/permits/tickets/${encodeURIComponent(tk.id)}/${action}`, body);
    queue.tickets = queue.tickets.map((x) => (x.id === done.id ? done : x));
    const say = {
      recall: 'permits.win.recalled',
      start: 'permits.win.started',
      finish: 'permits.win.finished',
      miss: 'permits.win.missed',
      transfer: 'permits.win.transferred',
    }[action];
    $('call-status').textContent = t(say, { number: tk.number, n: myWindow()?.number || '' });
    if (done.state !== 'called' && done.state !== 'serving') currentId = null;
    if (done.state === 'waiting') currentId = null;
  } catch (err) {
    $('call-status').textContent = problemText(err);
  }
  busy = false;
  renderQueue();
  await loadQueue().catch(() => {});
  if (!currentId) $('call-next').focus();
}

function transfer(event) {
  event.preventDefault();
  const v = $('cur-transfer-to').value;
  if (!v) {
    $('cur-transfer-to').focus();
    return;
  }
  const [kind, id] = [v.slice(0, v.indexOf(':')), v.slice(v.indexOf(':') + 1)];
  moveTicket('transfer', kind === 'item' ? { item_code: id } : { window_id: id });
}

// ---------------------------------------------------------------- walk-ins

function fillItemSelects() {
  const list = officeItems();
  options($('walk-item'), list.map((i) => [i.code, `${name(i)} (${i.code})`]), $('walk-item').value, t('permits.win.choose_item'));
  options($('ph-item'), list.filter((i) => i.appointment).map((i) => [i.code, `${name(i)} (${i.code})`]), $('ph-item').value, t('permits.win.choose_item'));
}

async function walkIn(event) {
  event.preventDefault();
  const item = $('walk-item').value;
  const err = $('walk-error');
  if (!item) {
    err.textContent = t('permits.win.choose_item');
    err.hidden = false;
    $('walk-item').focus();
    return;
  }
  $('walk-submit').disabled = true;
  try {
    const tk = await api('POST', `/api/v1/permits/offices/${encodeURIComponent(officeId)}/tickets`, {
      item_code: item,
      name: $('walk-name').value.trim(),
      green: $('walk-green').checked,
    });
    err.hidden = true;
    const out = $('walk-ticket');
    out.replaceChildren(make('span', null, t('permits.win.walk_done')), make('strong', 'walk-number', tk.number));
    out.hidden = false;
    $('walk-name').value = '';
    $('walk-green').checked = false;
    await loadQueue();
  } catch (e) {
    err.textContent = problemText(e);
    err.hidden = false;
  }
  $('walk-submit').disabled = false;
}

// ---------------------------------------------------------------- the day's appointments

let dayAppts = [];
const checking = new Set();

async function loadAppointments() {
  if (!officeId) return;
  const date = $('appt-date').value || today();
  dayAppts = await api('GET', `/api/v1/permits/offices/${encodeURIComponent(officeId)}/appointments?date=${encodeURIComponent(date)}`);
  dayAppts.sort((a, b) => String(a.slot_start).localeCompare(String(b.slot_start)));
  renderAppointments();
}

function renderAppointments() {
  const body = $('appt-rows');
  body.replaceChildren();
  if (!dayAppts.length) {
    const tr = make('tr');
    const td = make('td', 'muted', t('permits.win.no_appointments'));
    td.colSpan = 6;
    tr.append(td);
    body.append(tr);
  }
  const isToday = ($('appt-date').value || today()) === today();
  for (const a of dayAppts) {
    // The day's list leaves tickets out; today's are in the queue.
    const ticket = a.ticket || (isToday ? queue.tickets.find((tk) => tk.appointment_id === a.id) : null);
    const tr = make('tr');
    tr.dataset.testid = 'appt-row';
    tr.dataset.id = a.id;
    tr.dataset.status = a.status;
    tr.append(make('td', 'num', `${hm(a.slot_start)}–${hm(a.slot_end)}`));
    const who = make('td');
    who.append(make('div', null, a.person?.name || '—'), make('div', 'hint', `${a.person?.mobile || ''}`));
    tr.append(who);
    tr.append(make('td', null, itemName(a.item_code)));
    tr.append(make('td', null, `${codeLabel('channels', a.channel)}${a.green ? ` · ${codeLabel('priorities', 'green')}` : ''}`));
    const st = make('td');
    st.append(make('span', `badge ap-st-${a.status}`, codeLabel('appointment_statuses', a.status)));
    if (ticket) {
      const tn = make('div', 'hint', `${t('permits.win.ticket')} ${ticket.number} · ${codeLabel('ticket_states', ticket.state)}`);
      tn.dataset.testid = 'appt-ticket';
      st.append(tn);
    }
    tr.append(st);
    const act = make('td');
    if (a.status === 'booked' && isToday) {
      const b = button(t('permits.appt.check_in'), 'btn btn-primary btn-small', 'appt-check-in', () => checkIn(a));
      b.disabled = checking.has(a.id);
      act.append(b);
    }
    tr.append(act);
    body.append(tr);
  }
}

async function checkIn(a) {
  checking.add(a.id);
  renderAppointments();
  try {
    const tk = await api('POST', `/api/v1/permits/appointments/${encodeURIComponent(a.id)}/check-in`);
    toast(t('permits.win.checked_in', { name: a.person?.name || '', number: tk.number }));
  } catch (err) {
    toast(problemText(err), 'error');
  }
  checking.delete(a.id);
  await Promise.all([loadAppointments(), loadQueue()]).catch(() => {});
}

// ---------------------------------------------------------------- bookings by phone

let phoneSlots = [];
let phoneKey = null; // one key per booking meant; a resend of the same form reuses it
let phoneKeyFor = '';

async function loadPhoneSlots() {
  const item = $('ph-item').value;
  phoneSlots = [];
  if (officeId && item) {
    const o = office();
    const days = Math.min(31, (o?.horizon_days || 14) + 1);
    const q = new URLSearchParams({ item, from: today(), days: String(days) });
    try {
      phoneSlots = await api('GET', `/api/v1/permits/offices/${encodeURIComponent(officeId)}/slots?${q}`);
    } catch (err) {
      $('ph-error').textContent = problemText(err);
      $('ph-error').hidden = false;
    }
  }
  renderPhoneSlots();
}

function renderPhoneSlots(keepSlot) {
  const green = $('ph-green').checked;
  const free = (s) => (green ? s.free_green : s.free);
  const dates = [...new Set(phoneSlots.map((s) => localDate(s.starts_at)))];
  const keepDate = keepSlot ? localDate(keepSlot) : $('ph-date').value;
  options($('ph-date'), dates.map((d) => [d, `${d} ${d === today() ? t('permits.book.today') : ''}`.trim()]), keepDate);
  const date = $('ph-date').value || dates[0] || '';
  const list = phoneSlots.filter((s) => localDate(s.starts_at) === date);
  options($('ph-slot'), list.map((s) => [s.starts_at, `${hm(s.starts_at)}–${hm(s.ends_at)} · ${free(s) > 0 ? t('permits.book.free_n', { n: free(s) }) : t('permits.book.full_short')}`]), keepSlot || $('ph-slot').value, list.length ? t('permits.win.choose_slot') : t('permits.book.no_slots'));
  for (const o of $('ph-slot').options) {
    const s = list.find((x) => x.starts_at === o.value);
    if (s && free(s) <= 0) o.disabled = true;
  }
}

function showPhoneFieldErrors(fields) {
  for (const el of $('ph-form').querySelectorAll('.field-error')) {
    el.hidden = true;
    el.textContent = '';
  }
  for (const el of $('ph-form').querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  let first = null;
  const loose = [];
  for (const [field, text] of Object.entries(fields)) {
    const slot = $(`ph-err-${field.replace('.', '-')}`);
    if (!slot) {
      loose.push(text);
      continue;
    }
    slot.textContent = text;
    slot.hidden = false;
    const input = document.querySelector(`[aria-describedby~="${slot.id}"]`);
    input?.setAttribute('aria-invalid', 'true');
    first = first || input;
  }
  first?.focus();
  return loose;
}

async function phoneBook(event, slotOverride) {
  if (event) event.preventDefault();
  const person = { name: $('ph-name').value.trim(), resident_id: $('ph-rid').value.trim().toUpperCase(), mobile: $('ph-mobile').value.trim() };
  const body = {
    office_id: officeId,
    item_code: $('ph-item').value,
    slot_start: slotOverride || $('ph-slot').value,
    green: $('ph-green').checked,
    hold: false,
    channel: 'phone',
    person,
  };
  const missing = {};
  if (!person.name) missing['person.name'] = t('validation.required');
  if (!person.resident_id) missing['person.resident_id'] = t('validation.required');
  if (!person.mobile) missing['person.mobile'] = t('validation.required');
  if (!body.slot_start) missing.slot_start = t('permits.win.choose_slot');
  $('ph-error').hidden = true;
  if (!body.item_code) {
    $('ph-error').textContent = t('permits.win.choose_item');
    $('ph-error').hidden = false;
    $('ph-item').focus();
    return;
  }
  if (Object.keys(missing).length) {
    showPhoneFieldErrors(missing);
    return;
  }
  showPhoneFieldErrors({});
  const fingerprint = JSON.stringify(body);
  if (!phoneKey || phoneKeyFor !== fingerprint) {
    phoneKey = uuid();
    phoneKeyFor = fingerprint;
  }
  $('ph-submit').disabled = true;
  $('ph-full').hidden = true;
  try {
    const a = await apiWith('POST', '/api/v1/permits/appointments', body, { 'Idempotency-Key': phoneKey });
    phoneKey = null;
    toast(t('permits.win.phone_done', { name: a.person?.name || person.name, slot: slotText(a.slot_start, a.slot_end) }));
    $('ph-form').reset();
    await Promise.all([loadPhoneSlots(), loadAppointments()]);
  } catch (err) {
    if (err instanceof ApiError && err.status !== 0) phoneKey = null;
    if (err.code === 'slot_full') {
      const alts = Array.isArray(err.problem?.alternatives) ? err.problem.alternatives : [];
      $('ph-full-title').textContent = t('permits.book.full', { slot: hm(body.slot_start) });
      $('ph-alternatives').replaceChildren(...alts.map((s) => {
        const b = button(`${localDate(s.starts_at).slice(5)} ${hm(s.starts_at)}`, 'slot', 'ph-alternative', () => {
          renderPhoneSlots(s.starts_at);
          phoneBook(null, s.starts_at);
        });
        return b;
      }));
      if (!alts.length) $('ph-alternatives').append(make('p', 'muted', t('permits.book.no_alternatives')));
      $('ph-full').hidden = false;
      loadPhoneSlots();
    } else {
      const loose = showPhoneFieldErrors(fieldErrors(err));
      $('ph-error').textContent = [problemText(err), ...loose].join(' ');
      $('ph-error').hidden = false;
    }
  }
  $('ph-submit').disabled = false;
}

// ---------------------------------------------------------------- applications

const FILTERS = [
  ['todo', ''],
  ['pre_checked', 'pre_checked'],
  ['accepted', 'accepted'],
  ['approved', 'approved'],
  ['mailed', 'mailed'],
  ['returned', 'returned'],
  ['closed', 'delivered,rejected,withdrawn'],
];
let appFilter = 'todo';
let appRows = [];
let reviewing = null; // the full application under review
let reviewBusy = false;

function renderAppFilters() {
  $('app-filters').replaceChildren(...FILTERS.map(([key]) => {
    const label = key === 'todo' ? t('permits.win.todo') : key === 'closed' ? t('permits.win.closed_apps') : codeLabel('application_statuses', key);
    const b = button(label, null, `app-filter-${key}`, () => {
      appFilter = key;
      renderAppFilters();
      loadApps().catch((err) => toast(problemText(err), 'error'));
    });
    b.setAttribute('aria-pressed', String(key === appFilter));
    return b;
  }));
}

async function loadApps() {
  const statuses = FILTERS.find(([k]) => k === appFilter)?.[1] || '';
  appRows = await api('GET', `/api/v1/permits/applications${statuses ? `?status=${encodeURIComponent(statuses)}` : ''}`);
  renderApps();
}

function renderApps() {
  const body = $('app-rows');
  body.replaceChildren();
  if (appFilter === 'todo') {
    const n = appRows.filter((a) => a.status === 'pre_checked' || a.overdue).length;
    $('a-count').hidden = !n;
    $('a-count').textContent = String(n || '');
  }
  if (!appRows.length) {
    const tr = make('tr');
    const td = make('td', 'muted', t('permits.win.no_apps'));
    td.colSpan = 6;
    tr.append(td);
    body.append(tr);
  }
  for (const a of appRows) {
    const tr = make('tr', `${a.overdue ? 'overdue-row' : ''}${reviewing?.id === a.id ? ' selected' : ''}`);
    tr.dataset.testid = 'app-row';
    tr.dataset.id = a.id;
    tr.dataset.status = a.status;
    const n = make('td');
    n.append(make('strong', null, itemName(a.item_code)), make('div', 'hint', a.item_code));
    tr.append(n);
    const dl = make('td', 'num');
    dl.append(make('span', null, a.deadline || '—'));
    if (a.overdue) {
      const o = make('span', 'badge overdue', t('permits.app.overdue'));
      o.dataset.testid = 'app-overdue';
      dl.append(make('br'), o);
    }
    tr.append(dl);
    const st = make('td');
    const badge = make('span', `badge pa-st-${a.status}`, codeLabel('application_statuses', a.status));
    badge.dataset.testid = 'app-row-status';
    st.append(badge);
    tr.append(st);
    const fee = make('td', 'num');
    if (a.fee_fen > 0) fee.append(make('div', null, yuan(a.fee_fen)), make('div', a.paid ? 'paid-yes' : 'paid-no', t(a.paid ? 'permits.app.paid' : 'permits.app.unpaid')));
    else fee.append(make('span', 'muted', t('permits.item.free')));
    tr.append(fee);
    tr.append(make('td', 'num', when(a.submitted_at || a.created_at)));
    const act = make('td');
    act.append(button(t('permits.win.open'), 'btn btn-ghost btn-small', 'app-open', () => openReview(a.id)));
    tr.append(act);
    body.append(tr);
  }
}

async function openReview(id) {
  try {
    reviewing = await api('GET', `/api/v1/permits/applications/${encodeURIComponent(id)}`);
  } catch (err) {
    toast(problemText(err), 'error');
    return;
  }
  $('rv-note').value = '';
  $('rv-tracking').value = '';
  $('rv-error').hidden = true;
  renderReview();
  renderApps();
  $('review').hidden = false;
  $('review').focus();
}

function fieldValue(item, key, raw) {
  const f = (item?.fields || []).find((x) => x.key === key);
  if (f && f.kind === 'choice') {
    const o = (f.options || []).find((x) => x.code === raw);
    if (o) return name(o);
  }
  return raw || '—';
}

function renderReview() {
  const a = reviewing;
  if (!a) {
    $('review').hidden = true;
    return;
  }
  const item = itemOf(a.item_code);
  $('rv-title').textContent = `${itemName(a.item_code)} · ${codeLabel('application_statuses', a.status)}`;
  const body = $('rv-body');
  body.replaceChildren();
  const dl = make('dl', 'facts');
  fact(dl, t('permits.app.office'), a.office_name || '');
  fact(dl, t('permits.win.app_id'), a.id);
  fact(dl, t('permits.app.submitted_at'), when(a.submitted_at));
  if (a.fee_fen > 0) fact(dl, t('permits.item.fee'), `${yuan(a.fee_fen)} · ${t(feeState(a))}`, 'rv-fee');
  if (a.accepted_on) fact(dl, t('permits.win.accepted_on'), a.accepted_on);
  if (a.deadline) {
    const dd = fact(dl, t('permits.app.deadline'), a.deadline, 'rv-deadline');
    if (a.overdue) dd.append(make('span', 'badge overdue', ` ${t('permits.app.overdue')}`));
  }
  if (a.approved_on) fact(dl, t('permits.win.approved_on'), a.approved_on);
  if (a.mail_due) fact(dl, t('permits.win.mail_due'), a.mail_due);
  if (a.address) fact(dl, t('permits.app.address'), a.address, 'rv-address');
  if (a.tracking_no) fact(dl, t('permits.app.tracking_no'), a.tracking_no, 'rv-tracking-no');
  body.append(dl);

  body.append(make('h3', null, t('permits.app.form')));
  const form = make('dl', 'facts');
  form.dataset.testid = 'rv-details';
  for (const f of item?.fields || []) fact(form, name(f), fieldValue(item, f.key, a.details?.[f.key]));
  if (!item) for (const [k, v] of Object.entries(a.details || {})) fact(form, k, String(v));
  body.append(form);

  body.append(make('h3', null, t('permits.app.materials')));
  const mats = make('ul', 'plain mats');
  for (const m of item?.materials || []) {
    const file = (a.materials || []).find((x) => x.code === m.code);
    const li = make('li', file ? 'mat-ok' : m.required ? 'mat-missing' : 'muted');
    li.append(make('span', null, `${file ? '✓' : '✗'} ${name(m)}`));
    if (file) {
      const link = make('a', null, ` ${file.filename}`);
      link.href = `/api/v1/permits/applications/${encodeURIComponent(a.id)}/materials/${encodeURIComponent(m.code)}`;
      link.target = '_blank';
      link.rel = 'noopener';
      li.append(link, make('span', 'muted', ` · ${file.content_type}`));
    }
    mats.append(li);
  }
  body.append(mats);

  body.append(make('h3', null, t('permits.app.progress')));
  const ol = make('ol', 'app-steps');
  (a.steps || []).forEach((s, i, all) => {
    const li = make('li', i === all.length - 1 ? 'app-step now' : 'app-step');
    const h = make('p', 'app-step-head');
    h.append(make('strong', null, codeLabel('application_statuses', s.status)), make('time', null, when(s.at)));
    li.append(h);
    if (s.note) li.append(make('p', 'app-step-note', s.note));
    ol.append(li);
  });
  body.append(ol);

  // The review steps the state allows.
  const acts = [];
  if (a.status === 'pre_checked') acts.push(['accept', 'btn-primary'], ['return', 'btn-ghost'], ['reject', 'btn-danger']);
  if (a.status === 'accepted') acts.push(['approve', 'btn-primary'], ['reject', 'btn-danger']);
  if (a.status === 'approved' && item?.mailed && a.address) acts.push(['mail', 'btn-primary']);
  if (a.status === 'approved' || a.status === 'mailed') acts.push(['deliver', a.status === 'mailed' ? 'btn-primary' : 'btn-ghost']);
  $('rv-form').hidden = !acts.length;
  $('rv-note-label').hidden = !acts.some(([k]) => ['accept', 'return', 'reject', 'approve'].includes(k));
  $('rv-note-hint').hidden = $('rv-note-label').hidden;
  $('rv-tracking-label').hidden = !acts.some(([k]) => k === 'mail');
  $('rv-actions').replaceChildren(...acts.map(([k, cls]) => {
    const b = button(t(`permits.win.review.${k}`), `btn btn-small ${cls}`, `rv-${k}`, () => review(k));
    b.disabled = reviewBusy;
    return b;
  }));
  $('rv-print').hidden = !(a.forms || []).length;
}

async function review(action) {
  const a = reviewing;
  if (!a || reviewBusy) return;
  const note = $('rv-note').value.trim();
  const tracking = $('rv-tracking').value.trim();
  const err = $('rv-error');
  if ((action === 'return' || action === 'reject') && !note) {
    err.textContent = t('permits.win.reason_required');
    err.hidden = false;
    $('rv-note').setAttribute('aria-invalid', 'true');
    $('rv-note').focus();
    return;
  }
  if (action === 'mail' && !tracking) {
    err.textContent = t('permits.win.tracking_required');
    err.hidden = false;
    $('rv-tracking').focus();
    return;
  }
  $('rv-note').removeAttribute('aria-invalid');
  reviewBusy = true;
  renderReview();
  try {
    const body = { action };
    if (note) body.note = note;
    if (action === 'mail') body.tracking_no = tracking;
    reviewing = await api('POST', `/api/v1/permits/applications/${encodeURIComponent(a.id)}/review`, body);
    err.hidden = true;
    $('rv-note').value = '';
    $('rv-tracking').value = '';
    toast(t('permits.win.reviewed', { status: codeLabel('application_statuses', reviewing.status) }));
    await loadApps();
  } catch (e) {
    const fields = Object.values(fieldErrors(e));
    err.textContent = [problemText(e), ...fields].join(' ');
    err.hidden = false;
  }
  reviewBusy = false;
  renderReview();
}

/** The filled paper forms, as printed: one page each. */
function printForms() {
  const a = reviewing;
  if (!a) return;
  const area = $('print-area');
  area.replaceChildren(...(a.forms || []).map((f) => {
    const sec = make('section', 'print-form');
    sec.append(make('h1', null, f.zh));
    if (f.en) sec.append(make('p', 'print-en', f.en));
    sec.append(make('p', 'print-meta', `${a.office_name || ''} · ${t('permits.win.app_id')} ${a.id} · ${localDate(new Date())}`));
    const table = make('table');
    for (const r of f.rows || []) {
      const tr = make('tr');
      const th = make('th', null, r.zh);
      if (r.en) th.append(make('span', 'print-en', r.en));
      tr.append(th, make('td', null, r.value || ''));
      table.append(tr);
    }
    sec.append(table);
    const sign = make('p', 'print-sign', t('permits.win.print_sign'));
    sec.append(sign);
    return sec;
  }));
  window.print();
}

// ---------------------------------------------------------------- statistics

async function loadStats(event) {
  if (event) event.preventDefault();
  const q = new URLSearchParams({ from: $('stats-from').value, to: $('stats-to').value });
  try {
    const s = await api('GET', `/api/v1/permits/stats?${q}`);
    $('stats-error').hidden = true;
    renderStats(s);
  } catch (err) {
    $('stats-error').textContent = problemText(err);
    $('stats-error').hidden = false;
  }
}

function tile(label, value, sub, testid) {
  const d = make('div', 'stat');
  if (testid) d.dataset.testid = testid;
  d.append(make('span', 'stat-value', value), make('span', 'stat-label', label));
  if (sub) d.append(make('span', 'stat-sub', sub));
  return d;
}

const pct = (a, b) => (b > 0 ? `${Math.round((a / b) * 100)}%` : '—');

function pairsTable(caption, pairs, list) {
  const table = make('table', 'queue stat-table');
  table.append(make('caption', null, caption));
  for (const [code, n] of pairs || []) {
    const tr = make('tr');
    tr.append(make('th', null, codeLabel(list, code)), make('td', 'num', String(n)));
    table.append(tr);
  }
  if (!(pairs || []).length) {
    const tr = make('tr');
    tr.append(make('td', 'muted', '—'));
    table.append(tr);
  }
  return table;
}

function renderStats(s) {
  const body = $('stats-body');
  const grid = make('div', 'stats-grid');
  grid.append(
    tile(t('permits.stats.items'), String(s.items), t('permits.stats.items_online', { n: s.items_online }), 'stat-items'),
    tile(t('permits.stats.applications'), String(s.applications), t('permits.stats.submitted', { n: s.applications_submitted })),
    tile(t('permits.stats.portal_visits'), String(s.portal_visits), t('permits.stats.progress_queries', { n: s.progress_queries })),
    tile(t('permits.stats.tickets'), String(s.tickets), t('permits.stats.no_shows', { n: s.no_shows }), 'stat-tickets'),
    tile(t('permits.stats.wait'), duration(s.wait_mean_s), t('permits.stats.wait_p90', { t: duration(s.wait_p90_s) })),
    tile(t('permits.stats.serve'), duration(s.serve_mean_s)),
    tile(t('permits.stats.decided'), String(s.decided), t('permits.stats.in_time', { n: s.decided_in_time, p: pct(s.decided_in_time, s.decided) })),
    tile(t('permits.stats.overdue'), String(s.overdue)),
    tile(t('permits.stats.mailed'), String(s.mailed), t('permits.stats.in_time', { n: s.mailed_in_time, p: pct(s.mailed_in_time, s.mailed) })),
  );
  const tables = make('div', 'stats-tables');
  tables.append(
    pairsTable(t('permits.stats.by_status'), s.appointments, 'appointment_statuses'),
    pairsTable(t('permits.stats.by_channel'), s.appointments_by_channel, 'channels'),
  );
  body.replaceChildren(grid, tables);
}

// ---------------------------------------------------------------- start-up

let tab = null;

function renderAll() {
  renderPickers();
  fillItemSelects();
  renderQueue();
  renderAppointments();
  renderPhoneSlots();
  renderAppFilters();
  renderApps();
  renderReview();
}

if (me) {
  try {
    const [, all, allOffices, orgs] = await Promise.all([
      loadCodes(),
      api('GET', '/api/v1/permits/items'),
      api('GET', '/api/v1/permits/offices'),
      api('GET', '/api/v1/orgs').catch(() => null),
    ]);
    items = all;
    // The offices of the clerk's jurisdiction (administrators: every office).
    const mine = orgs ? new Set(orgs.map((o) => o.id)) : null;
    offices = allOffices.filter((o) => me.role === 'admin' || !mine || mine.has(o.org_id));
  } catch (err) {
    toast(problemText(err), 'error');
  }
  tab = tabs(TABS, 'wtab-', 'wpanel-', 'queue', (name) => {
    if (name === 'applications') loadApps().catch((err) => toast(problemText(err), 'error'));
    if (name === 'appointments') loadAppointments().catch((err) => toast(problemText(err), 'error'));
    if (name === 'stats' && !$('stats-body').childElementCount) loadStats();
  });
  $('appt-date').value = today();
  $('stats-to').value = today();
  $('stats-from').value = `${today().slice(0, 8)}01`;
  $('office').addEventListener('change', () => chooseOffice($('office').value));
  $('window').addEventListener('change', () => chooseWindow($('window').value));
  $('call-next').addEventListener('click', callNext);
  $('cur-recall').addEventListener('click', () => moveTicket('recall'));
  $('cur-start').addEventListener('click', () => moveTicket('start'));
  $('cur-finish').addEventListener('click', () => moveTicket('finish'));
  $('cur-miss').addEventListener('click', () => moveTicket('miss'));
  $('cur-transfer').addEventListener('submit', transfer);
  $('walk-form').addEventListener('submit', walkIn);
  $('appt-date').addEventListener('change', () => loadAppointments().catch((err) => toast(problemText(err), 'error')));
  $('appt-reload').addEventListener('click', () => loadAppointments().catch((err) => toast(problemText(err), 'error')));
  $('ph-item').addEventListener('change', loadPhoneSlots);
  $('ph-green').addEventListener('change', () => renderPhoneSlots());
  $('ph-date').addEventListener('change', () => renderPhoneSlots());
  $('ph-form').addEventListener('submit', phoneBook);
  $('apps-reload').addEventListener('click', () => loadApps().catch((err) => toast(problemText(err), 'error')));
  $('rv-close').addEventListener('click', () => {
    reviewing = null;
    renderReview();
    renderApps();
  });
  $('rv-print').addEventListener('click', printForms);
  $('stats-form').addEventListener('submit', loadStats);
  document.addEventListener('langchange', renderAll);
  // Waiting times move on by themselves.
  setInterval(() => {
    if (tab.current() === 'queue') renderQueue();
  }, 30_000);
  renderAppFilters();
  tab.show(tab.current());
  const saved = store.get(OFFICE_KEY);
  await chooseOffice(offices.some((o) => o.id === saved) ? saved : offices[0]?.id || '');
  if (tab.current() === 'applications') await loadApps().catch(() => {});
  else loadApps().catch(() => {});
} else {
  $('main').hidden = true;
}
document.body.dataset.ready = '1';
