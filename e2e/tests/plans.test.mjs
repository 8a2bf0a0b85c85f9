// Response plans (预案) in the browser against `jingwu demo` (see e2e/run.sh): the city admin
// finds the demo's plans on /command/plans, is told which field is wrong, and adds a plan for
// snatching (抢夺) — a patrol car and a motorcycle with a taser nobody carries — that notifies
// 120; the dispatcher's recommendation panel then says the plan's order, marks the patrol car
// that fills its slot, and names the unfilled slot and the agency to notify.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { launchBrowser } from '../lib/browser.mjs';

const BASE = process.env.JINGWU_BASE_URL;
const OUT = process.env.E2E_OUT || path.join(import.meta.dirname, '..', 'out');
const PASSWORD = 'jingwu-demo';
const TIMEOUT = 20_000;

if (!BASE) throw new Error('JINGWU_BASE_URL is not set; run the tests through e2e/run.sh');

let browser;
const problems = [];

before(async () => {
  await mkdir(OUT, { recursive: true });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

async function open(username) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  context.setDefaultTimeout(TIMEOUT);
  const page = await context.newPage();
  page.on('pageerror', (err) => problems.push(`${username} pageerror: ${err.message}`));
  page.on('console', (msg) => {
    // The refused save answers 422 on purpose; the login page probes /api/v1/me signed out.
    if (msg.type() === 'error' && !/status of (401|422)/.test(msg.text())) {
      problems.push(`${username} console: ${msg.text()}`);
    }
  });
  await page.goto(`${BASE}/login`);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(PASSWORD);
  await page.locator('#submit').click();
  await page.waitForURL(`${BASE}/`);
  return page;
}

test('an admin adds a plan and the dispatcher sees it fill the recommendation', async (t) => {
  const admin = await open('admin');

  await t.test('the admin opens the plans from the home page and sees the demo plans', async () => {
    await admin.locator('a.entry-link[href="/command/plans"]').click();
    await admin.locator('body[data-ready]').waitFor({ state: 'attached' });
    assert.equal(await admin.title(), '响应预案 · 警务综合平台');
    await admin.locator('[data-testid=plans] tr', { hasText: '持械抢劫一级处置' }).waitFor();
  });

  await t.test('a plan without a name is refused with the field named', async () => {
    await admin.locator('[data-testid=new-plan]').click();
    await admin.locator('#p-category').selectOption('criminal');
    await admin.locator('#p-subcategory').selectOption('snatching');
    await admin.locator('[data-testid=save]').click();
    await admin.locator('[data-testid=errors] li[data-field=name]').waitFor();
  });

  await t.test('the plan is saved with its slots and agency', async () => {
    await admin.locator('#p-name').fill('抢夺快速处置（端到端）');
    await admin.locator('[data-testid=add-slot]').click();
    const second = admin.locator('#p-slots li').nth(1);
    await second.locator('.s-kind').selectOption('motorcycle');
    await second.locator('.s-equipment').fill('taser');
    await admin.locator('#p-agencies input[value=ambulance_120]').check();
    await admin.locator('[data-testid=save]').click();
    const row = admin.locator('[data-testid=plans] tr', { hasText: '抢夺快速处置（端到端）' });
    await row.waitFor();
    assert.match(await row.textContent(), /120 急救/);
    await admin.screenshot({ path: path.join(OUT, 'plans-01-admin.png'), fullPage: true });
  });

  await t.test('the recommendation panel follows the plan', async () => {
    const desk = await open('dispatcher');
    await desk.goto(`${BASE}/command`);
    await desk.locator('body[data-ready]').waitFor({ state: 'attached' });
    const id = await desk.evaluate(async () => {
      const units = await (await fetch('/api/v1/units')).json();
      const u = units.find((x) => x.call_sign === '鼓楼巡03');
      const r = await fetch('/api/v1/incidents', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          caller_phone: '13800000001', lat: u.lat + 0.001, lon: u.lon, category: 'criminal',
          subcategory: 'snatching', priority: 'p2', source: 'call_110', description: '抢夺手机（端到端测试）',
        }),
      });
      return (await r.json()).incident.id;
    });
    await desk.locator(`[data-testid=incidents] li[data-id="${id}"] button`).click();
    await desk.locator('[data-testid=recs-title]', { hasText: '抢夺快速处置（端到端）' }).waitFor();
    const filler = desk.locator('[data-testid=recs] li.rec').first();
    await filler.locator('[data-testid=rec-slot]', { hasText: '预案编组 1：巡逻车' }).waitFor();
    assert.match(await filler.textContent(), /ETA \d+:\d\d/);
    await desk.locator('[data-testid=rec-unfilled]', { hasText: '1 × 摩托 (taser)' }).waitFor();
    await desk.locator('[data-testid=recs-plan]', { hasText: '120 急救' }).waitFor();
    await desk.screenshot({ path: path.join(OUT, 'plans-02-recommendations.png') });
    await desk.context().close();
  });

  await admin.context().close();
  assert.deepEqual(problems, []);
});
