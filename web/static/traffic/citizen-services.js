// The citizen's services on /traffic: vehicle and driver applications (materials, plate,
// postal address, the fee through the payment channel, progress step by step), messages to
// the traffic police with their replies, and minor-accident quick settlement with the other
// party (refused, with every reason, when the police must come).
import { t } from '../js/i18n.js';
import { ApiError, api } from '../js/api.js';
import { $, make, toast } from '../js/shell.js';
import { yuan, when, loadCodes, codeLabel, problemText, showProblem, zh } from './common.js';

let getProfile = () => null;
let codes = null;
let applications = []; // newest first, each with its steps
let messages = [];
let accidents = [];
let candidates = null; // today's plates for pre-selection (loaded when that service is chosen)
let busy = new Set(); // ids with a request in flight
let withdrawing = null; // id of the application whose withdraw step is open

/** Where the sandbox cashier's back link (always `/traffic#violations`) should lead instead. */
const RETURN_KEY = 'jingwu.traffic.return';

/** After paying a fee the cashier links back to #violations; the fee was for a service. */
export function returnTab() {
  try {
    const raw = window.sessionStorage.getItem(RETURN_KEY);
    window.sessionStorage.removeItem(RETURN_KEY);
    const r = raw ? JSON.parse(raw) : null;
    return r && r.until > Date.now() ? r.tab : null;
  } catch {
    return null;
  }
}

const colon = () => (zh() ? '：' : ': ');

function localError(fields) {
  return new ApiError(422, {
    code: 'validation_failed',
    errors: Object.entries(fields).map(([field, code]) => ({ field, code, reason: '' })),
  }, null);
}

function fact(dl, label, value, testid) {
  const dd = make('dd', null, value);
  if (testid) dd.dataset.testid = testid;
  dl.append(make('dt', null, label), dd);
  return dd;
}

function button(text, className, testid, onClick) {
  const b = make('button', className, text);
  b.type = 'button';
  if (testid) b.dataset.testid = testid;
  b.addEventListener('click', onClick);
  return b;
}

const myPlates = () => (getProfile()?.vehicles || []).map((v) => v.plate);
const service = (code) => (codes?.services || []).find((s) => s.code === code) || null;
const serviceName = (code) => {
  const s = service(code);
  return s ? (zh() ? s.label_zh : s.label_en) : code;
};
const materialName = (svc, code) => {
  const m = (service(svc)?.materials || []).find((x) => x.code === code);
  return m ? (zh() ? m.label_zh : m.label_en) : code;
};

// ---------------------------------------------------------------- applications: the form

const APP_FIELDS = ['service', 'materials', 'plate', 'address', 'details'];
const appSlots = () => Object.fromEntries(APP_FIELDS.map((f) => [f, $(`app-err-${f}`)]));

function fillServices() {
  const sel = $('app-service');
  const keep = sel.value;
  const none = make('option', null, t('traffic.svc.choose'));
  none.value = '';
  sel.replaceChildren(none, ...codes.services.map((s) => {
    const o = make('option', null, zh() ? s.label_zh : s.label_en);
    o.value = s.code;
    return o;
  }));
  sel.value = keep;
  renderServiceForm();
}

function renderServiceForm() {
  const s = service($('app-service').value);
  const facts = $('app-facts');
  facts.hidden = !s;
  $('app-materials-set').hidden = !s;
  if (!s) {
    $('app-plate-label').hidden = true;
    $('app-plate-hint').hidden = true;
    $('app-address-label').hidden = true;
    return;
  }
  const parts = [s.fee_fen > 0 ? t('traffic.svc.fee', { fee: yuan(s.fee_fen) }) : t('traffic.svc.free')];
  if (s.mailed) parts.push(t('traffic.svc.mailed'));
  facts.textContent = parts.join(' · ');

  // Materials: one checkbox each, kept when the same service is drawn again.
  const box = $('app-materials');
  const checked = new Set([...box.querySelectorAll('input:checked')].map((i) => i.value));
  const same = box.dataset.service === s.code;
  box.dataset.service = s.code;
  box.replaceChildren(...s.materials.map((m) => {
    const label = make('label', 'choice');
    const input = make('input');
    input.type = 'checkbox';
    input.value = m.code;
    input.checked = same && checked.has(m.code);
    input.dataset.testid = `material-${m.code}`;
    label.append(input, make('span', null, zh() ? m.label_zh : m.label_en));
    return label;
  }));

  // The plate: one of my vehicles, or one of today's candidates for pre-selection.
  const pre = s.code === 'plate_preselection';
  const needsPlate = s.for_vehicle || pre;
  $('app-plate-label').hidden = !needsPlate;
  $('app-plate-hint').hidden = !pre;
  $('app-plate-hint').textContent = pre ? t('traffic.svc.candidates_hint') : '';
  if (needsPlate) {
    $('app-plate-caption').textContent = t(pre ? 'traffic.svc.plate_choose' : 'traffic.svc.plate_vehicle');
    const sel = $('app-plate');
    const keep = sel.value;
    let plates;
    if (pre) {
      plates = candidates || [];
      if (!candidates) loadCandidates();
    } else {
      plates = (getProfile()?.vehicles || []).filter((v) => v.status !== 'deregistered').map((v) => v.plate);
    }
    const none = make('option', null, t(pre && !candidates ? 'traffic.svc.loading' : 'traffic.svc.plate_none'));
    none.value = '';
    sel.replaceChildren(none, ...plates.map((p) => {
      const o = make('option', null, p);
      o.value = p;
      return o;
    }));
    if (plates.includes(keep)) sel.value = keep;
    else if (!pre && plates.length === 1) sel.value = plates[0];
  }
  $('app-address-label').hidden = !s.mailed;
}

async function loadCandidates() {
  try {
    candidates = await api('GET', '/api/v1/traffic/plates/candidates');
  } catch (err) {
    candidates = [];
    toast(problemText(err), 'error');
  }
  renderServiceForm();
}

async function apply(event) {
  event.preventDefault();
  const s = service($('app-service').value);
  if (!s) {
    showProblem($('app-error'), localError({ service: 'required' }), appSlots());
    $('app-service').focus();
    return;
  }
  const body = {
    service: s.code,
    materials: [...$('app-materials').querySelectorAll('input:checked')].map((i) => i.value),
    details: {},
  };
  const reason = $('app-notes').value.trim();
  if (reason) body.details.reason = reason;
  if (s.for_vehicle || s.code === 'plate_preselection') body.plate = $('app-plate').value || null;
  if (s.mailed) body.address = $('app-address').value.trim();
  const missing = {};
  if (body.materials.length < s.materials.length) missing.materials = 'materials.missing';
  if ('plate' in body && !body.plate) missing.plate = 'required';
  if (s.mailed && !body.address) missing.address = 'required';
  if (Object.keys(missing).length) {
    showProblem($('app-error'), localError(missing), appSlots());
    return;
  }
  const submit = $('app-submit');
  submit.disabled = true;
  submit.textContent = t('traffic.svc.submitting');
  try {
    const a = await api('POST', '/api/v1/traffic/applications', body);
    showProblem($('app-error'), null, appSlots());
    toast(t(a.fee_fen > 0 && !a.paid ? 'traffic.svc.submitted_fee' : 'traffic.svc.submitted', { fee: yuan(a.fee_fen) }));
    $('app-form').reset();
    $('app-materials').dataset.service = '';
    if (s.code === 'plate_preselection') candidates = null;
    renderServiceForm();
    applications = [a, ...applications.filter((x) => x.id !== a.id)];
    renderApplications();
    document.querySelector(`[data-testid=application][data-id="${a.id}"]`)?.scrollIntoView({ block: 'start' });
  } catch (err) {
    showProblem($('app-error'), err, appSlots());
    if (err.code === 'plate_reserved') {
      candidates = null;
      renderServiceForm();
    }
  }
  submit.disabled = false;
  submit.textContent = t('traffic.svc.submit');
}

// ---------------------------------------------------------------- applications: the list

const FINAL = new Set(['rejected', 'mailed', 'withdrawn']);

function applicationCard(a) {
  const li = make('li', `card-box app app-${a.status}`);
  li.dataset.testid = 'application';
  li.dataset.id = a.id;
  li.dataset.status = a.status;
  li.dataset.service = a.service;
  const head = make('div', 'vio-head');
  const title = make('h3', 'vio-name', serviceName(a.service));
  title.dataset.testid = 'app-service-name';
  const badge = make('span', `badge app-st-${a.status}`, codeLabel('application_statuses', a.status));
  badge.dataset.testid = 'app-status';
  head.append(title, badge);
  li.append(head);

  const dl = make('dl', 'facts');
  if (a.plate) fact(dl, t('traffic.svc.plate'), a.plate, 'app-plate-value');
  fact(dl, t('traffic.svc.applied_at'), when(a.created_at));
  fact(dl, t('traffic.svc.materials'), a.materials.map((m) => materialName(a.service, m)).join(zh() ? '、' : ', ') || '—');
  if (a.details && a.details.reason) fact(dl, t('traffic.svc.notes'), a.details.reason);
  if (a.address) fact(dl, t('traffic.svc.address'), a.address, 'app-address-value');
  if (a.fee_fen > 0) {
    fact(dl, t('traffic.svc.fee_label'), `${yuan(a.fee_fen)} · ${t(a.paid ? 'traffic.svc.paid' : 'traffic.svc.unpaid')}`, 'app-fee');
  }
  if (a.tracking_no) fact(dl, t('traffic.svc.tracking_no'), a.tracking_no, 'app-tracking');
  li.append(dl);

  const steps = a.steps || [];
  if (a.status === 'returned') {
    const last = [...steps].reverse().find((s) => s.status === 'returned');
    const p = make('p', 'alert', `${t('traffic.svc.returned_note')}${colon()}${last?.note || '—'}`);
    p.dataset.testid = 'app-returned-note';
    li.append(p);
  }
  if (a.status === 'rejected') {
    const last = [...steps].reverse().find((s) => s.status === 'rejected');
    if (last?.note) li.append(make('p', 'alert', `${t('traffic.svc.rejected_note')}${colon()}${last.note}`));
  }

  const busyNow = busy.has(a.id);
  const actions = make('div', 'actions wrap');
  if (a.fee_fen > 0 && !a.paid && !FINAL.has(a.status)) {
    const pay = button(t(busyNow ? 'traffic.v.paying' : 'traffic.svc.pay', { fee: yuan(a.fee_fen) }), 'btn btn-primary', 'app-pay', () => payFee(a));
    pay.disabled = busyNow;
    actions.append(pay);
  }
  if (a.status === 'returned') {
    const again = button(t('traffic.svc.resubmit'), 'btn btn-primary', 'app-resubmit', () => move(a, 'resubmit'));
    again.disabled = busyNow;
    actions.append(again);
  }
  if ((a.status === 'submitted' || a.status === 'returned') && withdrawing !== a.id) {
    const w = button(t('traffic.svc.withdraw'), 'btn btn-ghost', 'app-withdraw', () => { withdrawing = a.id; renderApplications(); });
    w.disabled = busyNow;
    actions.append(w);
  }
  if (actions.childElementCount) li.append(actions);
  if (withdrawing === a.id) {
    const box = make('div', 'confirm');
    box.setAttribute('role', 'group');
    box.append(make('p', 'confirm-title', t('traffic.svc.withdraw_confirm')));
    const row = make('div', 'actions');
    const yes = button(t('traffic.svc.withdraw_yes'), 'btn btn-danger', 'app-withdraw-confirm', () => move(a, 'withdraw'));
    yes.disabled = busyNow;
    row.append(yes, button(t('traffic.cancel'), 'btn btn-ghost', null, () => { withdrawing = null; renderApplications(); }));
    box.append(row);
    li.append(box);
  }
  if (steps.length) {
    const box = make('div', 'app-progress');
    box.append(make('p', 'app-progress-title', t('traffic.svc.progress')));
    const ol = make('ol', 'app-steps');
    ol.dataset.testid = 'app-steps';
    steps.forEach((s, i) => {
      const item = make('li', i === steps.length - 1 ? 'app-step now' : 'app-step');
      item.dataset.testid = 'app-step';
      item.dataset.status = s.status;
      const line = make('p', 'app-step-head');
      line.append(make('strong', null, codeLabel('application_statuses', s.status)), make('time', null, when(s.at)));
      item.append(line);
      if (s.note) item.append(make('p', 'app-step-note', s.note));
      if (s.status === 'mailed' && a.tracking_no) item.append(make('p', 'app-step-note', `${t('traffic.svc.tracking_no')}${colon()}${a.tracking_no}`));
      ol.append(item);
    });
    box.append(ol);
    li.append(box);
  }
  return li;
}

function renderApplications() {
  const ul = $('applications');
  ul.replaceChildren();
  if (!applications.length) ul.append(make('li', 'card-box muted', t('traffic.svc.none')));
  for (const a of applications) ul.append(applicationCard(a));
}

async function loadApplications() {
  const list = await api('GET', '/api/v1/traffic/applications');
  list.sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)));
  // The list carries no steps: read each (a citizen has a handful) for its progress.
  applications = await Promise.all(list.slice(0, 30).map((a) => api('GET', `/api/v1/traffic/applications/${encodeURIComponent(a.id)}`).catch(() => a)));
  renderApplications();
}

async function refreshApplication(id) {
  const a = await api('GET', `/api/v1/traffic/applications/${encodeURIComponent(id)}`);
  applications = applications.map((x) => (x.id === a.id ? a : x));
  renderApplications();
}

async function move(a, what) {
  busy.add(a.id);
  renderApplications();
  try {
    const updated = await api('POST', `/api/v1/traffic/applications/${encodeURIComponent(a.id)}/${what}`);
    applications = applications.map((x) => (x.id === updated.id ? updated : x));
    withdrawing = null;
    toast(t(what === 'withdraw' ? 'traffic.svc.withdrawn' : 'traffic.svc.resubmitted'));
  } catch (err) {
    toast(problemText(err), 'error');
    await refreshApplication(a.id).catch(() => {});
  }
  busy.delete(a.id);
  renderApplications();
}

async function payFee(a) {
  busy.add(a.id);
  renderApplications();
  try {
    const res = await api('POST', `/api/v1/traffic/applications/${encodeURIComponent(a.id)}/payments`, { channel: 'sandbox' });
    try {
      window.sessionStorage.setItem(RETURN_KEY, JSON.stringify({ tab: 'services', until: Date.now() + 30 * 60_000 }));
    } catch {
      // Without storage the cashier's link lands on the violations tab; the fee shows paid here.
    }
    window.location.assign(res.pay_url);
    return;
  } catch (err) {
    toast(problemText(err), 'error');
    if (err.code === 'already_paid' || err.code === 'application_state') await refreshApplication(a.id).catch(() => {});
  }
  busy.delete(a.id);
  renderApplications();
}

// ---------------------------------------------------------------- messages

const MSG_FIELDS = ['kind', 'subject', 'body'];
const msgSlots = () => Object.fromEntries(MSG_FIELDS.map((f) => [f, $(`msg-err-${f}`)]));

function fillMessageKinds() {
  const sel = $('msg-kind');
  const keep = sel.value || 'question';
  sel.replaceChildren(...codes.message_kinds.map((k) => {
    const o = make('option', null, zh() ? k.label_zh : k.label_en);
    o.value = k.code;
    return o;
  }));
  sel.value = keep;
  renderCount();
}

function renderCount() {
  $('msg-count').textContent = t('traffic.msg.count', { n: $('msg-body').value.length, max: 2000 });
}

async function sendMessage(event) {
  event.preventDefault();
  const body = { kind: $('msg-kind').value, subject: $('msg-subject').value.trim(), body: $('msg-body').value.trim() };
  const missing = {};
  if (!body.subject) missing.subject = 'required';
  if (!body.body) missing.body = 'required';
  if (Object.keys(missing).length) {
    showProblem($('msg-error'), localError(missing), msgSlots());
    return;
  }
  const submit = $('msg-submit');
  submit.disabled = true;
  try {
    const m = await api('POST', '/api/v1/traffic/messages', body);
    showProblem($('msg-error'), null, msgSlots());
    toast(t('traffic.msg.sent'));
    $('msg-subject').value = '';
    $('msg-body').value = '';
    renderCount();
    messages = [m, ...messages.filter((x) => x.id !== m.id)];
    renderMessages();
  } catch (err) {
    showProblem($('msg-error'), err, msgSlots());
  }
  submit.disabled = false;
}

function renderMessages() {
  const ul = $('messages');
  ul.replaceChildren();
  if (!messages.length) ul.append(make('li', 'card-box muted', t('traffic.msg.none')));
  for (const m of messages) {
    const li = make('li', 'card-box msg');
    li.dataset.testid = 'message';
    li.dataset.id = m.id;
    li.dataset.status = m.status;
    const head = make('div', 'vio-head');
    const title = make('h3', 'vio-name', m.subject);
    title.dataset.testid = 'msg-subject-text';
    const badge = make('span', `badge msg-st-${m.status}`, t(`traffic.msg.status.${m.status}`));
    badge.dataset.testid = 'msg-status';
    head.append(title, badge);
    li.append(head);
    li.append(make('p', 'muted msg-meta', `${codeLabel('message_kinds', m.kind)} · ${when(m.created_at)}`));
    li.append(make('p', 'msg-body', m.body));
    if (m.reply) {
      const box = make('div', 'reply');
      box.append(make('p', 'reply-title', `${t('traffic.msg.reply')} · ${when(m.replied_at)}`));
      const text = make('p', 'msg-body', m.reply);
      text.dataset.testid = 'msg-reply';
      box.append(text);
      li.append(box);
    } else {
      li.append(make('p', 'hint', t('traffic.msg.waiting')));
    }
    ul.append(li);
  }
}

async function loadMessages() {
  const list = await api('GET', '/api/v1/traffic/messages');
  messages = list.sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)));
  renderMessages();
}

// ---------------------------------------------------------------- accidents

// The eight facts, asked as yes/no questions; `good` is the answer that allows settling online.
const FACTS = [
  ['injured', false],
  ['parties_agree', true],
  ['all_plated', true],
  ['hazmat', false],
  ['hit_structure', false],
  ['all_licensed', true],
  ['impaired', false],
  ['all_movable', true],
];
const COUNTERPART = { full: 'none', main: 'minor', equal: 'equal', minor: 'main', none: 'full' };
const ACC_FIELDS = ['facts', 'occurred_at', 'place', 'lat', 'my_plate', 'other_plate', 'other_mobile', 'account', 'my_liability'];
const accSlots = () => Object.fromEntries(ACC_FIELDS.map((f) => [f, $(`acc-err-${f}`)]));

function localInput(d) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function renderFactQuestions() {
  const box = $('acc-facts');
  const chosen = Object.fromEntries(FACTS.map(([name]) => [name, box.querySelector(`input[name="fact-${name}"]:checked`)?.value]));
  box.replaceChildren(...FACTS.map(([name], i) => {
    const row = make('div', 'fact-q');
    row.dataset.testid = `fact-${name}`;
    const q = make('p', 'fact-text', `${i + 1}. ${t(`traffic.acc.q.${name}`)}`);
    q.id = `fact-q-${name}`;
    const opts = make('div', 'yesno');
    opts.setAttribute('role', 'radiogroup');
    opts.setAttribute('aria-labelledby', q.id);
    for (const v of ['yes', 'no']) {
      const label = make('label', 'choice');
      const input = make('input');
      input.type = 'radio';
      input.name = `fact-${name}`;
      input.value = v;
      input.checked = chosen[name] === v;
      input.dataset.testid = `fact-${name}-${v}`;
      label.append(input, make('span', null, t(`traffic.acc.${v}`)));
      opts.append(label);
    }
    row.append(q, opts);
    return row;
  }));
}

function fillAccidentForm() {
  renderFactQuestions();
  const plates = $('acc-my_plate');
  const keep = plates.value;
  const mine = myPlates();
  plates.replaceChildren(...mine.map((p) => {
    const o = make('option', null, p);
    o.value = p;
    return o;
  }));
  if (mine.includes(keep)) plates.value = keep;
  const liab = $('acc-my_liability');
  const keepL = liab.value || 'equal';
  liab.replaceChildren(...codes.liabilities.map((l) => {
    const o = make('option', null, zh() ? l.label_zh : l.label_en);
    o.value = l.code;
    return o;
  }));
  liab.value = keepL;
  renderOtherShare();
  if (!$('acc-occurred_at').value) $('acc-occurred_at').value = localInput(new Date());
}

function renderOtherShare() {
  const mine = $('acc-my_liability').value;
  $('acc-other-share').textContent = mine ? t('traffic.acc.other_share', { share: codeLabel('liabilities', COUNTERPART[mine]) }) : '';
}

function showRefusals(list) {
  const box = $('acc-refused');
  box.hidden = !list;
  const ul = $('acc-refusals');
  ul.replaceChildren();
  for (const code of list || []) {
    const li = make('li', null, codeLabel('settlement_refusals', code));
    li.dataset.code = code;
    ul.append(li);
  }
  if (list) box.scrollIntoView({ block: 'start' });
}

async function fileAccident(event) {
  event.preventDefault();
  showRefusals(null);
  const facts = {};
  const missing = {};
  for (const [name] of FACTS) {
    const v = $('acc-facts').querySelector(`input[name="fact-${name}"]:checked`)?.value;
    if (!v) missing.facts = 'facts.unanswered';
    facts[name] = v === 'yes';
  }
  const num = (id) => {
    const s = $(id).value.trim();
    return s === '' ? Number.NaN : Number(s);
  };
  const local = $('acc-occurred_at').value;
  const at = local ? new Date(local) : null;
  const body = {
    occurred_at: at && !Number.isNaN(at.getTime()) ? at.toISOString() : '',
    place: $('acc-place').value.trim(),
    lat: num('acc-lat'),
    lon: num('acc-lon'),
    my_plate: $('acc-my_plate').value,
    other_mobile: $('acc-other_mobile').value.trim(),
    other_plate: $('acc-other_plate').value.trim().toUpperCase(),
    facts,
    account: $('acc-account').value.trim(),
    my_liability: $('acc-my_liability').value,
  };
  for (const f of ['occurred_at', 'place', 'my_plate', 'other_plate', 'other_mobile', 'account']) if (!body[f]) missing[f] = 'required';
  if (!Number.isFinite(body.lat) || !Number.isFinite(body.lon)) missing.lat = 'lat.range';
  if (Object.keys(missing).length) {
    showProblem($('acc-error'), localError(missing), accSlots());
    $('acc-error').scrollIntoView({ block: 'center' });
    return;
  }
  const submit = $('acc-submit');
  submit.disabled = true;
  try {
    const a = await api('POST', '/api/v1/traffic/accidents', body);
    showProblem($('acc-error'), null, accSlots());
    toast(t(a.status === 'police_review' ? 'traffic.acc.filed_police' : 'traffic.acc.filed'), 'info');
    $('acc-form').reset();
    fillAccidentForm();
    accidents = [a, ...accidents.filter((x) => x.id !== a.id)];
    renderAccidents();
    document.querySelector(`[data-testid=accident][data-id="${a.id}"]`)?.scrollIntoView({ block: 'start' });
  } catch (err) {
    if (err.code === 'settlement_refused') {
      showProblem($('acc-error'), null, accSlots());
      const head = String(err.problem?.detail || '').split(':')[0];
      const list = head.split(',').map((s) => s.trim()).filter((s) => /^[A-Z_]+$/.test(s));
      showRefusals(list.length ? list : ['']);
    } else {
      showProblem($('acc-error'), err, accSlots());
      $('acc-error').scrollIntoView({ block: 'center' });
    }
  }
  submit.disabled = false;
}

function locate() {
  if (!navigator.geolocation) {
    toast(t('traffic.acc.no_location'), 'error');
    return;
  }
  const btn = $('acc-locate');
  btn.disabled = true;
  navigator.geolocation.getCurrentPosition((pos) => {
    $('acc-lat').value = pos.coords.latitude.toFixed(6);
    $('acc-lon').value = pos.coords.longitude.toFixed(6);
    btn.disabled = false;
  }, () => {
    toast(t('traffic.acc.no_location'), 'error');
    btn.disabled = false;
  }, { enableHighAccuracy: true, timeout: 10_000 });
}

/** An accident the other party filed naming one of my vehicles, waiting for my answer. */
const awaitingMe = (a) => a.status === 'awaiting_other' && myPlates().includes(a.plate_b);

function accidentCard(a) {
  const mine = myPlates();
  const li = make('li', `card-box acc acc-${a.status}`);
  li.dataset.testid = 'accident';
  li.dataset.id = a.id;
  li.dataset.status = a.status;
  const head = make('div', 'vio-head');
  head.append(make('h3', 'vio-name', a.place));
  const badge = make('span', `badge acc-st-${a.status}`, codeLabel('accident_statuses', a.status));
  badge.dataset.testid = 'acc-status';
  head.append(badge);
  li.append(head);
  const dl = make('dl', 'facts');
  fact(dl, t('traffic.acc.time'), when(a.occurred_at));
  const party = (plate, liab) => {
    const me = mine.includes(plate) ? t('traffic.acc.me') : '';
    return `${plate}${me}${liab ? ` · ${codeLabel('liabilities', liab)}` : ''}`;
  };
  fact(dl, t('traffic.acc.party_a'), party(a.plate_a, a.liability_a), 'acc-party-a');
  fact(dl, t('traffic.acc.party_b'), party(a.plate_b, a.liability_b), 'acc-party-b');
  fact(dl, t('traffic.acc.account'), a.account);
  li.append(dl);
  const note = {
    awaiting_other: awaitingMe(a) ? null : 'traffic.acc.note_awaiting',
    police_review: 'traffic.acc.note_police',
    settled: 'traffic.acc.note_settled',
    assigned: 'traffic.acc.note_assigned',
  }[a.status];
  if (note) li.append(make('p', 'hint', t(note)));
  if (awaitingMe(a)) {
    const box = make('div', 'confirm');
    box.dataset.testid = 'acc-confirm';
    box.setAttribute('role', 'group');
    box.append(make('p', 'confirm-title', t('traffic.acc.confirm_title')));
    box.append(make('p', null, t('traffic.acc.confirm_text', {
      a: a.plate_a,
      la: codeLabel('liabilities', a.liability_a),
      b: a.plate_b,
      lb: codeLabel('liabilities', a.liability_b),
    })));
    const row = make('div', 'actions');
    const yes = button(t('traffic.acc.agree'), 'btn btn-primary', 'acc-agree', () => confirmAccident(a, true));
    const no = button(t('traffic.acc.dispute'), 'btn btn-ghost', 'acc-dispute', () => confirmAccident(a, false));
    yes.disabled = no.disabled = busy.has(a.id);
    row.append(yes, no);
    box.append(row);
    li.append(box);
  }
  return li;
}

function renderAccidents() {
  const waiting = accidents.filter(awaitingMe);
  const rest = accidents.filter((a) => !awaitingMe(a));
  $('acc-awaiting').replaceChildren(...waiting.map(accidentCard));
  const ul = $('accidents');
  ul.replaceChildren(...rest.map(accidentCard));
  if (!rest.length) ul.append(make('li', 'card-box muted', t('traffic.acc.none')));
  $('acc-count').hidden = waiting.length === 0;
  $('acc-count').textContent = String(waiting.length);
}

async function confirmAccident(a, agree) {
  busy.add(a.id);
  renderAccidents();
  try {
    const updated = await api('POST', `/api/v1/traffic/accidents/${encodeURIComponent(a.id)}/confirm`, { agree });
    accidents = accidents.map((x) => (x.id === updated.id ? updated : x));
    toast(t(agree ? 'traffic.acc.agreed' : 'traffic.acc.disputed'));
  } catch (err) {
    toast(problemText(err), 'error');
    await loadAccidents().catch(() => {});
  }
  busy.delete(a.id);
  renderAccidents();
}

async function loadAccidents() {
  const list = await api('GET', '/api/v1/traffic/accidents');
  accidents = list.sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)));
  renderAccidents();
}

// ---------------------------------------------------------------- wiring

/** Re-renders in the current language. */
export function renderServices() {
  if (!codes) return;
  fillServices();
  renderApplications();
  fillMessageKinds();
  renderMessages();
  fillAccidentForm();
  renderAccidents();
}

/** Wires the three tabs and loads what they show; `profile` returns GET /api/v1/traffic/me. */
export async function initServices(profile) {
  getProfile = profile;
  codes = await loadCodes();
  $('app-service').addEventListener('change', () => {
    showProblem($('app-error'), null, appSlots());
    renderServiceForm();
  });
  $('app-form').addEventListener('submit', apply);
  $('msg-body').addEventListener('input', renderCount);
  $('msg-form').addEventListener('submit', sendMessage);
  $('acc-my_liability').addEventListener('change', renderOtherShare);
  $('acc-locate').addEventListener('click', locate);
  $('acc-form').addEventListener('submit', fileAccident);
  renderServices();
  const results = await Promise.allSettled([loadApplications(), loadMessages(), loadAccidents()]);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) toast(problemText(failed.reason), 'error');
}
