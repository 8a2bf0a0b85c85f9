import { initI18n, t, currentLang } from './i18n.js';
import { ApiError, getMe, logout } from './api.js';

// The systems of the platform, which roles see them, and their entry pages.
// `ready: false` marks a page that does not exist yet: it is shown, muted,
// as "coming soon" instead of as a dead link. Flip it when the page lands.
// An entry's `roles`, when given, narrows who sees it within the system. Admins see every
// system and entry.
export const SYSTEMS = [
  {
    id: 'command',
    roles: ['dispatcher', 'officer'],
    entries: [
      { id: 'command', href: '/command', ready: true, roles: ['dispatcher'] },
      { id: 'terminal', href: '/terminal', ready: true, roles: ['officer'] },
      { id: 'dashboard', href: '/dashboard', ready: true, roles: ['dispatcher'] },
      { id: 'plans', href: '/command/plans', ready: true, roles: ['admin'] },
      { id: 'command_setup', href: '/command/setup', ready: true, roles: ['admin'] },
    ],
  },
  {
    id: 'traffic',
    roles: ['traffic_clerk', 'citizen'],
    entries: [
      { id: 'traffic', href: '/traffic', ready: true, roles: ['citizen'] },
      { id: 'traffic_clerk', href: '/traffic/clerk', ready: true, roles: ['traffic_clerk'] },
    ],
  },
  {
    id: 'permits',
    roles: ['permit_clerk', 'citizen'],
    entries: [
      { id: 'permits', href: '/permits', ready: true, roles: ['citizen'] },
      { id: 'permits_window', href: '/permits/window', ready: true, roles: ['permit_clerk'] },
      { id: 'permits_hall', href: '/permits/hall', ready: true, roles: ['permit_clerk'] },
    ],
  },
  {
    id: 'cases',
    roles: ['case_handler', 'legal_supervisor', 'evidence_custodian'],
    entries: [
      { id: 'cases', href: '/cases', ready: true, roles: ['case_handler', 'legal_supervisor'] },
      { id: 'cases_area', href: '/cases/area', ready: true, roles: ['case_handler', 'legal_supervisor'] },
      { id: 'cases_evidence', href: '/cases/evidence', ready: true, roles: ['evidence_custodian'] },
    ],
  },
  { id: 'fire', roles: ['fire_commander', 'dispatcher'], entries: [{ id: 'fire', href: '/fire', ready: true, roles: ['fire_commander', 'dispatcher'] }] },
  { id: 'audit', roles: [], entries: [{ id: 'audit', href: '/api/v1/audit', ready: true }] },
  { id: 'apidocs', roles: [], entries: [{ id: 'apidocs', href: '/api/docs', ready: true }] },
];

export function systemsFor(role) {
  return SYSTEMS.filter((s) => role === 'admin' || s.roles.includes(role));
}

const el = (id) => document.getElementById(id);
let me = null;
let errorKey = null; // i18n key of the error on screen, if any

function orgName(org) {
  if (!org) return '';
  const name = currentLang() === 'en' ? org.name_en || org.name_zh : org.name_zh || org.name_en;
  return name || '';
}

function make(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function renderCards(role) {
  const list = el('cards');
  list.replaceChildren();
  const systems = systemsFor(role);
  el('no-systems').hidden = systems.length > 0;
  for (const sys of systems) {
    const card = make('li', `card card-${sys.id}`);
    card.dataset.system = sys.id;
    card.append(make('h3', 'card-title', t(`systems.${sys.id}.title`)));
    card.append(make('p', 'card-desc', t(`systems.${sys.id}.desc`)));
    const entries = make('ul', 'card-entries');
    for (const entry of sys.entries) {
      if (entry.roles && role !== 'admin' && !entry.roles.includes(role)) continue;
      const li = make('li');
      if (entry.ready) {
        const a = make('a', 'entry-link', t(`entries.${entry.id}`));
        a.href = entry.href;
        li.append(a);
      } else {
        const span = make('span', 'entry-pending', t(`entries.${entry.id}`));
        span.dataset.href = entry.href;
        span.setAttribute('aria-disabled', 'true');
        li.append(span, make('span', 'soon-badge', t('home.coming_soon')));
      }
      entries.append(li);
    }
    card.append(entries);
    list.append(card);
  }
}

function render() {
  el('status').hidden = Boolean(me || errorKey);
  el('load-error').hidden = !errorKey;
  el('retry').hidden = Boolean(me);
  el('load-error-text').textContent = errorKey ? t(errorKey) : '';
  if (!me) return;
  el('user').hidden = false;
  el('logout').hidden = false;
  el('home').hidden = false;
  el('user-name').textContent = me.display_name || me.username;
  el('user-role').textContent = t(`roles.${me.role}`);
  el('user-org').textContent = orgName(me.org);
  el('welcome').textContent = t('home.welcome', { name: me.display_name || me.username });
  renderCards(me.role);
}

async function load() {
  errorKey = null;
  render();
  try {
    me = await getMe();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      window.location.replace('/login');
      return;
    }
    errorKey = err instanceof ApiError && err.status !== 0 ? 'errors.load_me' : 'errors.network';
  }
  render();
}

el('retry').addEventListener('click', load);
el('logout').addEventListener('click', async () => {
  const btn = el('logout');
  btn.disabled = true;
  try {
    await logout();
  } catch (err) {
    // 401: the session was already gone, which is what we wanted.
    if (!(err instanceof ApiError && err.status === 401)) {
      btn.disabled = false;
      errorKey = err instanceof ApiError && err.status !== 0 ? 'errors.logout_failed' : 'errors.network';
      render();
      return;
    }
  }
  window.location.assign('/login');
});
document.addEventListener('langchange', render);

await initI18n();
await load();
