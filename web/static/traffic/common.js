// What the traffic pages (citizen, clerk) and the sandbox cashier share: money in fen, dates,
// the traffic code lists and problem+json errors in the reader's language.
import { t, has, currentLang } from '../js/i18n.js';
import { ApiError, api } from '../js/api.js';

export const zh = () => currentLang() !== 'en';

/** Integer fen as ¥ with two decimals (¥1,234.50). */
export function yuan(fen) {
  if (fen === null || fen === undefined || Number.isNaN(fen)) return '—';
  const n = Math.trunc(Number(fen));
  const abs = Math.abs(n);
  const whole = Math.floor(abs / 100).toLocaleString('en-US');
  return `${n < 0 ? '-' : ''}¥${whole}.${String(abs % 100).padStart(2, '0')}`;
}

const pad = (n) => String(n).padStart(2, '0');

/** Local date and time of an RFC 3339 instant: 2025-03-01 08:05. */
export function when(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A calendar date (YYYY-MM-DD) as it is; a missing one as a dash. */
export const day = (s) => s || '—';

/** The day before a YYYY-MM-DD date (a cycle's `cycle_end` is the next cycle's first day). */
export function dayBefore(s) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s || '');
  if (!m) return day(s);
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) - 1));
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

let codes = null;

/** The traffic code lists (`GET /api/v1/traffic/codes`, public), fetched once. */
export async function loadCodes() {
  if (!codes) codes = await api('GET', '/api/v1/traffic/codes');
  return codes;
}

/** The label of a code from one of the code lists, in the current language. */
export function codeLabel(list, code) {
  const c = (codes?.[list] || []).find((x) => x.code === code);
  if (!c) return code ?? '—';
  return zh() ? c.label_zh : c.label_en;
}

/** A violation's name in the current language. */
export const violationName = (v) => (zh() ? v.name_zh : v.name_en) || v.code;

/** A problem+json error as a sentence in the reader's language. */
export function problemText(err) {
  if (!(err instanceof ApiError)) return String(err && err.message ? err.message : err);
  if (err.status === 0) return t('errors.network');
  const code = err.code;
  if (code) {
    for (const key of [`traffic.problems.${code}`, `errors.${code}`]) if (has(key)) return t(key);
  }
  const p = err.problem;
  if (p && p.detail) return p.detail;
  if (p && p.title) return p.title;
  return t('errors.unexpected', { status: err.status });
}

/**
 * One field error ({field, code, reason}) in the reader's language: what this field's code
 * means (`address` with the generic `name.invalid`), else what the code means anywhere.
 */
export function fieldText(item) {
  const code = String((item && item.code) || '');
  const field = String((item && item.field) || '').replace(/^[$./]+/, '').split(/[.[/]/)[0];
  if (code) {
    const plain = code.replace(/\./g, '_');
    const keys = [`traffic.field_errors.${plain}`, `validation.${code}`];
    if (field) keys.unshift(`traffic.field_errors.${field}_${plain}`);
    for (const key of keys) if (has(key)) return t(key);
  }
  return (item && item.reason) || t('validation.invalid');
}

/** Field errors of a problem, by top-level field name (`field` is a JSON path). */
export function fieldErrors(err) {
  const out = {};
  const list = err instanceof ApiError && Array.isArray(err.problem?.errors) ? err.problem.errors : [];
  for (const item of list) {
    const field = String((item && item.field) || '').replace(/^[$./]+/, '');
    if (field && !(field in out)) out[field] = fieldText(item);
  }
  return out;
}

/**
 * Shows an error in `box` and its field errors under the fields that have a slot
 * (`slots[field]` is the element); field errors without a slot go into the box.
 */
export function showProblem(box, err, slots = {}) {
  for (const slot of Object.values(slots)) {
    slot.hidden = true;
    slot.textContent = '';
    const input = slot.id && document.querySelector(`[aria-describedby~="${slot.id}"]`);
    if (input) input.removeAttribute('aria-invalid');
  }
  if (!err) {
    box.hidden = true;
    box.textContent = '';
    return;
  }
  const fields = fieldErrors(err);
  const loose = [];
  for (const [field, text] of Object.entries(fields)) {
    const slot = slots[field];
    if (slot) {
      slot.textContent = text;
      slot.hidden = false;
      const input = document.querySelector(`[aria-describedby~="${slot.id}"]`);
      if (input) input.setAttribute('aria-invalid', 'true');
    } else {
      const name = has(`traffic.field.${field}`) ? t(`traffic.field.${field}`) : field;
      loose.push(`${name}${zh() ? '：' : ': '}${text}`);
    }
  }
  box.textContent = [problemText(err), ...loose].join(' ');
  box.hidden = false;
}
