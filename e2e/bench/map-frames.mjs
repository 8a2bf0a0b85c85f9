// Map benchmark (not a test; figures go to docs/benchmarks.md): the command map's first load
// and its frames while panning and zooming, in headless Chromium against a running server
// (scripts/bench-map.sh starts one). Measured twice in the same run: the vector base map
// (WebGL, SwiftShader on the CPU) and the road-line fallback (WebGL disabled), which is what
// every browser drew before the vector map.
//
//   JINGWU_BASE_URL=http://127.0.0.1:8080 node e2e/bench/map-frames.mjs [rounds]
import { chromium } from 'playwright-core';
import { CHROMIUM } from '../lib/browser.mjs';

const BASE = process.env.JINGWU_BASE_URL;
const ROUNDS = Number(process.argv[2] || 3);
if (!BASE) throw new Error('set JINGWU_BASE_URL');

const q = (v, p) => {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.min(s.length, Math.max(1, Math.ceil(s.length * p))) - 1];
};

async function run(label, webgl) {
  const args = ['--headless', '--no-sandbox', '--no-first-run', '--disable-background-networking'];
  args.push(...(webgl ? ['--enable-unsafe-swiftshader', '--use-angle=swiftshader'] : ['--disable-webgl', '--disable-3d-apis']));
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args });
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${BASE}/login`);
  await page.locator('#username').fill('dispatcher');
  await page.locator('#password').fill('jingwu-demo');
  await page.locator('#submit').click();
  await page.waitForURL(`${BASE}/`);
  // First load of the city view: base-map bytes as transferred (tiles or road lines).
  const base = [];
  context.on('response', (r) => {
    if (/\/api\/v1\/(tiles|roads)/.test(r.url())) base.push(r);
  });
  const t0 = Date.now();
  await page.goto(`${BASE}/command`);
  await page.locator('body[data-ready]').waitFor({ state: 'attached', timeout: 60_000 });
  await page.locator(`body[data-basemap="${webgl ? 'vector' : 'lines'}"]`).waitFor({ state: 'attached', timeout: 60_000 });
  await page.waitForLoadState('networkidle');
  const firstMs = Date.now() - t0;
  let bytes = 0;
  for (const r of base) {
    const s = await r.request().sizes();
    bytes += s.responseBodySize + s.responseHeadersSize;
  }
  // Pan and zoom as a dispatcher does, recording every frame's interval.
  await page.evaluate(() => {
    window.__frames = [];
    let last = performance.now();
    const tick = (t) => {
      window.__frames.push(t - last);
      last = t;
      if (window.__recording) requestAnimationFrame(tick);
    };
    window.__recording = true;
    requestAnimationFrame(tick);
  });
  const map = page.locator('#map');
  const box = await map.boundingBox();
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  for (let round = 0; round < ROUNDS; round++) {
    for (const [dx, dy] of [[300, 0], [0, 200], [-300, 0], [0, -200]]) {
      await page.mouse.move(cx, cy);
      await page.mouse.down();
      for (let i = 1; i <= 15; i++) await page.mouse.move(cx + (dx * i) / 15, cy + (dy * i) / 15);
      await page.mouse.up();
      await page.waitForTimeout(300);
    }
    for (const dz of [-240, -240, 240, 240]) {
      await page.mouse.move(cx, cy);
      await page.mouse.wheel(0, dz);
      await page.waitForTimeout(600);
    }
  }
  const frames = await page.evaluate(() => {
    window.__recording = false;
    return window.__frames.slice(1);
  });
  await browser.close();
  return { label, firstMs, bytes, requests: base.length, frames };
}

const rows = [];
for (const [label, webgl] of [['vector (WebGL, SwiftShader)', true], ['road lines (no WebGL)', false]]) {
  rows.push(await run(label, webgl));
}
console.log(`rounds of 4 pans + 4 zooms: ${ROUNDS}; viewport 1440×900; ${new Date().toISOString()}`);
console.log('| base map | first view ms | base-map KB | requests | frames | frame p50 ms | p95 ms | max ms |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(
    `| ${r.label} | ${r.firstMs} | ${(r.bytes / 1024).toFixed(0)} | ${r.requests} | ${r.frames.length} | ${q(r.frames, 0.5).toFixed(1)} | ${q(r.frames, 0.95).toFixed(1)} | ${Math.max(...r.frames).toFixed(1)} |`,
  );
}
