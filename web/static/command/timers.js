// 110 timers and linkage on the command page: the overdue badge list (alerts of the
// dispatcher's command rooms, acknowledged here), the selected incident's timers with
// remaining/overdue seconds, and notifying a linked agency (联动: "notify 120").
// Self-contained: command.js only imports it; it follows the selection through the page's
// DOM (the selected list item and the detail title) and the live event stream.
import { api, t, $, make, toast, errorText, clock, mmss, label } from '../js/shell.js';

/** Resolves once the page's dictionary is loaded (shell's boot marks <html>). */
function i18nReady() {
  const root = document.documentElement;
  if (root.hasAttribute('data-i18n-ready')) return Promise.resolve();
  return new Promise((resolve) => {
    const obs = new MutationObserver(() => {
      if (root.hasAttribute('data-i18n-ready')) {
        obs.disconnect();
        resolve();
      }
    });
    obs.observe(root, { attributes: true });
  });
}

let current = null; // selected incident id
let timers = null; // last GET /incidents/{id}/timers, with the local time it was read
let agencies = [];

// ---------- overdue badge list ----------

function alertText(a) {
  return `${label('timers.kind', a.kind)} · ${label('timers.level', a.level)}`;
}

function openIncident(id) {
  const btn = document.querySelector(`#incidents li[data-id="${CSS.escape(id)}"] button`);
  if (btn) btn.click();
}

async function acknowledge(alertId) {
  try {
    await api('POST', `/api/v1/timer-alerts/${encodeURIComponent(alertId)}/acknowledge`, {});
    toast(t('timers.acked'));
  } catch (err) {
    toast(errorText(err), 'error');
  }
  await loadAlerts();
}

async function loadAlerts() {
  let alerts;
  try {
    alerts = await api('GET', '/api/v1/timer-alerts?open=true');
  } catch {
    return;
  }
  const count = $('timers-count');
  count.textContent = String(alerts.length);
  count.hidden = alerts.length === 0;
  const list = $('timers-alerts');
  list.replaceChildren();
  if (alerts.length === 0) list.append(make('li', 'muted', t('timers.none')));
  for (const a of alerts.slice(0, 20)) {
    const li = make('li', `timer-alert lv-${a.level}`);
    li.dataset.testid = 'timer-alert';
    li.dataset.incident = a.incident_id;
    const open = make('button', 'btn btn-ghost', `${clock(a.raised_at)} ${alertText(a)}`);
    open.type = 'button';
    open.addEventListener('click', () => openIncident(a.incident_id));
    const ack = make('button', 'btn', t('timers.ack'));
    ack.type = 'button';
    ack.dataset.testid = 'timer-alert-ack';
    ack.addEventListener('click', () => acknowledge(a.id));
    li.append(open, ack);
    list.append(li);
  }
}

// ---------- the selected incident ----------

function timerLine(tm, elapsed) {
  const name = label('timers.kind', tm.kind);
  if (!tm.running) {
    return tm.overdue_s > 0 ? `${name}: ${t('timers.late', { s: mmss(tm.overdue_s) })}` : `${name}: ${t('timers.met')}`;
  }
  const left = tm.remaining_s - elapsed;
  if (left > 0) return `${name}: ${t('timers.remaining', { s: mmss(left) })}`;
  return `${name}: ${t('timers.overdue', { s: mmss(tm.overdue_s + elapsed) })}`;
}

function renderTimers() {
  const list = $('timers-list');
  if (!list) return;
  list.replaceChildren();
  if (!timers) return;
  const elapsed = Math.floor((Date.now() - timers.readAt) / 1000);
  for (const tm of timers.data.timers) {
    const overdue = tm.running && tm.remaining_s - elapsed <= 0;
    const li = make('li', overdue ? 'timer overdue' : 'timer', timerLine(tm, elapsed));
    li.dataset.kind = tm.kind;
    li.dataset.testid = 'timer';
    list.append(li);
  }
}

function renderLinkage(messages) {
  const list = $('linkage-list');
  list.replaceChildren();
  for (const m of messages) {
    const li = make('li', `linkage is-${m.status}`, `${m.agency_name}: ${label('timers.delivery', m.status)}`);
    li.dataset.status = m.status;
    li.dataset.testid = 'linkage-message';
    if (m.last_error && m.status !== 'acknowledged') li.title = m.last_error;
    list.append(li);
  }
}

async function loadIncident() {
  const id = current;
  if (!id) return;
  try {
    const [data, messages] = await Promise.all([
      api('GET', `/api/v1/incidents/${id}/timers`),
      api('GET', `/api/v1/incidents/${id}/linkage`),
    ]);
    if (id !== current) return;
    timers = { data, readAt: Date.now() };
    renderTimers();
    renderLinkage(messages);
  } catch {
    // Gone or out of view: command.js reports it.
  }
}

async function notify(code) {
  if (!current || !code) return;
  try {
    await api('POST', `/api/v1/incidents/${current}/linkage`, { agency: code, note: $('linkage-note').value });
    $('linkage-note').value = '';
    toast(t('timers.sent'));
  } catch (err) {
    toast(errorText(err), 'error');
  }
  await loadIncident();
}

function renderAgencies() {
  const quick = $('linkage-quick');
  quick.replaceChildren();
  for (const a of agencies.filter((x) => x.enabled)) {
    const b = make('button', 'btn', t('timers.notify', { name: a.name }));
    b.type = 'button';
    b.dataset.agency = a.code;
    b.dataset.testid = 'notify-agency';
    b.addEventListener('click', () => notify(a.code));
    quick.append(b);
  }
  if (!quick.children.length) quick.append(make('span', 'muted', t('timers.no_agencies')));
}

// ---------- page wiring ----------

function build() {
  // The badge list, above the incident list.
  const section = make('section', 'panel-section');
  section.dataset.testid = 'timer-alerts';
  const head = make('h2', null, t('timers.alerts'));
  const count = make('span', 'status-badge is-new', '0');
  count.id = 'timers-count';
  count.hidden = true;
  head.append(' ', count);
  const alerts = make('ul', 'plain');
  alerts.id = 'timers-alerts';
  section.append(head, alerts);
  const incidentsSection = $('incidents').closest('section');
  incidentsSection.before(section);

  // Timers and linkage in the incident panel, after the timeline.
  const detail = $('detail');
  const timersHead = make('h3', null, t('timers.heading'));
  const list = make('ul', 'plain');
  list.id = 'timers-list';
  const linkHead = make('h3', null, t('timers.linkage'));
  const note = make('input');
  note.id = 'linkage-note';
  note.maxLength = 500;
  note.placeholder = t('timers.note');
  const quick = make('div', 'linkage-quick');
  quick.id = 'linkage-quick';
  const sent = make('ul', 'plain');
  sent.id = 'linkage-list';
  $('timeline').after(timersHead, list, linkHead, note, quick, sent);
}

function follow() {
  // command.js rewrites the title on every render of the selected incident.
  new MutationObserver(() => {
    const li = document.querySelector('#incidents li.selected');
    const id = $('detail').hidden ? null : li ? li.dataset.id : null;
    if (id !== current) {
      current = id;
      timers = null;
      renderTimers();
    }
    loadIncident();
  }).observe($('d-title'), { childList: true, characterData: true, subtree: true });
}

function live() {
  const source = new EventSource('/api/v1/events');
  source.onopen = loadAlerts;
  source.addEventListener('timer_alert', (ev) => {
    loadAlerts();
    const { incident_id: id } = JSON.parse(ev.data);
    if (id === current) loadIncident();
  });
}

async function start() {
  await i18nReady();
  if (!$('detail') || !$('incidents')) return;
  build();
  follow();
  try {
    agencies = await api('GET', '/api/v1/linkage/agencies');
  } catch {
    agencies = [];
  }
  renderAgencies();
  await loadAlerts();
  live();
  setInterval(renderTimers, 1000);
  // Alerts are raised by the server's job; this catches an event the stream missed (one
  // published while it was reconnecting).
  setInterval(loadAlerts, 10000);
}

start();
