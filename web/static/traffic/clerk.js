// The traffic clerk's review queue: violations of the jurisdiction by status, revoking a record
// or an unpaid decision with a reason, and recording a violation (a camera record or one from
// an officer on the street). The other tabs (services, messages, accidents, road events) are
// clerk-services.js.
import { boot, api, ApiError, t, $, make, toast } from '../js/shell.js';
import { yuan, when, loadCodes, codeLabel, violationName, problemText, showProblem, zh } from './common.js';
import { initDesk } from './clerk-services.js';

const me = await boot(['traffic_clerk']);
const codes = me ? await loadCodes().catch((err) => { toast(problemText(err), 'error'); return null; }) : null;

let status = ''; // the filter; '' is every status
let rows = [];
let revoking = null; // id of the row whose revoke form is open

const REC_FIELDS = ['plate', 'code', 'place', 'lat', 'lon', 'occurred_at', 'source'];
const recSlots = () => Object.fromEntries(REC_FIELDS.map((f) => [f, $(`rec-err-${f}`)]));

function renderFilters() {
  for (const b of $('filters').querySelectorAll('button')) {
    b.setAttribute('aria-pressed', String(b.dataset.status === status));
    if (b.dataset.status) b.textContent = codeLabel('violation_statuses', b.dataset.status);
  }
}

function cell(tr, text, className) {
  const td = make('td', className, text);
  tr.append(td);
  return td;
}

function renderRows() {
  const body = $('rows');
  body.replaceChildren();
  if (!rows.length) {
    const tr = make('tr');
    const td = cell(tr, t('traffic.clerk.empty'), 'muted');
    td.colSpan = 8;
    body.append(tr);
  }
  for (const v of rows) {
    const tr = make('tr');
    tr.dataset.testid = 'row';
    tr.dataset.id = v.id;
    tr.dataset.status = v.status;
    tr.dataset.plate = v.plate;
    cell(tr, null).append(make('span', 'plate', v.plate));
    cell(tr, `${violationName(v)} (${v.code})`);
    cell(tr, String(v.points), 'num');
    cell(tr, yuan(v.fine_fen), 'num');
    cell(tr, v.place);
    cell(tr, `${when(v.occurred_at)} · ${codeLabel('violation_sources', v.source)}`);
    const st = cell(tr, null);
    const badge = make('span', `badge st-${v.status}`, codeLabel('violation_statuses', v.status));
    badge.dataset.testid = 'row-status';
    st.append(badge);
    if (v.status === 'decided' && v.due_today) {
      st.append(make('div', 'hint', `${t('traffic.v.due_today')} ${yuan(v.due_today.amount_due_fen)} · ${t('traffic.v.deadline')} ${v.deadline_on || '—'}`));
    }
    if (v.status === 'paid' && v.paid_on) st.append(make('div', 'hint', `${t('traffic.v.paid_on')} ${v.paid_on}`));
    if (v.decision_no) st.append(make('div', 'hint', v.decision_no));
    const act = cell(tr, null);
    if (v.status === 'pending' || v.status === 'decided') {
      if (revoking === v.id) act.append(revokeForm(v));
      else {
        const b = make('button', 'btn btn-ghost btn-small', t('traffic.clerk.revoke'));
        b.type = 'button';
        b.dataset.testid = 'revoke';
        b.addEventListener('click', () => { revoking = v.id; renderRows(); $(`reason-${v.id}`)?.focus(); });
        act.append(b);
      }
    }
    body.append(tr);
  }
}

function revokeForm(v) {
  const form = make('form', 'revoke-form');
  form.noValidate = true;
  const input = make('input');
  input.id = `reason-${v.id}`;
  input.maxLength = 500;
  input.placeholder = t('traffic.clerk.reason');
  input.setAttribute('aria-label', t('traffic.clerk.reason'));
  input.dataset.testid = 'revoke-reason';
  const ok = make('button', 'btn btn-danger btn-small', t('traffic.clerk.revoke_confirm'));
  ok.type = 'submit';
  ok.dataset.testid = 'revoke-confirm';
  const no = make('button', 'btn btn-ghost btn-small', t('traffic.cancel'));
  no.type = 'button';
  no.addEventListener('click', () => { revoking = null; renderRows(); });
  form.append(input, ok, no);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const reason = input.value.trim();
    if (!reason) {
      toast(t('traffic.clerk.reason_required'), 'error');
      input.focus();
      return;
    }
    ok.disabled = true;
    try {
      await api('POST', `/api/v1/traffic/violations/${encodeURIComponent(v.id)}/revoke`, { reason });
      revoking = null;
      toast(t('traffic.clerk.revoked', { plate: v.plate }));
      await load();
    } catch (err) {
      toast(problemText(err), 'error');
      ok.disabled = false;
    }
  });
  return form;
}

async function load() {
  const q = status ? `?status=${encodeURIComponent(status)}` : '';
  rows = await api('GET', `/api/v1/traffic/violations${q}`);
  renderRows();
}

function fillForm() {
  const code = $('rec-code');
  const keep = code.value;
  code.replaceChildren(...codes.violations.map((c) => {
    const o = make('option', null, `${c.code} ${zh() ? c.label_zh : c.label_en} · ${t('traffic.v.points_n', { n: c.points })} · ${yuan(c.fine_fen)}`);
    o.value = c.code;
    return o;
  }));
  if (keep) code.value = keep;
  const src = $('rec-source');
  const keepSrc = src.value || 'camera';
  src.replaceChildren(...codes.violation_sources.map((c) => {
    const o = make('option', null, zh() ? c.label_zh : c.label_en);
    o.value = c.code;
    return o;
  }));
  src.value = keepSrc;
}

function localTimeNow() {
  const d = new Date();
  d.setSeconds(0, 0);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

async function record(e) {
  e.preventDefault();
  const num = (id) => {
    const s = $(id).value.trim();
    return s === '' ? Number.NaN : Number(s);
  };
  const local = $('rec-time').value;
  const at = local ? new Date(local) : null;
  const body = {
    plate: $('rec-plate').value.trim().toUpperCase(),
    code: $('rec-code').value,
    place: $('rec-place').value.trim(),
    lat: num('rec-lat'),
    lon: num('rec-lon'),
    occurred_at: at && !Number.isNaN(at.getTime()) ? at.toISOString() : '',
    source: $('rec-source').value,
  };
  const missing = [];
  for (const f of ['plate', 'place', 'occurred_at']) if (!body[f]) missing.push({ field: f, code: 'required' });
  for (const f of ['lat', 'lon']) if (!Number.isFinite(body[f])) missing.push({ field: f, code: `${f}.range` });
  if (missing.length) {
    showProblem($('rec-error'), new ApiError(422, { code: 'validation_failed', errors: missing }, null), recSlots());
    return;
  }
  const btn = $('rec-submit');
  btn.disabled = true;
  try {
    const v = await api('POST', '/api/v1/traffic/violations', body);
    showProblem($('rec-error'), null, recSlots());
    toast(t('traffic.clerk.recorded', { plate: v.plate }));
    $('rec-plate').value = '';
    $('rec-place').value = '';
    await load();
  } catch (err) {
    showProblem($('rec-error'), err, recSlots());
  }
  btn.disabled = false;
}

if (me && codes) {
  $('filters').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-status]');
    if (!b) return;
    status = b.dataset.status;
    revoking = null;
    renderFilters();
    load().catch((err) => toast(problemText(err), 'error'));
  });
  $('reload').addEventListener('click', () => load().catch((err) => toast(problemText(err), 'error')));
  $('rec-form').addEventListener('submit', record);
  $('rec-time').value = localTimeNow();
  // Administrators review; recording is for clerks (and officers on the street).
  $('rec-form').closest('section').hidden = me.role !== 'traffic_clerk';
  document.addEventListener('langchange', () => {
    renderFilters();
    renderRows();
    fillForm();
  });
  fillForm();
  renderFilters();
  await Promise.all([load().catch((err) => toast(problemText(err), 'error')), initDesk(codes)]);
} else {
  $('main').hidden = true;
}
document.body.dataset.ready = '1';
