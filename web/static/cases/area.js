// The handling-area board (/cases/area, 办案区看板) of a unit, for a wall screen and a desk:
// everyone inside as a card without a photo — name, role, reason, arrival time (到案时间),
// room, measure and its legal basis — sorted by the time their measure has left, with a
// countdown that ticks locally, changes colour at each warning point and turns red on expiry
// ("record the outcome now": only the exit is offered then). Bring a person in; for one
// person: safety check, information collected, belongings, room move, change of measure,
// extension request, temporary leave and return, exit with a required outcome. Live from the
// board's event stream. Keyboard: N brings a person in, arrows move between cards, Enter opens.
import { boot } from '../js/shell.js';
import {
  $, make, button, fact, toast, t, api, enc, at, hm, localInput, fromLocalInput, loadCodes,
  codeLabel, codeOptions, loadLimits, limitOf, limitName, basis, minutesText, clockOf, tick,
  remainingMs, levelText, problemText, submitting, options, val, follow, openDialog, wireDialogs,
  orgName, personName, rows, loadFailed, localProblem,
} from './common.js';
import { askExtension, wireExtension } from './extension.js';

const me = await boot(['case_handler', 'legal_supervisor']);
const role = me?.role;
const acts = role === 'case_handler' || role === 'admin'; // handle_cases
const WALL_KEY = 'jingwu.cases.wall';
const UNIT_KEY = 'jingwu.cases.area.unit';

const PERSON_ROLES = ['person_roles'];
const ID_KINDS = ['id_kinds'];
const STATUSES = ['custody_statuses'];
const OUTCOMES = ['outcomes'];
const ROOM_KINDS = ['room_kinds'];
const EVENT_KINDS = ['area_events'];
const EXT_STATUSES = ['extension_statuses'];
const LEAVE_PURPOSES = ['leave_purposes'];
const LEVEL_RANK = { expired: 0, third: 1, second: 2, first: 3, ok: 4, stopped: 5 };

let orgs = [];
let unitId = '';
let board = [];
let rooms = [];
let cases = [];
let openId = null; // the person whose dialog is open
let record = null; // their record
let exitOutcome = '';
const pending = new Set(); // measures whose extension this page requested and is not yet decided

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

/** A measure in one shape: its limit's code and basis beside its clock. */
const measure = (m) => (m ? { ...m, limit_code: m.limit?.code ?? m.limit_code, basis: m.limit?.basis, clock: m.clock || null } : null);

/** The running measure of a board line or record. */
function measureOf(p) {
  return measure(p.measure || (p.measures || []).find((x) => !x.ended_at) || null);
}

/** A case's number and title, from the cases in reach. */
const caseText = (id) => {
  const c = cases.find((x) => x.id === id);
  return c ? `${c.number} ${c.title}` : '';
};

const roomName = (p) => p.room?.name || p.room_name || rooms.find((r) => r.id === p.room_id)?.name || '—';

// ---------------------------------------------------------------- the board

async function loadBoard() {
  const q = unitId && unitId !== me.org?.id ? `?org=${enc(unitId)}` : '';
  const state = $('board-state');
  $('board').setAttribute('aria-busy', 'true');
  if (!board.length) state.replaceChildren(make('p', 'muted', t('cases.loading')));
  try {
    // Each line: the person and the running measure with its clock.
    board = rows(await api('GET', `/api/v1/cases/area${q}`)).map((l) => ({ ...(l.person || l), measure: l.measure || null }));
    state.replaceChildren();
    renderBoard();
  } catch (err) {
    loadFailed(state, err, loadBoard);
  } finally {
    $('board').setAttribute('aria-busy', 'false');
  }
}

function levelNow(p) {
  const m = measureOf(p);
  if (!m || !p._clock) return 'ok';
  const r = remainingMs(p._clock);
  if (r !== null && r <= 0) return 'expired';
  return p._level || 'ok';
}

function renderBoard() {
  const list = $('board');
  const focusedId = document.activeElement?.closest?.('.pcard')?.dataset.id;
  for (const p of board) {
    const m = measureOf(p);
    p._clock = m?.clock ? clockOf(m.clock, m.limit_code) : null;
  }
  // Least time left first; people temporarily out after those inside with the same time.
  board.sort((a, b) => {
    const ra = a._clock ? remainingMs(a._clock) : Infinity;
    const rb = b._clock ? remainingMs(b._clock) : Infinity;
    return ra - rb;
  });
  list.replaceChildren(...board.map(card));
  if (!board.length) list.append(make('li', 'board-empty muted', t('cases.area.empty')));
  renderCounts();
  if (focusedId) list.querySelector(`.pcard[data-id="${CSS.escape(focusedId)}"]`)?.focus();
}

function card(p) {
  const li = make('li', 'pcard');
  li.dataset.testid = 'pcard';
  li.dataset.id = p.id;
  li.dataset.name = p.name;
  li.dataset.status = p.status;
  li.tabIndex = 0;
  li.setAttribute('aria-haspopup', 'dialog');
  const head = make('div', 'pcard-head');
  const nm = make('h2', 'pcard-name', p.name);
  nm.id = `pc-${p.id}`;
  li.setAttribute('aria-labelledby', nm.id);
  head.append(nm, make('span', 'badge role-b', codeLabel(PERSON_ROLES, p.role)));
  if (p.status && p.status !== 'in_area') head.append(make('span', `badge st-b st-${p.status}`, codeLabel(STATUSES, p.status)));
  li.append(head);
  li.append(make('p', 'pcard-reason', p.reason || ''));
  const dl = make('dl', 'pcard-facts');
  fact(dl, t('cases.field.arrived_at'), at(p.arrived_at), 'pc-arrived');
  fact(dl, t('cases.field.room'), roomName(p), 'pc-room');
  const m = measureOf(p);
  if (m) {
    const dd = fact(dl, t('cases.field.measure'), limitName(m.limit_code), 'pc-measure');
    dd.append(make('span', 'pcard-basis', basis(m.limit_code)));
  }
  if (p.case_id) fact(dl, t('cases.field.case'), caseText(p.case_id) || '—', 'pc-case');
  li.append(dl);
  const clockBox = make('div', 'pcard-clock');
  const cd = make('p', 'countdown big');
  cd.dataset.testid = 'pc-countdown';
  const lvl = make('span', 'badge clock-level');
  lvl.dataset.testid = 'pc-level';
  const due = make('span', 'pcard-due');
  due.dataset.testid = 'pc-due';
  clockBox.append(cd, lvl, due);
  li.append(clockBox);
  const expired = make('p', 'pcard-expired', t('cases.area.expired_now'));
  expired.hidden = true;
  expired.setAttribute('role', 'alert');
  li.append(expired);
  if ((m?.extensions || []).some((x) => x.status === 'requested') || pending.has(m?.id)) {
    li.append(make('p', 'pcard-pending', t('cases.area.extension_pending')));
  }
  if (!m) {
    clockBox.replaceChildren(make('p', 'pcard-nomeasure', t('cases.area.no_measure')));
  }
  if (m?.clock && m.limit && m.clock.limit_minutes > m.limit.base_minutes) {
    clockBox.append(make('span', 'pcard-extended', t('cases.area.extended', { amount: minutesText(m.clock.limit_minutes - m.limit.base_minutes) })));
  }
  if (p._clock) {
    due.textContent = t('cases.clock.due', { at: at(p._clock.due) });
    tick(cd, p._clock, (level) => {
      p._level = level;
      paintCard(li, lvl, expired, level);
      renderCounts();
    });
    p._level = cd.dataset.level;
    paintCard(li, lvl, expired, cd.dataset.level);
  }
  const row = make('div', 'pcard-actions');
  row.append(button(t('cases.area.open'), 'btn btn-ghost', 'pc-open', () => openPerson(p.id)));
  if (acts) row.append(button(t('cases.area.act.exit'), 'btn btn-danger', 'pc-exit', () => openPerson(p.id, 'exit')));
  li.append(row);
  li.addEventListener('keydown', (e) => {
    if (e.target !== li) return;
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      openPerson(p.id);
    }
  });
  li.addEventListener('dblclick', () => openPerson(p.id));
  return li;
}

function paintCard(li, badge, expiredLine, level) {
  li.dataset.level = level;
  badge.textContent = levelText(level === 'ok' ? null : level);
  badge.className = `badge clock-level lv-${level}`;
  expiredLine.hidden = level !== 'expired';
}

function renderCounts() {
  const inside = board.filter((p) => p.status !== 'out').length;
  const out = board.length - inside;
  const warn = board.filter((p) => ['first', 'second', 'third'].includes(levelNow(p))).length;
  const expired = board.filter((p) => levelNow(p) === 'expired').length;
  const box = $('counts');
  box.replaceChildren(
    make('span', 'cnt', t('cases.area.count_in', { n: inside })),
    make('span', 'cnt', t('cases.area.count_out', { n: out })),
    make('span', `cnt${warn ? ' cnt-warn' : ''}`, t('cases.area.count_warn', { n: warn })),
    make('span', `cnt${expired ? ' cnt-expired' : ''}`, t('cases.area.count_expired', { n: expired })),
  );
}

// Arrow keys move between cards (in reading order), Home/End to the first/last.
function boardKeys(e) {
  const cards = [...$('board').querySelectorAll('.pcard')];
  const i = cards.indexOf(document.activeElement);
  if (i < 0) return;
  const cols = Math.max(1, Math.round($('board').clientWidth / cards[0].offsetWidth));
  const go = { ArrowRight: i + 1, ArrowLeft: i - 1, ArrowDown: i + cols, ArrowUp: i - cols, Home: 0, End: cards.length - 1 }[e.key];
  if (go === undefined) return;
  e.preventDefault();
  cards[Math.max(0, Math.min(cards.length - 1, go))].focus();
}

// ---------------------------------------------------------------- bringing a person in

function fillInForm() {
  options($('in-role'), codeOptions(PERSON_ROLES), t('cases.choose'));
  options($('in-idkind'), codeOptions(ID_KINDS), t('cases.choose'));
  const custody = (limitsList || []).filter((l) => l.applies_to === 'custody');
  options($('in-measure'), custody.map((l) => [l.code, `${limitName(l.code)} · ${minutesText(l.base_minutes)}`]), t('cases.choose'));
  options($('in-case'), openCases().map((c) => [c.id, `${c.number} ${c.title}`]), t('cases.area.no_case'));
  options($('in-room'), activeRooms().map((r) => [r.id, `${r.name} · ${codeLabel(ROOM_KINDS, r.kind)}`]), t('cases.area.no_room'));
  $('in-basis').textContent = basis($('in-measure').value);
}

const activeRooms = () => rooms.filter((r) => r.active !== false && r.active !== 0 && (!unitId || !r.org_id || r.org_id === unitId));

function syncInIdKind() {
  const unknown = $('in-idkind').value === 'unknown';
  $('in-idno').disabled = unknown;
  $('in-idno').required = !unknown && $('in-idkind').value !== '';
  if (unknown) $('in-idno').value = '';
}

async function openBringIn() {
  if (!acts) return;
  $('in-form').reset();
  fillInForm();
  syncInIdKind();
  $('in-arrived').value = localInput();
  openDialog($('in-dialog'), '#in-name');
  // The cases the person may be brought in for: fresh when the dialog opens.
  await loadCases();
  options($('in-case'), openCases().map((c) => [c.id, `${c.number} ${c.title}`]), t('cases.area.no_case'));
}

const openCases = () => cases.filter((c) => !['closed', 'revoked', 'not_filed'].includes(c.status));

/** The cases in reach (for the case of each card and the bring-in form). */
async function loadCases() {
  try {
    cases = rows(await api('GET', '/api/v1/cases'));
  } catch {
    // Without the list a card shows no case title; bringing in works without a case.
  }
}

async function bringIn(e) {
  e.preventDefault();
  const form = $('in-form');
  const res = await submitting(form, () => api('POST', '/api/v1/cases/area', {
    name: $('in-name').value.trim(),
    role: $('in-role').value,
    id_kind: $('in-idkind').value,
    id_number: $('in-idkind').value === 'unknown' ? undefined : val('in-idno'),
    reason: $('in-reason').value.trim(),
    arrived_at: fromLocalInput($('in-arrived').value),
    measure: val('in-measure'),
    case_id: val('in-case'),
    room_id: val('in-room'),
  }));
  if (!res) return;
  $('in-dialog').close();
  const who = res.person || res;
  toast(t('cases.area.brought_in', { name: who.name || $('in-name').value }));
  await loadBoard();
  $('board').querySelector(`.pcard[data-id="${CSS.escape(who.id || '')}"]`)?.focus();
}

// ---------------------------------------------------------------- one person

async function openPerson(id, act = null) {
  openId = id;
  record = null;
  $('p-said').hidden = true;
  $('p-h').textContent = board.find((p) => p.id === id)?.name || '';
  $('p-body').hidden = true;
  $('p-state').replaceChildren(make('p', 'muted', t('cases.loading')));
  hideActForms();
  const dlg = $('p-dialog');
  if (!dlg.open) openDialog(dlg, '[data-close]');
  await loadPerson();
  if (act && record) startAct(act);
}

async function loadPerson() {
  if (!openId) return;
  try {
    const raw = await api('GET', `/api/v1/cases/area/${enc(openId)}`);
    record = normalize(raw);
    $('p-state').replaceChildren();
    renderPerson();
  } catch (err) {
    record = null;
    $('p-body').hidden = true;
    loadFailed($('p-state'), err, loadPerson);
  }
}

function normalize(raw) {
  const c = raw.person || raw;
  const measures = (raw.measures || []).map(measure);
  return {
    ...c,
    events: raw.events || [],
    measures,
    belongings: raw.belongings || [],
    extensions: measures.flatMap((m) => (m.extensions || []).map((x) => ({ ...x, clock_id: x.clock_id || m.id }))),
  };
}

function renderPerson() {
  const r = record;
  if (!r) return;
  $('p-body').hidden = false;
  $('p-h').textContent = `${r.name} · ${codeLabel(PERSON_ROLES, r.role)}`;
  const dl = $('p-facts');
  dl.replaceChildren();
  fact(dl, t('cases.field.status'), codeLabel(STATUSES, r.status), 'p-status');
  fact(dl, t('cases.field.identity'), r.id_kind === 'unknown' || !r.id_number ? codeLabel(ID_KINDS, r.id_kind || 'unknown') : `${codeLabel(ID_KINDS, r.id_kind)} ${r.id_number}`);
  fact(dl, t('cases.field.reason'), r.reason || '—');
  fact(dl, t('cases.field.arrived_at'), at(r.arrived_at));
  if (r.entered_at) fact(dl, t('cases.field.entered_at'), at(r.entered_at));
  fact(dl, t('cases.field.room'), roomName(r), 'p-room');
  if (r.case_id) {
    const dd = fact(dl, t('cases.field.case'), '');
    const a = make('a', null, caseText(r.case_id) || t('cases.area.open_case'));
    a.href = `/cases?case=${enc(r.case_id)}#file`;
    dd.append(a);
  }
  if (r.exit_at) fact(dl, t('cases.field.outcome'), `${codeLabel(OUTCOMES, r.outcome)} · ${at(r.exit_at)}${r.outcome_note ? ` · ${r.outcome_note}` : ''}`);

  // The running measure's clock, large, as on the board.
  const m = measureOf(r);
  const box = $('p-clock');
  box.replaceChildren();
  let level = 'ok';
  if (m && m.clock) {
    const k = clockOf(m.clock, m.limit_code);
    const cd = make('p', 'countdown huge');
    cd.dataset.testid = 'p-countdown';
    const lvl = make('span', 'badge clock-level');
    const due = make('p', 'muted');
    due.dataset.testid = 'p-due';
    due.textContent = `${limitName(m.limit_code)} · ${t('cases.clock.due', { at: at(k.due) })} · ${basis(m.limit_code)}`;
    box.append(cd, lvl, due);
    tick(cd, k, (lv) => {
      lvl.textContent = levelText(lv === 'ok' ? null : lv);
      lvl.className = `badge clock-level lv-${lv}`;
      box.dataset.level = lv;
      gateActions(lv);
    });
    level = cd.dataset.level;
    lvl.textContent = levelText(level === 'ok' ? null : level);
    lvl.className = `badge clock-level lv-${level}`;
    box.dataset.level = level;
  }
  gateActions(level);

  $('p-belongings').replaceChildren(...r.belongings.map((b) => {
    const li = make('li', b.returned_at ? 'muted' : null, `${b.description} × ${b.quantity}${b.returned_at ? ` · ${t('cases.area.returned_at', { at: at(b.returned_at) })}` : ''}`);
    li.dataset.testid = 'belonging';
    return li;
  }));
  if (!r.belongings.length) $('p-belongings').append(make('li', 'muted', t('cases.area.no_belongings')));

  $('p-measures').replaceChildren(...r.measures.map((x) => {
    const li = make('li', 'clock-item');
    li.dataset.testid = 'measure';
    li.append(make('strong', null, limitName(x.limit_code)), make('p', 'hint clock-basis', basis(x.limit_code)));
    const st = x.clock;
    const line = make('p', 'clock-line');
    if (st && !x.ended_at) {
      const cd = make('span', 'countdown');
      line.append(cd, make('span', 'muted', ` ${t('cases.clock.due', { at: at(st.due_at) })}`));
      tick(cd, clockOf(st, x.limit_code));
    } else {
      line.append(make('span', 'muted', `${at(x.started_at)} – ${at(x.ended_at)}`));
    }
    li.append(line);
    const exts = r.extensions.filter((e) => !e.clock_id || e.clock_id === x.id);
    for (const e of exts) {
      const p = make('p', `ext-line ext-${e.status}`);
      p.dataset.testid = 'ext-line';
      p.textContent = `${t('cases.ext.line', { amount: minutesText(e.minutes), status: codeLabel(EXT_STATUSES, e.status) })}${e.reason ? ` · ${e.reason}` : ''}`;
      li.append(p);
    }
    return li;
  }));

  const events = [...r.events].sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  $('p-events').replaceChildren(...events.map((ev) => {
    const li = make('li');
    li.dataset.testid = 'p-event';
    li.dataset.kind = ev.kind;
    li.append(make('time', null, at(ev.at)), make('strong', null, codeLabel(EVENT_KINDS, ev.kind)));
    const room = ev.room_id ? rooms.find((x) => x.id === ev.room_id)?.name : '';
    const extra = [room, detailText(ev.detail)].filter(Boolean);
    if (extra.length) li.append(make('span', 'muted', ` ${extra.join(' · ')}`));
    return li;
  }));
}

function detailText(d) {
  if (!d) return '';
  if (typeof d === 'string') {
    try {
      return detailText(JSON.parse(d));
    } catch {
      return d;
    }
  }
  if (typeof d !== 'object') return String(d);
  const parts = [];
  if (d.purpose) parts.push(codeLabel(LEAVE_PURPOSES, d.purpose));
  if (d.destination) parts.push(d.destination);
  if (d.note) parts.push(d.note);
  if (d.reason) parts.push(d.reason);
  if (d.level) parts.push(codeLabel(['clock_alerts'], d.level));
  if (d.limit_code) parts.push(limitName(d.limit_code));
  if (d.outcome) parts.push(codeLabel(OUTCOMES, d.outcome));
  if (d.description) parts.push(`${d.description}${d.quantity ? ` × ${d.quantity}` : ''}`);
  if (d.minutes) parts.push(minutesText(d.minutes));
  return parts.join(' · ');
}

/** Which actions the record's status and clock allow (the server decides; this only guides). */
function gateActions(level) {
  const r = record;
  if (!r) return;
  const exited = r.status === 'exited' || Boolean(r.exit_at);
  const out = r.status === 'out';
  const expired = level === 'expired';
  const safetyDone = r.events.some((e) => e.kind === 'safety_check');
  const infoDone = r.events.some((e) => e.kind === 'info_collected');
  // An extension only under a limit the law lets grow, with room left, none waiting.
  const m = measureOf(r);
  const l = limitOf(m?.limit_code);
  const room = l && m ? l.max_minutes - (m.clock?.limit_minutes || l.base_minutes) : 0;
  const waiting = (m?.extensions || []).some((x) => x.status === 'requested');
  const allowed = {
    safety_check: !safetyDone,
    info_collected: !infoDone,
    room_move: !out,
    belongings: !out,
    measure: !out,
    extension: !out && room > 0 && !waiting,
    leave: !out,
    return: out,
    exit: !out,
  };
  $('p-expired').hidden = !expired || exited;
  $('p-actions').hidden = !acts || exited;
  for (const b of $('p-actions').querySelectorAll('[data-act]')) {
    const act = b.dataset.act;
    const ok = !exited && allowed[act] && (!expired || act === 'exit');
    b.hidden = !ok && !(act === 'exit' && !exited && !out);
    b.disabled = !ok;
  }
  if (expired) {
    hideActForms('af-exit');
    if ($('af-exit').hidden && !exited && !out) startAct('exit');
  }
}

function hideActForms(except = '') {
  for (const f of document.querySelectorAll('.act-form')) if (f.id !== except) f.hidden = true;
}

/** What just happened, said in the open dialog (a toast would sit under the modal). */
function said(text) {
  const p = $('p-said');
  p.textContent = text;
  p.hidden = false;
}

async function simpleEvent(kind, body = {}) {
  try {
    await api('POST', `/api/v1/cases/area/${enc(openId)}/events`, { kind, ...body });
    said(t(`cases.area.done.${kind}`));
    await Promise.all([loadPerson(), loadBoard()]);
  } catch (err) {
    toast(problemText(err), 'error');
    await loadPerson();
  }
}

function startAct(act) {
  hideActForms();
  const r = record;
  if (!r) return;
  if (act === 'safety_check' || act === 'info_collected' || act === 'return') {
    simpleEvent(act);
    return;
  }
  if (act === 'extension') {
    const m = measureOf(r);
    if (!m) return;
    askExtension('measure', m.id, m.limit_code, m.clock?.limit_minutes, r.name, () => {
      pending.add(m.id);
      said(t('cases.ext.sent'));
      return Promise.all([loadPerson(), loadBoard()]);
    });
    return;
  }
  const form = $(`af-${act === 'room_move' ? 'room' : act}`);
  if (!form) return;
  if (act === 'room_move') {
    options($('af-room-to'), activeRooms().filter((x) => x.id !== r.room_id).map((x) => [x.id, `${x.name} · ${codeLabel(ROOM_KINDS, x.kind)}`]), t('cases.choose'));
  }
  if (act === 'leave') options($('af-leave-purpose'), codeOptions(LEAVE_PURPOSES), t('cases.choose'));
  if (act === 'measure') {
    const current = measureOf(r)?.limit_code;
    options($('af-measure-code'), (limitsList || []).filter((l) => l.applies_to === 'custody' && l.code !== current)
      .map((l) => [l.code, `${limitName(l.code)} · ${minutesText(l.base_minutes)}`]), t('cases.choose'));
    $('af-measure-basis').textContent = '';
  }
  if (act === 'exit') {
    exitOutcome = '';
    const box = $('af-exit-outcomes');
    box.replaceChildren(...codeOptions(OUTCOMES).map(([code, label]) => {
      const l = make('label', 'choice');
      const input = make('input');
      input.type = 'radio';
      input.name = 'outcome';
      input.value = code;
      input.dataset.testid = `outcome-${code}`;
      input.addEventListener('change', () => {
        exitOutcome = code;
      });
      l.append(input, make('span', null, label));
      return l;
    }));
    const kept = r.belongings.filter((b) => !b.returned_at);
    $('af-exit-belongings').textContent = kept.length ? t('cases.area.exit_belongings', { list: kept.map((b) => `${b.description} × ${b.quantity}`).join('、') }) : '';
  }
  form.hidden = false;
  form.querySelector('input:not([type=hidden]), select')?.focus();
}

async function submitAct(e) {
  e.preventDefault();
  const form = e.currentTarget;
  const id = openId;
  const send = {
    'af-room': () => api('POST', `/api/v1/cases/area/${enc(id)}/events`, { kind: 'room_move', room_id: $('af-room-to').value }),
    'af-belongings': () => api('POST', `/api/v1/cases/area/${enc(id)}/belongings`, {
      items: [{ description: $('af-bel-desc').value.trim(), quantity: Number($('af-bel-qty').value) }],
    }),
    'af-measure': () => api('POST', `/api/v1/cases/area/${enc(id)}/measures`, { limit_code: $('af-measure-code').value }),
    'af-leave': () => api('POST', `/api/v1/cases/area/${enc(id)}/events`, {
      kind: 'leave',
      purpose: $('af-leave-purpose').value,
      destination: $('af-leave-destination').value.trim(),
      approved_by: $('af-leave-approver').value.trim(),
    }),
    'af-exit': () => {
      if (!exitOutcome) throw localProblem({ outcome: 'outcome_required' });
      return api('POST', `/api/v1/cases/area/${enc(id)}/exit`, { outcome: exitOutcome, note: val('af-exit-note') || '' });
    },
  }[form.id];
  const done = {
    'af-room': 'cases.area.done.room_move',
    'af-belongings': 'cases.area.done.belongings',
    'af-measure': 'cases.area.done.measure',
    'af-leave': 'cases.area.done.leave',
    'af-exit': 'cases.area.done.exit',
  }[form.id];
  const res = await submitting(form, async () => (await send()) ?? {});
  if (!res) return;
  form.reset();
  form.hidden = true;
  if (form.id === 'af-exit') {
    $('p-dialog').close();
    toast(t(done));
    await loadBoard();
    return;
  }
  said(t(done));
  await Promise.all([loadPerson(), loadBoard()]);
}

// ---------------------------------------------------------------- rooms (administrators)

async function loadRooms() {
  try {
    const q = unitId ? `?org=${enc(unitId)}` : '';
    rooms = rows(await api('GET', `/api/v1/cases/area/rooms${q}`));
  } catch (err) {
    rooms = [];
    toast(problemText(err), 'error');
  }
  renderRooms();
}

function renderRooms() {
  if (role !== 'admin') return;
  $('rooms').hidden = false;
  options($('rm-kind'), codeOptions(ROOM_KINDS), t('cases.choose'));
  $('room-rows').replaceChildren(...rooms.map((r) => {
    const tr = make('tr');
    tr.dataset.testid = 'room-row';
    const active = r.active !== false && r.active !== 0;
    const td = make('td');
    td.append(button(active ? t('cases.area.room_off') : t('cases.area.room_on'), 'btn btn-ghost btn-small', 'room-toggle', async () => {
      try {
        await api('PUT', `/api/v1/cases/area/rooms/${enc(r.id)}`, { code: r.code, name: r.name, kind: r.kind, active: !active });
        await loadRooms();
      } catch (err) {
        toast(problemText(err), 'error');
      }
    }));
    tr.append(make('td', 'mono', r.code), make('td', null, r.name), make('td', null, codeLabel(ROOM_KINDS, r.kind)),
      make('td', null, active ? t('cases.yes') : t('cases.no')), td);
    return tr;
  }));
}

async function addRoom(e) {
  e.preventDefault();
  const form = $('room-form');
  const res = await submitting(form, () => api('POST', '/api/v1/cases/area/rooms', {
    org_id: unitId || me.org?.id,
    code: $('rm-code').value.trim(),
    name: $('rm-name').value.trim(),
    kind: $('rm-kind').value,
  }));
  if (!res) return;
  form.reset();
  await loadRooms();
}

// ---------------------------------------------------------------- start-up

let limitsList = null;
let stopLive = null;

function renderUnits() {
  // Units of the caller's subtree with a handling area: stations (and the caller's own unit).
  const mine = orgs.filter((o) => me.org && (o.path || '').startsWith(me.org.path || '/'));
  const units = mine.filter((o) => o.kind === 'station' || o.id === me.org?.id);
  $('unit-pick').hidden = units.length <= 1;
  options($('unit'), units.map((o) => [o.id, orgName(o)]));
  if (unitId) $('unit').value = unitId;
}

async function chooseUnit(id) {
  unitId = id;
  store.set(UNIT_KEY, id);
  board = [];
  await Promise.all([loadRooms(), loadCases()]);
  await loadBoard();
}

function setWall(on) {
  document.body.classList.toggle('wall', on);
  $('wall-toggle').setAttribute('aria-pressed', String(on));
  store.set(WALL_KEY, on ? '1' : '');
}

function showNow() {
  $('now').textContent = hm(new Date().toISOString());
}

if (me) {
  $('bring-in').hidden = !acts;
  try {
    const [, lim, os] = await Promise.all([loadCodes(), loadLimits(), api('GET', '/api/v1/orgs').catch(() => [])]);
    limitsList = lim;
    orgs = os || [];
  } catch (err) {
    toast(problemText(err), 'error');
  }
  wireDialogs();
  wireExtension();
  const fromUrl = new URLSearchParams(window.location.search);
  setWall(fromUrl.get('wall') === '1' || (fromUrl.get('wall') !== '0' && store.get(WALL_KEY) === '1'));
  const saved = fromUrl.get('org') || store.get(UNIT_KEY);
  unitId = orgs.some((o) => o.id === saved) ? saved : me.org?.id || '';
  renderUnits();
  $('unit').addEventListener('change', () => chooseUnit($('unit').value));
  $('wall-toggle').addEventListener('click', () => setWall(!document.body.classList.contains('wall')));
  $('bring-in').addEventListener('click', openBringIn);
  $('in-form').addEventListener('submit', bringIn);
  $('in-idkind').addEventListener('change', syncInIdKind);
  $('in-measure').addEventListener('change', () => {
    $('in-basis').textContent = basis($('in-measure').value);
  });
  $('af-measure-code').addEventListener('change', () => {
    $('af-measure-basis').textContent = basis($('af-measure-code').value);
  });
  for (const b of $('p-actions').querySelectorAll('[data-act]')) b.addEventListener('click', () => startAct(b.dataset.act));
  for (const f of document.querySelectorAll('.act-form')) f.addEventListener('submit', submitAct);
  $('p-dialog').addEventListener('close', () => {
    openId = null;
    record = null;
  });
  $('room-form').addEventListener('submit', addRoom);
  $('board').addEventListener('keydown', boardKeys);
  document.addEventListener('keydown', (e) => {
    if (e.key.toLowerCase() !== 'n' || e.ctrlKey || e.metaKey || e.altKey) return;
    if (document.querySelector('dialog[open]')) return;
    if (/^(INPUT|SELECT|TEXTAREA)$/.test(e.target.tagName)) return;
    e.preventDefault();
    openBringIn();
  });
  document.addEventListener('langchange', () => {
    renderUnits();
    renderBoard();
    renderRooms();
    if (record) renderPerson();
  });
  showNow();
  setInterval(showNow, 10_000);
  await chooseUnit(unitId);
  // Live: every change of a record in the area refetches the board (and the open record).
  stopLive = follow('/api/v1/cases/area/events', (kind, id) => {
    if (kind === 'evidence' || kind === 'case') return;
    loadBoard();
    if (openId && (!id || id === openId || kind === 'open' || kind === 'lagged')) loadPerson();
  }, (on) => $('live').classList.toggle('on', on));
  window.addEventListener('pagehide', () => stopLive?.());
} else {
  $('main').hidden = true;
}
document.body.dataset.ready = '1';
