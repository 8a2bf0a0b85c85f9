// The citizen's traffic page, phone first. Not signed in: register with real name, resident ID
// and a code sent to the mobile number, then sign in at /login. Signed in as a citizen: the
// licence and its points, the vehicles, violations (accept a camera record, pay the fine
// through the payment channel), the study quiz that reduces points, and (citizen-services.js)
// vehicle and driver services, messages to the police and minor-accident quick settlement.
import { initI18n, t } from '../js/i18n.js';
import { ApiError, api, getMe, logout } from '../js/api.js';
import { yuan, when, day, dayBefore, loadCodes, codeLabel, violationName, problemText, showProblem, zh } from './common.js';
import { initServices, renderServices, returnTab } from './citizen-services.js';

const $ = (id) => document.getElementById(id);

function make(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

function toast(text, kind = 'info') {
  const item = make('div', `toast toast-${kind}`, text);
  item.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  $('toast').append(item);
  setTimeout(() => item.remove(), 6000);
}

const FULL = 12;
const TABS = ['licence', 'vehicles', 'violations', 'study', 'services', 'messages', 'accidents'];
const STATUS_ORDER = { pending: 0, decided: 1, paid: 2, revoked: 3 };

let me = null; // GET /api/v1/me
let profile = null; // GET /api/v1/traffic/me
let violations = [];
let confirming = null; // id of the violation whose accept step is open
let busy = new Set(); // ids of violations with a request in flight
let quiz = null; // the running quiz
let answers = []; // chosen index per question (or undefined)
let quizResult = null;
let quizTimer = null;
let vouchers = [];

// ---------------------------------------------------------------- registration

const reg = {
  sentTo: null, // masked number the last code went to
  until: 0, // resend allowed after this time (ms)
  timer: null,
  error: null, // last ApiError or a local one
};
const FIELDS = ['real_name', 'resident_id', 'mobile', 'code', 'password'];
const slots = () => Object.fromEntries(FIELDS.map((f) => [f, $(`err-${f}`)]));

function localFieldError(fields) {
  // The same shape as a problem's field errors, so one renderer shows both.
  return new ApiError(422, {
    code: 'validation_failed',
    errors: Object.entries(fields).map(([field, code]) => ({ field, code, reason: '' })),
  }, null);
}

function renderSendButton() {
  const btn = $('send-code');
  const left = Math.ceil((reg.until - Date.now()) / 1000);
  if (left > 0) {
    btn.disabled = true;
    btn.textContent = t('traffic.reg.resend_in', { s: left });
  } else {
    btn.disabled = false;
    btn.textContent = t(reg.sentTo ? 'traffic.reg.resend' : 'traffic.reg.send_code');
    clearInterval(reg.timer);
    reg.timer = null;
  }
  const sent = $('code-sent');
  sent.hidden = !reg.sentTo;
  sent.textContent = reg.sentTo ? t('traffic.reg.code_sent', { mobile: reg.sentTo }) : '';
}

function renderRegister() {
  renderSendButton();
  showProblem($('reg-error'), reg.error, slots());
}

async function sendCode() {
  const mobile = $('reg-mobile').value.trim();
  if (!/^1[3-9]\d{9}$/.test(mobile)) {
    reg.error = localFieldError({ mobile: 'mobile.invalid' });
    renderRegister();
    $('reg-mobile').focus();
    return;
  }
  const btn = $('send-code');
  btn.disabled = true;
  try {
    const sent = await api('POST', '/api/v1/traffic/otp', { mobile, purpose: 'register' });
    reg.sentTo = sent.mobile_masked;
    reg.until = Date.now() + (sent.resend_after_s || 60) * 1000;
    reg.error = null;
    clearInterval(reg.timer);
    reg.timer = setInterval(renderSendButton, 1000);
    $('reg-code').focus();
  } catch (err) {
    reg.error = err;
    if (err.code === 'otp_throttled' || err.code === 'too_many_attempts') {
      // Asked again too soon (409 otp_throttled, or 429 with Retry-After): count down to when
      // a code may be asked for, and say so in words about codes, not about logging in.
      const wait = Number.parseInt((err.headers && err.headers.get('Retry-After')) || err.problem?.retry_after, 10);
      if (wait > 0) {
        reg.until = Date.now() + wait * 1000;
        clearInterval(reg.timer);
        reg.timer = setInterval(renderSendButton, 1000);
      }
      reg.error = new ApiError(err.status, { ...err.problem, code: 'otp_throttled' }, err.headers);
    }
  }
  renderRegister();
}

async function register(event) {
  event.preventDefault();
  const body = Object.fromEntries(FIELDS.map((f) => [f, $(`reg-${f}`).value]));
  for (const f of ['real_name', 'resident_id', 'mobile', 'code']) body[f] = body[f].trim();
  body.resident_id = body.resident_id.toUpperCase();
  const missing = {};
  for (const f of FIELDS) if (!body[f]) missing[f] = 'required';
  if (Object.keys(missing).length) {
    reg.error = localFieldError(missing);
    renderRegister();
    $(`reg-${Object.keys(missing)[0]}`).focus();
    return;
  }
  const submit = $('reg-submit');
  submit.disabled = true;
  submit.textContent = t('traffic.reg.submitting');
  try {
    await api('POST', '/api/v1/traffic/citizens', body);
    reg.error = null;
    renderRegister();
    toast(t('traffic.reg.done'));
    // The account's username is the mobile number; sign in with it.
    window.location.assign('/login');
    return;
  } catch (err) {
    reg.error = err;
    if (err.code === 'otp_invalid') $('reg-code').select();
  }
  submit.disabled = false;
  submit.textContent = t('traffic.reg.submit');
  renderRegister();
}

// ---------------------------------------------------------------- citizen: tabs

function currentTab() {
  const h = window.location.hash.replace('#', '');
  return TABS.includes(h) ? h : 'licence';
}

function showTab(tab, focus = false) {
  for (const name of TABS) {
    const on = name === tab;
    const btn = $(`tab-${name}`);
    btn.setAttribute('aria-selected', String(on));
    btn.tabIndex = on ? 0 : -1;
    $(`panel-${name}`).hidden = !on;
    if (on && focus) btn.focus();
    if (on) revealTab(btn);
  }
}

// On a phone the tab bar scrolls sideways: bring the selected tab into view (without moving
// the page itself).
function revealTab(btn) {
  const bar = btn.parentElement;
  if (bar.scrollWidth <= bar.clientWidth) return;
  const left = btn.getBoundingClientRect().left - bar.getBoundingClientRect().left + bar.scrollLeft;
  if (left < bar.scrollLeft) bar.scrollLeft = Math.max(0, left - 24);
  else if (left + btn.offsetWidth > bar.scrollLeft + bar.clientWidth) bar.scrollLeft = left + btn.offsetWidth - bar.clientWidth + 24;
}

function wireTabs() {
  for (const name of TABS) {
    $(`tab-${name}`).addEventListener('click', () => {
      window.history.replaceState(null, '', `#${name}`);
      showTab(name);
    });
  }
  // Arrow keys move between tabs (WAI-ARIA tabs pattern).
  document.querySelector('.tabs').addEventListener('keydown', (e) => {
    const i = TABS.indexOf(currentTab());
    let next = null;
    if (e.key === 'ArrowRight') next = TABS[(i + 1) % TABS.length];
    if (e.key === 'ArrowLeft') next = TABS[(i + TABS.length - 1) % TABS.length];
    if (!next) return;
    e.preventDefault();
    window.history.replaceState(null, '', `#${next}`);
    showTab(next, true);
  });
  window.addEventListener('hashchange', () => showTab(currentTab()));
  // A count arriving later widens its tab: keep the selected one in view.
  if ('ResizeObserver' in window) {
    const watch = new ResizeObserver(() => revealTab($(`tab-${currentTab()}`)));
    for (const name of TABS) watch.observe($(`tab-${name}`));
  }
}

// ---------------------------------------------------------------- citizen: licence and points

function renderProfile() {
  const p = profile;
  $('c-name').textContent = p.real_name;
  $('c-meta').textContent = `${t('traffic.id_short')} ${p.resident_id_masked} · ${p.mobile_masked}`;
  const lic = p.licence;
  const pts = p.points;
  $('no-licence').hidden = !!lic;
  $('licence-card').hidden = !lic;
  $('points-card').hidden = !pts;
  $('c-points').textContent = pts ? t('traffic.pts.summary', { n: pts.balance }) : '';
  $('c-points').className = `who-points ${pts ? level(pts.balance) : ''}`;
  if (lic) {
    $('lic-class').textContent = `${lic.class} ${codeLabel('licence_classes', lic.class) || lic.class_zh}`;
    const st = $('lic-status');
    st.replaceChildren(make('span', `badge lic-${lic.status}`, codeLabel('licence_statuses', lic.status)));
    $('lic-first').textContent = day(lic.first_issued_on);
    $('lic-expires').textContent = day(lic.expires_on);
  }
  if (pts) {
    // `balance` is the points scored this cycle (recorded − reduced); 12 is the full score.
    $('pts-balance').textContent = String(pts.balance);
    const fill = $('pts-fill');
    // Width through the CSSOM: the page's CSP allows no inline style attributes.
    fill.style.width = `${Math.max(0, Math.min(FULL, pts.balance)) / FULL * 100}%`;
    $('pts-left').textContent = t('traffic.v.points_n', { n: Math.max(0, FULL - pts.balance) });
    fill.className = `pts-fill ${level(pts.balance)}`;
    $('pts-bar').setAttribute('aria-label', t('traffic.pts.bar_label', { n: pts.balance, full: FULL }));
    $('pts-full').hidden = !pts.full_score;
    $('pts-recorded').textContent = String(pts.recorded);
    $('pts-reduced').textContent = String(pts.reduced);
    $('pts-carried').textContent = String(pts.carried);
    $('pts-cycle').textContent = `${day(pts.cycle_start)} — ${dayBefore(pts.cycle_end)}`;
    $('pts-profile').textContent = codeLabel('reduction_profiles', pts.profile);
    $('quiz-profile').textContent = `${t('traffic.pts.profile')}${zh() ? '：' : ': '}${codeLabel('reduction_profiles', pts.profile)}`;
  }
  $('quiz-start').hidden = !lic || !!quiz;
  renderVehicles();
}

// How close the points scored are to the full score of 12.
function level(balance) {
  if (balance >= 9) return 'lvl-low';
  if (balance >= 6) return 'lvl-mid';
  return 'lvl-ok';
}

function renderVehicles() {
  const ul = $('vehicles');
  ul.replaceChildren();
  if (!profile.vehicles.length) ul.append(make('li', 'card-box muted', t('traffic.veh.none')));
  for (const v of profile.vehicles) {
    const li = make('li', 'card-box veh');
    li.dataset.testid = 'vehicle';
    li.dataset.plate = v.plate;
    const head = make('div', 'veh-head');
    head.append(make('span', 'plate', v.plate), make('span', `badge veh-${v.status}`, t(`traffic.veh.status.${v.status}`)));
    const facts = make('dl', 'facts');
    facts.append(make('dt', null, t('traffic.veh.model')), make('dd', null, v.model));
    facts.append(make('dt', null, t('traffic.veh.inspection_due')), make('dd', null, day(v.inspection_due_on)));
    li.append(head, facts);
    ul.append(li);
  }
}

// ---------------------------------------------------------------- citizen: violations

function renderViolations() {
  const ul = $('violations');
  ul.replaceChildren();
  const open = violations.filter((v) => v.status === 'pending' || v.status === 'decided').length;
  $('v-count').hidden = open === 0;
  $('v-count').textContent = String(open);
  if (!violations.length) ul.append(make('li', 'card-box muted', t('traffic.v.none')));
  const sorted = [...violations].sort((a, b) => (STATUS_ORDER[a.status] ?? 9) - (STATUS_ORDER[b.status] ?? 9)
    || String(b.occurred_at).localeCompare(String(a.occurred_at)));
  for (const v of sorted) ul.append(violationCard(v));
}

function fact(dl, label, value, testid) {
  const dd = make('dd', null, value);
  if (testid) dd.dataset.testid = testid;
  dl.append(make('dt', null, label), dd);
  return dd;
}

function violationCard(v) {
  const li = make('li', `card-box vio vio-${v.status}`);
  li.dataset.testid = 'violation';
  li.dataset.id = v.id;
  li.dataset.status = v.status;
  const head = make('div', 'vio-head');
  const title = make('h3', 'vio-name', violationName(v));
  title.dataset.testid = 'v-name';
  const badge = make('span', `badge st-${v.status}`, codeLabel('violation_statuses', v.status));
  badge.dataset.testid = 'v-status';
  head.append(title, badge);
  li.append(head);

  const dl = make('dl', 'facts');
  fact(dl, t('traffic.v.plate'), v.plate, 'v-plate');
  fact(dl, t('traffic.v.time'), when(v.occurred_at));
  fact(dl, t('traffic.v.place'), v.place);
  fact(dl, t('traffic.v.source'), codeLabel('violation_sources', v.source));
  fact(dl, t('traffic.v.points'), t('traffic.v.points_n', { n: v.points }), 'v-points');
  fact(dl, t('traffic.v.fine'), yuan(v.fine_fen), 'v-fine');
  if (v.decision_no) fact(dl, t('traffic.v.decision_no'), v.decision_no, 'v-decision');
  if (v.status === 'decided') {
    fact(dl, t('traffic.v.served_on'), day(v.served_on));
    fact(dl, t('traffic.v.deadline'), day(v.deadline_on), 'v-deadline');
  }
  if (v.status === 'paid') fact(dl, t('traffic.v.paid_on'), day(v.paid_on), 'v-paid-on');
  li.append(dl);

  const busyNow = busy.has(v.id);
  if (v.status === 'pending') {
    if (confirming === v.id) {
      const box = make('div', 'confirm');
      box.dataset.testid = 'v-confirm';
      box.setAttribute('role', 'group');
      box.append(make('p', 'confirm-title', t('traffic.v.confirm_title')));
      box.append(make('p', null, t('traffic.v.confirm_text', { points: v.points, fine: yuan(v.fine_fen) })));
      box.append(make('p', 'hint', t('traffic.v.confirm_note')));
      const actions = make('div', 'actions');
      const yes = make('button', 'btn btn-primary', t(busyNow ? 'traffic.v.accepting' : 'traffic.v.confirm_yes'));
      yes.type = 'button';
      yes.disabled = busyNow;
      yes.dataset.testid = 'v-accept-confirm';
      yes.addEventListener('click', () => accept(v));
      const no = make('button', 'btn btn-ghost', t('traffic.cancel'));
      no.type = 'button';
      no.disabled = busyNow;
      no.addEventListener('click', () => { confirming = null; renderViolations(); });
      actions.append(yes, no);
      box.append(actions);
      li.append(box);
    } else {
      const btn = make('button', 'btn btn-primary btn-block', t('traffic.v.accept'));
      btn.type = 'button';
      btn.dataset.testid = 'v-accept';
      btn.addEventListener('click', () => { confirming = v.id; renderViolations(); });
      li.append(btn);
    }
  }
  if (v.status === 'decided') {
    const due = v.due_today;
    const box = make('div', 'due');
    box.dataset.testid = 'v-due';
    const amount = make('p', 'due-amount');
    const sum = make('strong', null, yuan(due ? due.amount_due_fen : v.fine_fen));
    sum.dataset.testid = 'v-amount-due';
    amount.append(make('span', null, t('traffic.v.due_today')), sum);
    box.append(amount);
    if (due && due.days_late > 0) {
      const late = make('p', 'late', t('traffic.v.late', { days: due.days_late, fee: yuan(due.surcharge_fen) }));
      late.dataset.testid = 'v-late';
      box.append(late);
    } else {
      box.append(make('p', 'hint', t('traffic.v.on_time', { date: day(v.deadline_on) })));
    }
    const pay = make('button', 'btn btn-primary btn-block', t(busyNow ? 'traffic.v.paying' : 'traffic.v.pay'));
    pay.type = 'button';
    pay.disabled = busyNow;
    pay.dataset.testid = 'v-pay';
    pay.addEventListener('click', () => payFine(v));
    box.append(pay);
    li.append(box);
  }
  if (v.status === 'paid') {
    const done = make('p', 'done', t('traffic.v.done'));
    done.dataset.testid = 'v-done';
    li.append(done);
  }
  if (v.status === 'revoked') li.append(make('p', 'muted', t('traffic.v.revoked_note')));
  return li;
}

async function accept(v) {
  busy.add(v.id);
  renderViolations();
  try {
    const updated = await api('POST', `/api/v1/traffic/violations/${encodeURIComponent(v.id)}/accept`);
    violations = violations.map((x) => (x.id === updated.id ? updated : x));
    confirming = null;
    toast(t('traffic.v.accepted', { points: updated.points }));
    profile = await api('GET', '/api/v1/traffic/me');
    renderProfile();
  } catch (err) {
    toast(problemText(err), 'error');
    await loadViolations().catch(() => {});
  } finally {
    busy.delete(v.id);
    renderViolations();
  }
}

async function payFine(v) {
  busy.add(v.id);
  renderViolations();
  try {
    const res = await api('POST', `/api/v1/traffic/violations/${encodeURIComponent(v.id)}/payments`, { channel: 'sandbox' });
    // The channel's cashier page takes it from here and links back to this page.
    window.location.assign(res.pay_url);
    return;
  } catch (err) {
    toast(problemText(err), 'error');
    if (err.code === 'already_paid' || err.code === 'violation_not_decided') await loadViolations().catch(() => {});
  }
  busy.delete(v.id);
  renderViolations();
}

async function loadViolations() {
  violations = await api('GET', '/api/v1/traffic/violations');
  renderViolations();
}

// ---------------------------------------------------------------- citizen: study quiz

function renderQuiz() {
  const form = $('quiz');
  form.hidden = !quiz;
  $('quiz-start').hidden = !profile?.licence || !!quiz;
  if (!quiz) return;
  const ol = $('questions');
  ol.replaceChildren();
  quiz.questions.forEach((q, i) => {
    const li = make('li', 'card-box q-card');
    li.dataset.testid = 'question';
    li.dataset.qid = q.id;
    const fs = make('fieldset', 'q-set');
    const legend = make('legend', 'q-text');
    legend.append(make('span', 'q-no', t('traffic.quiz.no', { i: i + 1, n: quiz.questions.length })), make('span', null, zh() ? q.text_zh : q.text_en));
    fs.append(legend);
    const choices = zh() ? q.choices_zh : q.choices_en;
    choices.forEach((c, j) => {
      const label = make('label', 'choice');
      const input = make('input');
      input.type = 'radio';
      input.name = `q-${i}`;
      input.value = String(j);
      input.checked = answers[i] === j;
      input.disabled = !!quizResult;
      input.dataset.testid = `choice-${j}`;
      input.addEventListener('change', () => {
        answers[i] = j;
        renderQuizProgress();
      });
      label.append(input, make('span', null, `${String.fromCharCode(65 + j)}. ${c}`));
      fs.append(label);
    });
    li.append(fs);
    ol.append(li);
  });
  renderQuizProgress();
}

function renderQuizProgress() {
  if (!quiz) return;
  const done = answers.filter((a) => a !== undefined).length;
  $('quiz-progress').textContent = t('traffic.quiz.progress', { done, n: quiz.questions.length, pass: quiz.pass_mark });
  const left = Math.max(0, Math.round((Date.parse(quiz.expires_at) - Date.now()) / 1000));
  $('quiz-progress').parentElement.hidden = !!quizResult;
  const timer = $('quiz-timer');
  timer.textContent = quizResult ? '' : t('traffic.quiz.time_left', { t: `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}` });
  timer.classList.toggle('late', left < 120);
  const submit = $('quiz-submit');
  submit.hidden = !!quizResult;
  submit.disabled = done < quiz.questions.length || left <= 0;
  submit.textContent = left <= 0 ? t('traffic.quiz.expired')
    : done < quiz.questions.length ? t('traffic.quiz.unanswered', { n: quiz.questions.length - done }) : t('traffic.quiz.submit');
}

async function startQuiz() {
  const btn = $('quiz-start');
  btn.disabled = true;
  try {
    quiz = await api('POST', '/api/v1/traffic/quizzes');
    answers = new Array(quiz.questions.length).fill(undefined);
    quizResult = null;
    $('quiz-result').hidden = true;
    $('quiz-error').hidden = true;
    clearInterval(quizTimer);
    quizTimer = setInterval(renderQuizProgress, 1000);
    renderQuiz();
    $('questions').querySelector('input')?.focus();
  } catch (err) {
    toast(problemText(err), 'error');
  }
  btn.disabled = false;
}

async function submitQuiz(event) {
  event.preventDefault();
  if (!quiz || quizResult) return;
  const submit = $('quiz-submit');
  submit.disabled = true;
  try {
    quizResult = await api('POST', `/api/v1/traffic/quizzes/${encodeURIComponent(quiz.id)}/answers`, { answers });
    clearInterval(quizTimer);
    $('quiz-error').hidden = true;
    renderQuiz();
    renderResult();
    profile = await api('GET', '/api/v1/traffic/me');
    renderProfile();
    if (quizResult.voucher) await loadVouchers();
    $('quiz-result').scrollIntoView({ block: 'start' });
  } catch (err) {
    showProblem($('quiz-error'), err);
    if (err.code === 'quiz_done' || err.code === 'quiz_expired') {
      clearInterval(quizTimer);
      quiz = null;
      renderQuiz();
    } else {
      renderQuizProgress();
    }
  }
}

function renderResult() {
  const box = $('quiz-result');
  const r = quizResult;
  box.hidden = !r;
  box.replaceChildren();
  if (!r) return;
  box.className = `card-box quiz-result ${r.passed ? 'pass' : 'fail'}`;
  const head = make('h2', null, t(r.passed ? 'traffic.quiz.passed' : 'traffic.quiz.failed'));
  head.dataset.testid = 'quiz-verdict';
  const score = make('p', 'q-score', t('traffic.quiz.score', { score: r.score, n: quiz?.questions.length ?? 10, pass: r.pass_mark }));
  score.dataset.testid = 'quiz-score';
  box.append(head, score);
  if (r.reduced) {
    const p = make('p', 'done', t('traffic.quiz.reduced', { n: r.reduced }));
    p.dataset.testid = 'quiz-reduced';
    box.append(p);
  }
  if (r.voucher) {
    const p = make('p', 'done', t('traffic.quiz.voucher', { n: r.voucher.value }));
    p.dataset.testid = 'quiz-voucher';
    box.append(p);
  }
  if (r.refusal) {
    const p = make('p', 'alert', `${t('traffic.quiz.refused')}${zh() ? r.refusal.rule_zh : r.refusal.rule_en}`);
    p.dataset.testid = 'quiz-refusal';
    box.append(p);
  }
  if (r.points) {
    const p = make('p', null, t('traffic.quiz.points_now', { n: r.points.balance, recorded: r.points.recorded, reduced: r.points.reduced }));
    p.dataset.testid = 'quiz-points';
    box.append(p);
  }
  const again = make('button', 'btn btn-ghost btn-block', t('traffic.quiz.again'));
  again.type = 'button';
  again.addEventListener('click', () => {
    quiz = null;
    quizResult = null;
    renderQuiz();
    renderResult();
  });
  box.append(again);
}

// Vouchers (the ningbo2016 profile): a passed quiz earns one, applied to a decided violation.
async function loadVouchers() {
  if (profile?.points?.profile !== 'ningbo2016') {
    $('vouchers-box').hidden = true;
    return;
  }
  vouchers = await api('GET', '/api/v1/traffic/vouchers');
  renderVouchers();
}

function renderVouchers() {
  const box = $('vouchers-box');
  box.hidden = profile?.points?.profile !== 'ningbo2016';
  const ul = $('vouchers');
  ul.replaceChildren();
  if (!vouchers.length) ul.append(make('li', 'muted', t('traffic.vch.none')));
  const decided = violations.filter((v) => v.status === 'decided' || v.status === 'paid');
  for (const w of vouchers) {
    const li = make('li', 'vch');
    li.dataset.testid = 'voucher';
    li.append(make('p', null, t('traffic.vch.item', { n: w.value, date: when(w.issued_at) })));
    if (w.applied_to) {
      li.append(make('p', 'muted', t('traffic.vch.applied', { date: when(w.applied_at) })));
    } else if (decided.length) {
      const sel = make('select');
      sel.setAttribute('aria-label', t('traffic.vch.choose'));
      for (const v of decided) {
        const o = make('option', null, `${v.plate} · ${violationName(v)} · ${t('traffic.v.points_n', { n: v.points })}`);
        o.value = v.id;
        sel.append(o);
      }
      const btn = make('button', 'btn btn-primary', t('traffic.vch.apply'));
      btn.type = 'button';
      btn.addEventListener('click', async () => {
        btn.disabled = true;
        try {
          const r = await api('POST', `/api/v1/traffic/vouchers/${encodeURIComponent(w.id)}/apply`, { violation_id: sel.value });
          toast(t('traffic.quiz.reduced', { n: r.reduced }));
          profile = await api('GET', '/api/v1/traffic/me');
          renderProfile();
          await loadVouchers();
        } catch (err) {
          toast(problemText(err), 'error');
          btn.disabled = false;
        }
      });
      const row = make('div', 'actions');
      row.append(sel, btn);
      li.append(row);
    } else {
      li.append(make('p', 'muted', t('traffic.vch.no_target')));
    }
    ul.append(li);
  }
}

// ---------------------------------------------------------------- start-up

function renderAll() {
  if (me === null) {
    renderRegister();
    return;
  }
  if (profile) {
    renderProfile();
    renderViolations();
    renderQuiz();
    renderResult();
    if (!$('vouchers-box').hidden) renderVouchers();
    renderServices();
  }
}

document.addEventListener('langchange', renderAll);

$('logout').addEventListener('click', async () => {
  try {
    await logout();
  } catch {
    // Already signed out is fine.
  }
  window.location.assign('/login');
});

await initI18n();

// Who is here: nobody (401: the register form), a citizen, or another role. The code lists
// only label what a signed-in citizen sees, so registering works without them.
let meFailed = null;
try {
  me = await getMe();
} catch (err) {
  if (!(err instanceof ApiError && err.status === 401)) meFailed = err;
  me = null;
}
let codesFailed = null;
if (me) {
  try {
    await loadCodes();
  } catch (err) {
    codesFailed = err;
  }
}
if (meFailed || codesFailed) {
  $('load-error').textContent = problemText(meFailed || codesFailed);
  $('load-error').hidden = false;
}

if (me === null && !meFailed) {
  $('login-link').hidden = false;
  $('register').hidden = false;
  $('send-code').addEventListener('click', sendCode);
  $('reg-form').addEventListener('submit', register);
  renderRegister();
} else if (me && me.role !== 'citizen') {
  $('user-name').textContent = me.display_name || me.username;
  $('logout').hidden = false;
  $('other-role').hidden = false;
} else if (me) {
  $('user-name').textContent = me.display_name || me.username;
  $('logout').hidden = false;
  wireTabs();
  $('quiz-start').addEventListener('click', startQuiz);
  $('quiz').addEventListener('submit', submitQuiz);
  try {
    [profile] = await Promise.all([api('GET', '/api/v1/traffic/me'), loadViolations()]);
    $('citizen').hidden = false;
    // Back from paying a service fee: the cashier links to #violations; show the services.
    const back = returnTab();
    if (back && currentTab() === 'violations') window.history.replaceState(null, '', `#${back}`);
    showTab(currentTab());
    renderProfile();
    renderQuiz();
    await Promise.all([loadVouchers(), initServices(() => profile)]);
  } catch (err) {
    $('load-error').textContent = problemText(err);
    $('load-error').hidden = false;
  }
}

document.body.dataset.ready = '1';
