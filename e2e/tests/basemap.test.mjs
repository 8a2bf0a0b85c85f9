// The command map's base map (see e2e/run.sh): vector tiles from Jingwu's own road network,
// drawn by MapLibre GL (SwiftShader stands in for a GPU), with street and station names, a
// scale bar and a legend. The first city view's tiles stay within 300 KB.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser } from '../lib/browser.mjs';

const BASE = process.env.JINGWU_BASE_URL;
const OUT = process.env.E2E_OUT || 'e2e/out';
const TIMEOUT = 30_000;

if (!BASE) throw new Error('JINGWU_BASE_URL is not set; run the tests through e2e/run.sh');

let browser;

before(async () => {
  browser = await launchBrowser({ webgl: true });
});

after(async () => {
  await browser?.close();
});

/** Names the base map has drawn in `layers` (rendered, not merely loaded). */
function renderedNames(page, layers) {
  return page.evaluate(
    (ls) => [...new Set(document.querySelector('#map').basemap.queryRenderedFeatures({ layers: ls }).map((f) => f.properties.name))],
    layers,
  );
}

test('the command map is a named vector map with a scale and a legend', async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  context.setDefaultTimeout(TIMEOUT);
  const page = await context.newPage();
  const problems = [];
  // Tiles are fetched by MapLibre's worker: count them from the browser's network events.
  const tiles = [];
  context.on('response', (r) => {
    if (r.url().includes('/api/v1/tiles/')) tiles.push(r);
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/status of 401/.test(msg.text())) problems.push(`console: ${msg.text()}`);
  });
  await page.goto(`${BASE}/login`);
  await page.locator('#username').fill('dispatcher');
  await page.locator('#password').fill('jingwu-demo');
  await page.locator('#submit').click();
  await page.waitForURL(`${BASE}/`);
  await page.goto(`${BASE}/command`);
  await page.locator('body[data-ready]').waitFor({ state: 'attached' });
  await page.locator('body[data-basemap="vector"]').waitFor({ state: 'attached' });

  // First load of the city view: every tile, compressed, as transferred.
  let tileBytes = 0;
  for (const r of tiles) {
    assert.equal(r.status(), 200, r.url());
    const sizes = await r.request().sizes();
    tileBytes += sizes.responseBodySize + sizes.responseHeadersSize;
  }
  console.log(`basemap: city view ${tiles.length} tiles transferred ${tileBytes} bytes`);
  assert.ok(tileBytes > 0 && tileBytes <= 300 * 1024, `city view tiles: ${tileBytes} bytes`);

  // Station and district names at the city view.
  const orgs = await renderedNames(page, ['org-labels']);
  assert.ok(orgs.some((n) => n.endsWith('派出所')), `station names: ${orgs}`);

  // The legend explains the base map and the live layers; the scale bar is there.
  const legend = page.locator('[data-testid="map-legend"]');
  await legend.waitFor();
  for (const text of ['图例', '主干路', '派出所辖区界', '重点单位', '可用', '1 分钟覆盖']) {
    assert.ok((await legend.innerText()).includes(text), `legend lacks ${text}`);
  }
  await page.locator('.leaflet-control-scale-line').waitFor();

  // Closer in, the streets carry their names.
  const z0 = await page.evaluate(() => document.querySelector('#map').basemap.getZoom());
  for (let i = 0; i < 3; i++) {
    await page.locator('.leaflet-control-zoom-in').click();
    await page.waitForFunction((z) => document.querySelector('#map').basemap.getZoom() >= z - 0.01, z0 + i + 1);
  }
  await page.waitForFunction(() => {
    const gl = document.querySelector('#map').basemap;
    return gl.areTilesLoaded() && !gl.isMoving() && gl.queryRenderedFeatures({ layers: ['road-names'] }).length > 0;
  });
  // Labels fade in; the picture is taken once the map has settled.
  await page.evaluate(() => new Promise((resolve) => document.querySelector('#map').basemap.once('idle', resolve)));
  const streets = await renderedNames(page, ['road-names']);
  assert.ok(streets.length >= 3 && streets.every((n) => /[路街道巷]$/.test(n)), `street names: ${streets}`);
  await page.screenshot({ path: `${OUT}/command-map.png` });
  assert.deepEqual(problems, []);
  await context.close();
});
