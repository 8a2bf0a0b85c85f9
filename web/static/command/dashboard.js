// 110 dashboard: statistics from /api/v1/stats/incidents drawn as plain SVG bar charts —
// the period's figures, the trend per day or week, a breakdown by category, district or
// station, and the compliance rate explained rule by rule; every table exports as CSV with
// the same query. Coverage over time (/api/v1/stats/coverage-history) is a line per sampled
// area (the city, its districts). The scope is the caller's own org (the API's default), so a district
// dispatcher opens on their district.
import { boot, api, t, $, make, toast, errorText, mmss, currentLang, label } from '../js/shell.js';
import { loadTaxonomy, taxLabel } from './taxonomy.js';

const SVG = 'http://www.w3.org/2000/svg';
const me = await boot(['dispatcher', 'legal_supervisor']);
let stats = null; // the breakdown (its total is the period's)
let trend = null; // the same period per day or week
let coverage = null; // coverage curves of the same period
const LINE_COLOURS = ['#1a5fb4', '#e66100', '#26a269', '#c01c28', '#613583', '#986a44', '#0c7b93', '#a51d2d', '#5e5c64', '#c64600'];

function svg(tag, attrs, text) {
  const n = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
  if (text !== undefined) n.textContent = text;
  return n;
}

/**
 * Horizontal bars: rows of { label, values: [{ value, colour, text }] }, scaled to `max`.
 * Bars of one row sit under each other.
 */
function bars(rows, { max, unit = '' }) {
  const labelW = 150;
  const barH = 20;
  const gap = 4;
  const width = 520;
  const rowH = (r) => r.values.length * (barH + gap) + 10;
  const height = rows.reduce((s, r) => s + rowH(r), 10);
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img' });
  const scale = (v) => ((width - labelW - 70) * Math.max(0, v)) / (max || 1);
  let y = 5;
  for (const r of rows) {
    root.append(svg('text', { x: 0, y: y + barH - 2 }, r.label));
    r.values.forEach((v, i) => {
      const by = y + i * (barH + gap);
      root.append(svg('rect', { x: labelW, y: by, width: Math.max(1, scale(v.value ?? 0)), height: barH, fill: v.colour, rx: 3 }));
      root.append(svg('text', { x: labelW + scale(v.value ?? 0) + 6, y: by + barH - 4 }, v.value == null ? '—' : `${v.text ?? v.value}${unit}`));
    });
    y += rowH(r);
  }
  root.append(svg('line', { x1: labelW, y1: 0, x2: labelW, y2: height, class: 'axis' }));
  return root;
}

function legend(items) {
  const p = make('p', 'muted');
  for (const [text, colour] of items) {
    const sw = make('span', 'swatch');
    sw.dataset.colour = colour;
    const s = svg('svg', { width: 14, height: 14, class: 'swatch' });
    s.append(svg('rect', { width: 14, height: 14, fill: colour, rx: 3 }));
    p.append(s, document.createTextNode(` ${text}  `));
  }
  return p;
}

const minutes = (s) => (s == null ? null : Math.round((s / 60) * 10) / 10);
const pct = (x) => (x == null ? null : Math.round(x * 1000) / 10);

function render() {
  if (!stats) return;
  const total = stats.total;
  const k = $('kpis');
  k.replaceChildren();
  for (const [key, v] of [
    ['dash.count', total.count],
    ['dash.dispatched', total.dispatched],
    ['dash.arrived', total.arrived],
    ['dash.closed', total.closed],
    ['dash.compliance', total.compliance.rate_pct == null ? '—' : `${total.compliance.rate_pct.toFixed(0)}%`],
  ]) {
    const box = make('div', 'kpi');
    box.append(make('span', 'kpi-value', String(v)), make('span', 'muted', t(key)));
    k.append(box);
  }

  const pctRows = [
    ['dash.acknowledge', 'acknowledge'],
    ['dash.arrive', 'arrive'],
    ['dash.response', 'response'],
    ['dash.close_s', 'close'],
  ].map(([key, f]) => ({
    label: t(key),
    values: [
      { value: minutes(total[`${f}_p50_s`]), colour: '#1a5fb4', text: mmss(total[`${f}_p50_s`]) },
      { value: minutes(total[`${f}_p90_s`]), colour: '#e66100', text: mmss(total[`${f}_p90_s`]) },
    ],
  }));
  const maxMin = Math.max(1, ...pctRows.flatMap((r) => r.values.map((v) => v.value || 0)));
  $('pct').replaceChildren(legend([[t('dash.p50'), '#1a5fb4'], [t('dash.p90'), '#e66100']]), bars(pctRows, { max: maxMin }));

  const shareRows = [
    [1, total.within_60s],
    [3, total.within_180s],
    [5, total.within_300s],
  ].map(([m, v]) => ({ label: t('dash.within', { m }), values: [{ value: pct(v), colour: m === 3 ? '#26a269' : '#57a773' }] }));
  $('shares').replaceChildren(bars(shareRows, { max: 100, unit: '%' }));

  const groups = [...stats.groups].sort((a, b) => b.count - a.count).slice(0, 15);
  const box = $('stations');
  if (!groups.length) {
    box.replaceChildren(make('p', 'muted', t('dash.no_data')));
  } else {
    const maxCount = Math.max(1, ...groups.map((g) => g.count));
    box.replaceChildren(
      legend([[t('dash.count'), '#1a5fb4'], [t('dash.closed'), '#26a269']]),
      bars(
        groups.map((g) => ({
          label: groupLabel(stats.group_by, g),
          values: [
            { value: g.count, colour: '#1a5fb4' },
            { value: g.closed, colour: '#26a269' },
          ],
        })),
        { max: maxCount },
      ),
    );
  }
  renderTrend();
  renderCoverage();
  renderCompliance();
}

/** A group's name in the page's language (categories from the dictionary). */
function groupLabel(groupBy, g) {
  if (groupBy === 'category') return taxLabel('cat', g.key);
  if (groupBy === 'priority') return label('priority', g.key);
  return g.label;
}

/** Per day or week: how many incidents, and how fast the first unit arrived (P50 / P90). */
function renderTrend() {
  const rows = trend ? trend.groups : [];
  const count = $('trend-count');
  const times = $('trend-times');
  if (!rows.length) {
    count.replaceChildren(make('p', 'muted', t('dash.no_data')));
    times.replaceChildren();
    return;
  }
  const maxCount = Math.max(1, ...rows.map((g) => g.count));
  count.replaceChildren(
    legend([[t('dash.count'), '#1a5fb4'], [t('dash.closed'), '#26a269']]),
    bars(
      rows.map((g) => ({
        label: g.key,
        values: [
          { value: g.count, colour: '#1a5fb4' },
          { value: g.closed, colour: '#26a269' },
        ],
      })),
      { max: maxCount },
    ),
  );
  const timeRows = rows.map((g) => ({
    label: g.key,
    values: [
      { value: minutes(g.response_p50_s), colour: '#1a5fb4', text: mmss(g.response_p50_s) },
      { value: minutes(g.response_p90_s), colour: '#e66100', text: mmss(g.response_p90_s) },
    ],
  }));
  const maxMin = Math.max(1, ...timeRows.flatMap((r) => r.values.map((v) => v.value || 0)));
  times.replaceChildren(legend([[t('dash.p50'), '#1a5fb4'], [t('dash.p90'), '#e66100']]), bars(timeRows, { max: maxMin }));
}

/**
 * Coverage over time: one polyline per area for the chosen circle, 0–100 % on the y axis,
 * the period on the x axis; each point's value in its tooltip (set as text).
 */
function renderCoverage() {
  const box = $('coverage-history');
  const series = coverage ? coverage.series.filter((s) => s.points.length) : [];
  if (!series.length) {
    box.replaceChildren(make('p', 'muted', t('dash.coverage_none')));
    return;
  }
  const key = `share_${$('coverage-limit').value}`;
  const [width, height, left, bottom, top] = [520, 220, 40, 24, 8];
  const from = Date.parse(coverage.from);
  const to = Date.parse(coverage.to);
  const x = (iso) => left + ((width - left - 8) * (Date.parse(iso) - from)) / Math.max(1, to - from);
  const y = (share) => top + (height - top - bottom) * (1 - Math.min(1, Math.max(0, share)));
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img' });
  for (const p of [0, 0.5, 1]) {
    root.append(svg('line', { x1: left, y1: y(p), x2: width - 8, y2: y(p), class: 'axis' }));
    root.append(svg('text', { x: 0, y: y(p) + 4 }, `${p * 100}%`));
  }
  const when = (iso) => new Date(iso).toLocaleString(currentLang() === 'en' ? 'en-GB' : 'zh-CN', { hour12: false });
  root.append(svg('text', { x: left, y: height - 6 }, when(coverage.from)));
  root.append(svg('text', { x: width - 8, y: height - 6, 'text-anchor': 'end' }, when(coverage.to)));
  const items = [];
  series.forEach((s, i) => {
    const colour = LINE_COLOURS[i % LINE_COLOURS.length];
    const name = currentLang() === 'en' ? s.name_en : s.name_zh;
    items.push([name, colour]);
    const line = svg('polyline', {
      points: s.points.map((p) => `${x(p.at).toFixed(1)},${y(p[key]).toFixed(1)}`).join(' '),
      fill: 'none',
      stroke: colour,
      'stroke-width': i === 0 ? 2.5 : 1.5,
    });
    line.dataset.org = s.code;
    root.append(line);
    for (const p of s.points) {
      const dot = svg('circle', { cx: x(p.at).toFixed(1), cy: y(p[key]).toFixed(1), r: 2.5, fill: colour });
      dot.append(svg('title', {}, t('dash.coverage_point', { name, at: when(p.at), pct: pct(p[key]) })));
      root.append(dot);
    }
  });
  box.replaceChildren(legend(items), root);
}

/** The compliance rate with its reasons: how many closed incidents failed each rule. */
function renderCompliance() {
  const c = stats.total.compliance;
  const rule = stats.compliance_rule;
  const box = $('compliance');
  const head = make(
    'p',
    null,
    c.rate_pct == null
      ? t('dash.no_data')
      : t('dash.compliance_line', { rate: c.rate_pct.toFixed(0), compliant: c.compliant, closed: c.closed }),
  );
  const cats = rule.photo_categories.map((k) => taxLabel('cat', k)).join(currentLang() === 'en' ? ', ' : '、');
  // Each rule: its count, its full wording (listed) and a short name (the chart's label).
  const rules = [
    ['missing_scene_photos', t('dash.rule_photos', { n: rule.min_scene_photos, cats })],
    ['result_text_too_short', t('dash.rule_text', { n: rule.min_result_text_chars })],
    ['missing_result_code', t('dash.rule_code')],
    ['missing_arrival', t('dash.rule_arrival')],
  ];
  const list = make('ul', 'rule-list');
  list.dataset.testid = 'compliance-rules';
  for (const [k, text] of rules) {
    const li = make('li', null, `${text}: `);
    li.dataset.rule = k;
    li.append(make('strong', null, String(c.failures[k])));
    list.append(li);
  }
  const rows = rules.map(([k]) => ({ label: t(`dash.rule_name.${k}`), values: [{ value: c.failures[k], colour: '#c01c28' }] }));
  box.replaceChildren(head, list, bars(rows, { max: Math.max(1, c.closed) }));
}

/** The period shown: the chosen number of days up to now. */
function periodQuery() {
  const days = Number($('period').value);
  const to = new Date();
  const from = new Date(to.getTime() - days * 86400_000);
  return `from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`;
}

/** The query of what is shown, for the API and its CSV export. */
function query(groupBy) {
  return `${periodQuery()}&group_by=${groupBy}`;
}

async function load() {
  const by = $('breakdown').value;
  const step = $('trend-step').value;
  try {
    [stats, trend, coverage] = await Promise.all([
      api('GET', `/api/v1/stats/incidents?${query(by)}`),
      api('GET', `/api/v1/stats/incidents?${query(step)}`),
      api('GET', `/api/v1/stats/coverage-history?${periodQuery()}`),
    ]);
    $('export-breakdown').href = `/api/v1/stats/incidents.csv?${query(by)}`;
    $('export-trend').href = `/api/v1/stats/incidents.csv?${query(step)}`;
    render();
    document.body.dataset.ready = '1';
  } catch (err) {
    toast(errorText(err), 'error');
  }
}

if (me) {
  const org = me.org || {};
  $('scope').textContent = t('dash.scope', { org: currentLang() === 'en' ? org.name_en : org.name_zh });
  // A city room looks at its districts first; a district room at its stations.
  $('breakdown').value = org.kind === 'city' ? 'district' : 'station';
  for (const id of ['period', 'breakdown', 'trend-step']) $(id).addEventListener('change', load);
  const limits = $('coverage-limit');
  const limitLabels = () => {
    for (const o of limits.options) o.textContent = t('dash.within', { m: Number(o.value) / 60 });
  };
  limitLabels();
  limits.addEventListener('change', renderCoverage);
  document.addEventListener('langchange', limitLabels);
  // Without the taxonomy, categories show as their codes.
  await loadTaxonomy().catch(() => null);
  document.addEventListener('langchange', render);
  await load();
  setInterval(load, 60_000);
}
