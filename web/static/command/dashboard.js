// 110 dashboard: statistics from /api/v1/stats/incidents drawn as plain SVG bar charts.
import { boot, api, t, $, make, toast, errorText, mmss } from '../js/shell.js';

const SVG = 'http://www.w3.org/2000/svg';
const me = await boot(['dispatcher', 'legal_supervisor']);
let stats = null;

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
          label: g.label,
          values: [
            { value: g.count, colour: '#1a5fb4' },
            { value: g.closed, colour: '#26a269' },
          ],
        })),
        { max: maxCount },
      ),
    );
  }
}

async function load() {
  const days = Number($('period').value);
  const to = new Date();
  const from = new Date(to.getTime() - days * 86400_000);
  try {
    stats = await api('GET', `/api/v1/stats/incidents?from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`);
    render();
    document.body.dataset.ready = '1';
  } catch (err) {
    toast(errorText(err), 'error');
  }
}

if (me) {
  $('period').addEventListener('change', load);
  document.addEventListener('langchange', render);
  await load();
  setInterval(load, 60_000);
}
