// Intake by address (see e2e/run.sh): the dispatcher types a real address of the demo city into
// the intake form, picks the suggested candidate, and the incident is created at that address.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser } from '../lib/browser.mjs';

const BASE = process.env.JINGWU_BASE_URL;
const TIMEOUT = 20_000;

if (!BASE) throw new Error('JINGWU_BASE_URL is not set; run the tests through e2e/run.sh');

let browser;
const problems = [];

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

/** Metres between two points (haversine, mean Earth radius). */
function metres(a, b) {
  const r = 6_371_008.8;
  const rad = Math.PI / 180;
  const dlat = (b.lat - a.lat) * rad;
  const dlon = (b.lon - a.lon) * rad;
  const h = Math.sin(dlat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dlon / 2) ** 2;
  return 2 * r * Math.asin(Math.sqrt(h));
}

test('intake by address: type, pick the candidate, the incident is there', async (t) => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  context.setDefaultTimeout(TIMEOUT);
  const desk = await context.newPage();
  desk.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  desk.on('console', (msg) => {
    if (msg.type() === 'error' && !/status of 401/.test(msg.text())) problems.push(`console: ${msg.text()}`);
  });
  await desk.goto(`${BASE}/login`);
  await desk.locator('#username').fill('dispatcher');
  await desk.locator('#password').fill('jingwu-demo');
  await desk.locator('#submit').click();
  await desk.waitForURL(`${BASE}/`);
  await desk.goto(`${BASE}/command`);
  await desk.locator('body[data-ready]').waitFor({ state: 'attached' });

  // A real address of the demo city: the one nearest to a unit (the city's names come from the
  // road network, so any unit will do).
  const address = await desk.evaluate(async () => {
    const units = await (await fetch('/api/v1/units')).json();
    const u = units.find((x) => x.lat != null);
    const r = await fetch(`/api/v1/geocode/reverse?lat=${u.lat}&lon=${u.lon}`);
    return r.json();
  });
  assert.equal(address.kind, 'house');
  assert.match(address.label, /号$/);

  let created;
  await t.test('typing the address suggests it; picking it sets the location', async () => {
    await desk.locator('[data-testid=new-incident]').click();
    await desk.locator('[data-testid=new-form]').waitFor();
    // Typed the way a call-taker hears it: with 附近 at the end.
    await desk.locator('[data-testid=f-address]').pressSequentially(`${address.label}附近`, { delay: 10 });
    const option = desk.locator('[data-testid=address-option]').first();
    await option.waitFor();
    assert.equal(await desk.locator('[data-testid=f-address]').getAttribute('aria-expanded'), 'true');
    assert.match(await option.textContent(), new RegExp(address.label));
    await option.click();
    await desk.locator('[data-testid=address-suggestions]').waitFor({ state: 'hidden' });
    assert.equal(await desk.locator('[data-testid=f-address]').inputValue(), address.label);
    const lat = Number(await desk.locator('[data-testid=f-lat]').inputValue());
    const lon = Number(await desk.locator('[data-testid=f-lon]').inputValue());
    assert.ok(metres({ lat, lon }, address) < 1, `${lat},${lon} vs ${address.lat},${address.lon}`);
  });

  await t.test('the incident is created at the address', async () => {
    await desk.locator('[data-testid=f-category]').selectOption('criminal');
    await desk.locator('[data-testid=f-subcategory]').selectOption('theft');
    await desk.locator('[data-testid=f-description]').fill('按地址接警（端到端测试）');
    const response = desk.waitForResponse((r) => r.url().endsWith('/api/v1/incidents') && r.request().method() === 'POST');
    await desk.locator('[data-testid=f-submit]').click();
    const r = await response;
    assert.equal(r.status(), 201, await r.text());
    created = (await r.json()).incident;
    await desk.locator('[data-testid=detail]').waitFor();
    assert.equal(created.address, address.label);
    assert.ok(metres(created, address) < 1, `${created.lat},${created.lon} vs ${address.lat},${address.lon}`);
  });

  await t.test('a street name as typed so far suggests the street', async () => {
    await desk.locator('[data-testid=new-incident]').click();
    await desk.locator('[data-testid=new-form]').waitFor();
    await desk.locator('[data-testid=f-address]').pressSequentially(address.street, { delay: 10 });
    await desk.locator('[data-testid=address-option]').first().waitFor();
    const kinds = await desk.locator('[data-testid=address-option] .address-kind').allTextContents();
    assert.ok(kinds.includes('道路'), kinds.join(','));
    await desk.keyboard.press('Escape');
  });

  await t.test('no script errors', () => {
    assert.deepEqual(problems, []);
  });
  await context.close();
});
