// The officer's terminal on a phone, against `jingwu demo` (see e2e/run.sh): a dispatcher
// dispatches unit 鼓楼巡01 through the API; the terminal shows the job live over the terminal
// WebSocket (no polling of the message log), with only the next valid step enabled, tap-to-call
// and the hand-off to the phone's navigation; the steps go over the socket; a withdrawal by the
// command room takes the job off the screen; a reload resumes from the kept sequence number.
//
// Not covered here: the reason text of a `cancelled` message. The message is appended by the
// incident-lifecycle work (cancel/divert endpoint), which is not in this branch; the withdrawal
// below uses the existing status change (dispatched → available with a reason), which sends no
// message to the crew, so the page only sees the job go.
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
/** URLs answered 404, checked at the end: only the withdrawn job may be among them. */
const notFound = [];

before(async () => {
  await mkdir(OUT, { recursive: true });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

async function open(viewport, username) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN' });
  context.setDefaultTimeout(TIMEOUT);
  const page = await context.newPage();
  page.on('pageerror', (err) => problems.push(`${username} pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/status of (401|404)/.test(msg.text())) problems.push(`${username} console: ${msg.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() === 404) notFound.push(r.url());
  });
  await page.goto(`${BASE}/login`);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(PASSWORD);
  await page.locator('#submit').click();
  await page.waitForURL(`${BASE}/`);
  return page;
}

/** A JSON call in the page's session. */
function call(page, method, url, body) {
  return page.evaluate(
    async ([m, u, b]) => {
      const r = await fetch(u, { method: m, headers: { 'content-type': 'application/json' }, body: b ? JSON.stringify(b) : undefined });
      const text = await r.text();
      return { status: r.status, body: text ? JSON.parse(text) : null };
    },
    [method, url, body],
  );
}

const enabled = (page, id) => page.locator(`[data-testid=${id}]`).isEnabled();

test('the terminal follows its job live over the socket', async (t) => {
  const desk = await open({ width: 1200, height: 800 }, 'dispatcher');
  const phone = await open({ width: 390, height: 844 }, 'officer');
  const polls = [];
  phone.on('request', (r) => {
    if (/\/api\/v1\/units\/[^/]+\/messages/.test(r.url())) polls.push(r.url());
  });
  const sockets = [];
  phone.on('websocket', (ws) => sockets.push(ws.url()));

  await phone.goto(`${BASE}/terminal`);
  await phone.locator('body[data-ready]').waitFor({ state: 'attached' });
  await phone.locator('[data-testid=conn][data-state=online]').waitFor();
  assert.deepEqual(sockets.map((u) => new URL(u).pathname), ['/api/v1/terminal/ws']);

  const units = (await call(desk, 'GET', '/api/v1/units')).body;
  const unit = units.find((u) => u.call_sign === '鼓楼巡01');
  // The demo's city may have sent the unit somewhere; bring it back to available first.
  if (unit.status !== 'available') {
    await call(desk, 'POST', `/api/v1/units/${unit.id}/status`, { status: 'available', reason: '端到端测试：收回' });
  }
  let incident;
  await t.test('a dispatch appears live with only the next steps enabled', async () => {
    const r = await call(desk, 'POST', '/api/v1/incidents', {
      caller_phone: '13800000123', caller_name: '王女士', lat: unit.lat + 0.002, lon: unit.lon, category: 'criminal',
      subcategory: 'theft', priority: 'p2', source: 'call_110', description: '电动车被盗（终端端到端测试）',
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    incident = r.body.incident;
    const d = await call(desk, 'POST', `/api/v1/incidents/${incident.id}/dispatch`, { unit_ids: [unit.id] });
    assert.equal(d.status, 200, JSON.stringify(d.body));

    await phone.locator('[data-testid=a-title]', { hasText: incident.number }).waitFor();
    await phone.locator('[data-testid=history] li', { hasText: incident.number }).waitFor();
    assert.equal(await enabled(phone, 'b-ack'), true);
    assert.equal(await enabled(phone, 'b-enroute'), true);
    assert.equal(await enabled(phone, 'b-onscene'), false, 'on scene only after en route');
    assert.equal(await enabled(phone, 'b-close'), false);
    assert.equal(await phone.locator('[data-testid=a-call]').getAttribute('href'), 'tel:13800000123');
    assert.match(await phone.locator('[data-testid=a-nav]').getAttribute('href'), /^geo:-?\d+\.\d+,-?\d+\.\d+\?q=/);
  });

  await t.test('the steps go over the socket, one after the other', async () => {
    await phone.locator('[data-testid=b-ack]').click();
    await phone.locator('[data-testid=b-ack]:disabled').waitFor();
    await phone.locator('[data-testid=b-enroute]').click();
    await phone.locator('[data-testid=unit-status]', { hasText: '出警途中' }).waitFor();
    assert.equal(await enabled(phone, 'b-enroute'), false);
    assert.equal(await enabled(phone, 'b-onscene'), true);
    const detail = (await call(desk, 'GET', `/api/v1/incidents/${incident.id}`)).body;
    const mine = detail.assignments.find((a) => a.unit_id === unit.id);
    assert.ok(mine.acknowledged_at, JSON.stringify(mine));
  });

  await t.test('a withdrawal by the command room takes the job off the screen and says why', async () => {
    const r = await call(desk, 'POST', `/api/v1/incidents/${incident.id}/units/${unit.id}/cancel`, { reason: '改派其他警力' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    await phone.locator('[data-testid=a-none]').waitFor();
    await phone.locator('.notice.is-cancelled', { hasText: '改派其他警力' }).waitFor();
    await phone.locator('[data-testid=unit-status]', { hasText: '可用' }).waitFor();
    assert.equal(await enabled(phone, 'b-enroute'), false);
  });

  await t.test('a reload resumes after the kept sequence: no old job comes back', async () => {
    await phone.reload();
    await phone.locator('body[data-ready]').waitFor({ state: 'attached' });
    await phone.locator('[data-testid=conn][data-state=online]').waitFor();
    // The assignment and its withdrawal, both kept in the history.
    await phone.locator('[data-testid=history] li', { hasText: incident.number }).nth(1).waitFor();
    assert.equal(await phone.locator('[data-testid=a-none]').isVisible(), true);
    await phone.screenshot({ path: path.join(OUT, 'terminal-v2.png'), fullPage: true });
  });

  await t.test('nothing polled the message log, no script errors', () => {
    assert.deepEqual(polls, []);
    assert.deepEqual(problems, []);
    // A read of the job in the instant after its withdrawal is refused: an officer's rights
    // follow the current assignment. Nothing else may be missing.
    const own = new RegExp(`/api/v1/incidents/${incident.id}(/media)?$`);
    assert.deepEqual(notFound.filter((u) => !own.test(u)), []);
  });
  await desk.context().close();
  await phone.context().close();
});
