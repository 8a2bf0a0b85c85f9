// Address search at intake: suggests geocoder candidates while the call-taker types (an ARIA
// combobox: arrow keys move, Enter or a click picks, Escape closes) and names a point picked on
// the map by reverse geocoding.

import { api, t, make, currentLang } from '../js/shell.js';

const DEBOUNCE_MS = 250;
const LIMIT = 8;

/** What kind of candidate this is, in the page's language. */
function kindText(c) {
  const key = c.kind === 'place' && (c.detail === 'key_site' || c.detail === 'station') ? c.detail : c.kind;
  return t(`cmd.geo_${key}`);
}

/**
 * Wires `input` (the address field) and `list` (its listbox). `onPick(candidate)` runs when a
 * candidate is chosen; the field then holds the candidate's label.
 */
export function attachAddressSearch(input, list, onPick) {
  let timer = null;
  let gen = 0;
  let shown = [];
  let active = -1;

  const close = () => {
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    shown = [];
    active = -1;
  };

  const highlight = (i) => {
    active = i;
    [...list.children].forEach((li, k) => li.setAttribute('aria-selected', String(k === i)));
    if (i >= 0 && list.children[i]) input.setAttribute('aria-activedescendant', list.children[i].id);
  };

  const pick = (c) => {
    input.value = currentLang() === 'en' ? c.label_en : c.label;
    close();
    onPick(c);
  };

  const render = (candidates) => {
    list.replaceChildren();
    shown = candidates;
    active = -1;
    if (!candidates.length) {
      list.append(make('li', 'address-none', t('cmd.address_none')));
    }
    candidates.forEach((c, i) => {
      const li = make('li', 'address-option');
      li.id = `f-address-opt-${i}`;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', 'false');
      li.dataset.testid = 'address-option';
      li.append(
        make('span', 'address-label', currentLang() === 'en' ? c.label_en : c.label),
        make('span', 'address-kind', kindText(c)),
      );
      // mousedown, not click: picking must happen before the field's blur closes the list.
      li.addEventListener('mousedown', (e) => {
        e.preventDefault();
        pick(c);
      });
      list.append(li);
    });
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
  };

  const search = async () => {
    const q = input.value.trim();
    if (!q) {
      close();
      return;
    }
    const my = ++gen;
    let r;
    try {
      r = await api('GET', `/api/v1/geocode?${new URLSearchParams({ q: q.slice(0, 100), limit: String(LIMIT) })}`);
    } catch {
      return;
    }
    if (my === gen && input.value.trim() === q) render(r.candidates);
  };

  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(search, DEBOUNCE_MS);
  });
  input.addEventListener('keydown', (e) => {
    if (list.hidden || !shown.length) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const n = shown.length;
      highlight(e.key === 'ArrowDown' ? (active + 1) % n : (active - 1 + n) % n);
    } else if (e.key === 'Enter' && active >= 0) {
      e.preventDefault();
      pick(shown[active]);
    } else if (e.key === 'Escape') {
      e.stopPropagation();
      close();
    }
  });
  input.addEventListener('blur', close);
  return { close };
}

/** The nearest address of a point as a caller would say it (「…附近」), or null. */
export async function addressNear(lat, lon) {
  try {
    const r = await api('GET', `/api/v1/geocode/reverse?${new URLSearchParams({ lat: String(lat), lon: String(lon) })}`);
    return t('cmd.near', { label: currentLang() === 'en' ? r.label_en : r.label });
  } catch {
    return null;
  }
}
