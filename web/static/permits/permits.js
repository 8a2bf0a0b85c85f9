// The citizen's approval window (/permits), phone first. Anyone may read the guide: every item
// with its materials, fee, statutory time limit and legal basis. A signed-in citizen (the same
// accounts as the traffic services) applies online — the item's online form, the postal
// address, one file per material, the pre-check's findings next to each field, the fee through
// the payment channel, the progress step by step — and books a visit: an office, a day, a
// slot; the place is held for five minutes until confirmed; a slot taken meanwhile offers the
// next free ones. On the day they check in and get a ticket number.
import { initI18n, t } from '../js/i18n.js';
import { ApiError, api, getMe, logout } from '../js/api.js';
import {
  $, make, button, fact, toast, tabs, zh, colon, listSep, yuan, when, hm, localDate, today, slotText, weekday,
  size, loadCodes, codeLabel, name, problemText, fieldErrors, apiWith, uuid, upload, fileProblem, FILE_ACCEPT,
  followBoard, feeState,
} from './common.js';

const TABS = ['items', 'applications', 'appointments'];
const HOLD_MS = 5 * 60 * 1000;
/** Days of slots asked for at most (the booking window is usually shorter). */
const MAX_DAYS = 31;

let me = null;
let citizen = false;
let items = [];
let offices = [];
const filter = { q: '', dept: '', online: false };
let detailCode = null;
let tabBar = null;

/** An instant in one spelling (UTC, milliseconds), for comparing and for selectors. */
const iso = (s) => {
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? String(s) : d.toISOString();
};
const itemOf = (code) => items.find((i) => i.code === code) || null;
const officeOf = (id) => offices.find((o) => o.id === id) || null;
const officesFor = (code) => offices.filter((o) => (o.windows || []).some((w) => (w.items || []).includes(code)));
const itemName = (code, fallback) => {
  const i = itemOf(code);
  return i ? name(i) : fallback || code;
};

// ---------------------------------------------------------------- the guide

function fillDepartments() {
  const sel = $('cat-dept');
  const keep = sel.value;
  const all = make('option', null, t('permits.cat.all_departments'));
  all.value = '';
  sel.replaceChildren(all, ...(loadedCodes?.departments || []).map((d) => {
    const o = make('option', null, zh() ? d.label_zh : d.label_en);
    o.value = d.code;
    return o;
  }));
  sel.value = keep;
}

function matches(i) {
  if (i.retired) return false;
  if (filter.dept && i.department !== filter.dept) return false;
  if (filter.online && !i.online) return false;
  const q = filter.q.trim().toLowerCase();
  if (!q) return true;
  return [i.code, i.name_zh, i.name_en].some((s) => String(s || '').toLowerCase().includes(q));
}

function flagBadges(i) {
  const out = [];
  if (i.online) out.push(['online', 'permits.flag.online']);
  if (i.appointment) out.push(['appointment', 'permits.flag.appointment']);
  if (i.mailed) out.push(['mailed', 'permits.flag.mailed']);
  if (i.self_service) out.push(['self_service', 'permits.flag.self_service']);
  return out.map(([k, key]) => {
    const b = make('span', `badge flag-${k}`, t(key));
    b.dataset.flag = k;
    return b;
  });
}

const feeText = (fen) => (fen > 0 ? yuan(fen) : t('permits.item.free'));

function renderItems() {
  const list = items.filter(matches);
  const ul = $('items');
  $('cat-count').textContent = t('permits.cat.count', { n: list.length });
  ul.replaceChildren(...list.map((i) => {
    const li = make('li', 'card-box item-card');
    li.dataset.testid = 'item';
    li.dataset.code = i.code;
    const open = button('', 'item-open', 'item-open', () => showDetail(i.code, true));
    open.append(make('span', 'item-name', name(i)), make('span', 'item-meta muted', `${codeLabel('departments', i.department)} · ${i.code} · ${feeText(i.fee_fen)}`));
    const flags = make('span', 'flags');
    flags.append(...flagBadges(i));
    open.append(flags);
    li.append(open);
    return li;
  }));
  if (!list.length) ul.append(make('li', 'card-box muted', t('permits.cat.none')));
}

function showDetail(code, focus = false) {
  detailCode = code;
  renderDetail();
  if (focus) $('detail').focus();
}

function hideDetail() {
  const code = detailCode;
  detailCode = null;
  renderDetail();
  document.querySelector(`[data-testid=item][data-code="${code}"] .item-open`)?.focus();
}

function renderDetail() {
  const i = detailCode ? itemOf(detailCode) : null;
  $('detail').hidden = !i;
  $('catalogue').hidden = !!i;
  $('items').hidden = !!i;
  if (!i) return;
  $('d-name').textContent = name(i);
  $('d-meta').textContent = `${codeLabel('departments', i.department)} · ${i.code}`;
  $('d-flags').replaceChildren(...flagBadges(i));
  const dl = $('d-facts');
  dl.replaceChildren();
  fact(dl, t('permits.item.fee'), feeText(i.fee_fen), 'd-fee');
  fact(dl, t('permits.item.time_limit'), t('permits.item.days', { n: i.time_limit_days }), 'd-time-limit');
  if (i.fee_fen > 0) fact(dl, t('permits.item.refund'), t(i.refund_on_reject ? 'permits.item.refund_yes' : 'permits.item.refund_no'));
  fact(dl, t('permits.item.legal_basis'), i.legal_basis || '—', 'd-legal');
  fact(dl, t('permits.item.forms'), (i.forms || []).map(name).join(listSep()) || '—');
  $('d-materials').replaceChildren(...(i.materials || []).map((m) => {
    const li = make('li', null, name(m));
    li.append(make('span', m.required ? 'req' : 'opt', ` ${t(m.required ? 'permits.item.required' : 'permits.item.optional')}`));
    return li;
  }));
  const serving = officesFor(i.code);
  $('d-offices').replaceChildren(...serving.map((o) => {
    const li = make('li');
    li.append(make('strong', null, o.name), make('span', 'muted', ` ${o.address || ''}`));
    return li;
  }));
  if (!serving.length) $('d-offices').append(make('li', 'muted', t('permits.item.no_office')));
  $('d-apply').hidden = !citizen || !i.online;
  $('d-book').hidden = !citizen || !i.appointment || !serving.length;
  $('d-actions').hidden = $('d-apply').hidden && $('d-book').hidden;
  $('d-signin').hidden = !!me || (!i.online && !i.appointment);
  $('d-error').hidden = true;
}

// ---------------------------------------------------------------- applications: the editor

const editor = {
  item: null,
  app: null, // the full application once the draft exists
  busy: false,
  error: null,
  uploads: new Map(), // material code → {progress, error}
  problems: {}, // the last pre-check's findings by field (`details.name`, `materials.photo`)
};

function openEditor(item, app = null) {
  editor.item = item;
  editor.app = app;
  editor.error = null;
  editor.uploads = new Map();
  editor.problems = {};
  tabBar.go('applications');
  renderEditor();
  if (app) fillEditorValues();
  $('editor').hidden = false;
  $('editor').focus();
  $('editor').scrollIntoView({ block: 'start' });
}

function closeEditor() {
  editor.item = null;
  editor.app = null;
  $('editor').hidden = true;
}

function renderEditor() {
  const i = editor.item;
  if (!i) {
    $('editor').hidden = true;
    return;
  }
  const a = editor.app;
  $('ed-title').textContent = t(a ? 'permits.app.editing' : 'permits.app.new', { item: name(i) });
  $('ed-start').hidden = !!a;
  $('ed-form').hidden = !a;
  if (!a) {
    const sel = $('ed-office');
    const keep = sel.value;
    const serving = officesFor(i.code);
    sel.replaceChildren(...serving.map((o) => {
      const opt = make('option', null, o.name);
      opt.value = o.id;
      return opt;
    }));
    if (serving.some((o) => o.id === keep)) sel.value = keep;
    $('ed-create').disabled = editor.busy || !serving.length;
    if (!serving.length) showEditorError(t('permits.item.no_office'));
    return;
  }
  $('ed-office-name').textContent = `${t('permits.app.office')}${colon()}${a.office_name || officeOf(a.office_id)?.name || ''}`;
  const returned = a.status === 'returned' ? [...(a.steps || [])].reverse().find((s) => s.status === 'returned') : null;
  $('ed-returned').hidden = !returned;
  $('ed-returned').textContent = returned ? `${t('permits.app.returned_note')}${colon()}${returned.note || '—'}` : '';
  renderFields();
  $('ed-mail').hidden = !i.mailed;
  $('ed-address-label').hidden = !$('ed-post').checked;
  renderUploads();
  $('ed-submit').disabled = editor.busy;
  $('ed-save').disabled = editor.busy;
}

function fieldInput(f) {
  const id = `ed-f-${f.key}`;
  let input;
  if (f.kind === 'choice') {
    input = make('select');
    const none = make('option', null, t('permits.app.choose'));
    none.value = '';
    input.append(none, ...(f.options || []).map((o) => {
      const opt = make('option', null, name(o));
      opt.value = o.code;
      return opt;
    }));
  } else {
    input = make('input');
    if (f.kind === 'date') input.type = 'date';
    if (f.kind === 'mobile') {
      input.type = 'tel';
      input.inputMode = 'numeric';
      input.maxLength = 11;
      input.autocomplete = 'tel-national';
    }
    if (f.kind === 'resident_id') {
      input.maxLength = 18;
      input.autocapitalize = 'characters';
      input.spellcheck = false;
      input.autocomplete = 'off';
    }
    if (f.kind === 'text' && f.max) input.maxLength = f.max;
    if (f.key === 'name') input.autocomplete = 'name';
  }
  input.id = id;
  input.name = f.key;
  input.dataset.key = f.key;
  input.dataset.testid = `field-${f.key}`;
  input.setAttribute('aria-describedby', `ed-err-details-${f.key}`);
  return input;
}

function renderFields() {
  const box = $('ed-fields');
  const fields = editor.item.fields || [];
  // Keep what was typed across a language switch: rebuild only when the item changes.
  if (box.dataset.item === editor.item.code && box.dataset.lang === (zh() ? 'zh' : 'en')) return;
  const values = Object.fromEntries([...box.querySelectorAll('[data-key]')].map((el) => [el.dataset.key, el.value]));
  const same = box.dataset.item === editor.item.code;
  box.dataset.item = editor.item.code;
  box.dataset.lang = zh() ? 'zh' : 'en';
  box.replaceChildren(...fields.flatMap((f) => {
    const label = make('label');
    label.htmlFor = `ed-f-${f.key}`;
    label.append(make('span', null, name(f)));
    const input = fieldInput(f);
    if (same && values[f.key] !== undefined) input.value = values[f.key];
    label.append(input);
    const err = make('p', 'field-error');
    err.id = `ed-err-details-${f.key}`;
    err.hidden = true;
    err.dataset.testid = `err-details-${f.key}`;
    return [label, err];
  }));
}

function fillEditorValues() {
  const a = editor.app;
  renderFields();
  for (const el of $('ed-fields').querySelectorAll('[data-key]')) el.value = a.details?.[el.dataset.key] ?? '';
  $('ed-post').checked = !!a.address;
  $('ed-address').value = a.address || '';
  $('ed-address-label').hidden = !a.address;
}

function renderUploads() {
  const a = editor.app;
  const ul = $('ed-materials');
  const have = new Map((a.materials || []).map((m) => [m.code, m]));
  ul.replaceChildren(...(editor.item.materials || []).map((m) => {
    const li = make('li', 'upload');
    li.dataset.testid = 'material';
    li.dataset.code = m.code;
    const head = make('p', 'upload-name');
    head.append(make('strong', null, name(m)), make('span', m.required ? 'req' : 'opt', ` ${t(m.required ? 'permits.item.required' : 'permits.item.optional')}`));
    li.append(head);
    const file = make('input');
    file.type = 'file';
    file.accept = FILE_ACCEPT;
    file.id = `ed-file-${m.code}`;
    file.className = 'file-input';
    file.dataset.testid = `file-${m.code}`;
    file.setAttribute('aria-describedby', `ed-st-${m.code} ed-err-materials-${m.code}`);
    const pick = make('label', 'btn btn-ghost btn-small file-pick');
    pick.htmlFor = file.id;
    pick.textContent = t(have.has(m.code) ? 'permits.app.replace_file' : 'permits.app.choose_file');
    pick.setAttribute('aria-label', `${t(have.has(m.code) ? 'permits.app.replace_file' : 'permits.app.choose_file')}${colon()}${name(m)}`);
    file.addEventListener('change', () => {
      if (file.files && file.files[0]) sendFile(m, file.files[0]);
      file.value = '';
    });
    const st = make('p', 'upload-status');
    st.id = `ed-st-${m.code}`;
    st.dataset.testid = `material-status-${m.code}`;
    st.setAttribute('aria-live', 'polite');
    const u = editor.uploads.get(m.code);
    if (u && u.progress !== null && u.progress !== undefined) {
      const bar = make('progress');
      bar.max = 1;
      bar.value = u.progress;
      bar.setAttribute('aria-label', t('permits.app.uploading', { name: name(m) }));
      st.append(bar, make('span', null, ` ${Math.round(u.progress * 100)}%`));
    } else if (have.has(m.code)) {
      const f = have.get(m.code);
      st.classList.add('ok');
      st.append(make('span', null, `✓ ${t('permits.app.uploaded')}${colon()}`));
      const link = make('a', null, f.filename);
      link.href = `/api/v1/permits/applications/${encodeURIComponent(a.id)}/materials/${encodeURIComponent(m.code)}`;
      link.target = '_blank';
      link.rel = 'noopener';
      st.append(link, make('span', 'muted', ` (${size(f.size)})`));
    } else {
      st.classList.add('muted');
      st.textContent = t('permits.app.no_file');
    }
    const err = make('p', 'field-error');
    err.id = `ed-err-materials-${m.code}`;
    err.dataset.testid = `err-materials-${m.code}`;
    const problem = (u && u.error) || editor.problems[`materials.${m.code}`] || '';
    err.hidden = !problem;
    err.textContent = problem;
    if (problem) file.setAttribute('aria-invalid', 'true');
    const row = make('div', 'upload-row');
    row.append(file, pick);
    li.append(row, st, err);
    return li;
  }));
}

async function sendFile(m, file) {
  const a = editor.app;
  const bad = fileProblem(file);
  if (bad) {
    editor.uploads.set(m.code, { progress: null, error: t(`permits.app.${bad}`) });
    renderUploads();
    $(`ed-file-${m.code}`)?.focus();
    return;
  }
  editor.uploads.set(m.code, { progress: 0, error: null });
  renderUploads();
  try {
    const path = `/api/v1/permits/applications/${encodeURIComponent(a.id)}/materials/${encodeURIComponent(m.code)}`;
    const saved = await upload(path, file, (p) => {
      editor.uploads.set(m.code, { progress: p, error: null });
      const bar = document.querySelector(`#ed-st-${CSS.escape(m.code)} progress`);
      if (bar) bar.value = p;
      else renderUploads();
    });
    editor.app = { ...a, materials: [...(a.materials || []).filter((x) => x.code !== m.code), saved] };
    editor.uploads.delete(m.code);
    delete editor.problems[`materials.${m.code}`];
    toast(t('permits.app.uploaded_toast', { name: name(m) }));
  } catch (err) {
    editor.uploads.set(m.code, { progress: null, error: problemText(err) });
  }
  renderUploads();
}

function showEditorError(text) {
  $('ed-error').textContent = text || '';
  $('ed-error').hidden = !text;
}

/** Shows a problem: field errors next to their fields, the rest at the top. */
function showEditorProblem(err) {
  editor.problems = err ? fieldErrors(err) : {};
  renderUploads();
  for (const el of $('editor').querySelectorAll('.field-error')) {
    if (el.id.startsWith('ed-err-materials-')) continue;
    el.hidden = true;
    el.textContent = '';
  }
  for (const el of $('editor').querySelectorAll('[aria-invalid]')) {
    if (el.type !== 'file') el.removeAttribute('aria-invalid');
  }
  if (!err) {
    showEditorError('');
    return;
  }
  const fields = editor.problems;
  const loose = [];
  let first = null;
  for (const [field, text] of Object.entries(fields)) {
    const slot = $(`ed-err-${field.replace('.', '-')}`);
    if (slot) {
      slot.textContent = text;
      slot.hidden = false;
      const input = field.startsWith('details.') ? $(`ed-f-${field.slice(8)}`) : field.startsWith('materials.') ? $(`ed-file-${field.slice(10)}`) : field === 'address' ? $('ed-address') : null;
      if (input) {
        input.setAttribute('aria-invalid', 'true');
        first = first || input;
      }
    } else {
      loose.push(text);
    }
  }
  const n = Object.keys(fields).length;
  showEditorError([n ? t('permits.app.precheck_failed', { n }) : problemText(err), ...loose].join(' '));
  (first && first.type !== 'file' ? first : $('ed-error')).focus?.();
  if (first && first.type === 'file') first.closest('li')?.scrollIntoView({ block: 'center' });
}

function detailsBody() {
  const details = {};
  for (const el of $('ed-fields').querySelectorAll('[data-key]')) {
    const kind = (editor.item.fields || []).find((f) => f.key === el.dataset.key)?.kind;
    details[el.dataset.key] = kind === 'resident_id' ? el.value.trim().toUpperCase() : el.value.trim();
  }
  const body = { details };
  if (editor.item.mailed) body.address = $('ed-post').checked ? $('ed-address').value.trim() || null : null;
  return body;
}

async function createDraft(event) {
  event.preventDefault();
  if (editor.busy) return;
  const officeId = $('ed-office').value;
  if (!officeId) return;
  editor.busy = true;
  renderEditor();
  try {
    const a = await api('POST', '/api/v1/permits/applications', { item_code: editor.item.code, office_id: officeId, details: {} });
    editor.app = a;
    showEditorError('');
    await loadApplications().catch(() => {});
  } catch (err) {
    showEditorError(problemText(err));
  }
  editor.busy = false;
  renderEditor();
  if (editor.app) {
    fillEditorValues();
    $('ed-fields').querySelector('[data-key]')?.focus();
  }
}

async function saveDraft(quiet = false) {
  const a = editor.app;
  const body = detailsBody();
  if (editor.item.mailed && $('ed-post').checked && !body.address) {
    throw new ApiError(422, { code: 'validation_failed', errors: [{ field: 'address', code: 'postal_address.invalid', reason: '' }] }, null);
  }
  const saved = await api('PUT', `/api/v1/permits/applications/${encodeURIComponent(a.id)}`, body);
  editor.app = { ...a, ...saved, materials: saved.materials || a.materials };
  if (!quiet) $('ed-saved').textContent = t('permits.app.saved', { time: hm(new Date().toISOString()) });
}

async function onSave() {
  if (editor.busy) return;
  editor.busy = true;
  renderEditor();
  let failed = null;
  try {
    await saveDraft();
  } catch (err) {
    failed = err;
  }
  editor.busy = false;
  renderEditor();
  // A save keeps the last pre-check's marks; only its own problem replaces them.
  if (failed) showEditorProblem(failed);
  else showEditorError('');
}

async function onSubmit(event) {
  event.preventDefault();
  if (editor.busy) return;
  editor.busy = true;
  $('ed-submit').textContent = t('permits.app.submitting');
  renderEditor();
  let done = null;
  let failed = null;
  try {
    await saveDraft(true);
    done = await api('POST', `/api/v1/permits/applications/${encodeURIComponent(editor.app.id)}/submit`);
  } catch (err) {
    failed = err;
  }
  editor.busy = false;
  $('ed-submit').textContent = t('permits.app.submit');
  if (failed) {
    renderEditor();
    showEditorProblem(failed);
    return;
  }
  if (done) {
    closeEditor();
    appDetails.set(done.id, done);
    openApps.add(done.id);
    toast(t(done.fee_fen > 0 && !done.paid ? 'permits.app.submitted_fee' : 'permits.app.submitted', { fee: yuan(done.fee_fen) }));
    await loadApplications().catch((err) => toast(problemText(err), 'error'));
    document.querySelector(`[data-testid=application][data-id="${done.id}"]`)?.scrollIntoView({ block: 'start' });
  }
}

// ---------------------------------------------------------------- applications: the list

let apps = [];
const appDetails = new Map(); // id → full application
const openApps = new Set(); // ids whose progress is shown
let withdrawing = null;
const busyApps = new Set();
const FINAL_APPS = new Set(['rejected', 'delivered', 'withdrawn']);

async function loadApplications() {
  apps = await api('GET', '/api/v1/permits/applications');
  renderApplications();
  // Progress of the open ones is fetched again (it may have moved).
  await Promise.all([...openApps].filter((id) => apps.some((a) => a.id === id)).map((id) => loadDetail(id)));
}

async function loadDetail(id) {
  try {
    appDetails.set(id, await api('GET', `/api/v1/permits/applications/${encodeURIComponent(id)}`));
  } catch (err) {
    toast(problemText(err), 'error');
  }
  renderApplications();
}

function renderApplications() {
  const ul = $('applications');
  $('apps-hint').hidden = apps.length > 0;
  const needs = apps.filter((a) => a.status === 'returned' || a.status === 'draft' || (a.fee_fen > 0 && !a.paid && !FINAL_APPS.has(a.status) && a.status !== 'draft')).length;
  $('app-count').hidden = !needs;
  $('app-count').textContent = String(needs || '');
  ul.replaceChildren(...apps.map(applicationCard));
}

function applicationCard(s) {
  const a = { ...s, ...(appDetails.get(s.id) || {}), status: s.status, paid: s.paid };
  const li = make('li', `card-box app app-${a.status}`);
  li.dataset.testid = 'application';
  li.dataset.id = a.id;
  li.dataset.status = a.status;
  const head = make('div', 'vio-head');
  head.append(make('h3', 'vio-name', itemName(a.item_code, a.item_name)));
  const badge = make('span', `badge pa-st-${a.status}`, codeLabel('application_statuses', a.status));
  badge.dataset.testid = 'app-status';
  head.append(badge);
  li.append(head);
  const dl = make('dl', 'facts');
  fact(dl, t('permits.app.created'), when(a.created_at));
  if (a.submitted_at) fact(dl, t('permits.app.submitted_at'), when(a.submitted_at));
  if (a.fee_fen > 0) fact(dl, t('permits.item.fee'), `${yuan(a.fee_fen)} · ${t(feeState(a))}`, 'app-fee');
  if (a.deadline) {
    const dd = fact(dl, t('permits.app.deadline'), a.deadline, 'app-deadline');
    if (a.overdue) dd.append(make('span', 'badge overdue', ` ${t('permits.app.overdue')}`));
  }
  if (a.tracking_no) fact(dl, t('permits.app.tracking_no'), a.tracking_no, 'app-tracking');
  li.append(dl);

  const b = busyApps.has(a.id);
  const actions = make('div', 'actions wrap');
  if (a.status === 'draft' || a.status === 'returned') {
    actions.append(button(t(a.status === 'draft' ? 'permits.app.continue' : 'permits.app.correct'), 'btn btn-primary', 'app-edit', () => editApplication(a.id)));
  }
  if (a.fee_fen > 0 && !a.paid && a.status !== 'draft' && !FINAL_APPS.has(a.status)) {
    const pay = button(t(b ? 'permits.app.paying' : 'permits.app.pay', { fee: yuan(a.fee_fen) }), 'btn btn-primary', 'app-pay', () => pay(a));
    pay.disabled = b;
    actions.append(pay);
  }
  if (['draft', 'pre_checked', 'returned'].includes(a.status) && withdrawing !== a.id) {
    const w = button(t('permits.app.withdraw'), 'btn btn-ghost', 'app-withdraw', () => {
      withdrawing = a.id;
      renderApplications();
      document.querySelector(`[data-testid=app-withdraw-confirm]`)?.focus();
    });
    w.disabled = b;
    actions.append(w);
  }
  if (actions.childElementCount) li.append(actions);
  if (withdrawing === a.id) {
    const box = make('div', 'confirm');
    box.setAttribute('role', 'group');
    box.append(make('p', 'confirm-title', t('permits.app.withdraw_confirm')));
    const row = make('div', 'actions');
    const yes = button(t('permits.app.withdraw_yes'), 'btn btn-danger', 'app-withdraw-confirm', () => withdraw(a));
    yes.disabled = b;
    row.append(yes, button(t('permits.cancel'), 'btn btn-ghost', null, () => { withdrawing = null; renderApplications(); }));
    box.append(row);
    li.append(box);
  }

  // Progress: the steps so far, fetched when opened.
  const more = make('details', 'app-progress');
  more.open = openApps.has(a.id);
  more.append(make('summary', 'app-progress-title', t('permits.app.progress')));
  more.addEventListener('toggle', () => {
    if (more.open && !openApps.has(a.id)) {
      openApps.add(a.id);
      loadDetail(a.id);
    } else if (!more.open) {
      openApps.delete(a.id);
    }
  });
  const full = appDetails.get(a.id);
  if (more.open && full) {
    if (full.office_name) more.append(make('p', 'muted', `${t('permits.app.office')}${colon()}${full.office_name}`));
    const ol = make('ol', 'app-steps');
    ol.dataset.testid = 'app-steps';
    (full.steps || []).forEach((st, i, all) => {
      const item = make('li', i === all.length - 1 ? 'app-step now' : 'app-step');
      item.dataset.testid = 'app-step';
      item.dataset.status = st.status;
      const h = make('p', 'app-step-head');
      h.append(make('strong', null, codeLabel('application_statuses', st.status)));
      const time = make('time', null, when(st.at));
      time.dateTime = st.at;
      h.append(time);
      item.append(h);
      if (st.note) item.append(make('p', 'app-step-note', st.note));
      ol.append(item);
    });
    if (!(full.steps || []).length) ol.append(make('li', 'muted', t('permits.app.no_steps')));
    more.append(ol);
    if (full.mail_due && !full.mailed_on) more.append(make('p', 'hint', t('permits.app.mail_due', { date: full.mail_due })));
    if ((full.materials || []).length) {
      more.append(make('p', 'muted', `${t('permits.app.materials')}${colon()}${full.materials.map((m) => m.filename).join(listSep())}`));
    }
  } else if (more.open) {
    more.append(make('p', 'muted', t('permits.loading')));
  }
  li.append(more);
  return li;
}

async function editApplication(id) {
  try {
    const a = await api('GET', `/api/v1/permits/applications/${encodeURIComponent(id)}`);
    appDetails.set(id, a);
    const item = itemOf(a.item_code) || (await api('GET', `/api/v1/permits/items/${encodeURIComponent(a.item_code)}`));
    openEditor(item, a);
  } catch (err) {
    toast(problemText(err), 'error');
  }
}

async function pay(a) {
  busyApps.add(a.id);
  renderApplications();
  try {
    const res = await api('POST', `/api/v1/permits/applications/${encodeURIComponent(a.id)}/payments`, { channel: 'sandbox' });
    // The channel's cashier takes it from here and links back to this page.
    window.location.assign(res.pay_url);
    return;
  } catch (err) {
    toast(problemText(err), 'error');
  }
  busyApps.delete(a.id);
  await loadApplications().catch(() => {});
}

async function withdraw(a) {
  busyApps.add(a.id);
  renderApplications();
  try {
    await api('POST', `/api/v1/permits/applications/${encodeURIComponent(a.id)}/withdraw`);
    withdrawing = null;
    toast(t('permits.app.withdrawn'));
    if (editor.app?.id === a.id) closeEditor();
  } catch (err) {
    toast(problemText(err), 'error');
  }
  busyApps.delete(a.id);
  await loadApplications().catch(() => {});
}

// ---------------------------------------------------------------- booking

const bk = {
  mode: null, // 'new' or 'reschedule'
  item: null,
  appt: null, // the appointment being moved
  officeId: '',
  green: false,
  slots: [],
  loadedAt: 0,
  date: '',
  loading: false,
  attempt: null, // {slot, key, inFlight}: one pick, one key, however often it is sent
  hold: null, // the held appointment
  holdUntil: 0,
  move: null, // reschedule: the slot chosen, to be confirmed
  full: null, // {slot, alternatives}
  error: null,
  timer: null,
};

function openBooking(item, appt = null, officeId = null) {
  clearInterval(bk.timer);
  Object.assign(bk, {
    mode: appt ? 'reschedule' : 'new',
    item,
    appt,
    officeId: appt ? appt.office_id : officeId || (officesFor(item.code)[0]?.id || ''),
    green: appt ? !!appt.green : false,
    slots: [],
    date: '',
    attempt: null,
    hold: null,
    move: null,
    full: null,
    error: null,
  });
  tabBar.go('appointments');
  $('booking').hidden = false;
  renderBooking();
  $('booking').focus();
  $('booking').scrollIntoView({ block: 'start' });
  loadSlots();
}

function closeBooking() {
  clearInterval(bk.timer);
  bk.mode = null;
  bk.hold = null;
  $('booking').hidden = true;
}

async function loadSlots() {
  if (!bk.officeId || !bk.item) return;
  const office = officeOf(bk.officeId);
  const days = Math.min(MAX_DAYS, (office?.horizon_days || 14) + 1);
  bk.loading = true;
  renderBooking();
  try {
    const q = new URLSearchParams({ item: bk.item.code, from: today(), days: String(days) });
    bk.slots = await api('GET', `/api/v1/permits/offices/${encodeURIComponent(bk.officeId)}/slots?${q}`);
    bk.loadedAt = Date.now();
    bk.error = null;
    const dates = [...new Set(bk.slots.map((s) => localDate(s.starts_at)))];
    if (!dates.includes(bk.date)) bk.date = dates.find((d) => bk.slots.some((s) => localDate(s.starts_at) === d && freeOf(s) > 0)) || dates[0] || '';
  } catch (err) {
    bk.slots = [];
    bk.error = err;
  }
  bk.loading = false;
  renderBooking();
}

const freeOf = (s) => (bk.green ? s.free_green : s.free);

function slotButton(s, testid, onPick) {
  const free = freeOf(s);
  const btn = make('button', `slot ${free > 0 ? '' : 'slot-full'}`);
  btn.type = 'button';
  btn.dataset.testid = testid;
  btn.dataset.start = iso(s.starts_at);
  btn.dataset.free = String(free);
  const time = make('span', 'slot-time', testid === 'alternative' ? `${localDate(s.starts_at).slice(5)} ${hm(s.starts_at)}` : hm(s.starts_at));
  const left = make('span', 'slot-free', free > 0 ? t('permits.book.free_n', { n: free }) : t('permits.book.full_short'));
  btn.append(time, left);
  btn.setAttribute('aria-label', `${slotText(s.starts_at, s.ends_at)} ${left.textContent}`);
  btn.disabled = free <= 0 || !!bk.attempt?.inFlight || !!bk.hold;
  if (bk.attempt?.slot === s.starts_at) btn.setAttribute('aria-busy', 'true');
  btn.addEventListener('click', () => onPick(s));
  return btn;
}

function renderBooking() {
  if (!bk.mode) return;
  const i = bk.item;
  $('bk-title').textContent = t(bk.mode === 'reschedule' ? 'permits.book.title_move' : 'permits.book.title', { item: name(i) });
  $('bk-sub').textContent = bk.mode === 'reschedule' ? t('permits.book.moving', { slot: slotText(bk.appt.slot_start, bk.appt.slot_end) }) : '';
  // Offices serving the item (a reschedule stays at its office).
  const sel = $('bk-office');
  const serving = bk.mode === 'reschedule' ? [officeOf(bk.officeId)].filter(Boolean) : officesFor(i.code);
  sel.replaceChildren(...serving.map((o) => {
    const opt = make('option', null, o.name);
    opt.value = o.id;
    return opt;
  }));
  sel.value = bk.officeId;
  sel.disabled = bk.mode === 'reschedule' || !!bk.hold;
  $('bk-office-addr').textContent = officeOf(bk.officeId)?.address || '';
  $('bk-green').checked = bk.green;
  $('bk-green').disabled = bk.mode === 'reschedule' || !!bk.hold;
  $('bk-green-label').hidden = bk.mode === 'reschedule';
  $('bk-green-hint').hidden = bk.mode === 'reschedule';

  // The date strip: each day of the booking window with slots, and its free places.
  const byDate = new Map();
  for (const s of bk.slots) {
    const d = localDate(s.starts_at);
    if (!byDate.has(d)) byDate.set(d, []);
    byDate.get(d).push(s);
  }
  const strip = $('bk-dates');
  strip.replaceChildren(...[...byDate.entries()].map(([d, list]) => {
    const free = list.reduce((n, s) => n + freeOf(s), 0);
    const b = make('button', 'date');
    b.type = 'button';
    b.dataset.testid = 'date';
    b.dataset.date = d;
    b.setAttribute('aria-pressed', String(d === bk.date));
    b.append(make('span', 'date-day', d === today() ? t('permits.book.today') : weekday(d)), make('span', 'date-num', d.slice(5).replace('-', '/')), make('span', 'date-free', free > 0 ? t('permits.book.free_n', { n: free }) : t('permits.book.full_short')));
    b.disabled = !!bk.hold;
    b.addEventListener('click', () => {
      bk.date = d;
      bk.full = null;
      renderBooking();
      $('bk-slots').querySelector('button:not(:disabled)')?.focus();
    });
    return b;
  }));
  const grid = $('bk-slots');
  const daySlots = byDate.get(bk.date) || [];
  grid.replaceChildren(...daySlots.map((s) => slotButton(s, 'slot', pick)));
  const status = $('bk-status');
  if (bk.loading) status.textContent = t('permits.loading');
  else if (!bk.slots.length && !bk.error) status.textContent = t('permits.book.no_slots');
  else if (bk.loadedAt) status.textContent = t('permits.book.as_of', { time: hm(new Date(bk.loadedAt).toISOString()) });
  $('bk-refresh').disabled = bk.loading || !!bk.hold;

  // A full slot: the next free ones.
  $('bk-full').hidden = !bk.full;
  if (bk.full) {
    $('bk-full-title').textContent = t('permits.book.full', { slot: hm(bk.full.slot) });
    const alts = $('bk-alternatives');
    alts.replaceChildren(...bk.full.alternatives.map((s) => slotButton(s, 'alternative', pick)));
    if (!bk.full.alternatives.length) alts.append(make('p', 'muted', t('permits.book.no_alternatives')));
  }

  // The hold, or (reschedule) the slot to move to, waiting for a confirmation.
  const held = bk.hold || bk.move;
  $('bk-hold').hidden = !held;
  $('bk-choose').hidden = !!held;
  if (held) {
    const dl = $('bk-hold-facts');
    dl.replaceChildren();
    fact(dl, t('permits.book.item'), name(i));
    fact(dl, t('permits.book.office'), officeOf(bk.officeId)?.name || '');
    const start = bk.hold ? bk.hold.slot_start : bk.move.starts_at;
    const end = bk.hold ? bk.hold.slot_end : bk.move.ends_at;
    fact(dl, t('permits.book.time'), slotText(start, end), 'bk-hold-slot');
    if (bk.green) fact(dl, t('permits.book.channel'), codeLabel('priorities', 'green'));
    $('bk-countdown').hidden = !bk.hold;
    renderCountdown();
    $('bk-confirm').textContent = t(bk.mode === 'reschedule' ? 'permits.book.confirm_move' : 'permits.book.confirm');
    $('bk-confirm').disabled = !!bk.attempt?.inFlight;
    $('bk-release').textContent = t(bk.mode === 'reschedule' ? 'permits.book.choose_other' : 'permits.book.release');
  }
  const err = $('bk-error');
  err.hidden = !bk.error;
  err.textContent = bk.error ? (typeof bk.error === 'string' ? bk.error : problemText(bk.error)) : '';
}

function renderCountdown() {
  if (!bk.hold) return;
  const left = Math.max(0, Math.ceil((bk.holdUntil - Date.now()) / 1000));
  const mmss = `${String(Math.floor(left / 60)).padStart(2, '0')}:${String(left % 60).padStart(2, '0')}`;
  const el = $('bk-countdown');
  el.textContent = t('permits.book.hold_left', { t: mmss });
  el.classList.toggle('late', left <= 60);
  // Screen readers hear the minutes, not every second.
  if (left > 0 && (left % 60 === 0 || left === 30)) $('bk-countdown-sr').textContent = t('permits.book.hold_left', { t: mmss });
  if (left <= 0) {
    clearInterval(bk.timer);
    bk.hold = null;
    bk.attempt = null;
    bk.error = t('permits.problems.hold_expired');
    renderBooking();
    loadSlots();
    loadAppointments().catch(() => {});
  }
}

/** A slot is picked (from the grid or an alternative): hold it, or (reschedule) confirm first. */
async function pick(s) {
  if (bk.attempt?.inFlight || bk.hold) return;
  bk.full = null;
  bk.error = null;
  if (bk.mode === 'reschedule') {
    bk.move = s;
    renderBooking();
    $('bk-confirm').focus();
    return;
  }
  // One key per attempt: a retry of this pick (a double tap, a lost answer) books once.
  if (!bk.attempt || bk.attempt.slot !== s.starts_at) bk.attempt = { slot: s.starts_at, key: uuid(), inFlight: false };
  bk.attempt.inFlight = true;
  renderBooking();
  try {
    const a = await apiWith('POST', '/api/v1/permits/appointments', {
      office_id: bk.officeId,
      item_code: bk.item.code,
      slot_start: s.starts_at,
      green: bk.green,
      hold: true,
      channel: 'web',
    }, { 'Idempotency-Key': bk.attempt.key });
    bk.attempt = null;
    startHold(a);
    $('bk-confirm').focus();
  } catch (err) {
    bk.attempt.inFlight = false;
    onBookingError(err, s.starts_at);
  }
}

function startHold(a, fresh = true) {
  bk.hold = a;
  const given = Date.parse(a.hold_expires_at) - Date.parse(a.created_at);
  bk.holdUntil = fresh && given > 0 ? Date.now() + Math.min(given, HOLD_MS) : Date.parse(a.hold_expires_at);
  clearInterval(bk.timer);
  bk.timer = setInterval(renderCountdown, 1000);
  renderBooking();
}

function onBookingError(err, slot) {
  const code = err instanceof ApiError ? err.code : null;
  if (code === 'slot_full') {
    bk.attempt = null;
    bk.full = { slot, alternatives: Array.isArray(err.problem?.alternatives) ? err.problem.alternatives : [] };
    bk.error = null;
    renderBooking();
    $('bk-full').scrollIntoView({ block: 'start' });
    $('bk-alternatives').querySelector('button:not(:disabled)')?.focus();
    // What was on screen was stale: show the grid as it is now.
    loadSlots();
    return;
  }
  if (err instanceof ApiError && err.status !== 0) bk.attempt = null;
  bk.error = err;
  renderBooking();
  $('bk-error').scrollIntoView({ block: 'nearest' });
  if (code === 'slot_unavailable' || code === 'hold_expired') loadSlots();
}

async function confirmBooking() {
  if (bk.mode === 'reschedule') return confirmMove();
  if (!bk.hold || bk.attempt?.inFlight) return;
  bk.attempt = { slot: bk.hold.slot_start, key: null, inFlight: true };
  renderBooking();
  try {
    const a = await api('POST', `/api/v1/permits/appointments/${encodeURIComponent(bk.hold.id)}/confirm`);
    bk.attempt = null;
    closeBooking();
    toast(t('permits.book.booked', { slot: slotText(a.slot_start, a.slot_end) }));
    await loadAppointments();
    focusAppointment(a.id);
  } catch (err) {
    bk.attempt = null;
    if (err.code === 'hold_expired') {
      clearInterval(bk.timer);
      bk.hold = null;
      loadSlots();
    }
    bk.error = err;
    renderBooking();
  }
}

async function confirmMove() {
  if (!bk.move || bk.attempt?.inFlight) return;
  const s = bk.move;
  bk.attempt = { slot: s.starts_at, key: null, inFlight: true };
  renderBooking();
  try {
    const a = await api('POST', `/api/v1/permits/appointments/${encodeURIComponent(bk.appt.id)}/reschedule`, { slot_start: s.starts_at });
    bk.attempt = null;
    closeBooking();
    toast(t('permits.book.moved', { slot: slotText(a.slot_start, a.slot_end) }));
    await loadAppointments();
    focusAppointment(a.id);
  } catch (err) {
    bk.attempt = null;
    bk.move = null;
    onBookingError(err, s.starts_at);
  }
}

async function releaseHold() {
  if (bk.mode === 'reschedule') {
    bk.move = null;
    renderBooking();
    return;
  }
  const h = bk.hold;
  clearInterval(bk.timer);
  bk.hold = null;
  renderBooking();
  if (h) {
    try {
      await api('POST', `/api/v1/permits/appointments/${encodeURIComponent(h.id)}/cancel`);
    } catch {
      // Lapsed already: the place is free either way.
    }
  }
  await Promise.all([loadSlots(), loadAppointments().catch(() => {})]);
}

// ---------------------------------------------------------------- my appointments

let appts = [];
const busyAppts = new Set();
let cancelling = null;
const following = new Map(); // office id → stop()

async function loadAppointments() {
  const list = await api('GET', '/api/v1/permits/appointments');
  // The list leaves tickets out: today's checked-in appointments are read one by one for theirs.
  const day = today();
  appts = await Promise.all(list.map(async (a) => {
    if (a.ticket || a.status !== 'checked_in' || localDate(a.slot_start) !== day) return a;
    try {
      return await api('GET', `/api/v1/permits/appointments/${encodeURIComponent(a.id)}`);
    } catch {
      return a;
    }
  }));
  renderAppointments();
  followTickets();
}

const ACTIVE = new Set(['held', 'booked', 'checked_in']);

function renderAppointments() {
  const ul = $('appointments');
  $('appts-hint').hidden = appts.length > 0 || !!bk.mode;
  const now = Date.now();
  // What is still ahead: holds and bookings not yet over, and today's tickets not yet served.
  const upcoming = appts.filter((a) => (a.status === 'checked_in'
    ? ['waiting', 'called', 'serving'].includes(a.ticket?.state)
    : ACTIVE.has(a.status) && Date.parse(a.slot_end) > now)).length;
  $('appt-count').hidden = !upcoming;
  $('appt-count').textContent = String(upcoming || '');
  ul.replaceChildren(...appts.map(appointmentCard));
}

function ticketBox(tk) {
  const box = make('div', `ticket tk-${tk.state}`);
  box.dataset.testid = 'ticket';
  box.setAttribute('role', 'status');
  box.append(make('p', 'ticket-label', t('permits.appt.your_number')));
  const n = make('p', 'ticket-number', tk.number);
  n.dataset.testid = 'ticket-number';
  box.append(n);
  const state = make('p', 'ticket-state');
  state.dataset.testid = 'ticket-state';
  if (tk.state === 'called' || tk.state === 'serving') state.textContent = t('permits.appt.go_to_window', { w: tk.window_number || '—' });
  else if (tk.state === 'waiting') state.textContent = t('permits.appt.waiting');
  else state.textContent = codeLabel('ticket_states', tk.state);
  box.append(state);
  const hall = make('a', 'hint', t('permits.appt.hall'));
  hall.href = `/permits/hall?office=${encodeURIComponent(tk.office_id)}`;
  box.append(hall);
  return box;
}

function appointmentCard(a) {
  const li = make('li', `card-box appt appt-${a.status}`);
  li.dataset.testid = 'appointment';
  li.dataset.id = a.id;
  li.dataset.status = a.status;
  li.dataset.start = iso(a.slot_start);
  li.tabIndex = -1;
  const head = make('div', 'vio-head');
  head.append(make('h3', 'vio-name', itemName(a.item_code, a.item_name)));
  const badge = make('span', `badge ap-st-${a.status}`, codeLabel('appointment_statuses', a.status));
  badge.dataset.testid = 'appt-status';
  head.append(badge);
  li.append(head);
  const dl = make('dl', 'facts');
  fact(dl, t('permits.book.time'), slotText(a.slot_start, a.slot_end), 'appt-slot');
  fact(dl, t('permits.book.office'), a.office_name || officeOf(a.office_id)?.name || '', 'appt-office');
  const addr = officeOf(a.office_id)?.address;
  if (addr) fact(dl, t('permits.appt.address'), addr);
  fact(dl, t('permits.book.channel'), `${codeLabel('channels', a.channel)}${a.green ? ` · ${codeLabel('priorities', 'green')}` : ''}`);
  li.append(dl);

  const b = busyAppts.has(a.id);
  const now = Date.now();
  const isToday = localDate(a.slot_start) === today();
  const future = Date.parse(a.slot_start) > now;
  if (a.ticket) li.append(ticketBox(a.ticket));
  const actions = make('div', 'actions wrap');
  if (a.status === 'held') {
    const left = Date.parse(a.hold_expires_at) - now;
    if (left > 0) {
      actions.append(button(t('permits.appt.continue_hold'), 'btn btn-primary', 'appt-continue', () => {
        const item = itemOf(a.item_code);
        if (!item) return;
        openBooking(item, null, a.office_id);
        bk.green = !!a.green;
        startHold(a, false);
      }));
    }
  }
  // The server takes a check-in from an hour before the slot (also across midnight).
  const soon = Date.parse(a.slot_start) - Date.now() <= 3_600_000;
  if (a.status === 'booked' && (isToday || soon)) {
    const c = button(t(b ? 'permits.appt.checking_in' : 'permits.appt.check_in'), 'btn btn-primary btn-big', 'appt-check-in', () => checkIn(a));
    c.disabled = b;
    actions.append(c);
  }
  if (a.status === 'booked' && future) {
    const r = button(t('permits.appt.reschedule'), 'btn btn-ghost', 'appt-reschedule', () => {
      const item = itemOf(a.item_code);
      if (item) openBooking(item, a);
    });
    r.disabled = b;
    actions.append(r);
  }
  if ((a.status === 'booked' && future) || a.status === 'held') {
    if (cancelling !== a.id) {
      const c = button(t('permits.appt.cancel'), 'btn btn-ghost', 'appt-cancel', () => {
        cancelling = a.id;
        renderAppointments();
        document.querySelector('[data-testid=appt-cancel-confirm]')?.focus();
      });
      c.disabled = b;
      actions.append(c);
    }
  }
  if (actions.childElementCount) li.append(actions);
  if (a.status === 'booked' && !isToday && !soon && future) li.append(make('p', 'hint', t('permits.appt.check_in_hint')));
  if (cancelling === a.id) {
    const box = make('div', 'confirm');
    box.setAttribute('role', 'group');
    box.append(make('p', 'confirm-title', t('permits.appt.cancel_confirm')));
    const row = make('div', 'actions');
    const yes = button(t('permits.appt.cancel_yes'), 'btn btn-danger', 'appt-cancel-confirm', () => cancelAppointment(a));
    yes.disabled = b;
    row.append(yes, button(t('permits.appt.keep'), 'btn btn-ghost', null, () => { cancelling = null; renderAppointments(); }));
    box.append(row);
    li.append(box);
  }
  return li;
}

function focusAppointment(id) {
  const el = document.querySelector(`[data-testid=appointment][data-id="${id}"]`);
  if (!el) return;
  el.scrollIntoView({ block: 'start' });
  el.focus({ preventScroll: true });
}

async function checkIn(a) {
  busyAppts.add(a.id);
  renderAppointments();
  try {
    const tk = await api('POST', `/api/v1/permits/appointments/${encodeURIComponent(a.id)}/check-in`);
    appts = appts.map((x) => (x.id === a.id ? { ...x, status: 'checked_in', ticket: tk } : x));
    toast(t('permits.appt.checked_in', { n: tk.number }));
    busyAppts.delete(a.id);
    renderAppointments();
    focusAppointment(a.id);
    followTickets();
    return;
  } catch (err) {
    toast(err.code === 'appointment_state' ? t('permits.appt.check_in_window') : problemText(err), 'error');
  }
  busyAppts.delete(a.id);
  await loadAppointments().catch(() => {});
}

async function cancelAppointment(a) {
  busyAppts.add(a.id);
  renderAppointments();
  try {
    await api('POST', `/api/v1/permits/appointments/${encodeURIComponent(a.id)}/cancel`);
    cancelling = null;
    toast(t('permits.appt.cancelled'));
  } catch (err) {
    toast(problemText(err), 'error');
  }
  busyAppts.delete(a.id);
  await loadAppointments().catch(() => {});
}

/** Today's tickets follow their office's board: called → "go to window N", without a reload. */
function followTickets() {
  const want = new Set(appts.filter((a) => a.ticket && ['waiting', 'called', 'serving'].includes(a.ticket.state)).map((a) => a.office_id));
  for (const [office, stop] of following) {
    if (!want.has(office)) {
      stop();
      following.delete(office);
    }
  }
  for (const office of want) {
    if (following.has(office)) continue;
    following.set(office, followBoard(office, async (kind) => {
      if (kind === 'slots') return;
      const mine = appts.filter((a) => a.office_id === office && a.ticket);
      for (const a of mine) {
        try {
          const fresh = await api('GET', `/api/v1/permits/appointments/${encodeURIComponent(a.id)}`);
          const before = a.ticket?.state;
          appts = appts.map((x) => (x.id === a.id ? fresh : x));
          if (fresh.ticket && fresh.ticket.state === 'called' && before !== 'called') toast(t('permits.appt.go_to_window', { w: fresh.ticket.window_number || '—' }));
        } catch {
          // The next event tries again.
        }
      }
      renderAppointments();
      followTickets();
    }));
  }
}

// ---------------------------------------------------------------- start-up

let loadedCodes = null;

function renderAll() {
  fillDepartments();
  renderItems();
  renderDetail();
  if (citizen) {
    renderEditor();
    renderApplications();
    renderAppointments();
    renderBooking();
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

let failed = null;
try {
  me = await getMe();
} catch (err) {
  if (!(err instanceof ApiError && err.status === 401)) failed = err;
  me = null;
}
try {
  [loadedCodes, items, offices] = await Promise.all([loadCodes(), api('GET', '/api/v1/permits/items'), api('GET', '/api/v1/permits/offices')]);
} catch (err) {
  failed = failed || err;
}
if (failed) {
  $('load-error').textContent = problemText(failed);
  $('load-error').hidden = false;
}
citizen = !!me && me.role === 'citizen';

$('cat-q').addEventListener('input', () => { filter.q = $('cat-q').value; renderItems(); });
$('cat-dept').addEventListener('change', () => { filter.dept = $('cat-dept').value; renderItems(); });
$('cat-online').addEventListener('change', () => { filter.online = $('cat-online').checked; renderItems(); });
$('cat-form').addEventListener('submit', (e) => e.preventDefault());
$('d-back').addEventListener('click', hideDetail);
$('detail').addEventListener('keydown', (e) => { if (e.key === 'Escape') hideDetail(); });

if (me) {
  $('user-name').textContent = me.display_name || me.username;
  $('logout').hidden = false;
} else {
  $('login-link').hidden = false;
  $('guest').hidden = false;
}
if (me && !citizen) $('other-role').hidden = false;

if (citizen) {
  tabBar = tabs(TABS, 'tab-', 'panel-', 'items');
  $('d-apply').addEventListener('click', () => {
    const i = itemOf(detailCode);
    if (!i) return;
    const draft = apps.find((a) => a.item_code === i.code && a.status === 'draft');
    if (draft) editApplication(draft.id);
    else openEditor(i);
  });
  $('d-book').addEventListener('click', () => {
    const i = itemOf(detailCode);
    if (i) openBooking(i);
  });
  $('ed-start').addEventListener('submit', createDraft);
  $('ed-cancel').addEventListener('click', closeEditor);
  $('ed-form').addEventListener('submit', onSubmit);
  $('ed-save').addEventListener('click', onSave);
  $('ed-close').addEventListener('click', closeEditor);
  $('ed-post').addEventListener('change', () => {
    $('ed-address-label').hidden = !$('ed-post').checked;
    if ($('ed-post').checked) $('ed-address').focus();
  });
  $('bk-office').addEventListener('change', () => {
    bk.officeId = $('bk-office').value;
    bk.full = null;
    bk.date = '';
    loadSlots();
  });
  $('bk-green').addEventListener('change', () => {
    bk.green = $('bk-green').checked;
    bk.full = null;
    renderBooking();
  });
  $('bk-refresh').addEventListener('click', loadSlots);
  $('bk-confirm').addEventListener('click', confirmBooking);
  $('bk-release').addEventListener('click', releaseHold);
  $('bk-close').addEventListener('click', async () => {
    if (bk.hold) await releaseHold();
    closeBooking();
    renderAppointments();
  });
  tabBar.show(tabBar.current());
  renderAll();
  const results = await Promise.allSettled([loadApplications(), loadAppointments()]);
  const bad = results.find((r) => r.status === 'rejected');
  if (bad) toast(problemText(bad.reason), 'error');
} else {
  // The guide only: no tabs to switch.
  $('tabbar').hidden = true;
  for (const n of TABS.slice(1)) $(`panel-${n}`).hidden = true;
  $('panel-items').hidden = false;
  renderAll();
}

document.body.dataset.ready = '1';
