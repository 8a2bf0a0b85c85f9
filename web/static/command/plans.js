// Response plans (预案) for admins: the plans that apply in the jurisdiction and those of its
// subtree, and a form to create or edit one with its slots (unit kind × count, equipment) and
// the agencies to notify. Every text goes into the page through textContent.
import { boot, api, t, $, make, toast, errorText, label, currentLang } from '../js/shell.js';
import { loadTaxonomy, categories, subcategories, priorities, taxLabel } from './taxonomy.js';

const UNIT_KINDS = ['patrol_car', 'foot_patrol', 'motorcycle', 'armed_patrol_team', 'traffic_unit'];
const AGENCIES = ['fire_119', 'ambulance_120', 'traffic_police', 'city_management'];

const me = await boot(['admin']);
let plans = [];
let orgs = [];
let editing = null; // the plan being edited, or null for a new one

const orgName = (id) => {
  const o = orgs.find((x) => x.id === id);
  if (!o) return id;
  return currentLang() === 'en' ? o.name_en || o.name_zh : o.name_zh;
};

function fill(sel, values, labelOf, anyKey) {
  sel.replaceChildren();
  if (anyKey) {
    const any = make('option', null, t(anyKey));
    any.value = '';
    sel.append(any);
  }
  for (const v of values) {
    const o = make('option', null, labelOf(v));
    o.value = v;
    sel.append(o);
  }
}

const slotSummary = (p) => p.slots.map((s) => {
  const kit = s.equipment.length ? ` (${s.equipment.join(', ')})` : '';
  return `${s.count} × ${label('unit_kind', s.kind)}${kit}`;
}).join('；');

function renderList() {
  const body = $('plan-rows');
  body.replaceChildren();
  $('no-plans').hidden = plans.length > 0;
  for (const p of plans) {
    const tr = make('tr');
    tr.dataset.id = p.id;
    const type = p.subcategory ? `${taxLabel('cat', p.category)} / ${taxLabel('sub', p.subcategory)}` : `${taxLabel('cat', p.category)} / ${t('plans.any_sub')}`;
    for (const text of [
      p.name,
      orgName(p.org_id),
      type,
      p.priority ? label('priority', p.priority) : t('plans.any_priority'),
      slotSummary(p),
      p.agencies.map((a) => label('plans.agency', a)).join('、') || '—',
    ]) tr.append(make('td', null, text));
    const actions = make('td');
    const edit = make('button', 'btn btn-ghost btn-sm', t('plans.edit'));
    edit.type = 'button';
    edit.dataset.testid = 'edit';
    edit.addEventListener('click', () => openEditor(p));
    const del = make('button', 'btn btn-ghost btn-sm', t('plans.delete'));
    del.type = 'button';
    del.dataset.testid = 'delete';
    del.addEventListener('click', () => remove(p));
    actions.append(edit, del);
    tr.append(actions);
    body.append(tr);
  }
}

function slotRow(slot) {
  const li = make('li', 'plan-slot');
  const kind = make('select');
  kind.className = 's-kind';
  kind.setAttribute('aria-label', t('plans.kind'));
  fill(kind, UNIT_KINDS, (k) => label('unit_kind', k));
  kind.value = slot.kind;
  const count = make('input');
  count.className = 's-count';
  count.type = 'number';
  count.min = '1';
  count.max = '10';
  count.value = String(slot.count);
  count.setAttribute('aria-label', t('plans.count'));
  const kit = make('input');
  kit.className = 's-equipment';
  kit.placeholder = t('plans.equipment_hint');
  kit.value = slot.equipment.join(', ');
  kit.setAttribute('aria-label', t('plans.equipment'));
  const drop = make('button', 'btn btn-ghost btn-sm', t('plans.remove_slot'));
  drop.type = 'button';
  drop.addEventListener('click', () => li.remove());
  li.append(kind, count, kit, drop);
  return li;
}

function fillSubcategories(selected) {
  const subs = subcategories($('p-category').value).map((s) => s.code);
  fill($('p-subcategory'), subs, (v) => taxLabel('sub', v), 'plans.any_sub');
  $('p-subcategory').value = selected || '';
}

function openEditor(plan) {
  editing = plan;
  $('editor').hidden = false;
  $('editor-title').textContent = plan ? t('plans.edit_title', { name: plan.name }) : t('plans.new');
  $('p-errors').replaceChildren();
  $('p-name').value = plan ? plan.name : '';
  // A plan's org unit never changes; a new one belongs to the caller's by default.
  $('p-org-label').hidden = Boolean(plan);
  $('p-org').value = me.org ? me.org.id : '';
  $('p-category').value = plan ? plan.category : categories()[0];
  fillSubcategories(plan ? plan.subcategory : '');
  $('p-priority').value = plan && plan.priority ? plan.priority : '';
  const slots = $('p-slots');
  slots.replaceChildren();
  for (const s of plan ? plan.slots : [{ kind: 'patrol_car', count: 1, equipment: [] }]) slots.append(slotRow(s));
  for (const box of document.querySelectorAll('#p-agencies input')) {
    box.checked = Boolean(plan && plan.agencies.includes(box.value));
  }
  $('p-name').focus();
}

function formBody() {
  const slots = [...document.querySelectorAll('#p-slots li')].map((li) => ({
    kind: li.querySelector('.s-kind').value,
    count: Number(li.querySelector('.s-count').value),
    equipment: li.querySelector('.s-equipment').value.split(/[,，\s]+/).filter(Boolean),
  }));
  const body = {
    name: $('p-name').value,
    category: $('p-category').value,
    subcategory: $('p-subcategory').value || null,
    priority: $('p-priority').value || null,
    slots,
    agencies: [...document.querySelectorAll('#p-agencies input:checked')].map((b) => b.value),
  };
  if (!editing) body.org_id = $('p-org').value;
  return body;
}

function showErrors(err) {
  const list = $('p-errors');
  list.replaceChildren();
  const fields = (err.problem && err.problem.errors) || [];
  if (!fields.length) list.append(make('li', 'form-error', errorText(err)));
  for (const f of fields) {
    const text = `${f.field}: ${label('plans.field', f.code) === f.code ? f.reason || f.code : label('plans.field', f.code)}`;
    const li = make('li', 'form-error', text);
    li.dataset.field = f.field;
    list.append(li);
  }
}

async function save(ev) {
  ev.preventDefault();
  try {
    if (editing) await api('PUT', `/api/v1/plans/${encodeURIComponent(editing.id)}`, formBody());
    else await api('POST', '/api/v1/plans', formBody());
  } catch (err) {
    showErrors(err);
    return;
  }
  toast(t('plans.saved'));
  $('editor').hidden = true;
  await reload();
}

async function remove(plan) {
  if (!window.confirm(t('plans.confirm_delete', { name: plan.name }))) return;
  try {
    await api('DELETE', `/api/v1/plans/${encodeURIComponent(plan.id)}`);
  } catch (err) {
    toast(errorText(err), 'error');
    return;
  }
  await reload();
}

async function reload() {
  plans = await api('GET', '/api/v1/plans');
  renderList();
}

if (me) {
  try {
    [, orgs] = await Promise.all([loadTaxonomy(), api('GET', '/api/v1/orgs')]);
    fill($('p-org'), orgs.map((o) => o.id), orgName);
    fill($('p-category'), categories(), (v) => taxLabel('cat', v));
    fill($('p-priority'), priorities(), (v) => label('priority', v), 'plans.any_priority');
    const boxes = $('p-agencies');
    for (const a of AGENCIES) {
      const l = make('label', 'check');
      const box = make('input');
      box.type = 'checkbox';
      box.value = a;
      l.append(box, document.createTextNode(` ${label('plans.agency', a)}`));
      boxes.append(l);
    }
    $('p-category').addEventListener('change', () => fillSubcategories(''));
    $('add-slot').addEventListener('click', () => $('p-slots').append(slotRow({ kind: 'patrol_car', count: 1, equipment: [] })));
    $('new-plan').addEventListener('click', () => openEditor(null));
    $('p-cancel').addEventListener('click', () => { $('editor').hidden = true; });
    $('plan-form').addEventListener('submit', save);
    $('main').hidden = false;
    await reload();
    document.body.dataset.ready = '1';
  } catch (err) {
    toast(errorText(err), 'error');
  }
}
