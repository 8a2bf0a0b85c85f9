// Shared start-up of the signed-in pages: dictionary, session, top bar, helpers.
import { initI18n, t, currentLang } from './i18n.js';
import { ApiError, api, getMe, logout } from './api.js';

export { t, currentLang, api, ApiError };

export const $ = (id) => document.getElementById(id);

/** Creates an element with a class and text. */
export function make(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

/** A problem+json error as a sentence in the current language. */
export function errorText(err) {
  if (err instanceof ApiError) {
    const key = `errors.${err.code}`;
    const s = t(key);
    if (s !== key) return s;
    return err.message;
  }
  return String(err && err.message ? err.message : err);
}

/** Shows a short message in the page's toast area. */
export function toast(text, kind = 'info') {
  const box = $('toast');
  if (!box) return;
  const item = make('div', `toast toast-${kind}`, text);
  item.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  box.append(item);
  setTimeout(() => item.remove(), 6000);
}

/** Local time of an RFC 3339 instant, HH:MM:SS. */
export function clock(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return d.toLocaleTimeString(currentLang() === 'en' ? 'en-GB' : 'zh-CN', { hour12: false });
}

/** Seconds as "m:ss". */
export function mmss(s) {
  if (s === null || s === undefined || Number.isNaN(s)) return '—';
  const v = Math.round(s);
  return `${Math.floor(v / 60)}:${String(v % 60).padStart(2, '0')}`;
}

/** Label of a coded value from the dictionary (`priority.p1`, `unit_status.*` …), falling back to the code. */
export function label(group, code) {
  const key = `${group}.${code}`;
  const s = t(key);
  return s === key ? code : s;
}

/**
 * Loads the dictionary and the session; sends visitors without one to /login. Pages for
 * some roles only show a notice to others. Returns the signed-in user, or null.
 */
export async function boot(roles) {
  await initI18n();
  let me;
  try {
    me = await getMe();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      window.location.replace('/login');
      return null;
    }
    toast(errorText(err), 'error');
    return null;
  }
  const name = $('user-name');
  if (name) name.textContent = me.display_name || me.username;
  const out = $('logout');
  if (out) {
    out.addEventListener('click', async () => {
      try {
        await logout();
      } catch {
        // Already signed out is fine.
      }
      window.location.assign('/login');
    });
  }
  if (roles && me.role !== 'admin' && !roles.includes(me.role)) {
    const deny = $('denied');
    if (deny) deny.hidden = false;
    return null;
  }
  return me;
}
