// The hazmat response in the browser against `jingwu demo` (see e2e/run.sh): the city fire
// commander opens a chlorine release at a demo enterprise found by name; the threat zones are
// drawn from the nearest stations' live wind, the enterprises inside and the fire units by road
// time are listed; the dispatch and linkage steps and the CAP alert (the public warning) are
// timestamped against their 1/3/5-minute targets.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { launchBrowser } from '../lib/browser.mjs';

const BASE = process.env.JINGWU_BASE_URL;
const OUT = process.env.E2E_OUT || path.join(import.meta.dirname, '..', 'out');
const SHOTS = process.env.JINGWU_SCREENSHOTS || '';
const TIMEOUT = 20_000;

if (!BASE) throw new Error('JINGWU_BASE_URL is not set; run the tests through e2e/run.sh');

let browser;
const problems = [];

before(async () => {
  await mkdir(OUT, { recursive: true });
  if (SHOTS) await mkdir(SHOTS, { recursive: true });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

test('a chlorine release at an enterprise, from zones to the public warning', async (t) => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  context.setDefaultTimeout(TIMEOUT);
  const page = await context.newPage();
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/status of 401/.test(msg.text())) problems.push(`console: ${msg.text()}`);
  });
  await page.goto(`${BASE}/login`);
  await page.locator('#username').fill('fire');
  await page.locator('#password').fill('jingwu-demo');
  await page.locator('#submit').click();
  await page.waitForURL(`${BASE}/`);

  await t.test('the home page leads to the hazmat page', async () => {
    await page.locator('a[href="/fire"]').first().click();
    await page.waitForURL(`${BASE}/fire`);
    await page.locator('body[data-ready]').waitFor({ state: 'attached' });
    assert.equal(await page.title(), '危化品处置 · 警务综合平台');
  });

  let enterprise;
  await t.test('an enterprise is found by name and becomes the release point', async () => {
    await page.locator('[data-testid=new-release]').click();
    await page.locator('[data-testid=f-enterprise]').fill('镇海');
    await page.locator('#f-enterprise-list option').first().waitFor({ state: 'attached' });
    const choice = await page.locator('#f-enterprise-list option').first().getAttribute('value');
    await page.locator('[data-testid=f-enterprise]').fill(choice);
    await page.waitForFunction(() => document.querySelector('[data-testid=f-lat]').value !== '');
    // The option reads `name（credit code）`; demo names end in a number of their own.
    enterprise = choice.slice(0, choice.lastIndexOf('（'));
    assert.match(await page.locator('[data-testid=f-title]').inputValue(), /泄漏$/);
    await page.locator('[data-testid=f-chemical]').selectOption('chem-UN1017');
    await page.locator('[data-testid=f-amount]').fill('2000');
    await page.locator('[data-testid=f-spill]').selectOption('small');
    await page.locator('[data-testid=f-submit]').click();
    await page.locator('[data-testid=detail]').waitFor();
  });

  await t.test('zones come from the live wind; what is inside and who comes are listed', async () => {
    await page.locator('[data-testid=zones] li[data-tier="3"]').waitFor();
    assert.equal(await page.locator('[data-testid=zones] li[data-tier]').count(), 3);
    assert.match(await page.locator('[data-testid=d-weather]').textContent(), /风向 \d+° · [\d.]+ m\/s · 稳定度 [A-F]/);
    assert.equal(await page.locator('[data-testid=d-weather-problem]').isHidden(), true);
    const inside = await page.locator('[data-testid=inside-enterprises] li').allTextContents();
    // The enterprise at the release point is in the isolation circle: first in the list.
    assert.ok(inside[0].startsWith(`${enterprise} · `), `${enterprise} first: ${inside.slice(0, 3)}`);
    const units = await page.locator('[data-testid=fire-units] li').allTextContents();
    assert.ok(units.length >= 3 && /\d+:\d\d$/.test(units[0]), `fire units ranked by ETA: ${units.slice(0, 3)}`);
    // The alarm step is done at the opening.
    assert.match(await page.locator('[data-testid=steps] li[data-step=alarm]').textContent(), /\d\d:\d\d:\d\d/);
  });

  await t.test('dispatch, linkage and the CAP alert are timestamped', async () => {
    await page.locator('[data-testid=step-dispatch]').click();
    await page.locator('[data-testid=steps] li[data-step=dispatch] .done').waitFor();
    await page.locator('[data-testid=step-linkage]').click();
    await page.locator('[data-testid=steps] li[data-step=linkage] .done').waitFor();
    await page.locator('[data-testid=issue-alert]').click();
    await page.locator('[data-testid=alerts] li').first().waitFor();
    assert.match(await page.locator('[data-testid=alerts] li').first().textContent(), /^Alert · JW-/);
    await page.locator('[data-testid=steps] li[data-step=public_warning] .done').waitFor();
    const href = await page.locator('[data-testid=alerts] li a').first().getAttribute('href');
    const xml = await page.evaluate(async (u) => (await fetch(u)).text(), href);
    assert.match(xml, /<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">/);
    assert.match(xml, /<status>Exercise<\/status>/);
    await page.screenshot({ path: path.join(OUT, 'fire.png') });
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'fire.png') });
  });

  await context.close();
  assert.deepEqual(problems, []);
});
