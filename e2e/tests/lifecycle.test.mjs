// The incident lifecycle on the command map against `jingwu demo` (see e2e/run.sh): the intake
// form shows the caller's history as the number is typed; a dispatched unit is cancelled with a
// reason and the incident goes back to pending; a note is added; the priority is corrected —
// each lands on the timeline without a reload.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser } from '../lib/browser.mjs';

const BASE = process.env.JINGWU_BASE_URL;
const PASSWORD = 'jingwu-demo';
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

async function open(username) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, locale: 'zh-CN' });
  context.setDefaultTimeout(TIMEOUT);
  const page = await context.newPage();
  page.on('pageerror', (err) => problems.push(`${username} pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/status of 401/.test(msg.text())) problems.push(`${username} console: ${msg.text()}`);
  });
  await page.goto(`${BASE}/login`);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(PASSWORD);
  await page.locator('#submit').click();
  await page.waitForURL(`${BASE}/`);
  return page;
}

const entry = (page, kind) => page.locator(`[data-testid=timeline] li[data-kind=${kind}]`).first();

test('update, note, cancel back to pending and caller history on the command map', async (t) => {
  const desk = await open('dispatcher');
  await desk.goto(`${BASE}/command`);
  await desk.locator('body[data-ready]').waitFor({ state: 'attached' });
  const unit = await desk.evaluate(async () => {
    const units = await (await fetch('/api/v1/units')).json();
    return units.find((u) => u.call_sign === '月湖巡02' && u.status === 'available');
  });
  assert.ok(unit, 'unit 月湖巡02 is available');

  await t.test('intake shows the caller history as the number is typed', async () => {
    await desk.locator('[data-testid=new-incident]').click();
    await desk.locator('[data-testid=f-lat]').fill(String(unit.lat + 0.001));
    await desk.locator('[data-testid=f-lon]').fill(String(unit.lon));
    await desk.locator('[data-testid=f-phone]').fill('13512340000');
    await desk.locator('[data-testid=caller-history]', { hasText: '该号码报警' }).waitFor();
    await desk.locator('[data-testid=f-category]').selectOption('dispute');
    await desk.locator('[data-testid=f-subcategory]').selectOption('neighbour_dispute');
    await desk.locator('[data-testid=f-description]').fill('邻里纠纷（端到端测试）');
    await desk.locator('[data-testid=f-submit]').click();
    await entry(desk, 'created').waitFor();
  });

  const incident = await desk.evaluate(async () => {
    const list = await (await fetch('/api/v1/incidents?limit=50')).json();
    return list.find((i) => i.description === '邻里纠纷（端到端测试）');
  });
  assert.ok(incident, 'the incident was created');

  await t.test('a dispatched unit is cancelled with a reason; the incident is pending again', async () => {
    const status = await desk.evaluate(
      async ([id, unitId]) =>
        (
          await fetch(`/api/v1/incidents/${id}/dispatch`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ unit_ids: [unitId] }),
          })
        ).status,
      [incident.id, unit.id],
    );
    assert.equal(status, 200);
    await entry(desk, 'dispatched').waitFor();
    const cancel = desk.locator('[data-testid=assignments] li', { hasText: '月湖巡02' }).locator('[data-testid=cancel-unit]');
    await cancel.waitFor();
    await desk.locator('[data-testid=w-reason]').fill('警力另有紧急任务');
    await cancel.click();
    await entry(desk, 'cancelled').waitFor();
    await entry(desk, 'reopened').waitFor();
    await desk.locator('[data-testid=d-status]', { hasText: '待派' }).waitFor();
  });

  await t.test('a note and a corrected priority land on the timeline', async () => {
    await desk.locator('#note summary').click();
    await desk.locator('[data-testid=n-text]').fill('报警人称对方携带刀具');
    await desk.locator('[data-testid=n-submit]').click();
    await desk.locator('[data-testid=timeline] li[data-kind=note]', { hasText: '携带刀具' }).waitFor();
    await desk.locator('#edit summary').click();
    await desk.locator('[data-testid=e-priority]').selectOption('p1');
    await desk.locator('[data-testid=e-submit]').click();
    await desk.locator('[data-testid=timeline] li[data-kind=updated]', { hasText: 'p1' }).waitFor();
  });

  assert.deepEqual(problems, []);
});
