// 110 timers and linkage on the command map against `jingwu demo` (see e2e/run.sh): the
// administrator sets the 鼓楼 station's acknowledgement limit to 1 s and registers a 120
// agency whose endpoint is an HTTP server started here (it checks our HMAC signature); the
// dispatcher dispatches an incident, sees its acknowledgement timer run over and the overdue
// badge appear without a reload (raised by the server's timer job), acknowledges the alert,
// presses "notify 120" and sees the message delivered; the agency's signed answer with its unit
// lands on the timeline live.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { launchBrowser } from '../lib/browser.mjs';

const BASE = process.env.JINGWU_BASE_URL;
const OUT = process.env.E2E_OUT || path.join(import.meta.dirname, '..', 'out');
const PASSWORD = 'jingwu-demo';
const TIMEOUT = 30_000;
const SECRET = 'e2e-agency-shared-secret';
const CODE = 'e2e-120';

if (!BASE) throw new Error('JINGWU_BASE_URL is not set; run the tests through e2e/run.sh');

let browser;
let agency;
const received = [];
const problems = [];

const sign = (ts, id, body) => `sha256=${crypto.createHmac('sha256', SECRET).update(`${ts}.${id}.${body}`).digest('hex')}`;

before(async () => {
  await mkdir(OUT, { recursive: true });
  browser = await launchBrowser();
  // The agency: accepts only what our secret signed.
  agency = http.createServer((req, res) => {
    const parts = [];
    req.on('data', (c) => parts.push(c));
    req.on('end', () => {
      const body = Buffer.concat(parts).toString('utf8');
      const ts = req.headers['x-jingwu-timestamp'];
      const id = req.headers['x-jingwu-message-id'];
      const good = req.headers['x-jingwu-signature'] === sign(ts, id, body);
      if (good) received.push(JSON.parse(body));
      res.writeHead(good ? 200 : 401);
      res.end();
    });
  });
  await new Promise((resolve) => agency.listen(0, '127.0.0.1', resolve));
});

after(async () => {
  await browser?.close();
  agency?.close();
});

async function open(username) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  context.setDefaultTimeout(TIMEOUT);
  const page = await context.newPage();
  page.on('pageerror', (err) => problems.push(`${username} pageerror: ${err.message}`));
  await page.goto(`${BASE}/login`);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(PASSWORD);
  await page.locator('#submit').click();
  await page.waitForURL(`${BASE}/`);
  return page;
}

/** fetch() inside the page (its session cookie), returning [status, json]. */
async function call(page, method, url, body) {
  return page.evaluate(
    async ([method, url, body]) => {
      const r = await fetch(url, {
        method,
        headers: body ? { 'content-type': 'application/json' } : {},
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await r.text();
      return [r.status, text ? JSON.parse(text) : null];
    },
    [method, url, body],
  );
}

test('overdue acknowledgement alerts the room; notifying 120 is delivered and answered', async (t) => {
  const admin = await open('admin');
  const desk = await open('dispatcher');
  let incident;
  let city;
  let before;

  await t.test('the administrator sets a 1 s limit and registers the agency', async () => {
    // At the city bureau, so that it applies whichever station owns the test's incident (the
    // nearest by road); the bureau's own limits are put back at the end.
    const [, orgs] = await call(admin, 'GET', '/api/v1/orgs');
    city = orgs.find((o) => o.code === '330200');
    assert.ok(city, 'the city bureau exists');
    [, before] = await call(admin, 'GET', `/api/v1/orgs/${city.id}/timer-limits`);
    const limits = {
      acknowledge_s: 1, arrival_p1_s: 300, arrival_p2_s: 600, arrival_p3_s: 1200, arrival_p4_s: 3600,
      on_scene_s: 1800, handover_s: 180, escalate_after_s: 3600,
    };
    const [s1] = await call(admin, 'PUT', `/api/v1/orgs/${city.id}/timer-limits`, limits);
    assert.equal(s1, 200);
    const { port } = agency.address();
    const [s2, a] = await call(admin, 'POST', '/api/v1/linkage/agencies', {
      code: CODE, kind: 'ambulance', name: '海曙120急救', endpoint_url: `http://127.0.0.1:${port}/eido`, secret: SECRET,
    });
    assert.equal(s2, 201, JSON.stringify(a));
  });

  await t.test('a dispatched incident runs over its acknowledgement limit, live', async () => {
    await desk.goto(`${BASE}/command`);
    await desk.locator('body[data-ready]').waitFor({ state: 'attached' });
    const [, units] = await call(desk, 'GET', '/api/v1/units');
    const unit = units.find((u) => u.call_sign.startsWith('鼓楼') && u.status === 'available' && u.lat);
    assert.ok(unit, 'an available 鼓楼 unit');
    const [s, created] = await call(desk, 'POST', '/api/v1/incidents', {
      caller_name: '李先生', caller_phone: '13912345678', lat: unit.lat + 0.001, lon: unit.lon, address: '端到端测试路1号',
      category: 'criminal', subcategory: 'theft', priority: 'p2', source: 'call_110', description: '时限测试（端到端）',
    });
    assert.equal(s, 201, JSON.stringify(created));
    incident = created.incident.id;
    const [d] = await call(desk, 'POST', `/api/v1/incidents/${incident}/dispatch`, { unit_ids: [unit.id] });
    assert.equal(d, 200);
    await desk.locator(`[data-testid=incidents] li[data-id="${incident}"] button`).click();
    await desk.locator('[data-testid=timer][data-kind=acknowledge]').waitFor();
    // The server's timer job raises the alert: the badge list shows it without a reload.
    const alert = desk.locator(`[data-testid=timer-alert][data-incident="${incident}"]`);
    await alert.waitFor();
    assert.match(await alert.textContent(), /签收/);
    await desk.locator('[data-testid=timer][data-kind=acknowledge].overdue').waitFor();
    await desk.screenshot({ path: path.join(OUT, 'timers-01-overdue.png') });
    await alert.locator('[data-testid=timer-alert-ack]').click();
    await alert.waitFor({ state: 'detached' });
  });

  await t.test('notify 120: delivered, signed, and the answer lands on the timeline', async () => {
    await desk.locator(`[data-testid=notify-agency][data-agency="${CODE}"]`).click();
    await desk.locator('[data-testid=timeline] li[data-kind=linkage_sent]').waitFor();
    await desk.locator('[data-testid=linkage-message][data-status=delivered]').waitFor();
    const msg = received.find((m) => m.incident_id === incident);
    assert.ok(msg, 'the agency received a correctly signed message');
    assert.ok(msg.eido && msg.eido.incidentComponent, 'as an EIDO');
    // The agency answers, signed.
    const body = JSON.stringify({ reference: msg.message_id, units: [{ name: '急救12', eta_s: 480 }], note: '已派车' });
    const ts = Math.floor(Date.now() / 1000);
    const r = await fetch(`${BASE}/api/v1/linkage/${CODE}/ack`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-jingwu-timestamp': String(ts), 'x-jingwu-message-id': `e2e-${ts}`, 'x-jingwu-signature': sign(ts, `e2e-${ts}`, body) },
      body,
    });
    assert.equal(r.status, 204);
    await desk.locator('[data-testid=timeline] li[data-kind=linkage_acknowledged]').waitFor();
    await desk.locator('[data-testid=linkage-message][data-status=acknowledged]').waitFor();
    await desk.screenshot({ path: path.join(OUT, 'timers-02-linkage.png') });
  });

  const [s3] = await call(admin, 'PUT', `/api/v1/orgs/${city.id}/timer-limits`, before.limits);
  assert.equal(s3, 200);
  assert.deepEqual(problems, []);
});
