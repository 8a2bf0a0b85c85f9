// The hazmat page: open a response to a release, see its threat zones drawn from the live
// wind of the nearest weather stations, what lies inside, fire units by road travel time, the
// 1335 linkage steps against their 1/3/5-minute targets, field readings and CAP alerts.
import { boot, api, t, $, make, toast, errorText, clock, mmss, currentLang } from '../js/shell.js';
import { createMap } from '../command/mapkit.js';

const L = window.L;
const me = await boot(['fire_commander', 'dispatcher']);
const commander = me && (me.role === 'fire_commander');

const [codes, chemicals] = me
  ? await Promise.all([api('GET', '/api/v1/hazmat/codes'), api('GET', '/api/v1/hazmat/chemicals')])
  : [null, []];
const zh = () => currentLang() !== 'en';
const codeLabel = (list, code) => {
  const c = (codes?.[list] || []).find((x) => x.code === code);
  return c ? (zh() ? c.label_zh : c.label_en) : code;
};
const chemName = (c) => (zh() ? c.name_zh : c.name_en);

const map = createMap('map', { legend: ['base'] });
const stationLayer = L.layerGroup().addTo(map);
const unitLayer = L.layerGroup().addTo(map);
const zoneLayer = L.geoJSON(null, {
  style: (f) => ({ color: f.properties.color, weight: 2, fillColor: f.properties.color, fillOpacity: f.properties.kind === 'threat_zone' ? 0.18 : 0.05, dashArray: f.properties.kind === 'protective_action' ? '6 4' : null }),
}).addTo(map);
const impactLayer = L.layerGroup().addTo(map);
const pickLayer = L.layerGroup().addTo(map);
L.control.layers(null, {
  [t('fire.layer_stations')]: stationLayer,
  [t('fire.layer_units')]: unitLayer,
  [t('fire.layer_zones')]: zoneLayer,
  [t('fire.layer_inside')]: impactLayer,
}, { collapsed: true }).addTo(map);

let current = null; // the selected response's detail
let picked = null; // [lat, lon] clicked on the map
let enterpriseChoice = null;

function options(select, list, value) {
  select.replaceChildren(...list.map((c) => {
    const o = make('option', null, c.label);
    o.value = c.value;
    if (c.value === value) o.selected = true;
    return o;
  }));
}

function fillForm() {
  options($('f-chemical'), chemicals.map((c) => ({ value: c.id, label: `UN${c.un_number} ${chemName(c)}` })), 'chem-UN1017');
  options($('f-kind'), codes.release_kinds.map((c) => ({ value: c.code, label: codeLabel('release_kinds', c.code) })), 'continuous');
  options($('f-spill'), codes.spill_sizes.map((c) => ({ value: c.code, label: codeLabel('spill_sizes', c.code) })), 'small');
  options($('f-sigma'), codes.sigma_sets.map((c) => ({ value: c.code, label: codeLabel('sigma_sets', c.code) })), 'briggs_urban');
  options($('r-source'), codes.reading_sources.map((c) => ({ value: c.code, label: codeLabel('reading_sources', c.code) })), 'robot');
}

function windIcon(s) {
  const from = s.latest?.wind_dir_deg_from ?? 0;
  // The arrow points where the wind blows to (set through the CSSOM: the page's CSP allows
  // no inline style attributes).
  const arrow = make('span', null, '↑');
  arrow.style.transform = `rotate(${(from + 180) % 360}deg)`;
  return L.divIcon({
    className: `wind-icon${s.usable ? '' : ' stale'}`,
    html: arrow,
    iconSize: [20, 20],
    iconAnchor: [10, 10],
  });
}

async function loadStations() {
  const list = await api('GET', '/api/v1/hazmat/stations');
  stationLayer.clearLayers();
  for (const s of list) {
    const o = s.latest;
    const tip = o
      ? `${s.name} · ${t('fire.wind_from')} ${o.wind_dir_deg_from ?? '—'}° ${o.wind_speed_ms} m/s · ${s.stability ? s.stability.class : '—'} · ${clock(o.obs_time)}`
      : `${s.name} · ${t('fire.no_obs')}`;
    L.marker([s.lat, s.lon], { icon: windIcon(s), keyboard: false }).bindTooltip(tip).addTo(stationLayer);
  }
}

async function loadUnits() {
  const list = await api('GET', '/api/v1/hazmat/fire-units');
  unitLayer.clearLayers();
  for (const u of list) {
    const icon = L.divIcon({ className: 'fire-icon', html: '<span>消</span>', iconSize: [22, 22], iconAnchor: [11, 11] });
    L.marker([u.lat, u.lon], { icon }).bindTooltip(`${u.call_sign} · ${codeLabel('fire_unit_kinds', u.kind)} · ${u.station_name}`).addTo(unitLayer);
  }
}

async function loadList() {
  const list = await api('GET', '/api/v1/hazmat/responses');
  const ul = $('responses');
  ul.replaceChildren();
  if (!list.length) ul.append(make('li', 'muted', t('cmd.none')));
  for (const r of list) {
    const li = make('li', r.response.closed_at ? 'closed' : '', `${r.response.title} · ${zh() ? r.chemical_name_zh : r.chemical_name_en} · ${codeLabel('response_levels', r.response.level)}`);
    li.dataset.id = r.response.id;
    li.tabIndex = 0;
    li.setAttribute('aria-current', String(current?.response.id === r.response.id));
    li.addEventListener('click', () => select(r.response.id));
    li.addEventListener('keydown', (e) => { if (e.key === 'Enter') select(r.response.id); });
    ul.append(li);
  }
}

async function select(id) {
  try {
    current = await api('GET', `/api/v1/hazmat/responses/${id}`);
  } catch (err) {
    toast(errorText(err), 'error');
    return;
  }
  render();
  loadList();
}

function km(m) {
  return m >= 1000 ? `${(m / 1000).toFixed(1)} km` : `${Math.round(m)} m`;
}

function render() {
  const d = current;
  $('detail').hidden = !d;
  zoneLayer.clearLayers();
  impactLayer.clearLayers();
  if (!d) return;
  const r = d.response;
  $('d-title').textContent = r.title;
  const level = $('d-level');
  level.className = `level-badge ${r.level}`;
  level.textContent = codeLabel('response_levels', d.picture?.suggested_level ?? r.level);
  const amount = r.release_kind === 'continuous' ? `${r.amount} g/s` : `${r.amount / 1000} kg`;
  $('d-summary').textContent = `UN${d.chemical.un_number} ${chemName(d.chemical)} · ${codeLabel('release_kinds', r.release_kind)} ${amount} · ${codeLabel('spill_sizes', r.spill)}${r.closed_at ? ` · ${t('fire.closed')}` : ''}`;

  // Linkage steps against their targets.
  const steps = $('d-steps');
  steps.replaceChildren();
  for (const s of d.steps) {
    const li = make('li');
    li.dataset.step = s.step;
    const name = make('b', null, `${codeLabel('linkage_steps', s.step)} (${s.target_s / 60} ${t('fire.min')})`);
    li.append(name, document.createTextNode(' '));
    if (s.done_at) {
      li.append(make('span', s.late ? 'late' : 'done', `${clock(s.done_at)}${s.late ? ` · ${t('fire.late')}` : ''}`));
    } else {
      li.append(make('span', s.late ? 'late' : 'muted', `${t('fire.due')} ${clock(s.due_at)}${s.late ? ` · ${t('fire.overdue')}` : ''}`));
      if (commander && !r.closed_at && s.step !== 'public_warning') {
        const b = make('button', 'btn btn-small', t('fire.mark_done'));
        b.type = 'button';
        b.dataset.testid = `step-${s.step}`;
        b.addEventListener('click', () => act(`/api/v1/hazmat/responses/${r.id}/steps/${s.step}`, {}));
        li.append(document.createTextNode(' '), b);
      }
    }
    steps.append(li);
  }

  const p = d.picture;
  $('d-weather-problem').hidden = !d.weather_problem;
  $('d-weather-problem').textContent = d.weather_problem ? `${t('fire.no_weather')} (${d.weather_problem})` : '';
  const w = $('d-weather');
  w.replaceChildren();
  const zones = $('d-zones');
  zones.replaceChildren();
  const flags = $('d-flags');
  flags.replaceChildren();
  const ents = $('d-enterprises');
  ents.replaceChildren();
  const units = $('d-units');
  units.replaceChildren();
  $('d-fit').textContent = '';
  $('d-impact-more').textContent = '';
  L.marker([r.lat, r.lon], { icon: L.divIcon({ className: 'release-icon', html: '<span></span>', iconSize: [24, 24], iconAnchor: [12, 12] }) }).addTo(impactLayer);
  if (p) {
    const st = p.weather.stability;
    w.append(make('p', null, `${t('fire.wind_from')} ${Math.round(p.weather.wind_from_deg)}° · ${p.weather.wind_speed_ms.toFixed(1)} m/s · ${t('fire.stability')} ${st.class} (${codeLabel('stability_methods', st.method)})`));
    w.append(make('p', 'muted', `${t('fire.stations_used')}: ${p.weather.sources.map((s) => `${s.station_name} ${km(s.distance_m)} ${mmss(s.age_s)}`).join('；')}`));
    for (const z of p.zones.zones) {
      const li = make('li');
      li.dataset.tier = z.tier;
      const sw = make('span', 'sw');
      sw.style.background = z.tier === 3 ? 'red' : z.tier === 2 ? 'orange' : 'yellow';
      li.append(sw, make('span', null, `${z.label} · ${z.length_m ? (z.beyond_range ? '> 10 km' : km(z.length_m)) : t('fire.not_reached')}`));
      zones.append(li);
    }
    if (p.isolation) zones.append(make('li', null, `${t('fire.isolation')} ${km(p.isolation.radius_m)}`));
    for (const f of p.zones.flags) flags.append(make('li', null, codeLabel('zone_flags', f)));
    zoneLayer.addData(p.geojson);
    const bounds = zoneLayer.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds.pad(0.3), { maxZoom: 16 });
    const inside = p.impact.enterprises;
    // The most endangered first (the server's order); the map shows every one.
    for (const e of inside.slice(0, 50)) {
      ents.append(make('li', null, `${e.name}${e.tier ? ` · ${t(`fire.tier${e.tier}`)}` : ''}${e.isolation ? ` · ${t('fire.isolation')}` : ''} · ${km(e.distance_m)}`));
    }
    if (inside.length > 50) ents.append(make('li', 'muted', t('fire.more', { n: inside.length - 50 })));
    for (const e of inside) {
      L.circleMarker([e.lat, e.lon], { radius: 5, color: '#fff', weight: 1, fillColor: '#6a1b9a', fillOpacity: 0.9 }).bindTooltip(e.name).addTo(impactLayer);
    }
    if (!inside.length) ents.append(make('li', 'muted', t('cmd.none')));
    const roads = p.impact.roads.map((x) => `${t(`fire.tier${x.tier}`)} ${x.segments} ${t('fire.segments')} ${km(x.length_m)}`).join('；');
    $('d-impact-more').textContent = `${t('fire.vehicles_inside')} ${p.impact.vehicles.length} · ${t('fire.key_sites_inside')} ${p.impact.key_sites.length}${roads ? ` · ${t('fire.roads_inside')} ${roads}` : ''}`;
    for (const u of p.fire_units) {
      const li = make('li', null, `${u.unit.call_sign} · ${codeLabel('fire_unit_kinds', u.unit.kind)} · ${u.unit.station_name} · ${mmss(u.eta_s)}`);
      units.append(li);
    }
    if (!p.fire_units.length) units.append(make('li', 'muted', t('cmd.none')));
    if (p.fit) $('d-fit').textContent = `${t('fire.fit')} ${p.fit.q_g_s.toPrecision(3)} (${p.fit.used}/${p.fit.used + p.fit.rejected})`;
  }
  const alerts = $('d-alerts');
  alerts.replaceChildren();
  for (const a of d.alerts) {
    const li = make('li');
    const link = make('a', null, `${a.msg_type} · ${a.identifier} · ${clock(a.sent_at)}`);
    link.href = `/api/v1/hazmat/alerts/${a.id}`;
    link.target = '_blank';
    li.append(link);
    alerts.append(li);
  }
  $('alert-btn').textContent = t(d.alerts.length ? 'fire.update_alert' : 'fire.issue_alert');
  for (const id of ['alert-btn', 'close-btn']) $(id).hidden = !commander || !!r.closed_at;
  $('reading-form').hidden = !commander || !!r.closed_at;
}

async function act(path, body) {
  try {
    const res = await api('POST', path, body);
    if (res && res.response) current = res;
    else if (current) current = await api('GET', `/api/v1/hazmat/responses/${current.response.id}`);
    render();
    loadList();
    return res;
  } catch (err) {
    toast(errorText(err), 'error');
    return null;
  }
}

function setPick(lat, lon) {
  picked = [lat, lon];
  pickLayer.clearLayers();
  L.circleMarker(picked, { radius: 7, color: '#0d47a1', weight: 3, fillOpacity: 0 }).addTo(pickLayer);
  if (!$('new-form').hidden) {
    $('f-lat').value = lat.toFixed(6);
    $('f-lon').value = lon.toFixed(6);
    enterpriseChoice = null;
  }
}

map.on('click', (e) => setPick(e.latlng.lat, e.latlng.lng));

let searchTimer = null;
let found = [];
$('f-enterprise-q').addEventListener('input', () => {
  const q = $('f-enterprise-q').value.trim();
  const hit = found.find((e) => `${e.name}（${e.uscc}）` === q);
  if (hit) {
    enterpriseChoice = hit;
    $('f-lat').value = hit.lat.toFixed(6);
    $('f-lon').value = hit.lon.toFixed(6);
    if (!$('f-title').value) $('f-title').value = `${hit.name}${t('fire.leak')}`;
    const held = hit.stocks.find((s) => chemicals.some((c) => c.id === s.chemical_id));
    if (held) $('f-chemical').value = held.chemical_id;
    setPick(hit.lat, hit.lon);
    enterpriseChoice = hit;
    map.setView([hit.lat, hit.lon], 15);
    return;
  }
  clearTimeout(searchTimer);
  if (q.length < 2) return;
  searchTimer = setTimeout(async () => {
    try {
      const page = await api('GET', `/api/v1/hazmat/enterprises?q=${encodeURIComponent(q)}&limit=20`);
      found = page.items;
      $('f-enterprise-list').replaceChildren(...found.map((e) => {
        const o = make('option');
        o.value = `${e.name}（${e.uscc}）`;
        return o;
      }));
    } catch (err) {
      toast(errorText(err), 'error');
    }
  }, 250);
});

$('f-kind').addEventListener('change', () => {
  $('f-amount-label').textContent = t($('f-kind').value === 'continuous' ? 'fire.rate' : 'fire.mass');
});

$('new-btn').addEventListener('click', () => {
  $('new-form').hidden = false;
  if (picked) setPick(picked[0], picked[1]);
  $('f-title').focus();
});
$('f-cancel').addEventListener('click', () => { $('new-form').hidden = true; });

$('new-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const err = $('f-error');
  err.hidden = true;
  const num = (id) => Number.parseFloat($(id).value);
  const body = {
    title: $('f-title').value.trim(),
    chemical_id: $('f-chemical').value,
    release_kind: $('f-kind').value,
    amount: $('f-kind').value === 'continuous' ? num('f-amount') : num('f-amount') * 1000,
    height_m: num('f-height') || 0,
    spill: $('f-spill').value,
    sigma_set: $('f-sigma').value,
  };
  if (enterpriseChoice) body.enterprise_id = enterpriseChoice.id;
  if ($('f-lat').value && $('f-lon').value) {
    body.lat = num('f-lat');
    body.lon = num('f-lon');
  }
  try {
    current = await api('POST', '/api/v1/hazmat/responses', body);
    $('new-form').hidden = true;
    $('new-form').reset();
    fillForm();
    enterpriseChoice = null;
    toast(t('fire.opened'));
    render();
    loadList();
  } catch (ex) {
    const fields = ex.problem?.errors?.map((f) => `${f.field}: ${f.reason}`).join('；');
    err.textContent = fields ? `${errorText(ex)} — ${fields}` : errorText(ex);
    err.hidden = false;
  }
});

$('reading-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  if (!current) return;
  if (!picked) {
    toast(t('fire.reading_hint'), 'error');
    return;
  }
  const ppm = Number.parseFloat($('r-ppm').value);
  const res = await act(`/api/v1/hazmat/responses/${current.response.id}/readings`, { lat: picked[0], lon: picked[1], ppm, source: $('r-source').value });
  if (res) $('r-ppm').value = '';
});

$('alert-btn').addEventListener('click', async () => {
  if (!current) return;
  const msg = current.alerts.length ? 'Update' : 'Alert';
  const res = await act(`/api/v1/hazmat/responses/${current.response.id}/alerts`, { msg_type: msg, exercise: $('alert-exercise').checked });
  if (res) toast(t('fire.alert_issued', { id: res.identifier }));
});

$('close-btn').addEventListener('click', async () => {
  if (!current || !window.confirm(t('fire.close_confirm'))) return;
  await act(`/api/v1/hazmat/responses/${current.response.id}/close`, {});
});

// Live: a new observation moves the zones; a change of a response redraws it.
let refreshTimer = null;
function live() {
  const es = new EventSource('/api/v1/hazmat/events');
  const dot = $('live');
  es.addEventListener('open', () => dot.classList.add('on'));
  es.addEventListener('error', () => dot.classList.remove('on'));
  es.addEventListener('hazmat', (ev) => {
    const e = JSON.parse(ev.data);
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(async () => {
      if (e.kind === 'weather') loadStations().catch(() => {});
      if (current && (e.kind === 'weather' || e.response_id === current.response.id)) {
        try {
          current = await api('GET', `/api/v1/hazmat/responses/${current.response.id}`);
          render();
        } catch {
          // The next event or a reload shows it.
        }
      }
      if (e.kind === 'response') loadList().catch(() => {});
    }, 300);
  });
  es.addEventListener('lagged', () => loadList());
}

if (me) {
  try {
    fillForm();
    $('new-btn').hidden = !commander;
    await Promise.all([loadStations(), loadUnits(), loadList()]);
    live();
  } catch (err) {
    toast(errorText(err), 'error');
  }
  document.body.dataset.ready = '1';
}
