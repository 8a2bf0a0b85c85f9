// The hall display (/permits/hall?office=ID) for a big screen: no sign-in, the latest called
// tickets (number → window) large, how many wait, a visual highlight (no chime) when a ticket is
// called, kept current by the office's live board events (refetching the public board on each
// event, on `lagged` and on every reconnection).
import { initI18n, t } from '../js/i18n.js';
import { api } from '../js/api.js';
import { $, make, hm, codeLabel, loadCodes, problemText, followBoard } from './common.js';

const officeId = new URLSearchParams(window.location.search).get('office') || '';
let board = null;
let seen = null; // "number@called_at" of the calls already shown (null: the first board)
let flashTimer = null;

function tick() {
  const now = new Date().toISOString();
  $('clock').textContent = hm(now);
}

function render() {
  if (!board) return;
  $('office-name').textContent = board.office_name;
  document.title = `${board.office_name} · ${t('permits.hall.title')}`;
  const called = board.called || [];
  const latest = called[0] || null;
  $('latest-call').hidden = !latest;
  $('latest-none').hidden = !!latest;
  if (latest) {
    $('latest-number').textContent = latest.number;
    $('latest-window').textContent = t('permits.hall.window_n', { n: latest.window });
  }
  $('called-rows').replaceChildren(...called.map((c, i) => {
    const tr = make('tr', i === 0 ? 'first' : '');
    tr.dataset.testid = 'called-row';
    tr.dataset.number = c.number;
    tr.dataset.window = c.window;
    tr.append(make('td', 'hall-td-number', c.number), make('td', null, t('permits.hall.window_n', { n: c.window })), make('td', null, codeLabel('ticket_states', c.state)));
    return tr;
  }));
  $('waiting').textContent = String(board.waiting ?? 0);
}

async function load() {
  try {
    board = await api('GET', `/api/v1/permits/offices/${encodeURIComponent(officeId)}/board`);
    $('error').hidden = true;
  } catch (err) {
    $('error').textContent = problemText(err);
    $('error').hidden = false;
    return;
  }
  const keys = (board.called || []).map((c) => `${c.number}@${c.called_at}`);
  const fresh = seen ? (board.called || []).filter((c, i) => !seen.has(keys[i])) : [];
  seen = new Set(keys);
  render();
  if (fresh.length) {
    // A new call: highlight it for a few seconds and say it once.
    const c = fresh[0];
    const box = $('latest');
    box.classList.remove('flash');
    void box.offsetWidth; // restart the highlight
    box.classList.add('flash');
    clearTimeout(flashTimer);
    flashTimer = setTimeout(() => box.classList.remove('flash'), 8000);
    for (const row of document.querySelectorAll('[data-testid=called-row]')) {
      if (fresh.some((f) => f.number === row.dataset.number)) row.classList.add('new');
    }
    $('announce').textContent = t('permits.hall.announce', { number: c.number, n: c.window });
  }
}

async function pickOffice() {
  $('pick').hidden = false;
  $('office-name').textContent = t('permits.hall.title');
  try {
    const list = await api('GET', '/api/v1/permits/offices');
    $('offices').replaceChildren(...list.map((o) => {
      const li = make('li');
      const a = make('a', 'btn btn-on-dark', o.name);
      a.href = `/permits/hall?office=${encodeURIComponent(o.id)}`;
      li.append(a);
      return li;
    }));
  } catch (err) {
    $('error').textContent = problemText(err);
    $('error').hidden = false;
  }
}

document.addEventListener('langchange', render);
await initI18n();
await loadCodes().catch(() => {});
tick();
setInterval(tick, 10_000);
if (!officeId) {
  await pickOffice();
} else {
  $('board').hidden = false;
  await load();
  followBoard(officeId, () => load(), (on) => $('live').classList.toggle('on', on));
}
document.body.dataset.ready = '1';
