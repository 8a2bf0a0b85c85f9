// The 110 incident taxonomy (categories with their sub-categories and suggested priorities,
// priorities, sources) as the API serves it from jingwu-command's definitions
// (GET /api/v1/command/taxonomy, revalidated by its ETag): pages keep no copy of their own.
import { api } from '../js/api.js';
import { currentLang } from '../js/i18n.js';

let loading = null;
let data = { categories: [], priorities: [], sources: [] };
const byCode = { cat: new Map(), sub: new Map() };

/** Loads the taxonomy once per page; later calls share the first request. */
export function loadTaxonomy() {
  if (!loading) {
    loading = api('GET', '/api/v1/command/taxonomy').then((t) => {
      data = t;
      for (const c of t.categories) {
        byCode.cat.set(c.code, c);
        for (const s of c.subcategories) byCode.sub.set(s.code, s);
      }
      return t;
    });
    // A failed load may be retried by the next caller.
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}

/** Category codes, in the server's order. */
export const categories = () => data.categories.map((c) => c.code);

/** Sub-categories of a category: [{ code, suggested_priority, … }]. */
export const subcategories = (category) => byCode.cat.get(category)?.subcategories || [];

export const priorities = () => data.priorities.map((p) => p.code);

export const sources = () => data.sources.map((s) => s.code);

/** Label of a category (`cat`) or sub-category (`sub`) in the page language; the code until loaded. */
export function taxLabel(kind, code) {
  const entry = byCode[kind]?.get(code);
  if (!entry) return code;
  return currentLang() === 'en' ? entry.label_en : entry.label_zh;
}
