// 110 setup page against a running `jingwu demo` (see e2e/run.sh): the admin places a station's
// site by clicking the map, adds a unit through the form, checks and imports a station area
// (GeoJSON) and sees the per-row report of a bad file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, chromiumArgs } from '../lib/browser.mjs';

const BASE = process.env.JINGWU_BASE_URL;
const PASSWORD = 'jingwu-demo';

if (!BASE) throw new Error('JINGWU_BASE_URL is not set; run the tests through e2e/run.sh');

let context;
let page;
let dir;
const problems = [];

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'jingwu-setup-'));
  context = await chromium.launchPersistentContext(path.join(dir, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: chromiumArgs(),
    viewport: { width: 1280, height: 900 },
    timeout: 60_000,
  });
  context.setDefaultTimeout(15_000);
  page = context.pages()[0] || (await context.newPage());
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/status of (401|409|422)/.test(msg.text())) problems.push(`console: ${msg.text()}`);
  });
});

after(async () => {
  await context?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('an admin sets up a station through the setup page', async () => {
  await page.goto(`${BASE}/login`);
  await page.locator('#username').fill('admin');
  await page.locator('#password').fill(PASSWORD);
  await page.locator('#submit').click();
  await page.waitForURL(`${BASE}/`);
  await page.locator('a[href="/command/setup"]').click();
  await page.waitForURL(`${BASE}/command/setup`);
  await page.locator('[data-testid=sites] tr').first().waitFor();

  // Place 鼓楼派出所's site by clicking the map.
  const station = await page.evaluate(async () => {
    const sites = await (await fetch('/api/v1/command/setup/sites')).json();
    return sites.find((s) => s.code === '33020301');
  });
  await page.locator('[data-testid=setup-map]').click({ position: { x: 400, y: 200 } });
  const picked = await page.locator('[data-testid=picked]').textContent();
  assert.match(picked, /^\d+\.\d+, \d+\.\d+$/);
  const site = page.locator('[data-testid=site-form]');
  await site.locator('select[name=org]').selectOption(station.org_id);
  await site.locator('input[name=address]').fill('鼓楼派出所新址 <b>');
  await site.locator('button[type=submit]').click();
  await page.locator('[data-testid=sites] td', { hasText: '鼓楼派出所新址 <b>' }).waitFor();
  const moved = await page.evaluate(async () => {
    const sites = await (await fetch('/api/v1/command/setup/sites')).json();
    return sites.find((s) => s.code === '33020301');
  });
  const [lat, lon] = picked.split(', ').map(Number);
  assert.ok(Math.abs(moved.lat - lat) < 1e-5 && Math.abs(moved.lon - lon) < 1e-5);

  // A unit through the form.
  const unit = page.locator('[data-testid=unit-form]');
  await unit.locator('input[name=call_sign]').fill('鼓楼新01');
  await unit.locator('select[name=kind]').selectOption('foot_patrol');
  await unit.locator('select[name=org]').selectOption(station.org_id);
  await unit.locator('input[name=equipment]').fill('shield;aed');
  await unit.locator('button[type=submit]').click();
  const row = page.locator('[data-testid=units] tr', { hasText: '鼓楼新01' });
  await row.waitFor();
  assert.match(await row.textContent(), /shield, aed/);

  // A bad area file: the check reports the feature and the field, nothing is written.
  const bad = path.join(dir, 'bad.geojson');
  await writeFile(bad, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [lon, lat] } }] }));
  const imp = page.locator('[data-testid=import-form]');
  await imp.locator('select[name=kind]').selectOption('areas');
  await imp.locator('[data-testid=import-file]').setInputFiles(bad);
  await page.locator('[data-testid=import-check]').click();
  await page.locator('[data-testid=import-report] tr').first().waitFor();
  const report = await page.locator('[data-testid=import-report]').textContent();
  assert.match(report, /properties\.org_code/);
  assert.match(report, /geometry/);

  // The station's area around its new site.
  const good = path.join(dir, 'area.geojson');
  const d = 0.01;
  const ring = [[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d], [lon - d, lat - d]];
  await writeFile(good, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { org_code: '33020301' }, geometry: { type: 'Polygon', coordinates: [ring] } }] }));
  await imp.locator('[data-testid=import-file]').setInputFiles(good);
  await page.locator('[data-testid=import-go]').click();
  await page.locator('[data-testid=import-summary]', { hasText: '已导入 1 行' }).waitFor();
  const withArea = await page.evaluate(async () => {
    const sites = await (await fetch('/api/v1/command/setup/sites')).json();
    return sites.find((s) => s.code === '33020301');
  });
  assert.equal(withArea.area.type, 'Polygon');
  assert.deepEqual(problems, []);
});
