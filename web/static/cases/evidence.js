// The property store (/cases/evidence, 涉案财物管理) for evidence custodians: intake of a
// physical item (by the case number on the hand-over form) with a printable Code 128 label, a
// digital file with its SHA-256 (computed here and by the server, compared); the store's items
// and one item with its chain of custody, the chain's verification and the movements (check
// out to a person, check in with the seal checked, relocate, transfer, return, dispose with
// two witnesses for high-risk items); inventories (start, scan by typing or with a scanner
// that types and presses Enter, live counts, close, discrepancies); storage locations; the
// disposition-review list.
import { boot } from '../js/shell.js';
import {
  $, make, button, fact, toast, tabs, t, api, ApiError, enc, at, localInput, fromLocalInput,
  loadCodes, codeLabel, codeExtra, codeOptions, problemText, submitting, showProblem, options, val,
  uploadRaw, sha256Hex, download, orgName, personName, rows, loadFailed, colon, size,
} from './common.js';
import { barcodeSvg } from './code128.js';

const TABS = ['intake', 'items', 'inventories', 'locations', 'review'];
const CATEGORIES = ['evidence_categories'];
const ITEM_STATES = ['item_states'];
const MOVEMENTS = ['movements'];
const SCOPES = ['inventory_scopes'];
const DISCREPANCIES = ['discrepancy_kinds'];
const ITEM_KINDS = ['item_kinds'];
// Movements recorded elsewhere: the intake by the intake forms, integrity checks by every
// access to a digital item's content. The item view records the others.
const NOT_MANUAL = ['intake', 'integrity_check'];

const me = await boot(['evidence_custodian']);
const role = me?.role;

let tab = null;
let locations = [];
let items = [];
let item = null; // the open item view
let inventory = null; // the open inventory
let lastLabel = null;
const scanned = []; // this session's scans of the open inventory (newest first)

/** High-risk categories (secure locations only; two witnesses to return or dispose), as served. */
const highRisk = (category) => codeExtra('high_risk_categories', []).includes(category);
const locName = (id) => {
  const l = locations.find((x) => x.id === id);
  return l ? `${l.code} ${l.name}` : id || '—';
};
/** A list row ({item, case_number, case_title} or flat) as one object. */
const flat = (r) => ({ ...(r.item || r), case_number: r.case_number ?? r.item?.case_number, case_title: r.case_title ?? r.item?.case_title, due_at: r.due_at });
const activeLocations = () => locations.filter((l) => l.active !== false && l.active !== 0);

// ---------------------------------------------------------------- intake

function fillIntake() {
  options($('ph-category'), codeOptions(CATEGORIES, (c) => c.code !== 'digital_data'), t('cases.choose'));
  const dg = $('dg-category');
  const first = !dg.options.length;
  options(dg, codeOptions(CATEGORIES));
  // A file is digital data unless the custodian says otherwise.
  const digital = [...dg.options].find((o) => o.value === 'digital_data');
  if (digital) digital.defaultSelected = true; // also what a reset of the form comes back to
  if (first && digital) dg.value = 'digital_data';
  options($('ph-location'), activeLocations().map((l) => [l.id, `${l.code} ${l.name}${l.secure ? ` · ${t('cases.field.secure')}` : ''}`]), t('cases.choose'));
  syncRisk();
  if (!$('ph-seized').value) $('ph-seized').value = localInput();
}

/** A high-risk category: its rule said, and only secure locations offered. */
function syncRisk() {
  const risky = highRisk($('ph-category').value);
  $('ph-risk').hidden = !risky;
  const sel = $('ph-location');
  for (const o of sel.options) {
    const l = locations.find((x) => x.id === o.value);
    o.disabled = Boolean(risky && l && !l.secure);
  }
  if (sel.selectedOptions[0]?.disabled) sel.value = '';
}

async function intakePhysical(e) {
  e.preventDefault();
  const form = $('phys-form');
  const res = await submitting(form, () => api('POST', '/api/v1/cases/evidence', {
    case_number: $('ph-case').value.trim(),
    description: $('ph-desc').value.trim(),
    category: $('ph-category').value,
    quantity: Number($('ph-qty').value),
    seal_no: val('ph-seal'),
    location_id: $('ph-location').value,
    seized_at: fromLocalInput($('ph-seized').value),
    barcode: val('ph-barcode'),
  }));
  if (!res) return;
  const it = res.item || res;
  toast(t('cases.ev.intake_done', { barcode: it.barcode }));
  const caseNo = $('ph-case').value.trim();
  form.reset();
  $('ph-case').value = caseNo; // the next item of the same hand-over form
  $('ph-seized').value = localInput();
  fillIntake();
  showLabel({ ...it, case_number: it.case_number || res.case_number || caseNo });
  loadItems();
}

/** The label of an item: barcode (Code 128 and as text), case number, description, seal. */
function labelNode(it) {
  const box = make('div', 'label-card');
  box.dataset.testid = 'label-card';
  box.append(make('p', 'label-org', orgName(me.org)));
  const svg = barcodeSvg(it.barcode, { module: 2, height: 64 });
  if (svg) box.append(svg);
  const code = make('p', 'label-code', it.barcode);
  code.dataset.testid = 'label-barcode';
  box.append(code);
  const dl = make('dl', 'label-facts');
  fact(dl, t('cases.field.case_number'), it.case_number || '—');
  fact(dl, t('cases.field.description'), `${it.description}${it.quantity ? ` × ${it.quantity}` : ''}`);
  fact(dl, t('cases.field.category'), codeLabel(CATEGORIES, it.category));
  if (it.seal_no) fact(dl, t('cases.field.seal_no'), it.seal_no);
  fact(dl, t('cases.field.intake_at'), at(it.intake_at || Date.now()));
  box.append(dl);
  return box;
}

function showLabel(it) {
  lastLabel = it;
  $('label').replaceChildren(labelNode(it));
  $('label-box').hidden = false;
  $('label-print').focus();
}

function printLabel(it) {
  if (!it) return;
  $('print-area').replaceChildren(labelNode(it));
  window.print();
}

async function pickDigital() {
  const f = $('dg-file').files?.[0];
  const out = $('dg-local');
  $('dg-result').hidden = true;
  if (!f) {
    out.textContent = '';
    return;
  }
  out.textContent = t('cases.ev.hashing');
  const h = await sha256Hex(f).catch(() => null);
  $('dg-file').dataset.sha256 = h || '';
  out.replaceChildren(make('span', null, `${f.name} · ${size(f.size)} · SHA-256${colon()}`), make('code', 'hash', h || t('cases.ev.hash_unavailable')));
}

async function intakeDigital(e) {
  e.preventDefault();
  const form = $('dig-form');
  const f = $('dg-file').files?.[0];
  const bar = $('dg-progress');
  const local = $('dg-file').dataset.sha256 || '';
  const res = await submitting(form, async () => {
    const q = new URLSearchParams({
      case_number: $('dg-case').value.trim(),
      category: $('dg-category').value,
      description: $('dg-desc').value.trim(),
    });
    bar.hidden = false;
    bar.value = 0;
    try {
      return await uploadRaw('POST', `/api/v1/cases/evidence/digital?${q}`, f, (x) => {
        bar.value = x;
      });
    } finally {
      bar.hidden = true;
    }
  });
  if (!res) return;
  const it = res.item || res;
  const box = $('dg-result');
  box.replaceChildren();
  const same = local && it.sha256 === local;
  box.append(make('p', 'ok-line', t('cases.ev.digital_done', { barcode: it.barcode })));
  const p = make('p');
  p.append(make('span', null, `${t('cases.ev.server_hash')}${colon()}`), make('code', 'hash', it.sha256 || '—'));
  p.querySelector('code').dataset.testid = 'dg-server-hash';
  box.append(p);
  if (local) box.append(make('p', same ? 'ok-line' : 'form-error', same ? t('cases.ev.hash_same') : t('cases.ev.hash_differs')));
  box.append(button(t('cases.ev.open_item'), 'btn btn-ghost btn-small', null, () => openItem(it.id)));
  box.hidden = false;
  form.reset();
  $('dg-local').textContent = '';
  fillIntake();
  loadItems();
}

// ---------------------------------------------------------------- items

async function loadItems() {
  const q = new URLSearchParams();
  for (const [k, id] of [['state', 'it-state'], ['location_id', 'it-location']]) {
    const v = val(id);
    if (v) q.set(k, v);
  }
  const state = $('items-state');
  state.textContent = t('cases.loading');
  $('items-box').setAttribute('aria-busy', 'true');
  try {
    items = rows(await api('GET', `/api/v1/cases/evidence${q.toString() ? `?${q}` : ''}`)).map(flat);
    renderItems();
  } catch (err) {
    $('item-rows').replaceChildren();
    state.replaceChildren(make('span', 'form-error', problemText(err)), ' ', button(t('errors.retry'), 'btn btn-ghost btn-small', null, loadItems));
  } finally {
    $('items-box').setAttribute('aria-busy', 'false');
  }
}

/** The items matching the search box (barcode, description, case number or seal), here. */
function shown() {
  const q = (val('it-q') || '').toLowerCase();
  if (!q) return items;
  return items.filter((it) => [it.barcode, it.description, it.case_number, it.case_title, it.seal_no]
    .some((x) => String(x || '').toLowerCase().includes(q)));
}

function renderItems() {
  const list = shown();
  $('items-count').textContent = t('cases.ev.count', { n: list.length });
  $('items-state').textContent = list.length ? '' : t('cases.ev.no_items');
  $('item-rows').replaceChildren(...list.map((it) => {
    const tr = make('tr', it.id === item?.id ? 'selected' : '');
    tr.dataset.testid = 'item-row';
    tr.dataset.barcode = it.barcode;
    const a = make('a', 'cs-open mono', it.barcode);
    a.href = `#items`;
    a.addEventListener('click', (e) => {
      e.preventDefault();
      openItem(it.id);
    });
    const b = make('td');
    b.append(a);
    const desc = make('td', null, it.description);
    desc.append(make('span', 'hint block', `${codeLabel(CATEGORIES, it.category)} × ${it.quantity ?? 1}`));
    if (it.flagged) desc.append(make('span', 'badge flag-badge', t('cases.ev.flagged')));
    const where = it.location_id ? locName(it.location_id) : it.holder_id ? t('cases.ev.out_with_holder') : '—';
    const st = make('td');
    st.append(make('span', `badge it-st it-st-${it.state}`, codeLabel(ITEM_STATES, it.state)));
    tr.append(b, desc, make('td', 'mono', it.case_number || it.case?.number || '—'), st, make('td', null, where));
    return tr;
  }));
}

async function openItem(id) {
  tab.go('items');
  const view = $('item-view');
  view.hidden = false;
  $('iv-state').replaceChildren(make('p', 'muted', t('cases.loading')));
  try {
    const raw = await api('GET', `/api/v1/cases/evidence/${enc(id)}`);
    const chainIsCheck = raw.chain && !Array.isArray(raw.chain);
    item = {
      ...(raw.item || raw),
      events: raw.events || (Array.isArray(raw.chain) ? raw.chain : []),
      verification: chainIsCheck ? raw.chain : raw.verification || null,
      names: raw.names || {},
      location: raw.location || raw.item?.location || null,
      held: raw.held,
      retained_until: raw.retained_until,
    };
    if (!item.case_number) item.case_number = raw.case_number || raw.case?.number || item.case?.number;
    if (!item.case_title) item.case_title = raw.case_title || raw.case?.title || item.case?.title;
    $('iv-state').replaceChildren();
    renderItem();
    renderItems();
    view.focus();
  } catch (err) {
    item = null;
    loadFailed($('iv-state'), err, () => openItem(id));
  }
}

function renderItem() {
  const it = item;
  if (!it) return;
  $('iv-h').textContent = `${it.barcode} · ${it.description}`;
  const dl = $('iv-facts');
  dl.replaceChildren();
  fact(dl, t('cases.field.case_number'), `${it.case_number || '—'} ${it.case_title || ''}`.trim(), 'iv-case');
  fact(dl, t('cases.field.item_kind'), codeLabel(ITEM_KINDS, it.kind));
  fact(dl, t('cases.field.category'), `${codeLabel(CATEGORIES, it.category)}${highRisk(it.category) ? ` · ${t('cases.ev.high_risk')}` : ''}`);
  fact(dl, t('cases.field.quantity'), String(it.quantity ?? 1));
  fact(dl, t('cases.field.item_state'), codeLabel(ITEM_STATES, it.state), 'iv-state-value');
  fact(dl, t('cases.field.location'), it.location ? `${it.location.code} ${it.location.name}` : it.location_id ? locName(it.location_id) : '—', 'iv-location');
  if (it.holder_id) fact(dl, t('cases.field.holder'), personLike(it.holder_id), 'iv-holder');
  if (it.held) fact(dl, t('cases.ev.hold'), t('cases.ev.hold_text'));
  else if (it.retained_until) fact(dl, t('cases.ev.retained_until'), at(it.retained_until));
  if (it.seal_no) fact(dl, t('cases.field.seal_no'), it.seal_no, 'iv-seal');
  if (it.sha256) {
    const dd = fact(dl, 'SHA-256', '');
    dd.append(make('code', 'hash', it.sha256));
  }
  fact(dl, t('cases.field.seized_at'), at(it.seized_at));
  fact(dl, t('cases.field.intake_at'), at(it.intake_at));
  if (it.flagged) fact(dl, t('cases.ev.flagged'), t('cases.ev.flagged_hint'));
  renderVerify();
  $('iv-content').hidden = it.kind !== 'digital';
  renderChain();
  renderMoveForm();
}

function renderVerify() {
  const v = item.verification;
  const box = $('iv-verify');
  let ok = null;
  let brokenAt = null;
  if (v && typeof v === 'object') {
    ok = v.intact ?? v.ok ?? null;
    brokenAt = v.broken_seq ?? v.broken_at ?? null;
    if (brokenAt !== null && brokenAt !== undefined) ok = false;
  } else if (typeof v === 'boolean') ok = v;
  box.className = `chain-status ${ok === true ? 'ok' : ok === false ? 'broken' : ''}`;
  box.dataset.ok = String(ok);
  box.textContent = ok === true
    ? t('cases.ev.chain_ok', { n: item.events.length })
    : ok === false ? t('cases.ev.chain_broken', { seq: brokenAt ?? '?' }) : t('cases.ev.chain_unknown');
}

function renderChain() {
  const events = [...item.events].sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  $('chain-rows').replaceChildren(...events.map((ev) => {
    const tr = make('tr');
    tr.dataset.testid = 'chain-row';
    tr.dataset.kind = ev.kind;
    const from = [ev.from_holder_name || ev.from_holder, ev.from_location ? locName(ev.from_location) : null].filter(Boolean).map((x) => personLike(x)).join(' / ');
    const to = [ev.to_holder_name || ev.to_holder, ev.to_location ? locName(ev.to_location) : null].filter(Boolean).map((x) => personLike(x)).join(' / ');
    const seal = [];
    if (ev.seal_no) seal.push(ev.seal_no);
    if (ev.seal_intact === true || ev.seal_intact === 1) seal.push(t('cases.ev.intact'));
    if (ev.seal_intact === false || ev.seal_intact === 0) seal.push(t('cases.ev.broken'));
    if (ev.hash_matched === true || ev.hash_matched === 1) seal.push(t('cases.ev.hash_ok'));
    if (ev.hash_matched === false || ev.hash_matched === 0) seal.push(t('cases.ev.hash_bad'));
    const witnesses = Array.isArray(ev.witnesses) ? ev.witnesses : String(ev.witnesses || '').split(',').filter(Boolean);
    const why = [ev.place, ev.reason, witnesses.length ? `${t('cases.ev.witnesses')}${colon()}${witnesses.map(personLike).join('、')}` : ''].filter(Boolean).join(' · ');
    const dg = make('td');
    const code = make('code', 'hash', String(ev.digest || '').slice(0, 12));
    code.title = ev.digest || '';
    dg.append(code);
    tr.append(make('td', 'num', String(ev.seq ?? '')), make('td', 'num', at(ev.at)), make('td', null, codeLabel(MOVEMENTS, ev.kind)),
      make('td', null, personLike(ev.actor_name || ev.actor || ev.actor_id)), make('td', null, from || to ? `${from || '—'} → ${to || '—'}` : '—'),
      make('td', null, why || '—'), make('td', null, seal.join(' · ') || '—'), dg);
    return tr;
  }));
}

/** An account named in the chain by its display name (the item view names them), else as given. */
const personLike = (x) => {
  if (x && typeof x === 'object') return personName(x);
  if (x === null || x === undefined || x === '') return '—';
  return item?.names?.[x] || String(x);
};

function renderMoveForm() {
  const it = item;
  const allowed = it.allowed_movements || it.next_movements || null;
  const list = codeOptions(MOVEMENTS, (c) => !NOT_MANUAL.includes(c.code) && (!allowed || allowed.includes(c.code)));
  options($('mv-kind'), list, t('cases.choose'));
  options($('mv-location'), activeLocations().filter((l) => l.id !== it.location_id).map((l) => [l.id, `${l.code} ${l.name}${l.secure ? ` · ${t('cases.field.secure')}` : ''}`]), t('cases.choose'));
  $('mv-form').hidden = ['disposed', 'returned', 'transferred'].includes(it.state);
  syncMoveForm();
}

function syncMoveForm() {
  const kind = $('mv-kind').value;
  for (const el of $('mv-form').querySelectorAll('[data-for]')) {
    const on = el.dataset.for.split(' ').includes(kind);
    el.hidden = !on;
  }
  // Witnesses: required for disposal, and for the return of a high-risk item.
  const needW = kind === 'dispose' || (kind === 'return' && item && highRisk(item.category));
  for (const id of ['mv-w1', 'mv-w2']) $(id).required = needW;
  $('mv-holder').required = ['check_out', 'transfer', 'return'].includes(kind);
  $('mv-holder-label').textContent = t(`cases.ev.holder_for.${['transfer', 'return'].includes(kind) ? kind : 'check_out'}`);
  $('mv-location').required = kind === 'relocate' || kind === 'check_in';
  $('mv-place').required = kind === 'transfer' || kind === 'dispose';
  $('mv-seal').required = kind === 'check_in' && !$('mv-seal-ok').checked;
}

async function move(e) {
  e.preventDefault();
  const form = $('mv-form');
  const kind = $('mv-kind').value;
  const on = (id) => !$(id).closest('[data-for]')?.hidden;
  const body = { kind, reason: $('mv-reason').value.trim(), place: (on('mv-place') && val('mv-place')) || '' };
  // Check-out names the account taking it; a transfer the agency; a return the owner.
  if (on('mv-holder') && val('mv-holder')) body[kind === 'check_out' ? 'holder' : 'recipient'] = val('mv-holder');
  if (on('mv-location') && val('mv-location')) body.location_id = val('mv-location');
  if (kind === 'check_in') {
    body.seal_intact = $('mv-seal-ok').checked;
    if (val('mv-seal')) body.seal_no = val('mv-seal');
  }
  if (kind === 'dispose' || kind === 'return') {
    const w = [val('mv-w1'), val('mv-w2')].filter(Boolean);
    if (w.length) body.witnesses = w;
  }
  // The item as last seen: the server refuses a movement of an item someone moved meanwhile.
  if (item.last_seq !== undefined) body.expected_seq = item.last_seq;
  const id = item.id;
  const res = await submitting(form, () => api('POST', `/api/v1/cases/evidence/${enc(id)}/movements`, body));
  if (!res) {
    // Someone else moved it meanwhile: show the item as it is now.
    return;
  }
  toast(t('cases.ev.moved', { what: codeLabel(MOVEMENTS, kind) }));
  form.reset();
  $('mv-seal-ok').checked = true;
  await openItem(id);
  loadItems();
}

async function content() {
  const it = item;
  const btn = $('iv-content');
  btn.disabled = true;
  try {
    await download(`/api/v1/cases/evidence/${enc(it.id)}/content`, it.file_name || it.description || it.barcode);
    toast(t('cases.ev.content_ok'));
  } catch (err) {
    toast(problemText(err), 'error');
  } finally {
    btn.disabled = false;
    openItem(it.id);
  }
}

async function find(e) {
  e.preventDefault();
  const code = val('find');
  if (!code) return;
  try {
    const raw = await api('GET', `/api/v1/cases/evidence/barcode/${enc(code)}`);
    $('find').value = '';
    await openItem((raw.item || raw).id);
  } catch (err) {
    toast(err instanceof ApiError && err.status === 404 ? t('cases.ev.not_found', { barcode: code }) : problemText(err), 'error');
  }
}

// ---------------------------------------------------------------- locations

async function loadLocations() {
  try {
    locations = rows(await api('GET', '/api/v1/cases/evidence/locations'));
  } catch (err) {
    locations = [];
    toast(problemText(err), 'error');
  }
  renderLocations();
}

function renderLocations() {
  $('loc-rows').replaceChildren(...locations.map((l) => {
    const tr = make('tr');
    tr.dataset.testid = 'loc-row';
    tr.append(make('td', 'mono', l.code), make('td', null, l.name), make('td', null, l.secure ? t('cases.yes') : t('cases.no')),
      make('td', null, l.active === false || l.active === 0 ? t('cases.no') : t('cases.yes')));
    return tr;
  }));
  if (!locations.length) {
    const tr = make('tr');
    const td = make('td', 'muted', t('cases.ev.no_locations'));
    td.colSpan = 4;
    tr.append(td);
    $('loc-rows').append(tr);
  }
  const locOpts = activeLocations().map((l) => [l.id, `${l.code} ${l.name}`]);
  options($('it-location'), locOpts, t('cases.all'));
  options($('inv-location'), locOpts, t('cases.ev.whole_store'));
  options($('scan-location'), locOpts, t('cases.ev.scan_where'));
  fillIntake();
}

async function addLocation(e) {
  e.preventDefault();
  const form = $('loc-form');
  const res = await submitting(form, () => api('POST', '/api/v1/cases/evidence/locations', {
    code: $('lc-code').value.trim(),
    name: $('lc-name').value.trim(),
    secure: $('lc-secure').checked,
  }));
  if (!res) return;
  form.reset();
  toast(t('cases.ev.loc_added'));
  await loadLocations();
}

// ---------------------------------------------------------------- inventories

async function loadInventories() {
  try {
    const list = rows(await api('GET', '/api/v1/cases/inventories'));
    $('inv-list').replaceChildren(...list.map((inv) => {
      const li = make('li', 'desk-item');
      li.dataset.testid = 'inv-item';
      const open = button(`${at(inv.started_at)} · ${codeLabel(SCOPES, inv.scope)}`, 'btn-link', 'inv-open', () => openInventory(inv.id));
      const closed = Boolean(inv.closed_at);
      li.append(open, make('p', 'muted', closed
        ? t('cases.ev.inv_closed_line', { found: inv.found ?? '?', expected: inv.expected, d: inv.discrepancies ?? 0 })
        : t('cases.ev.inv_open_line', { expected: inv.expected })));
      return li;
    }));
    if (!list.length) $('inv-list').append(make('li', 'muted', t('cases.ev.no_inventories')));
  } catch (err) {
    loadFailed($('inv-list'), err, loadInventories);
  }
}

async function startInventory(e) {
  e.preventDefault();
  const form = $('inv-form');
  const res = await submitting(form, () => api('POST', '/api/v1/cases/inventories', {
    scope: $('inv-scope').value,
    location_id: val('inv-location'),
  }));
  if (!res) return;
  toast(t('cases.ev.inv_started', { n: (res.inventory || res).expected ?? '' }));
  await openInventory((res.inventory || res).id);
  loadInventories();
}

async function openInventory(id) {
  try {
    const raw = await api('GET', `/api/v1/cases/inventories/${enc(id)}`);
    if (inventory?.id !== id) {
      scanned.length = 0;
      $('scan-location').value = '';
    }
    inventory = invOf(raw);
    renderInventory();
    $('scan').focus();
  } catch (err) {
    toast(problemText(err), 'error');
  }
}

function renderInventory() {
  const inv = inventory;
  $('inv-none').hidden = Boolean(inv);
  $('inv-body').hidden = !inv;
  if (!inv) return;
  const closed = Boolean(inv.closed_at);
  $('inv-h').textContent = `${t('cases.ev.inventory')} · ${codeLabel(SCOPES, inv.scope)}${inv.location_id ? ` · ${locName(inv.location_id)}` : ''} · ${at(inv.started_at)}`;
  $('inv-state').textContent = closed ? t('cases.ev.inv_closed') : t('cases.ev.inv_open');
  $('inv-state').className = `badge ${closed ? 'inv-closed' : 'inv-open'}`;
  const n = scannedCount();
  $('inv-expected').textContent = String(inv.expected ?? 0);
  $('inv-scanned').textContent = String(n);
  $('inv-left').textContent = String(Math.max(0, (inv.expected ?? 0) - (closed && inv.found !== null && inv.found !== undefined ? inv.found : n)));
  $('scan-form').hidden = closed;
  // Scans say where the item was found (else it counts as misplaced): a count of one location
  // starts there; the auditor changes it when walking on to another.
  if (inv.location_id && !$('scan-location').value) $('scan-location').value = inv.location_id;
  $('inv-close').hidden = closed;
  $('scan-log').replaceChildren(...scanned.slice(0, 30).map((s) => {
    const li = make('li', `scan-line ${s.ok ? 'ok' : 'bad'}`);
    li.dataset.testid = 'scan-line';
    li.append(make('code', null, s.barcode), make('span', null, ` ${s.text}`));
    return li;
  }));
  const box = $('inv-result');
  box.replaceChildren();
  if (closed) {
    const list = inv.discrepancies_list;
    if (!list.length) {
      const p = make('p', 'ok-line big-ok', t('cases.ev.no_discrepancy', { found: inv.found ?? n, expected: inv.expected }));
      p.dataset.testid = 'no-discrepancy';
      box.append(p);
    } else {
      box.append(make('h3', null, t('cases.ev.discrepancies', { n: list.length })));
      const table = make('table', 'queue');
      table.dataset.testid = 'discrepancies';
      const head = make('tr');
      for (const k of ['cases.field.barcode', 'cases.ev.kind', 'cases.ev.detail']) head.append(make('th', null, t(k)));
      const thead = make('thead');
      thead.append(head);
      const tbody = make('tbody');
      for (const d of list) {
        const tr = make('tr', `disc disc-${d.kind}`);
        tr.dataset.testid = 'discrepancy';
        const where = [d.expected_location ? t('cases.ev.recorded_at', { at: locName(d.expected_location) }) : '', d.found_location ? t('cases.ev.found_at', { at: locName(d.found_location) }) : '', d.note]
          .filter(Boolean).join(' · ');
        tr.append(make('td', 'mono', d.barcode), make('td', null, codeLabel(DISCREPANCIES, d.kind)), make('td', null, where));
        tbody.append(tr);
      }
      table.append(thead, tbody);
      box.append(table);
    }
  }
}

const scannedCount = () => inventory?.scanned ?? scanned.length;

/** An inventory answer ({inventory, scanned, counts, discrepancies}) as one object. */
const invOf = (raw) => ({ ...(raw.inventory || raw), scanned: raw.scanned, counts: raw.counts || {}, discrepancies_list: raw.discrepancies || [] });

async function scan(e) {
  e.preventDefault();
  const form = $('scan-form');
  const input = $('scan');
  const barcode = input.value.trim();
  if (!barcode || !inventory) return;
  const one = { barcode, seal_intact: $('scan-seal').checked };
  if (val('scan-location')) one.location_id = val('scan-location');
  const res = await submitting(form, () => api('POST', `/api/v1/cases/inventories/${enc(inventory.id)}/scans`, { scans: [one] }));
  if (res) {
    input.value = '';
    // An item of this store we know of (in the list): named; otherwise just recorded.
    const known = items.find((x) => x.barcode === barcode);
    scanned.unshift({ barcode, ok: true, text: known ? `${known.description} · ${t('cases.ev.scan_ok')}` : t('cases.ev.scan_ok') });
    inventory = invOf(res);
  } else if (!$('scan-location').value) {
    return; // the location is asked for at its field; the barcode stays to send again
  } else {
    input.value = '';
    scanned.unshift({ barcode, ok: false, text: t('cases.ev.scan_failed') });
  }
  renderInventory();
  input.focus();
}

async function closeInventory() {
  if (!inventory) return;
  const btn = $('inv-close');
  if (!window.confirm(t('cases.ev.inv_close_confirm'))) return;
  btn.disabled = true;
  try {
    await api('POST', `/api/v1/cases/inventories/${enc(inventory.id)}/close`, {});
    toast(t('cases.ev.inv_closed_done'));
    await openInventory(inventory.id);
    loadInventories();
  } catch (err) {
    toast(problemText(err), 'error');
  } finally {
    btn.disabled = false;
  }
}

// ---------------------------------------------------------------- disposition review

async function loadReview() {
  const body = $('rv-rows');
  try {
    const list = rows(await api('GET', '/api/v1/cases/evidence/review')).map(flat);
    body.replaceChildren(...list.map((it) => {
      const tr = make('tr');
      tr.dataset.testid = 'review-row';
      const a = make('a', 'cs-open mono', it.barcode);
      a.href = '#items';
      a.addEventListener('click', (e) => {
        e.preventDefault();
        openItem(it.id || it.item_id);
      });
      const b = make('td');
      b.append(a);
      tr.append(b, make('td', null, it.description), make('td', 'mono', it.case_number || '—'), make('td', null, codeLabel(CATEGORIES, it.category)),
        make('td', 'num', at(it.due_at)));
      return tr;
    }));
    if (!list.length) {
      const tr = make('tr');
      const td = make('td', 'muted', t('cases.ev.no_review'));
      td.colSpan = 5;
      tr.append(td);
      body.append(tr);
    }
    $('review-count').hidden = !list.length;
    $('review-count').textContent = String(list.length || '');
  } catch (err) {
    const tr = make('tr');
    const td = make('td', 'form-error', problemText(err));
    td.colSpan = 5;
    tr.append(td);
    body.replaceChildren(tr);
  }
}

// ---------------------------------------------------------------- start-up

function renderAll() {
  fillIntake();
  options($('it-state'), codeOptions(ITEM_STATES), t('cases.all'));
  options($('inv-scope'), codeOptions(SCOPES), t('cases.choose'));
  if ([...$('inv-scope').options].some((o) => o.value === 'full')) $('inv-scope').value = $('inv-scope').value || 'full';
  renderLocations();
  renderItems();
  if (item) renderItem();
  if (inventory) renderInventory();
  if (lastLabel) $('label').replaceChildren(labelNode(lastLabel));
}

if (me) {
  try {
    await loadCodes();
  } catch (err) {
    toast(problemText(err), 'error');
  }
  tab = tabs(TABS, 'etab-', 'epanel-', 'intake', (name) => {
    if (name === 'items') loadItems();
    if (name === 'inventories') loadInventories();
    if (name === 'review') loadReview();
  });
  $('phys-form').addEventListener('submit', intakePhysical);
  $('ph-category').addEventListener('change', syncRisk);
  $('dig-form').addEventListener('submit', intakeDigital);
  $('dg-file').addEventListener('change', pickDigital);
  $('label-print').addEventListener('click', () => printLabel(lastLabel));
  $('label-open').addEventListener('click', () => lastLabel && openItem(lastLabel.id));
  $('items-filter').addEventListener('submit', (e) => {
    e.preventDefault();
    loadItems();
  });
  for (const id of ['it-state', 'it-location']) $(id).addEventListener('change', loadItems);
  $('it-q').addEventListener('input', renderItems);
  $('iv-close').addEventListener('click', () => {
    item = null;
    $('item-view').hidden = true;
    renderItems();
  });
  $('iv-label').addEventListener('click', () => printLabel(item));
  $('iv-content').addEventListener('click', content);
  $('mv-kind').addEventListener('change', syncMoveForm);
  $('mv-seal-ok').addEventListener('change', syncMoveForm);
  $('mv-form').addEventListener('submit', move);
  $('find-form').addEventListener('submit', find);
  $('loc-form').addEventListener('submit', addLocation);
  $('inv-form').addEventListener('submit', startInventory);
  $('scan-form').addEventListener('submit', scan);
  $('inv-close').addEventListener('click', closeInventory);
  $('rv-reload').addEventListener('click', loadReview);
  document.addEventListener('langchange', renderAll);
  await loadLocations();
  renderAll();
  tab.show(tab.current());
  loadReview();
} else {
  $('main').hidden = true;
}
document.body.dataset.ready = '1';
