// What the law-enforcement pages (case files, the handling-area board, the property store)
// share: the code lists and legal limits served by the API, running legal clocks that tick
// locally between fetches, problems and field errors as sentences at their fields, raw-body
// uploads with progress, the live stream, dialogs and Beijing-time inputs.
import { t, has, currentLang } from '../js/i18n.js';
import { ApiError, api } from '../js/api.js';
import { $, make, button, fact, toast as baseToast, tabs, apiWith, hm, localDate, when, size, TZ } from '../permits/common.js';

export { $, make, button, fact, tabs, apiWith, hm, localDate, when, size, TZ, api, ApiError, t };

/** A short message; at most three stay on screen so they never bury the page's tables. */
export function toast(text, kind = 'info') {
  baseToast(text, kind);
  const box = $('toast');
  while (box && box.childElementCount > 3) box.firstElementChild.remove();
}

export const zh = () => currentLang() !== 'en';
export const colon = () => (zh() ? '：' : ': ');
export const listSep = () => (zh() ? '、' : ', ');

/** Calls with a path parameter escaped. */
export const enc = encodeURIComponent;

// ---------------------------------------------------------------- instants

/** Milliseconds since the epoch of an instant given as RFC 3339 text or integer µs/ms. */
export function ms(x) {
  if (x === null || x === undefined || x === '') return null;
  if (typeof x === 'number') return x > 1e14 ? Math.floor(x / 1000) : x;
  const v = Date.parse(x);
  return Number.isNaN(v) ? null : v;
}

/** Date and time of an instant at the bureau (Beijing time), e.g. 2026-03-01 08:05. */
export function at(x) {
  const v = ms(x);
  return v === null ? '—' : when(new Date(v).toISOString());
}

/** A `datetime-local` input's value (Beijing time) for an instant (default: now). */
export function localInput(x = Date.now()) {
  const v = ms(x);
  if (v === null) return '';
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(v));
  const p = Object.fromEntries(parts.map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/** RFC 3339 (Beijing offset) of a `datetime-local` value read as Beijing time; '' if empty. */
export function fromLocalInput(value) {
  if (!value) return '';
  const s = value.length === 16 ? `${value}:00` : value;
  return `${s}+08:00`;
}

// ---------------------------------------------------------------- code lists and limits

let codes = null;
let limits = null;

/** The law-enforcement code lists (`GET /api/v1/cases/codes`), fetched once. */
export async function loadCodes() {
  if (!codes) codes = await api('GET', '/api/v1/cases/codes');
  return codes;
}

/** The entries of a code list ({code, label_zh, label_en}); the first of `names` the server has. */
export function codeList(...names) {
  for (const n of names) if (Array.isArray(codes?.[n])) return codes[n];
  return [];
}

/** Another part of the code lists (e.g. `high_risk_categories`), or `fallback`. */
export const codeExtra = (name, fallback = null) => codes?.[name] ?? fallback;

/** The label of a code in the reader's language (the code itself if the list lacks it). */
export function codeLabel(list, code) {
  if (code === null || code === undefined || code === '') return '—';
  const names = Array.isArray(list) ? list : [list];
  const c = codeList(...names).find((x) => x.code === code);
  if (!c) return String(code);
  return (zh() ? c.label_zh : c.label_en) || c.label_zh || String(code);
}

/** A list's codes as select options. */
export function codeOptions(list, keep = () => true) {
  const names = Array.isArray(list) ? list : [list];
  return codeList(...names).filter(keep).map((c) => [c.code, zh() ? c.label_zh : c.label_en || c.label_zh]);
}

/** The bureau's legal time limits (`GET /api/v1/cases/limits`), fetched once per page. */
export async function loadLimits(force = false) {
  if (!limits || force) {
    const r = await api('GET', '/api/v1/cases/limits');
    limits = Array.isArray(r) ? r : r?.items || [];
  }
  return limits;
}

export const limitOf = (code) => (limits || []).find((l) => l.code === code) || null;

/** A limit's name in the reader's language. */
export function limitName(code) {
  const l = limitOf(code);
  if (!l) return code || '—';
  return (zh() ? l.name_zh : l.name_en) || l.name_zh || code;
}

/** The legal basis of a limit as one line: 《…》第…条（2018）. */
export function basis(code) {
  const l = limitOf(code);
  if (!l) return '';
  return l.basis || `${l.law}${l.article}${zh() ? '（' : ' ('}${l.version}${zh() ? '）' : ')'}`;
}

/** Minutes as "12 小时" / "3 天" / "90 分钟". */
export function minutesText(m) {
  const n = Number(m);
  if (!Number.isFinite(n)) return '—';
  if (n % 1440 === 0) return t('cases.unit.days', { n: n / 1440 });
  if (n % 60 === 0) return t('cases.unit.hours', { n: n / 60 });
  return t('cases.unit.minutes', { n });
}

/** Options of a select (value, text), keeping the current choice when still offered. */
export function options(sel, list, placeholder) {
  const keep = sel.value;
  const opts = list.map(([value, text]) => {
    const o = make('option', null, text);
    o.value = value;
    return o;
  });
  if (placeholder !== undefined) {
    const none = make('option', null, placeholder);
    none.value = '';
    opts.unshift(none);
  }
  sel.replaceChildren(...opts);
  if (list.some(([v]) => v === keep)) sel.value = keep;
}

// ---------------------------------------------------------------- legal clocks

const LEVELS = ['first', 'second', 'third'];

/**
 * A clock as the server sent it (`started_at`, `due_at`, `limit_minutes`, `remaining_*`,
 * `alert`, `stopped`), measured against the page's monotonic clock so it keeps ticking right
 * on a device whose own clock is off.
 */
export function clockOf(c, limitCode) {
  if (!c) return null;
  const due = ms(c.due_at);
  let remaining = null;
  if (typeof c.remaining_ms === 'number') remaining = c.remaining_ms;
  else if (typeof c.remaining_us === 'number') remaining = c.remaining_us / 1000;
  else if (typeof c.remaining_seconds === 'number') remaining = c.remaining_seconds * 1000;
  else if (typeof c.remaining_s === 'number') remaining = c.remaining_s * 1000;
  else if (due !== null) remaining = due - Date.now();
  const limitMinutes = Number(c.limit_minutes) || limitOf(limitCode || c.limit_code)?.base_minutes || null;
  return {
    due,
    started: ms(c.started_at),
    limitMs: limitMinutes ? limitMinutes * 60_000 : null,
    remainingAtFetch: remaining,
    fetchedAt: performance.now(),
    stopped: Boolean(c.stopped),
    alert: c.alert || null,
    // Without the limit's warning points the server's `alert` of the last fetch stands.
    warn: limitOf(limitCode || c.limit_code)?.warn_permille || [],
  };
}

/** Milliseconds left now (negative once expired; fixed once stopped). */
export function remainingMs(k) {
  if (!k || k.remainingAtFetch === null) return null;
  if (k.stopped) return k.remainingAtFetch;
  return k.remainingAtFetch - (performance.now() - k.fetchedAt);
}

/** The alert level now: null, first, second, third or expired (as the server's `Clock::at`). */
export function levelOf(k) {
  const r = remainingMs(k);
  if (r === null) return k?.alert || null;
  if (r <= 0) return 'expired';
  if (!k.limitMs) return k.alert || null;
  const used = ((k.limitMs - r) * 1000) / k.limitMs;
  let level = null;
  k.warn.forEach((p, i) => {
    if (used >= p && LEVELS[i]) level = LEVELS[i];
  });
  // The server may know of an alert the local arithmetic has not reached (rounding): keep it.
  const rank = (x) => (x ? ['first', 'second', 'third', 'expired'].indexOf(x) : -1);
  return rank(k.alert) > rank(level) && !k.stopped ? k.alert : level;
}

/** Time left as h:mm:ss (days when long); overdue time with its sign. */
export function remainingText(r) {
  if (r === null || r === undefined) return '—';
  const neg = r < 0;
  const s = Math.floor(Math.abs(r) / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  const hms = `${d ? `${h}`.padStart(2, '0') : h}:${m}:${ss}`;
  const body = d ? t('cases.clock.days_hms', { d, hms }) : hms;
  return neg ? t('cases.clock.overdue_by', { t: body }) : body;
}

const tickers = new Set();
let timer = null;

/**
 * Shows a running clock in `el` (text and `data-level`) and keeps it ticking each second;
 * `onLevel(level)` is called when the level changes. The element stops ticking once it leaves
 * the page. Returns the clock.
 */
export function tick(el, clock, onLevel = () => {}) {
  const entry = { el, clock, onLevel, level: undefined };
  el.classList.add('clock');
  tickers.add(entry);
  paint(entry);
  if (!timer) timer = setInterval(() => tickers.forEach(paint), 1000);
  return clock;
}

function paint(entry) {
  if (!entry.el.isConnected && entry.level !== undefined) {
    tickers.delete(entry);
    return;
  }
  const { clock } = entry;
  const r = remainingMs(clock);
  const level = clock.stopped ? 'stopped' : levelOf(clock) || 'ok';
  entry.el.textContent = clock.stopped ? t('cases.clock.stopped') : remainingText(r);
  entry.el.dataset.level = level;
  if (level !== entry.level) {
    const first = entry.level === undefined;
    entry.level = level;
    entry.el.setAttribute('aria-label', `${t(`cases.clock.level.${level}`)} ${entry.el.textContent}`);
    if (!first) entry.onLevel(level);
  }
}

/** A level's sentence (未预警 / 一级预警 … / 已超期). */
export const levelText = (level) => t(`cases.clock.level.${level || 'ok'}`);

// ---------------------------------------------------------------- problems and field errors

/** A problem+json error as a sentence in the reader's language (never raw English in zh). */
export function problemText(err) {
  if (!(err instanceof ApiError)) return String(err && err.message ? err.message : err);
  if (err.status === 0) return t('errors.network');
  const code = err.code;
  if (code) {
    for (const key of [`cases.problems.${code}`, `errors.${code}`, `permits.problems.${code}`]) if (has(key)) return t(key);
  }
  if (err.status === 413) return t('cases.problems.body_too_large');
  const p = err.problem;
  // A server sentence is shown only in English; in Chinese a generic sentence with the status.
  if (!zh() && p && (p.detail || p.title)) return p.detail || p.title;
  return t('errors.unexpected', { status: err.status });
}

/** One field error ({field, code, reason}) as a sentence. */
export function fieldText(item) {
  const code = String(item?.code || '');
  if (code) {
    const plain = code.replace(/\./g, '_');
    for (const key of [`cases.field_errors.${plain}`, `validation.${code}`, `permits.field_errors.${plain}`]) if (has(key)) return t(key);
  }
  return (!zh() && item?.reason) || t('validation.invalid');
}

/** Field errors of a problem by field name (the path's last part: `person.id_number` → id_number too). */
export function fieldErrors(err) {
  const out = {};
  const list = err instanceof ApiError && Array.isArray(err.problem?.errors) ? err.problem.errors : [];
  for (const item of list) {
    const field = String(item?.field || '').replace(/^[$./]+/, '');
    if (!field) continue;
    const text = fieldText(item);
    if (!(field in out)) out[field] = text;
    const last = field.split(/[./]/).pop();
    if (last && !(last in out)) out[last] = text;
  }
  // A 422 `invalid_field` names one field in `field` (or `detail`).
  if (err instanceof ApiError && err.problem?.field && !(err.problem.field in out)) {
    out[err.problem.field] = fieldText({ code: err.problem.field_code || err.problem.code });
  }
  return out;
}

/**
 * Shows a failed request in a form: each field error under its input (inputs carry
 * `data-field`, their message element `id="<form id>-err-<field>"` is created when missing), the
 * first such input focused; what has no field goes to the form's alert (`.form-alert`) as a
 * sentence naming the field by its label. Returns true if anything was shown.
 */
export function showProblem(form, err) {
  clearProblem(form);
  const alert = form.querySelector('.form-alert');
  const fields = fieldErrors(err);
  let first = null;
  const unplaced = [];
  const seen = new Set();
  for (const [field, text] of Object.entries(fields)) {
    const input = form.querySelector(`[data-field="${CSS.escape(field)}"]`);
    if (!input) {
      if (!field.includes('.') && !seen.has(text + field)) unplaced.push([field, text]);
      continue;
    }
    if (seen.has(input)) continue;
    seen.add(input);
    input.setAttribute('aria-invalid', 'true');
    const msg = errorSlot(form, input);
    msg.textContent = text;
    msg.hidden = false;
    first = first || input;
  }
  if (alert) {
    const lines = [];
    if (!first || unplaced.length) lines.push(problemText(err));
    for (const [field, text] of unplaced) {
      const key = `cases.field.${field}`;
      if (has(key)) lines.push(`${t(key)}${colon()}${text}`);
    }
    if (lines.length) {
      alert.textContent = [...new Set(lines)].join(' ');
      alert.hidden = false;
    }
  }
  if (first) (first.matches('fieldset') ? first.querySelector('input, select') || first : first).focus();
  else if (alert && !alert.hidden) alert.focus?.();
  return Boolean(first || (alert && !alert.hidden));
}

function errorSlot(form, input) {
  const id = `${form.id || 'f'}-err-${input.dataset.field}`;
  let msg = document.getElementById(id);
  if (!msg) {
    msg = make('p', 'field-error');
    msg.id = id;
    msg.hidden = true;
    // Inside the field's label, so a two-column row keeps its columns.
    const label = input.closest('label');
    if (label) label.append(msg);
    else input.after(msg);
  }
  const described = new Set((input.getAttribute('aria-describedby') || '').split(' ').filter(Boolean));
  described.add(id);
  input.setAttribute('aria-describedby', [...described].join(' '));
  return msg;
}

/** Clears the marks of an earlier failure. */
export function clearProblem(form) {
  for (const el of form.querySelectorAll('[aria-invalid="true"]')) el.removeAttribute('aria-invalid');
  for (const el of form.querySelectorAll('.field-error')) el.hidden = true;
  const alert = form.querySelector('.form-alert');
  if (alert) alert.hidden = true;
}

/** A locally found problem in the server's shape (required fields left empty). */
export function localProblem(fields) {
  return new ApiError(422, {
    code: 'validation_failed',
    errors: Object.entries(fields).map(([field, code]) => ({ field, code, reason: '' })),
  }, null);
}

/** Required inputs (`required` + `data-field`) left empty, as a local problem, or null. */
export function missing(form) {
  const out = {};
  for (const el of form.querySelectorAll('[required][data-field]')) {
    if (el.closest('[hidden]')) continue;
    if (!String(el.value || '').trim()) out[el.dataset.field] = 'required';
  }
  return Object.keys(out).length ? localProblem(out) : null;
}

/**
 * Runs a form's request with its submit button disabled and a busy mark; shows a failure at
 * the fields (returns null then) and the result otherwise.
 */
export async function submitting(form, run) {
  const btn = form.querySelector('[type="submit"]');
  if (form.dataset.busy) return null;
  form.dataset.busy = '1';
  if (btn) btn.disabled = true;
  form.setAttribute('aria-busy', 'true');
  clearProblem(form);
  try {
    const local = missing(form);
    if (local) {
      showProblem(form, local);
      return null;
    }
    return await run();
  } catch (err) {
    if (!showProblem(form, err)) toast(problemText(err), 'error');
    return null;
  } finally {
    delete form.dataset.busy;
    if (btn) btn.disabled = false;
    form.removeAttribute('aria-busy');
  }
}

/** Trimmed text of an input, or undefined when empty (left out of a JSON body). */
export function val(id) {
  const v = String($(id)?.value ?? '').trim();
  return v === '' ? undefined : v;
}

// ---------------------------------------------------------------- uploads and hashes

/**
 * Sends a file as the raw body (`X-Filename` header), reporting progress as a fraction;
 * resolves with the JSON answer, rejects with an ApiError.
 */
export function uploadRaw(method, path, file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, path);
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

/** The SHA-256 of a file, hex, computed in the browser; null where Web Crypto is unavailable. */
export async function sha256Hex(file) {
  if (!globalThis.crypto?.subtle) return null;
  const buf = await file.arrayBuffer();
  const d = await crypto.subtle.digest('SHA-256', buf);
  return [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Downloads a protected file (a case document, digital evidence) and saves it; errors as ApiError. */
export async function download(path, filename) {
  let res;
  try {
    res = await fetch(path, { credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, null, null);
  }
  if (!res.ok) {
    const problem = (res.headers.get('Content-Type') || '').includes('json') ? await res.json().catch(() => null) : null;
    throw new ApiError(res.status, problem, res.headers);
  }
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = make('a');
  a.href = url;
  a.download = filename || 'download';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// ---------------------------------------------------------------- live stream

/**
 * Follows a server-sent event stream of law-enforcement changes (`cases`: `{kind, id}`;
 * `lagged` when some were missed) and calls `onChange(kind, id)` — batched every 250 ms — and
 * once on every (re)connection, since something may have changed while it was not listening.
 * `onState(connected)` reports the connection. Returns a function that stops following.
 */
export function follow(path, onChange, onState = () => {}) {
  const es = new EventSource(path);
  let timer2 = null;
  let batch = new Map();
  const soon = (kind, id) => {
    batch.set(`${kind}:${id || ''}`, [kind, id]);
    clearTimeout(timer2);
    timer2 = setTimeout(() => {
      const b = batch;
      batch = new Map();
      for (const [kind2, id2] of b.values()) onChange(kind2, id2);
    }, 250);
  };
  es.addEventListener('open', () => {
    onState(true);
    soon('open');
  });
  es.addEventListener('error', () => onState(false));
  es.addEventListener('cases', (ev) => {
    let data = {};
    try {
      data = JSON.parse(ev.data);
    } catch {
      // Not JSON: refetch all the same.
    }
    soon(data.kind || 'cases', data.id);
  });
  es.addEventListener('lagged', () => soon('lagged'));
  return () => {
    clearTimeout(timer2);
    es.close();
  };
}

// ---------------------------------------------------------------- dialogs

/**
 * Opens a `<dialog>` modally (focus moves into it, Esc closes it) and gives focus back to
 * what had it when it closes.
 */
export function openDialog(dlg, focusSel) {
  const back = document.activeElement;
  dlg.addEventListener('close', () => {
    if (back && back.isConnected) back.focus();
  }, { once: true });
  for (const f of dlg.querySelectorAll('form')) clearProblem(f);
  dlg.showModal();
  const target = focusSel ? dlg.querySelector(focusSel) : dlg.querySelector('input:not([type=hidden]):not([disabled]), select, textarea');
  if (target) target.focus();
}

/** Wires every `[data-close]` button inside dialogs to close its dialog. */
export function wireDialogs(root = document) {
  for (const b of root.querySelectorAll('dialog [data-close]')) {
    b.addEventListener('click', () => b.closest('dialog').close());
  }
}

// ---------------------------------------------------------------- names

/** An org unit's name in the reader's language ({name_zh, name_en} or text). */
export function orgName(o) {
  if (!o) return '—';
  if (typeof o === 'string') return o;
  return (zh() ? o.name_zh : o.name_en || o.name_zh) || o.name_zh || o.code || '—';
}

/** A person (account) shown by display name, else username, else id. */
export function personName(p) {
  if (!p) return '—';
  if (typeof p === 'string') return p;
  return p.display_name || p.name || p.username || p.id || '—';
}

/** An array answer, or the `items` of a page. */
export const rows = (r) => (Array.isArray(r) ? r : r?.items || []);

/** Shows a loading line or an error with a retry button in a container. */
export function loading(box, on) {
  box.setAttribute('aria-busy', on ? 'true' : 'false');
  if (on && !box.childElementCount) box.append(make('p', 'muted loading-line', t('cases.loading')));
}

/** Shows a failure (an error or a sentence) with a retry button in a container. */
export function loadFailed(box, err, retry) {
  const p = make('p', 'alert');
  p.setAttribute('role', 'alert');
  p.append(make('span', null, typeof err === 'string' ? err : problemText(err)));
  if (retry) p.append(button(t('errors.retry'), 'btn btn-ghost btn-small', null, retry));
  box.replaceChildren(p);
  box.setAttribute('aria-busy', 'false');
}
