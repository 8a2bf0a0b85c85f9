// 110 setup (admins): station sites on a map (click to place), posts, units, duty rosters,
// key sites, cameras with their links and CSV/GeoJSON imports with their per-row report. Every text from the server is
// put into the page as text (textContent), never as HTML.
import { boot, api, t, $, make, toast, errorText, label, currentLang, ApiError } from '../js/shell.js';
import { createMap } from './mapkit.js';

const L = window.L;
const BASE = '/api/v1/command/setup';
const UNIT_KINDS = ['patrol_car', 'foot_patrol', 'motorcycle', 'armed_patrol_team', 'traffic_unit'];
const TRAVEL_MODES = ['', 'car', 'motorbike', 'foot'];
const IMPORT_KINDS = ['sites', 'posts', 'units', 'shifts', 'key_sites', 'sources', 'areas'];
const CAMERA_LAYERS = ['cctv_public_security', 'cctv_traffic', 'cctv_social'];
/** Only web and stream links become anchors (the server checks the same). */
const LINK = /^(https?|rtsp):\/\//i;

const me = await boot(['admin']);
const state = { sites: [], posts: [], units: [], shifts: [], keySites: [], sources: [] };
let map = null;
let layer = null;

const orgName = (o) => (currentLang() === 'en' ? o.name_en || o.name_zh : o.name_zh || o.name_en);
const orgById = (id) => state.sites.find((s) => s.org_id === id);
const list = (v) => String(v || '').split(/[;,，；\s]+/).map((s) => s.trim()).filter(Boolean);

function option(value, text) {
  const o = make('option', null, text);
  o.value = value;
  return o;
}

function cells(row, values) {
  for (const v of values) row.append(v instanceof Node ? v : make('td', null, v ?? ''));
  return row;
}

function button(text, onClick) {
  const td = make('td');
  const b = make('button', 'btn btn-small', text);
  b.type = 'button';
  b.addEventListener('click', onClick);
  td.append(b);
  return td;
}

/** Runs a change, reports its outcome, reloads everything. */
async function change(fn, done) {
  try {
    await fn();
    toast(done, 'info');
    await load();
    return true;
  } catch (err) {
    toast(fieldText(err), 'error');
    return false;
  }
}

/** A problem with its field errors as one sentence. */
function fieldText(err) {
  const base = errorText(err);
  if (!(err instanceof ApiError) || !err.problem || !Array.isArray(err.problem.errors)) return base;
  const parts = err.problem.errors.map((e) => `${e.field}: ${label('setup.codes', e.code)}`);
  return `${base} — ${parts.join('; ')}`;
}

function renderSelects() {
  const orgs = state.sites;
  const stations = orgs.filter((o) => o.kind === 'station');
  for (const sel of [$('site-org'), ...document.querySelectorAll('.org-select')]) {
    const keep = sel.value;
    sel.replaceChildren(...orgs.map((o) => option(o.org_id, `${orgName(o)} (${o.code})`)));
    if (keep) sel.value = keep;
  }
  for (const sel of document.querySelectorAll('.station-select')) {
    const keep = sel.value;
    sel.replaceChildren(...stations.map((o) => option(o.org_id, `${orgName(o)} (${o.code})`)));
    if (keep) sel.value = keep;
  }
  const shiftUnit = $('shift-unit');
  const keep = shiftUnit.value;
  shiftUnit.replaceChildren(...state.units.filter((u) => !u.retired_at).map((u) => option(u.id, u.call_sign)));
  if (keep) shiftUnit.value = keep;
}

function renderSites() {
  $('sites').replaceChildren(
    ...state.sites.map((s) =>
      cells(make('tr'), [
        `${orgName(s)} (${s.code})`,
        s.address ?? t('setup.not_placed'),
        s.lat == null ? '—' : `${s.lat.toFixed(5)}, ${s.lon.toFixed(5)}`,
        s.area ? t('setup.area_set') : s.kind === 'station' ? t('setup.area_none') : '',
      ]),
    ),
  );
}

function renderPosts() {
  $('posts').replaceChildren(
    ...state.posts.map((p) =>
      cells(make('tr'), [
        orgById(p.org_id) ? orgName(orgById(p.org_id)) : p.org_id,
        p.name,
        `${p.lat.toFixed(5)}, ${p.lon.toFixed(5)}`,
        button(t('setup.remove'), () => change(() => api('DELETE', `${BASE}/posts/${encodeURIComponent(p.id)}`), t('setup.removed'))),
      ]),
    ),
  );
}

function renderUnits() {
  $('units').replaceChildren(
    ...state.units.map((u) => {
      const tr = make('tr', u.retired_at ? 'retired' : null);
      return cells(tr, [
        u.call_sign,
        label('unit_kind', u.kind),
        orgById(u.org_id) ? orgName(orgById(u.org_id)) : u.org_id,
        u.retired_at ? t('setup.retired') : label('unit_status', u.status),
        label('setup.mode', u.travel_mode),
        u.equipment.join(', '),
        crewCell(u),
        u.retired_at
          ? make('td')
          : button(t('setup.retire'), () => {
              if (!window.confirm(t('setup.retire_confirm', { call_sign: u.call_sign }))) return;
              change(() => api('POST', `${BASE}/units/${encodeURIComponent(u.id)}/retire`), t('setup.retired'));
            }),
      ]);
    }),
  );
}

/** The crew: the officers (user names) whose terminals operate the unit. */
const setCrew = (id, crew) => api('PUT', `/api/v1/units/${encodeURIComponent(id)}/crew`, { crew });

/** The crew's names, and (for a unit in service) the button that changes them. */
function crewCell(u) {
  const td = make('td', null, u.crew.join(', '));
  if (u.retired_at) return td;
  const b = make('button', 'btn btn-small', t('setup.edit_crew'));
  b.type = 'button';
  b.dataset.testid = 'edit-crew';
  b.addEventListener('click', () => {
    const typed = window.prompt(t('setup.crew_prompt', { call_sign: u.call_sign }), u.crew.join('; '));
    if (typed == null) return;
    change(() => setCrew(u.id, list(typed)), t('setup.saved'));
  });
  td.append(' ', b);
  return td;
}

function renderShifts() {
  const fmt = (iso) => new Date(iso).toLocaleString(currentLang() === 'en' ? 'en-GB' : 'zh-CN', { hour12: false });
  const callSign = (id) => state.units.find((u) => u.id === id)?.call_sign ?? id;
  $('shifts').replaceChildren(
    ...state.shifts.map((s) =>
      cells(make('tr'), [
        callSign(s.unit_id),
        fmt(s.starts_at),
        fmt(s.ends_at),
        s.crew.join(', '),
        button(t('setup.remove'), () => change(() => api('DELETE', `${BASE}/shifts/${encodeURIComponent(s.id)}`), t('setup.removed'))),
      ]),
    ),
  );
}

function renderKeySites() {
  $('key-sites').replaceChildren(
    ...state.keySites.map((k) =>
      cells(make('tr'), [
        currentLang() === 'en' ? k.name_en : k.name_zh,
        k.kind,
        String(k.target_secs),
        button(t('setup.remove'), () => change(() => api('DELETE', `${BASE}/key-sites/${encodeURIComponent(k.id)}`), t('setup.removed'))),
      ]),
    ),
  );
}

function linkCell(url) {
  const td = make('td');
  if (url && LINK.test(url)) {
    const a = make('a', null, url);
    a.href = url;
    a.rel = 'noopener noreferrer';
    a.target = '_blank';
    td.append(a);
  }
  return td;
}

function renderSources() {
  $('sources').replaceChildren(
    ...state.sources.map((c) =>
      cells(make('tr'), [
        c.code,
        c.name,
        label('setup.camera_kinds', c.layer),
        linkCell(c.url),
        button(t('setup.retire'), () => {
          if (!window.confirm(t('setup.retire_source_confirm', { name: c.name }))) return;
          change(() => api('DELETE', `${BASE}/sources/${encodeURIComponent(c.id)}`), t('setup.retired'));
        }),
      ]),
    ),
  );
}

/** Sites, areas, posts, key sites and cameras on the map (names as tooltips, set as text). */
function renderMap() {
  if (!map) return;
  if (layer) layer.remove();
  layer = L.layerGroup().addTo(map);
  const bounds = [];
  for (const s of state.sites) {
    if (s.area) {
      L.geoJSON(s.area, { style: { color: '#1565c0', weight: 2, fillOpacity: 0.05 }, interactive: false }).addTo(layer);
    }
    if (s.lat == null) continue;
    const m = L.circleMarker([s.lat, s.lon], { radius: 8, color: '#1565c0', fillColor: '#1565c0', fillOpacity: 0.9 });
    m.bindTooltip(document.createTextNode(orgName(s)));
    m.addTo(layer);
    bounds.push([s.lat, s.lon]);
  }
  for (const p of state.posts) {
    const m = L.circleMarker([p.lat, p.lon], { radius: 5, color: '#2e7d32' });
    m.bindTooltip(document.createTextNode(p.name));
    m.addTo(layer);
  }
  for (const k of state.keySites) {
    const m = L.circleMarker([k.lat, k.lon], { radius: 5, color: '#c62828' });
    m.bindTooltip(document.createTextNode(currentLang() === 'en' ? k.name_en : k.name_zh));
    m.addTo(layer);
  }
  for (const c of state.sources) {
    const m = L.circleMarker([c.lat, c.lon], { radius: 4, color: '#004d40' });
    m.bindTooltip(document.createTextNode(c.name));
    m.addTo(layer);
  }
  if (bounds.length && !renderMap.fitted) {
    map.fitBounds(bounds, { padding: [30, 30], maxZoom: 15 });
    renderMap.fitted = true;
  }
}

async function load() {
  try {
    const from = new Date(Date.now() - 86400e3).toISOString();
    const [sites, posts, units, shifts, keySites, sources] = await Promise.all([
      api('GET', `${BASE}/sites`),
      api('GET', `${BASE}/posts`),
      api('GET', `${BASE}/units`),
      api('GET', `${BASE}/shifts?from=${encodeURIComponent(from)}`),
      api('GET', `${BASE}/key-sites`),
      api('GET', `${BASE}/sources`),
    ]);
    Object.assign(state, { sites, posts, units, shifts, keySites, sources });
  } catch (err) {
    toast(errorText(err), 'error');
    return;
  }
  renderSelects();
  renderSites();
  renderPosts();
  renderUnits();
  renderShifts();
  renderKeySites();
  renderSources();
  renderMap();
}

/** A clicked map point fills the position of every form. */
function pick(lat, lon) {
  $('picked').textContent = `${lat.toFixed(6)}, ${lon.toFixed(6)}`;
  for (const form of ['site-form', 'post-form', 'key-form', 'source-form']) {
    const f = $(form);
    f.elements.lat.value = lat.toFixed(6);
    f.elements.lon.value = lon.toFixed(6);
  }
}

function wireForms() {
  $('unit-kind').replaceChildren(...UNIT_KINDS.map((k) => option(k, label('unit_kind', k))));
  $('unit-mode').replaceChildren(...TRAVEL_MODES.map((m) => option(m, m ? label('setup.mode', m) : t('setup.mode_default'))));
  $('import-kind').replaceChildren(...IMPORT_KINDS.map((k) => option(k, t(`setup.kinds.${k}`))));
  $('source-layer').replaceChildren(...CAMERA_LAYERS.map((k) => option(k, label('setup.camera_kinds', k))));

  $('site-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = e.target.elements;
    await change(
      () => api('PUT', `${BASE}/sites/${encodeURIComponent(f.org.value)}`, { lat: Number(f.lat.value), lon: Number(f.lon.value), address: f.address.value }),
      t('setup.saved'),
    );
  });
  $('post-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = e.target.elements;
    if (await change(() => api('POST', `${BASE}/posts`, { org: f.org.value, name: f.name.value, lat: Number(f.lat.value), lon: Number(f.lon.value) }), t('setup.saved'))) {
      f.name.value = '';
    }
  });
  $('unit-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = e.target.elements;
    const body = {
      call_sign: f.call_sign.value,
      kind: f.kind.value,
      org: f.org.value,
      travel_mode: f.travel_mode.value || null,
      equipment: list(f.equipment.value),
      post: f.post.value.trim() || null,
    };
    const crew = list(f.crew.value);
    // The unit first, then its crew (a crew refused leaves the unit without one, as the
    // table then shows).
    const create = async () => {
      const unit = await api('POST', `${BASE}/units`, body);
      if (crew.length) await setCrew(unit.id, crew);
    };
    if (await change(create, t('setup.saved'))) {
      f.call_sign.value = '';
      f.crew.value = '';
    } else {
      await load();
    }
  });
  $('shift-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = e.target.elements;
    const iso = (v) => new Date(v).toISOString();
    const body = { unit_id: f.unit_id.value, starts_at: iso(f.starts_at.value), ends_at: iso(f.ends_at.value), crew: list(f.crew.value) };
    await change(() => api('POST', `${BASE}/shifts`, body), t('setup.saved'));
  });
  $('key-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = e.target.elements;
    const body = {
      org: f.org.value,
      kind: f.kind.value,
      name_zh: f.name_zh.value,
      name_en: f.name_en.value,
      lat: Number(f.lat.value),
      lon: Number(f.lon.value),
      target_secs: Number(f.target_secs.value),
    };
    await change(() => api('POST', `${BASE}/key-sites`, body), t('setup.saved'));
  });
  $('source-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = e.target.elements;
    const body = {
      org: f.org.value,
      layer: f.layer.value,
      code: f.code.value,
      name: f.name.value,
      lat: Number(f.lat.value),
      lon: Number(f.lon.value),
      url: f.url.value.trim() || null,
    };
    if (await change(() => api('POST', `${BASE}/sources`, body), t('setup.saved'))) {
      f.code.value = '';
      f.name.value = '';
      f.url.value = '';
    }
  });
  $('import-form').addEventListener('submit', (e) => {
    e.preventDefault();
    runImport(e.target, e.submitter && e.submitter.name === 'dry');
  });
}

/** Sends the chosen file; shows the per-row report (a dry run, or the import's outcome). */
async function runImport(form, dryRun) {
  const f = form.elements;
  const file = f.file.files[0];
  if (!file) return;
  const kind = f.kind.value;
  const query = new URLSearchParams({ dry_run: String(dryRun), partial: String(f.partial.checked) });
  let res;
  try {
    res = await fetch(`${BASE}/import/${kind}?${query}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': kind === 'areas' ? 'application/geo+json' : 'text/csv', Accept: 'application/json, application/problem+json' },
      body: await file.text(),
    });
  } catch {
    toast(t('errors.network'), 'error');
    return;
  }
  const body = await res.json().catch(() => null);
  let errors = [];
  if (res.ok && body) {
    errors = body.errors;
    $('import-summary').textContent = t(dryRun ? 'setup.import_checked' : 'setup.import_done', {
      rows: body.rows,
      valid: body.valid,
      imported: body.imported,
    });
  } else if (body && Array.isArray(body.errors)) {
    // All or nothing: the 422 names `line N: field`.
    errors = body.errors.map((e) => {
      const m = /^line (\d+): (.*)$/.exec(e.field) || [null, '', e.field];
      return { line: Number(m[1]), field: m[2], code: e.code, message: e.reason || '' };
    });
    $('import-summary').textContent = t('setup.import_refused');
  } else {
    $('import-summary').textContent = body ? body.detail || body.title : `HTTP ${res.status}`;
  }
  $('import-report').replaceChildren(
    ...errors.map((e) => cells(make('tr'), [String(e.line), e.field, label('setup.codes', e.code), e.message])),
  );
  if (res.ok && !dryRun) await load();
}

if (me) {
  wireForms();
  map = createMap('map', { legend: ['base'] });
  map.on('click', (e) => pick(e.latlng.lat, e.latlng.lng));
  await load();
}
