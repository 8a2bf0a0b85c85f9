// Minimal i18n: dictionaries live in /assets/i18n/<lang>.json.
// The language comes from ?lang=, else localStorage, else zh-CN.
// Elements opt in with data-i18n="key" (text), data-i18n-placeholder,
// data-i18n-aria-label and data-i18n-title.

export const DEFAULT_LANG = 'zh-CN';
export const LANGS = ['zh-CN', 'en'];
const STORAGE_KEY = 'jingwu.lang';

let dict = {};
let lang = DEFAULT_LANG;

function normalize(value) {
  if (!value) return null;
  const v = String(value).trim().toLowerCase();
  if (v === 'en' || v.startsWith('en-')) return 'en';
  if (v === 'zh' || v.startsWith('zh')) return 'zh-CN';
  return null;
}

function readStored() {
  try {
    return normalize(window.localStorage.getItem(STORAGE_KEY));
  } catch {
    return null;
  }
}

function store(value) {
  try {
    window.localStorage.setItem(STORAGE_KEY, value);
  } catch {
    // Storage may be disabled; the choice then lasts for this page only.
  }
}

/** The language chosen by the URL or stored preference. */
export function preferredLang() {
  const fromUrl = normalize(new URLSearchParams(window.location.search).get('lang'));
  if (fromUrl) {
    store(fromUrl);
    return fromUrl;
  }
  return readStored() || DEFAULT_LANG;
}

export function currentLang() {
  return lang;
}

/** The entry at a dotted path; a key may itself hold dots (`setup.codes` has `org.unknown`). */
function lookup(node, parts) {
  for (let i = 0; i < parts.length; i++) {
    if (!node || typeof node !== 'object') return undefined;
    const rest = parts.slice(i).join('.');
    if (i < parts.length - 1 && typeof node[rest] === 'string') return node[rest];
    node = node[parts[i]];
  }
  return node;
}

/** Translates a dotted key, replacing {name} placeholders from vars. */
export function t(key, vars = {}) {
  const value = lookup(dict, key.split('.'));
  if (typeof value !== 'string') return key;
  return value.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

/** Has the dictionary got a string for this key? */
export function has(key) {
  return t(key) !== key;
}

/** Applies translations to every opted-in element below root. */
export function apply(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of root.querySelectorAll('[data-i18n-aria-label]')) el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel));
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
}

async function fetchDict(which) {
  const res = await fetch(`/assets/i18n/${which}.json`, { headers: { Accept: 'application/json' } });
  if (!res.ok) throw new Error(`i18n ${which}: HTTP ${res.status}`);
  return res.json();
}

/** Loads a language, applies it to the page and fires a "langchange" event. */
export async function setLang(next, { persist = false } = {}) {
  const wanted = LANGS.includes(next) ? next : DEFAULT_LANG;
  try {
    dict = await fetchDict(wanted);
    lang = wanted;
  } catch (err) {
    console.error(err);
    if (wanted !== DEFAULT_LANG) return setLang(DEFAULT_LANG);
  }
  if (persist) {
    store(lang);
    const url = new URL(window.location.href);
    if (url.searchParams.has('lang')) {
      url.searchParams.set('lang', lang);
      window.history.replaceState(null, '', url);
    }
  }
  document.documentElement.lang = lang;
  apply();
  document.documentElement.dataset.i18nReady = '';
  document.dispatchEvent(new CustomEvent('langchange', { detail: { lang } }));
  return lang;
}

/** Loads the preferred language and wires every [data-lang-switch] button. */
export async function initI18n() {
  for (const btn of document.querySelectorAll('[data-lang-switch]')) {
    btn.addEventListener('click', () => {
      setLang(lang === 'en' ? 'zh-CN' : 'en', { persist: true });
    });
  }
  return setLang(preferredLang());
}
