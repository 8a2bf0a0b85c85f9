// Case files (/cases) for case handlers (办案民警) and legal supervisors (法制监督): the cases
// in reach with filters; one case file with its parties (identity errors at the field), steps
// and documents, deadlines with their running clocks, supervision comments and corrections,
// the linked 110 incident, the case's property (read-only) and the people in the handling area
// for it; the supervision desk (clocks overdue or in warning, extensions to decide, open
// corrections, flagged items, escalated alerts); and a new case. Live: the case stream.
import { boot } from '../js/shell.js';
import {
  $, make, button, fact, toast, tabs, t, api, ApiError, enc, at, localInput, fromLocalInput,
  loadCodes, codeLabel, codeOptions, loadLimits, limitOf, limitName, basis, minutesText,
  clockOf, tick, levelText, problemText, submitting, showProblem, options, val, uploadRaw,
  download, follow, wireDialogs, orgName, personName, rows, loadFailed, size, colon,
} from './common.js';
import { askExtension, wireExtension } from './extension.js';

const TABS = ['list', 'file', 'supervision', 'new'];
const me = await boot(['case_handler', 'legal_supervisor']);
const role = me?.role;
const handler = role === 'case_handler' || role === 'admin';
const supervisor = role === 'legal_supervisor' || role === 'admin';

let tab = null;
let caseId = new URLSearchParams(window.location.search).get('case') || '';
let file = null; // the open case file
let orgs = [];
let commentKind = 'comment';
let people = new Map(); // custody id → person, from the board (supervision names whose clock it is)

const CASE_KINDS = ['case_kinds'];
const CASE_STATUSES = ['case_statuses'];
const PARTY_ROLES = ['party_roles'];
const ID_KINDS = ['id_kinds'];
const STEP_KINDS = ['step_kinds'];
const COMMENT_KINDS = ['comment_kinds'];
const ITEM_STATES = ['item_states'];
const CATEGORIES = ['evidence_categories'];
const PERSON_ROLES = ['person_roles'];
const CUSTODY_STATUSES = ['custody_statuses'];
const EXT_STATUSES = ['extension_statuses'];
const CLOCK_KINDS = ['clock_kinds'];
const ALERTS = ['clock_alerts'];

const orgById = (id) => orgs.find((o) => o.id === id) || null;
/** A case's unit: an embedded org, else looked up by id. */
const unitName = (name, id) => name || orgName(orgById(id) || id);

function statusBadge(status) {
  const b = make('span', `badge cs-st cs-st-${status}`, codeLabel(CASE_STATUSES, status));
  b.dataset.status = status;
  return b;
}

// ---------------------------------------------------------------- the list

async function loadList() {
  const q = new URLSearchParams();
  for (const [k, id] of [['q', 'f-q'], ['status', 'f-status'], ['kind', 'f-kind']]) {
    const v = val(id);
    if (v) q.set(k, v);
  }
  const state = $('list-state');
  state.textContent = t('cases.loading');
  $('list-box').setAttribute('aria-busy', 'true');
  try {
    const list = rows(await api('GET', `/api/v1/cases${q.toString() ? `?${q}` : ''}`));
    renderList(list);
  } catch (err) {
    $('case-rows').replaceChildren();
    state.replaceChildren(make('span', 'form-error', problemText(err)), button(t('errors.retry'), 'btn btn-ghost btn-small', null, loadList));
  } finally {
    $('list-box').setAttribute('aria-busy', 'false');
  }
}

function renderList(list) {
  $('list-count').textContent = t('cases.files.count', { n: list.length });
  $('list-state').textContent = list.length ? '' : t('cases.files.empty');
  $('case-rows').replaceChildren(...list.map((c) => {
    const tr = make('tr', `cs-row${c.id === caseId ? ' selected' : ''}`);
    tr.dataset.testid = 'case-row';
    tr.dataset.number = c.number;
    const open = make('a', 'cs-open', c.number);
    open.href = `/cases?case=${enc(c.id)}#file`;
    open.addEventListener('click', (e) => {
      e.preventDefault();
      openCase(c.id);
    });
    const num = make('td');
    num.append(open);
    const st = make('td');
    st.append(statusBadge(c.status));
    tr.append(num, make('td', 'cs-title-cell', c.title), make('td', null, codeLabel(CASE_KINDS, c.kind)), st,
      make('td', null, unitName(c.org_name, c.org_id)), make('td', 'num', at(c.accepted_at)));
    return tr;
  }));
}

// ---------------------------------------------------------------- one case file

async function openCase(id, { focus = true } = {}) {
  caseId = id;
  const url = new URL(window.location.href);
  url.searchParams.set('case', id);
  url.hash = 'file';
  window.history.replaceState(null, '', url);
  tab.show('file');
  await loadCase();
  if (focus && file) $('cf-title').focus();
}

async function loadCase() {
  if (!caseId) return;
  const box = $('file-state');
  $('file-none').hidden = true;
  if (!file || file.id !== caseId) {
    $('file').hidden = true;
    box.replaceChildren(make('p', 'card-box muted', t('cases.loading')));
  }
  try {
    const raw = await api('GET', `/api/v1/cases/${enc(caseId)}`);
    file = normalize(raw);
    box.replaceChildren();
    renderCase();
  } catch (err) {
    file = null;
    $('file').hidden = true;
    loadFailed(box, err instanceof ApiError && err.status === 404 ? t('cases.files.not_found') : err, loadCase);
    return;
  }
  // The case's property and the people in the handling area come from their own systems.
  loadCaseEvidence();
  loadCaseArea();
}

/** The case file in one shape, whether the server nests the case or not. */
function normalize(raw) {
  const c = raw.case || raw;
  return {
    ...c,
    parties: raw.parties || c.parties || [],
    steps: raw.steps || c.steps || [],
    deadlines: raw.deadlines || c.deadlines || [],
    comments: raw.comments || c.comments || [],
    custodies: raw.custodies || raw.area || c.custodies || null,
    items: raw.items || raw.evidence || c.items || null,
    incident_id: c.incident_id ?? raw.incident_id ?? null,
  };
}

function renderCase() {
  const c = file;
  if (!c) return;
  $('file').hidden = false;
  $('file-tab-number').textContent = c.number ? ` ${c.number}` : '';
  const title = $('cf-title');
  title.tabIndex = -1;
  title.textContent = `${c.number} ${c.title}`;
  const st = $('cf-status');
  st.className = `badge cs-st cs-st-${c.status}`;
  st.textContent = codeLabel(CASE_STATUSES, c.status);
  st.dataset.status = c.status;
  const dl = $('cf-facts');
  dl.replaceChildren();
  fact(dl, t('cases.field.kind'), codeLabel(CASE_KINDS, c.kind));
  fact(dl, t('cases.field.cause'), c.cause || '—');
  fact(dl, t('cases.field.org'), unitName(c.org_name, c.org_id));
  fact(dl, t('cases.field.legal_org'), unitName(c.legal_org_name, c.legal_org_id));
  fact(dl, t('cases.field.handler'), c.handler_name || personName(c.handler_id));
  if (c.supervisor_name) fact(dl, t('cases.field.supervisor'), c.supervisor_name);
  fact(dl, t('cases.field.accepted_at'), at(c.accepted_at));
  if (c.filed_at) fact(dl, t('cases.field.filed_at'), at(c.filed_at));
  if (c.closed_at) fact(dl, t('cases.field.closed_at'), `${at(c.closed_at)}${c.close_reason ? ` · ${c.close_reason}` : ''}`);
  if (c.occurred_at) fact(dl, t('cases.field.occurred_at'), at(c.occurred_at));
  if (c.address) fact(dl, t('cases.field.address'), c.address);
  const inc = fact(dl, t('cases.field.incident'), '', 'cf-incident');
  if (c.incident_id) {
    inc.append(make('span', 'mono', c.incident_id));
    if (me.role === 'admin' || me.role === 'dispatcher') {
      const a = make('a', null, t('cases.files.incident_open'));
      a.href = `/command?incident=${enc(c.incident_id)}`;
      inc.append(' ', a);
    }
  } else inc.textContent = t('cases.files.no_incident');
  $('cf-summary').textContent = c.summary || '';
  renderStatusForm();
  renderDeadlines();
  renderParties();
  renderSteps();
  renderComments();
  for (const el of document.querySelectorAll('[data-handler-only]')) el.hidden = !handler || isFinal(c.status);
}

const isFinal = (status) => ['closed', 'revoked', 'not_filed'].includes(status);

function renderStatusForm() {
  const form = $('status-form');
  form.hidden = !handler || isFinal(file.status);
  const next = codeOptions(CASE_STATUSES, (x) => x.code !== file.status && x.code !== 'accepted');
  options($('st-to'), next, t('cases.choose'));
}

async function changeStatus(e) {
  e.preventDefault();
  const form = $('status-form');
  const res = await submitting(form, () => api('POST', `/api/v1/cases/${enc(caseId)}/status`, {
    to: $('st-to').value,
    reason: val('st-reason') || '',
  }));
  if (!res) return;
  toast(t('cases.files.status_done', { status: codeLabel(CASE_STATUSES, $('st-to').value) }));
  $('st-reason').value = '';
  await loadCase();
}

// Deadlines with their running clocks.
function renderDeadlines() {
  const list = $('dl-list');
  const items = [...file.deadlines].sort((a, b) => Number(Boolean(a.met_at)) - Number(Boolean(b.met_at)));
  list.replaceChildren(...items.map((d) => clockItem({
    id: d.id,
    kind: 'deadline',
    limitCode: d.limit_code,
    clock: d.clock || d.state || d,
    startedAt: d.started_at,
    met: d.met_at,
    note: d.note,
    extensions: d.extensions || [],
    actions: handler && !d.met_at,
  })));
  if (!items.length) list.append(make('li', 'muted', t('cases.files.no_deadlines')));
  const dlLimit = $('dl-limit');
  options(dlLimit, (limitsCache || []).filter((l) => l.applies_to === 'case').map((l) => [l.code, `${limitName(l.code)} · ${minutesText(l.base_minutes)}`]), t('cases.choose'));
  $('dl-basis').textContent = basis(dlLimit.value);
  if (!$('dl-start').value) $('dl-start').value = localInput();
}

/** One running (or stopped) clock with its basis, due time, countdown and actions. */
function clockItem(o) {
  const li = make('li', 'clock-item');
  li.dataset.testid = `clock-${o.kind}`;
  li.dataset.id = o.id;
  const k = clockOf(o.clock, o.limitCode);
  const head = make('div', 'clock-head');
  const name = make('strong', null, limitName(o.limitCode));
  head.append(name);
  if (o.caseLabel) head.append(make('span', 'muted', o.caseLabel));
  li.append(head);
  li.append(make('p', 'hint clock-basis', basis(o.limitCode)));
  const line = make('div', 'clock-line');
  const cd = make('span', 'countdown');
  cd.dataset.testid = 'countdown';
  const lvl = make('span', 'badge clock-level');
  lvl.dataset.testid = 'clock-level';
  const due = make('span', 'muted clock-due');
  due.dataset.testid = 'clock-due';
  const setDue = () => {
    due.textContent = o.met ? t('cases.files.met_at', { at: at(o.met) }) : t('cases.clock.due', { at: at(k?.due) });
  };
  setDue();
  line.append(cd, lvl, due);
  li.append(line);
  if (k) {
    tick(cd, { ...k, stopped: k.stopped || Boolean(o.met) }, (level) => paintLevel(li, lvl, level));
    paintLevel(li, lvl, cd.dataset.level);
  }
  const started = make('p', 'hint', `${t('cases.field.started_at')}${colon()}${at(o.startedAt || o.clock?.started_at)}${o.note ? ` · ${o.note}` : ''}`);
  li.append(started);
  for (const x of o.extensions) li.append(extLine(x));
  if (o.actions) {
    const row = make('div', 'btn-row');
    // Only a limit the law lets grow, and only while there is room left under its maximum.
    const l = limitOf(o.limitCode);
    const room = l ? l.max_minutes - (o.clock?.limit_minutes || l.base_minutes) : 0;
    if (room > 0 && !o.extensions.some((x) => x.status === 'requested')) {
      row.append(button(t('cases.ext.request'), 'btn btn-ghost btn-small', 'ext-request', () => askExtension(o.kind, o.id, o.limitCode,
        o.clock?.limit_minutes, file?.number, () => loadCase())));
    }
    if (o.kind === 'deadline') row.append(button(t('cases.files.deadline_met'), 'btn btn-ghost btn-small', 'deadline-met', () => meetDeadline(o.id)));
    li.append(row);
  }
  return li;
}

function paintLevel(li, badge, level) {
  li.dataset.level = level;
  badge.textContent = levelText(level === 'ok' ? null : level);
  badge.className = `badge clock-level lv-${level}`;
}

function extLine(x) {
  const p = make('p', `ext-line ext-${x.status}`);
  p.dataset.testid = 'ext-line';
  const who = x.decided_by_name || x.decided_by || '';
  p.textContent = `${t('cases.ext.line', { amount: minutesText(x.minutes), status: codeLabel(EXT_STATUSES, x.status) })}${x.reason ? ` · ${x.reason}` : ''}${x.status !== 'requested' && who ? ` · ${personName(who)}` : ''}${x.decision_note ? ` · ${x.decision_note}` : ''}`;
  return p;
}

async function meetDeadline(id) {
  try {
    await api('POST', `/api/v1/cases/${enc(caseId)}/deadlines/${enc(id)}/met`, {});
    toast(t('cases.files.deadline_met_done'));
    await loadCase();
  } catch (err) {
    toast(problemText(err), 'error');
  }
}

async function startDeadline(e) {
  e.preventDefault();
  const form = $('dl-form');
  const res = await submitting(form, () => api('POST', `/api/v1/cases/${enc(caseId)}/deadlines`, {
    limit_code: $('dl-limit').value,
    started_at: fromLocalInput($('dl-start').value),
    note: val('dl-note') || '',
  }));
  if (!res) return;
  form.reset();
  $('dl-add').open = false;
  toast(t('cases.files.deadline_started'));
  await loadCase();
}

// Parties.
function renderParties() {
  $('pa-rows').replaceChildren(...file.parties.map((p) => {
    const tr = make('tr');
    tr.dataset.testid = 'party-row';
    const idText = p.id_kind === 'unknown' || !p.id_number
      ? codeLabel(ID_KINDS, p.id_kind || 'unknown')
      : `${codeLabel(ID_KINDS, p.id_kind)} ${p.id_number}`;
    const nameCell = make('td', null, p.name);
    if (p.note) nameCell.append(make('span', 'hint block', p.note));
    tr.append(make('td', null, codeLabel(PARTY_ROLES, p.role)), nameCell, make('td', 'mono', idText), make('td', null, p.phone || '—'));
    return tr;
  }));
  if (!file.parties.length) {
    const tr = make('tr');
    const td = make('td', 'muted', t('cases.files.no_parties'));
    td.colSpan = 4;
    tr.append(td);
    $('pa-rows').append(tr);
  }
}

function syncIdKind() {
  const unknown = $('pa-idkind').value === 'unknown';
  const input = $('pa-idno');
  input.disabled = unknown;
  input.required = !unknown && $('pa-idkind').value !== '';
  if (unknown) input.value = '';
}

async function addParty(e) {
  e.preventDefault();
  const form = $('pa-form');
  const res = await submitting(form, () => api('POST', `/api/v1/cases/${enc(caseId)}/parties`, {
    role: $('pa-role').value,
    name: $('pa-name').value.trim(),
    id_kind: $('pa-idkind').value,
    id_number: $('pa-idkind').value === 'unknown' ? undefined : val('pa-idno'),
    phone: val('pa-phone'),
    address: val('pa-address') || '',
    note: val('pa-note') || '',
  }));
  if (!res) return;
  form.reset();
  syncIdKind();
  toast(t('cases.files.party_added'));
  await loadCase();
}

// Steps and their documents.
function renderSteps() {
  const list = $('sp-list');
  const steps = [...file.steps].sort((a, b) => String(a.at).localeCompare(String(b.at)));
  list.replaceChildren(...steps.map((s, i) => {
    const li = make('li', `app-step${i === steps.length - 1 ? ' now' : ''}`);
    li.dataset.testid = 'step';
    const head = make('p', 'app-step-head');
    head.append(make('strong', null, codeLabel(STEP_KINDS, s.kind)), make('time', null, at(s.at)));
    if (s.by_id && s.by_id === file.handler_id && file.handler_name) head.append(make('span', 'muted', file.handler_name));
    li.append(head);
    if (s.note) li.append(make('p', 'app-step-note', s.note));
    const doc = s.document || (s.document_sha256 ? { sha256: s.document_sha256, name: s.document_name, type: s.document_type, bytes: s.document_bytes } : null);
    if (doc) {
      const p = make('p', 'doc-line');
      const b = button(`${doc.name || t('cases.field.document')}`, 'btn-link', 'doc-download', async () => {
        b.disabled = true;
        try {
          await download(`/api/v1/cases/${enc(caseId)}/documents/${enc(doc.sha256)}`, doc.name);
        } catch (err) {
          toast(problemText(err), 'error');
        } finally {
          b.disabled = false;
        }
      });
      p.append(b, make('span', 'muted', ` ${doc.bytes ? size(doc.bytes) : ''} · SHA-256 `), make('code', 'hash', String(doc.sha256).slice(0, 16)));
      p.lastChild.title = doc.sha256;
      li.append(p);
    }
    return li;
  }));
  if (!steps.length) list.append(make('li', 'muted', t('cases.files.no_steps')));
}

async function addStep(e) {
  e.preventDefault();
  const form = $('sp-form');
  const fileInput = $('sp-file');
  const f = fileInput.files?.[0];
  if (f && f.size > 20 * 1024 * 1024) {
    showProblem(form, new ApiError(413, { code: 'body_too_large' }, null));
    return;
  }
  const bar = $('sp-progress');
  const res = await submitting(form, async () => {
    const kind = $('sp-kind').value;
    const note = val('sp-note') || '';
    if (!f) return api('POST', `/api/v1/cases/${enc(caseId)}/steps`, { kind, note });
    bar.hidden = false;
    bar.value = 0;
    try {
      return await uploadRaw('POST', `/api/v1/cases/${enc(caseId)}/steps/document?kind=${enc(kind)}&note=${enc(note)}`, f, (x) => {
        bar.value = x;
      });
    } finally {
      bar.hidden = true;
    }
  });
  if (!res) return;
  form.reset();
  toast(t('cases.files.step_added'));
  await loadCase();
}

// Supervision comments and corrections.
function renderComments() {
  const list = $('cm-list');
  list.replaceChildren(...[...file.comments].sort((a, b) => String(a.at).localeCompare(String(b.at))).map(commentItem));
  if (!file.comments.length) list.append(make('li', 'muted', t('cases.files.no_comments')));
  $('cm-form').hidden = !supervisor || isFinal(file.status);
  const seg = $('cm-kinds');
  const kinds = codeOptions(COMMENT_KINDS);
  seg.replaceChildren(...(kinds.length ? kinds : [['comment', 'comment'], ['correction', 'correction']]).map(([code, label]) => {
    const b = button(label, 'seg-btn', `cm-kind-${code}`, () => {
      commentKind = code;
      for (const x of seg.children) x.setAttribute('aria-pressed', String(x.dataset.code === code));
    });
    b.dataset.code = code;
    b.setAttribute('aria-pressed', String(code === commentKind));
    return b;
  }));
}

function commentItem(cm) {
  const li = make('li', `cm cm-${cm.kind}${cm.resolved_at ? ' resolved' : ''}`);
  li.dataset.testid = 'comment';
  const head = make('p', 'msg-meta');
  const badge = make('span', `badge cm-badge-${cm.kind}`, codeLabel(COMMENT_KINDS, cm.kind));
  head.append(badge, ` ${t('roles.legal_supervisor')} · ${at(cm.at)}`);
  li.append(head, make('p', 'msg-body', cm.text));
  if (cm.kind === 'correction') {
    if (cm.resolved_at) {
      const r = make('div', 'reply');
      r.append(make('p', 'reply-title', t('cases.files.resolved', { at: at(cm.resolved_at), by: cm.resolved_by === file.handler_id && file.handler_name ? file.handler_name : t('roles.case_handler') })));
      if (cm.resolution) r.append(make('p', 'msg-body', cm.resolution));
      li.append(r);
    } else {
      li.append(make('p', 'late', t('cases.files.correction_open')));
      if (handler) li.append(resolveForm(cm));
    }
  }
  return li;
}

function resolveForm(cm) {
  const form = make('form', 'form reply-form');
  form.id = `res-${cm.id}`;
  form.noValidate = true;
  const alert = make('p', 'alert form-alert');
  alert.hidden = true;
  alert.setAttribute('role', 'alert');
  const label = make('label');
  label.append(make('span', null, t('cases.files.answer')));
  const ta = make('textarea');
  ta.rows = 2;
  ta.maxLength = 2000;
  ta.required = true;
  ta.dataset.field = 'resolution';
  ta.dataset.testid = 'resolve-text';
  label.append(ta);
  const submit = make('button', 'btn btn-primary btn-small', t('cases.files.answer_submit'));
  submit.type = 'submit';
  submit.dataset.testid = 'resolve-submit';
  form.append(alert, label, submit);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const res = await submitting(form, () => api('POST', `/api/v1/cases/comments/${enc(cm.id)}/resolve`, { resolution: ta.value.trim() }));
    if (res === null) return;
    toast(t('cases.files.answered'));
    await loadCase();
  });
  return form;
}

async function addComment(e) {
  e.preventDefault();
  const form = $('cm-form');
  const res = await submitting(form, () => api('POST', `/api/v1/cases/${enc(caseId)}/comments`, {
    kind: commentKind,
    text: $('cm-text').value.trim(),
  }));
  if (!res) return;
  form.reset();
  toast(t('cases.files.comment_added'));
  await loadCase();
}

// The case's property (read-only) and the people in the handling area for it.
async function loadCaseEvidence() {
  const body = $('ev-rows');
  const id = caseId;
  let items = file.items;
  if (!items) {
    body.replaceChildren(emptyRow(4, t('cases.loading')));
    try {
      items = rows(await api('GET', `/api/v1/cases/evidence?case_id=${enc(id)}`));
    } catch (err) {
      if (id === caseId) body.replaceChildren(emptyRow(4, problemText(err), 'form-error'));
      return;
    }
  }
  if (id !== caseId) return;
  body.replaceChildren(...items.map((it) => {
    const tr = make('tr');
    tr.dataset.testid = 'case-item';
    const desc = make('td', null, it.description);
    desc.append(make('span', 'hint block', `${codeLabel(CATEGORIES, it.category)} × ${it.quantity ?? 1}`));
    if (it.flagged) desc.append(make('span', 'badge flag-badge', t('cases.ev.flagged')));
    const loc = it.location ? orgName(it.location) : (it.location_name || it.location_code || (it.holder ? personName(it.holder) : '—'));
    tr.append(make('td', 'mono', it.barcode), desc, make('td', null, codeLabel(ITEM_STATES, it.state)), make('td', null, loc));
    return tr;
  }));
  if (!items.length) body.append(emptyRow(4, t('cases.files.no_items')));
}

function emptyRow(n, text, cls = 'muted') {
  const tr = make('tr');
  const td = make('td', cls, text);
  td.colSpan = n;
  tr.append(td);
  return tr;
}

async function loadCaseArea() {
  const list = $('ar-list');
  const id = caseId;
  let people = file.custodies;
  if (!people) {
    try {
      people = rows(await api('GET', '/api/v1/cases/area')).map((l) => ({ ...(l.person || l), measure: l.measure || null })).filter((p) => p.case_id === id);
    } catch (err) {
      if (id === caseId) list.replaceChildren(make('li', 'form-error', problemText(err)));
      return;
    }
  }
  if (id !== caseId) return;
  list.replaceChildren(...people.map((p) => {
    const li = make('li', 'area-mini');
    li.dataset.testid = 'case-person';
    li.append(make('strong', null, p.name), ` ${codeLabel(PERSON_ROLES, p.role)} · ${codeLabel(CUSTODY_STATUSES, p.status)}`);
    const m = p.measure;
    if (m) {
      const code = m.limit?.code || m.limit_code;
      const cd = make('span', 'countdown small');
      li.append(make('span', 'muted', ` · ${limitName(code)} `), cd);
      const k = clockOf(m.clock, code);
      if (k) tick(cd, k);
    }
    return li;
  }));
  if (!people.length) list.append(make('li', 'muted', t('cases.files.no_people')));
}

// ---------------------------------------------------------------- supervision

async function loadSupervision() {
  const lists = ['sv-ext', 'sv-clk', 'sv-cor', 'sv-flag', 'sv-al'];
  for (const id of lists) if (!$(id).childElementCount) $(id).append(make('li', 'muted', t('cases.loading')));
  const [sv, ext, alerts, area] = await Promise.allSettled([
    api('GET', '/api/v1/cases/supervision'),
    api('GET', '/api/v1/cases/extensions'),
    api('GET', '/api/v1/cases/alerts'),
    api('GET', '/api/v1/cases/area'),
  ]);
  // People in the handling areas in reach, to name whose clock a line is about.
  people = new Map(area.status === 'fulfilled' ? rows(area.value).map((l) => [(l.person || l).id, l.person || l]) : []);
  if (ext.status === 'fulfilled') renderExtensions(rows(ext.value));
  else failed('sv-ext', ext.reason);
  if (sv.status === 'fulfilled') {
    const s = sv.value || {};
    renderSvClocks(s.clocks || s.running_clocks || []);
    renderCorrections(s.corrections || s.open_corrections || []);
    renderFlagged(s.flagged || []);
  } else for (const id of ['sv-clk', 'sv-cor', 'sv-flag']) failed(id, sv.reason);
  if (alerts.status === 'fulfilled') renderAlerts(rows(alerts.value));
  else failed('sv-al', alerts.reason);
  const n = ext.status === 'fulfilled' ? rows(ext.value).filter((x) => ((x.extension || x).status || 'requested') === 'requested').length : 0;
  $('sv-count').hidden = !n;
  $('sv-count').textContent = String(n || '');
}

function failed(id, err) {
  const li = make('li', 'form-error', problemText(err));
  li.append(' ', button(t('errors.retry'), 'btn btn-ghost btn-small', null, loadSupervision));
  $(id).replaceChildren(li);
}

function caseLink(x) {
  const c = x.case || x;
  const id = c.id || x.case_id;
  const a = make('a', 'cs-open', `${c.number || ''} ${c.title || ''}`.trim() || id);
  a.href = `/cases?case=${enc(id)}#file`;
  a.addEventListener('click', (e) => {
    e.preventDefault();
    openCase(id);
  });
  return a;
}

function renderExtensions(list) {
  const ul = $('sv-ext');
  // Each: the extension and the clock it would move ({kind, id, limit, clock, case_id, custody_id}).
  const open = list.map((p) => ({ ...(p.extension || p), on: p.clock || null })).filter((x) => (x.status || 'requested') === 'requested');
  ul.replaceChildren(...open.map((x) => {
    const li = make('li', 'desk-item ext-item');
    li.dataset.testid = 'ext-pending';
    li.dataset.id = x.id;
    const on = x.on || {};
    const code = on.limit?.code;
    const head = make('p', 'ext-head');
    const who = on.custody_id ? people.get(on.custody_id) : null;
    head.append(make('strong', null, [who?.name, codeLabel(CLOCK_KINDS, x.clock), limitName(code)].filter(Boolean).join(' · ')));
    li.append(head);
    li.append(make('p', null, t('cases.ext.asks_plain', { amount: minutesText(x.minutes), at: at(x.requested_at) })));
    if (x.reason) li.append(make('p', 'msg-body', x.reason));
    if (on.clock) {
      const k = clockOf(on.clock, code);
      const line = make('p', 'clock-line');
      const cd = make('span', 'countdown');
      cd.dataset.testid = 'ext-countdown';
      line.append(cd, make('span', 'muted', ` ${t('cases.clock.due', { at: at(k?.due) })} · ${t('cases.ext.would_be', { at: at((k?.due ?? 0) + x.minutes * 60_000) })}`));
      li.append(line);
      if (k) tick(cd, k);
    }
    if (code) li.append(make('p', 'hint', `${on.limit?.basis || basis(code)} · ${t('cases.ext.approver', { level: t(`org_kind.${on.limit?.approver_level || limitOf(code)?.approver_level || 'district'}`) })}`));
    const links = make('p', 'btn-row');
    if (on.case_id) {
      const a = caseLink({ id: on.case_id, number: t('cases.sv.open_case') });
      a.className = 'btn btn-ghost btn-small';
      links.append(a);
    }
    if (on.custody_id) {
      const a = make('a', 'btn btn-ghost btn-small', t('cases.nav.area'));
      a.href = '/cases/area';
      links.append(a);
    }
    if (links.childElementCount) li.append(links);
    li.append(decideForm(x));
    return li;
  }));
  if (!open.length) ul.append(make('li', 'muted', t('cases.sv.no_extensions')));
}

function decideForm(x) {
  const form = make('form', 'form decide-form');
  form.id = `dec-${x.id}`;
  form.noValidate = true;
  const alert = make('p', 'alert form-alert');
  alert.hidden = true;
  alert.setAttribute('role', 'alert');
  alert.tabIndex = -1;
  const label = make('label');
  label.append(make('span', null, t('cases.sv.decision_note')));
  const note = make('input');
  note.maxLength = 500;
  note.dataset.field = 'note';
  note.dataset.testid = 'decision-note';
  label.append(note);
  const row = make('div', 'btn-row');
  const decide = (approve) => async () => {
    const res = await submitting(form, () => api('POST', `/api/v1/cases/extensions/${enc(x.id)}/decision`, {
      approve,
      note: note.value.trim(),
    }));
    if (res === null) return;
    toast(approve ? t('cases.sv.approved') : t('cases.sv.refused'));
    await loadSupervision();
  };
  row.append(
    button(t('cases.sv.approve'), 'btn btn-primary btn-small', 'ext-approve', decide(true)),
    button(t('cases.sv.refuse'), 'btn btn-danger btn-small', 'ext-refuse', decide(false)),
  );
  form.append(alert, label, row);
  form.addEventListener('submit', (e) => e.preventDefault());
  return form;
}

function renderSvClocks(list) {
  const ul = $('sv-clk');
  const left = (x) => Number(x.clock?.remaining_seconds ?? 0);
  const sorted = [...list].sort((a, b) => left(a) - left(b));
  ul.replaceChildren(...sorted.map((x) => {
    const li = clockItem({
      id: x.id,
      kind: x.kind,
      limitCode: x.limit_code,
      clock: x.clock,
      startedAt: x.clock?.started_at,
      note: [codeLabel(CLOCK_KINDS, x.kind), x.person_name].filter(Boolean).join(' · '),
      extensions: [],
      actions: false,
    });
    if (x.case) li.append(caseLink(x));
    if (x.kind === 'measure') {
      const a = make('a', 'btn btn-ghost btn-small', t('cases.nav.area'));
      a.href = '/cases/area';
      li.append(' ', a);
    }
    return li;
  }));
  if (!list.length) ul.append(make('li', 'muted', t('cases.sv.no_clocks')));
}

function renderCorrections(list) {
  const ul = $('sv-cor');
  ul.replaceChildren(...list.map((c) => {
    const li = make('li', 'desk-item');
    li.dataset.testid = 'sv-correction';
    li.append(caseLink(c), make('p', 'msg-meta', at(c.at)), make('p', 'msg-body', c.text));
    return li;
  }));
  if (!list.length) ul.append(make('li', 'muted', t('cases.sv.no_corrections')));
}

function renderFlagged(list) {
  const ul = $('sv-flag');
  ul.replaceChildren(...list.map((it) => {
    const li = make('li', 'desk-item');
    li.dataset.testid = 'sv-flagged';
    li.append(caseLink(it), make('p', null, `${it.barcode || ''} ${it.description || ''} · ${codeLabel(ITEM_STATES, it.state)}`));
    return li;
  }));
  if (!list.length) ul.append(make('li', 'muted', t('cases.sv.no_flagged')));
}

function renderAlerts(list) {
  const ul = $('sv-al');
  const recent = [...list].sort((a, b) => String(b.at).localeCompare(String(a.at))).slice(0, 50);
  ul.replaceChildren(...recent.map((a) => {
    const li = make('li', `desk-item al al-${a.level}`);
    li.dataset.testid = 'sv-alert';
    const lvl = make('span', `badge clock-level lv-${a.level}`, codeLabel(ALERTS, a.level));
    const p = make('p');
    const who = a.custody_id ? people.get(a.custody_id)?.name : '';
    p.append(lvl, ` ${[who, codeLabel(CLOCK_KINDS, a.clock), limitName(a.limit?.code), at(a.at)].filter(Boolean).join(' · ')}${a.stopped ? ` · ${t('cases.clock.stopped')}` : ''}`);
    li.append(p);
    if (a.case_id) li.append(caseLink({ id: a.case_id, number: t('cases.sv.open_case') }));
    return li;
  }));
  if (!list.length) ul.append(make('li', 'muted', t('cases.sv.no_alerts')));
}

// ---------------------------------------------------------------- a new case

function renderNewForm() {
  options($('n-kind'), codeOptions(CASE_KINDS), t('cases.choose'));
  const units = orgs.filter((o) => me.org && (o.path || '').startsWith(me.org.path || '/'));
  options($('n-org'), units.map((o) => [o.id, orgName(o)]));
  if (!$('n-org').value && me.org) $('n-org').value = me.org.id;
}

async function createCase(e) {
  e.preventDefault();
  const form = $('new-form');
  const res = await submitting(form, () => api('POST', '/api/v1/cases', {
    kind: $('n-kind').value,
    title: $('n-title').value.trim(),
    cause: $('n-cause').value.trim(),
    summary: val('n-summary') || '',
    address: val('n-address') || '',
    occurred_at: fromLocalInput($('n-occurred').value) || undefined,
    org_id: $('n-org').value && $('n-org').value !== me.org?.id ? $('n-org').value : undefined,
  }));
  if (!res) return;
  form.reset();
  renderNewForm();
  const id = res.id || res.case?.id;
  toast(t('cases.files.created', { number: res.number || res.case?.number || '' }));
  loadList();
  if (id) await openCase(id);
}

// ---------------------------------------------------------------- start-up

let limitsCache = null;

function renderFilters() {
  options($('f-status'), codeOptions(CASE_STATUSES), t('cases.all'));
  options($('f-kind'), codeOptions(CASE_KINDS), t('cases.all'));
  options($('pa-role'), codeOptions(PARTY_ROLES), t('cases.choose'));
  options($('pa-idkind'), codeOptions(ID_KINDS), t('cases.choose'));
  // Filing and closing are recorded by the status change, not as steps.
  options($('sp-kind'), codeOptions(STEP_KINDS, (x) => !['accept_register', 'file', 'close'].includes(x.code)), t('cases.choose'));
}

function renderAll() {
  renderFilters();
  renderNewForm();
  loadList();
  if (file) renderCase();
  if (tab?.current() === 'supervision') loadSupervision().catch(() => {});
}

if (me) {
  $('nav-evidence').hidden = role !== 'admin';
  $('ctab-new').hidden = !handler;
  $('ctab-supervision').hidden = !supervisor;
  try {
    const [, lim, os] = await Promise.all([
      loadCodes(),
      loadLimits(),
      api('GET', '/api/v1/orgs').catch(() => []),
    ]);
    limitsCache = lim;
    orgs = os || [];
  } catch (err) {
    toast(problemText(err), 'error');
  }
  wireDialogs();
  wireExtension();
  tab = tabs(TABS, 'ctab-', 'cpanel-', caseId ? 'file' : 'list', (name) => {
    if (name === 'supervision') loadSupervision().catch((err) => toast(problemText(err), 'error'));
    if (name === 'file') $('file-none').hidden = Boolean(caseId);
  });
  renderFilters();
  renderNewForm();
  $('filter-form').addEventListener('submit', (e) => {
    e.preventDefault();
    loadList();
  });
  for (const id of ['f-status', 'f-kind']) $(id).addEventListener('change', loadList);
  $('status-form').addEventListener('submit', changeStatus);
  $('dl-form').addEventListener('submit', startDeadline);
  $('dl-limit').addEventListener('change', () => {
    $('dl-basis').textContent = basis($('dl-limit').value);
  });
  $('pa-form').addEventListener('submit', addParty);
  $('pa-idkind').addEventListener('change', syncIdKind);
  $('sp-form').addEventListener('submit', addStep);
  $('cm-form').addEventListener('submit', addComment);
  $('new-form').addEventListener('submit', createCase);
  $('sv-reload').addEventListener('click', () => loadSupervision());
  document.addEventListener('langchange', renderAll);
  tab.show(tab.current());
  await loadList();
  if (caseId) await openCase(caseId, { focus: false });
  if (tab.current() === 'supervision') await loadSupervision().catch(() => {});
  // Live: the handling area's stream (the only law-enforcement stream) refreshes the people in
  // the area for the open case. A case file is not refetched on a timer: every read of it is
  // an audited view. The supervision lists (no per-row views) refresh each minute while shown.
  follow('/api/v1/cases/area/events', (kind) => {
    if (file && kind !== 'evidence' && kind !== 'case') loadCaseArea();
    if (tab.current() === 'supervision') loadSupervision().catch(() => {});
  }, (on) => $('live').classList.toggle('on', on));
  setInterval(() => {
    if (tab.current() === 'supervision' && document.visibilityState === 'visible') loadSupervision().catch(() => {});
  }, 60_000);
} else {
  $('main').hidden = true;
}
document.body.dataset.ready = '1';
