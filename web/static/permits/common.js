// What the approval-window pages (citizen, window clerk, hall display) share: the code lists,
// names in the reader's language, times in the offices' own time zone, problems as sentences,
// requests with extra headers, file uploads with progress and the office's live board stream.
import { t, has, currentLang } from '../js/i18n.js';
import { ApiError, api } from '../js/api.js';

export { yuan } from '../traffic/common.js';

export const zh = () => currentLang() !== 'en';
export const colon = () => (zh() ? '：' : ': ');
export const listSep = () => (zh() ? '、' : ', ');

/** The offices keep Beijing time, whatever the reader's device says. */
export const TZ = 'Asia/Shanghai';

const dateFmt = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' });
const timeFmt = new Intl.DateTimeFormat('en-GB', { timeZone: TZ, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

const valid = (iso) => {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
};

/** The office's calendar date (YYYY-MM-DD) of an instant. */
export function localDate(iso) {
  const d = iso instanceof Date ? iso : valid(iso);
  return d ? dateFmt.format(d) : '';
}

/** Today's date at the offices. */
export const today = () => localDate(new Date());

/** HH:MM of an instant at the offices. */
export function hm(iso) {
  const d = valid(iso);
  return d ? timeFmt.format(d) : '—';
}

/** Date and time of an instant: 2025-03-01 08:05. */
export function when(iso) {
  const d = valid(iso);
  return d ? `${localDate(d)} ${hm(iso)}` : '—';
}

/** A slot as "2025-03-01 09:00–09:30". */
export function slotText(start, end) {
  return `${localDate(start)} ${hm(start)}–${hm(end)}`;
}

/** The weekday of a YYYY-MM-DD date, short, in the reader's language. */
export function weekday(date) {
  const d = new Date(`${date}T12:00:00+08:00`);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(zh() ? 'zh-CN' : 'en-GB', { timeZone: TZ, weekday: 'short' }).format(d);
}

/** A YYYY-MM-DD date plus n days. */
export function addDays(date, n) {
  const d = new Date(`${date}T12:00:00+08:00`);
  d.setUTCDate(d.getUTCDate() + n);
  return localDate(d);
}

/** Seconds as m:ss (or h:mm:ss). */
export function duration(s) {
  if (s === null || s === undefined || Number.isNaN(Number(s))) return '—';
  const v = Math.max(0, Math.round(Number(s)));
  const h = Math.floor(v / 3600);
  const m = Math.floor((v % 3600) / 60);
  const ss = String(v % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** File size in KiB/MiB. */
export function size(bytes) {
  const n = Number(bytes) || 0;
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${Math.max(1, Math.round(n / 1024))} KiB`;
}

// ---------------------------------------------------------------- code lists and names

let codes = null;

/** The approval window's code lists (`GET /api/v1/permits/codes`, public), fetched once. */
export async function loadCodes() {
  if (!codes) codes = await api('GET', '/api/v1/permits/codes');
  return codes;
}

/** The label of a code of one list, in the reader's language; the code itself if unknown. */
export function codeLabel(list, code) {
  const c = (codes?.[list] || []).find((x) => x.code === code);
  if (!c) return code ?? '—';
  return (zh() ? c.label_zh : c.label_en) || c.label_zh || code;
}

/**
 * The i18n key of an application's fee state. A refund of the fee (rejected, withdrawn) decides
 * it once requested; a payment that came after the application closed (`not_settled`) only
 * while the fee itself is unpaid.
 */
export function feeState(a) {
  const refunds = (a.refunds || []).filter((r) => r.reason !== 'not_settled' || !a.paid);
  const last = refunds[refunds.length - 1];
  if (a.refunded || last?.status === 'succeeded') return 'permits.app.refunded';
  if (last?.status === 'requested') return 'permits.app.refund_requested';
  if (last?.status === 'failed_final') return 'permits.app.refund_failed';
  return a.paid ? 'permits.app.paid' : 'permits.app.unpaid';
}

/** A bilingual record's name ({zh, en} or {name_zh, name_en}). */
export function name(x) {
  if (!x) return '';
  const zhName = x.name_zh ?? x.zh ?? x.label_zh ?? '';
  const enName = x.name_en ?? x.en ?? x.label_en ?? '';
  return (zh() ? zhName : enName || zhName) || zhName || x.code || '';
}

// ---------------------------------------------------------------- problems

/** A problem+json error as a sentence in the reader's language. */
export function problemText(err) {
  if (!(err instanceof ApiError)) return String(err && err.message ? err.message : err);
  if (err.status === 0) return t('errors.network');
  const code = err.code;
  if (code) {
    for (const key of [`permits.problems.${code}`, `traffic.problems.${code}`, `errors.${code}`]) if (has(key)) return t(key);
  }
  if (err.status === 413) return t('permits.problems.body_too_large');
  const p = err.problem;
  if (p && p.detail) return p.detail;
  if (p && p.title) return p.title;
  return t('errors.unexpected', { status: err.status });
}

/** One field error ({field, code, reason}) as a sentence. */
export function fieldText(item) {
  const code = String((item && item.code) || '');
  const field = String((item && item.field) || '');
  if (field.startsWith('materials.') && has('permits.field_errors.material_missing')) return t('permits.field_errors.material_missing');
  if (code) {
    const plain = code.replace(/\./g, '_');
    for (const key of [`permits.field_errors.${plain}`, `traffic.field_errors.${plain}`, `validation.${code}`]) if (has(key)) return t(key);
  }
  return (item && item.reason) || t('validation.invalid');
}

/** Field errors of a problem by their full field path (`details.name`, `materials.photo`). */
export function fieldErrors(err) {
  const out = {};
  const list = err instanceof ApiError && Array.isArray(err.problem?.errors) ? err.problem.errors : [];
  for (const item of list) {
    const field = String((item && item.field) || '').replace(/^[$./]+/, '');
    if (field && !(field in out)) out[field] = fieldText(item);
  }
  return out;
}

/** A locally found problem in the same shape as the server's. */
export function localProblem(fields) {
  return new ApiError(422, {
    code: 'validation_failed',
    errors: Object.entries(fields).map(([field, code]) => ({ field, code, reason: '' })),
  }, null);
}

// ---------------------------------------------------------------- requests

/** A JSON request with extra headers (`Idempotency-Key`); errors as ApiError. */
export async function apiWith(method, path, body, headers = {}) {
  const init = {
    method,
    credentials: 'same-origin',
    headers: { Accept: 'application/json, application/problem+json', ...headers },
  };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiError(0, null, null);
  }
  const isJson = (res.headers.get('Content-Type') || '').includes('json');
  if (!res.ok) {
    let problem = null;
    if (isJson) problem = await res.json().catch(() => null);
    throw new ApiError(res.status, problem, res.headers);
  }
  if (res.status === 204 || !isJson) return null;
  return res.json();
}

/** A random UUID (v4), also outside secure contexts. */
export function uuid() {
  if (globalThis.crypto?.randomUUID) return globalThis.crypto.randomUUID();
  const b = new Uint8Array(16);
  globalThis.crypto.getRandomValues(b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Files the window accepts as materials. */
export const MAX_FILE = 10 * 1024 * 1024;
export const FILE_TYPES = ['application/pdf', 'image/jpeg', 'image/png'];
export const FILE_ACCEPT = '.pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png';

/** Is this file worth sending (type by name or browser type, size)? A problem code or null. */
export function fileProblem(file) {
  if (file.size > MAX_FILE) return 'file_too_large';
  const byName = /\.(pdf|jpe?g|png)$/i.test(file.name || '');
  if (!byName && !FILE_TYPES.includes(file.type)) return 'file_type';
  return null;
}

/**
 * Sends a file as the raw body of a PUT (the server sniffs its type), reporting progress as a
 * fraction; resolves with the JSON answer, rejects with an ApiError.
 */
export function upload(path, file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', path);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json, application/problem+json');
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
    xhr.setRequestHeader('X-Filename', encodeURIComponent(file.name || 'file'));
    xhr.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable && onProgress) onProgress(e.loaded / e.total);
    });
    xhr.addEventListener('load', () => {
      let body = null;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else reject(new ApiError(xhr.status, body, null));
    });
    xhr.addEventListener('error', () => reject(new ApiError(0, null, null)));
    xhr.addEventListener('abort', () => reject(new ApiError(0, null, null)));
    xhr.send(file);
  });
}

// ---------------------------------------------------------------- the office's live board

/**
 * Follows an office's board events (`permits`: `{kind, office_id}`; `lagged` when some were
 * missed) and calls `onChange(kind)` — at most every 250 ms — for each, and once on every
 * (re)connection, since something may have changed while the stream was not listening.
 * `onState(connected)` reports the connection. Returns a function that stops following.
 */
export function followBoard(officeId, onChange, onState = () => {}) {
  const es = new EventSource(`/api/v1/permits/offices/${encodeURIComponent(officeId)}/board/events`);
  let timer = null;
  let kinds = new Set();
  const soon = (kind) => {
    kinds.add(kind);
    clearTimeout(timer);
    timer = setTimeout(() => {
      const k = kinds;
      kinds = new Set();
      for (const one of k) onChange(one);
    }, 250);
  };
  es.addEventListener('open', () => {
    onState(true);
    soon('open');
  });
  es.addEventListener('error', () => onState(false));
  es.addEventListener('permits', (ev) => {
    let kind = 'queue';
    try {
      kind = JSON.parse(ev.data).kind || kind;
    } catch {
      // Not JSON: refetch all the same.
    }
    soon(kind);
  });
  es.addEventListener('lagged', () => soon('lagged'));
  return () => {
    clearTimeout(timer);
    es.close();
  };
}

// ---------------------------------------------------------------- small DOM helpers

export const $ = (id) => document.getElementById(id);

export function make(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

export function button(text, className, testid, onClick) {
  const b = make('button', className, text);
  b.type = 'button';
  if (testid) b.dataset.testid = testid;
  if (onClick) b.addEventListener('click', onClick);
  return b;
}

export function fact(dl, label, value, testid) {
  const dd = make('dd', null, value);
  if (testid) dd.dataset.testid = testid;
  dl.append(make('dt', null, label), dd);
  return dd;
}

export function toast(text, kind = 'info') {
  const box = $('toast');
  if (!box) return;
  const item = make('div', `toast toast-${kind}`, text);
  item.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  box.append(item);
  setTimeout(() => item.remove(), 6000);
}

/** Wires a WAI-ARIA tab bar: click, arrow keys, the URL fragment. Returns `show(name)`. */
export function tabs(names, prefixTab, prefixPanel, fallback, onShow = () => {}) {
  const current = () => {
    const h = window.location.hash.replace('#', '');
    return names.includes(h) ? h : fallback;
  };
  const show = (tab, focus = false) => {
    for (const n of names) {
      const on = n === tab;
      const btn = $(`${prefixTab}${n}`);
      btn.setAttribute('aria-selected', String(on));
      btn.tabIndex = on ? 0 : -1;
      $(`${prefixPanel}${n}`).hidden = !on;
      if (on && focus) btn.focus();
      if (on) revealTab(btn);
    }
    onShow(tab);
  };
  const go = (tab, focus = false) => {
    if (current() !== tab) window.history.replaceState(null, '', `#${tab}`);
    show(tab, focus);
  };
  for (const n of names) $(`${prefixTab}${n}`).addEventListener('click', () => go(n));
  $(`${prefixTab}${names[0]}`).parentElement.addEventListener('keydown', (e) => {
    const i = names.indexOf(current());
    let next = null;
    if (e.key === 'ArrowRight') next = names[(i + 1) % names.length];
    if (e.key === 'ArrowLeft') next = names[(i + names.length - 1) % names.length];
    if (e.key === 'Home') next = names[0];
    if (e.key === 'End') next = names[names.length - 1];
    if (!next) return;
    e.preventDefault();
    go(next, true);
  });
  window.addEventListener('hashchange', () => show(current()));
  return { current, go, show };
}

// On a phone the tab bar scrolls sideways: bring the selected tab into view.
function revealTab(btn) {
  const bar = btn.parentElement;
  if (bar.scrollWidth <= bar.clientWidth) return;
  const left = btn.getBoundingClientRect().left - bar.getBoundingClientRect().left + bar.scrollLeft;
  if (left < bar.scrollLeft) bar.scrollLeft = Math.max(0, left - 24);
  else if (left + btn.offsetWidth > bar.scrollLeft + bar.clientWidth) bar.scrollLeft = left + btn.offsetWidth - bar.clientWidth + 24;
}
