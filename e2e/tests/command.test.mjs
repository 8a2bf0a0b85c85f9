// The 110 flow in two browsers against `jingwu demo` (see e2e/run.sh): a dispatcher creates an
// incident on the command map next to unit 鼓楼巡01 and dispatches that unit; the officer's
// terminal (a second browser context) receives it, acknowledges, goes en route and on scene,
// uploads a photo and closes; the dispatcher's timeline shows every step without a reload.
// With JINGWU_SCREENSHOTS set, the command map, terminal and dashboard are saved there too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import { launchBrowser } from '../lib/browser.mjs';

const BASE = process.env.JINGWU_BASE_URL;
const OUT = process.env.E2E_OUT || path.join(import.meta.dirname, '..', 'out');
const SHOTS = process.env.JINGWU_SCREENSHOTS || '';
const PASSWORD = 'jingwu-demo';
const TIMEOUT = 20_000;

if (!BASE) throw new Error('JINGWU_BASE_URL is not set; run the tests through e2e/run.sh');

let browser;
const problems = [];

/**
 * A valid PNG built here so the test needs no fixture file: `pixel(x, y)` gives [r, g, b].
 * Noise does not compress, so a noisy image spans several upload chunks.
 */
function png(width, height, pixel) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const x of buf) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const rows = Array.from({ length: height }, (_, y) =>
    Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, (_, x) => pixel(x, y)).flat())]),
  );
  const raw = Buffer.concat(rows);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

before(async () => {
  await mkdir(OUT, { recursive: true });
  if (SHOTS) await mkdir(SHOTS, { recursive: true });
  browser = await launchBrowser({ webgl: true });
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
    if (msg.type() !== 'error') return;
    const text = msg.text();
    // Expected: the signed-out probe of /api/v1/me on the login page, and the chunk whose
    // connection the test drops on purpose.
    if (/status of 401/.test(text) || /ERR_CONNECTION_RESET/.test(text)) return;
    problems.push(`${username} console: ${text}`);
  });
  await page.goto(`${BASE}/login`);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(PASSWORD);
  await page.locator('#submit').click();
  await page.waitForURL(`${BASE}/`);
  return page;
}

async function shot(page, name, fullPage = false) {
  await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage });
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage });
}

/** Waits until the dispatcher's timeline has an entry of this kind. */
async function timelineHas(page, kind) {
  await page.locator(`[data-testid=timeline] li[data-kind=${kind}]`).first().waitFor();
}

test('dispatch to a terminal and back, live', async (t) => {
  const desk = await open({ width: 1440, height: 900 }, 'dispatcher');
  const phone = await open({ width: 412, height: 915 }, 'officer');
  let number = '';
  let unit;

  await t.test('the command map and the terminal load', async () => {
    await desk.goto(`${BASE}/command`);
    await desk.locator('body[data-ready]').waitFor({ state: 'attached' });
    assert.equal(await desk.title(), '指挥调度 · 警务综合平台');
    // A marker that a reload would lose.
    await desk.evaluate(() => {
      window.__noReload = true;
    });
    unit = await desk.evaluate(async () => {
      const units = await (await fetch('/api/v1/units')).json();
      return units.find((u) => u.call_sign === '鼓楼巡01');
    });
    assert.ok(unit, 'unit 鼓楼巡01 exists');
    assert.equal(unit.status, 'available');
    await phone.goto(`${BASE}/terminal`);
    await phone.locator('body[data-ready]').waitFor({ state: 'attached' });
    assert.equal(await phone.locator('[data-testid=unit-name]').textContent(), '鼓楼巡01');
    await phone.locator('[data-testid=a-none]').waitFor();
  });

  await t.test('the dispatcher creates an incident on the map', async () => {
    await desk.locator('#map').click({ position: { x: 20, y: 300 } });
    await desk.keyboard.press('n');
    await desk.locator('[data-testid=new-form]').waitFor();
    // Picking on the map fills the coordinates...
    await desk.locator('#map').click({ position: { x: 400, y: 400 } });
    assert.match(await desk.locator('[data-testid=f-lat]').inputValue(), /^\d+\.\d+$/);
    // ...which are then set exactly next to the officer's unit.
    await desk.locator('[data-testid=f-lat]').fill(String(unit.lat + 0.001));
    await desk.locator('[data-testid=f-lon]').fill(String(unit.lon));
    await desk.locator('[data-testid=f-category]').selectOption('criminal');
    await desk.locator('[data-testid=f-subcategory]').selectOption('theft');
    assert.equal(await desk.locator('[data-testid=f-priority]').inputValue(), 'p3');
    await desk.locator('[data-testid=f-description]').fill('电动车被盗（端到端测试）');
    await desk.locator('[data-testid=f-submit]').click();
    await desk.locator('[data-testid=detail]').waitFor();
    await desk.locator('[data-testid=timeline] li[data-kind=created]').waitFor();
    number = (await desk.locator('[data-testid=d-title]').textContent()).trim();
    assert.ok(number.length > 0);
    await desk.locator(`[data-testid=incidents] li[data-id]`).first().waitFor();
  });

  await t.test('recommendations list the unit with an ETA; one click dispatches it', async () => {
    const rec = desk.locator('[data-testid=recs] li.rec[data-call-sign="鼓楼巡01"]');
    await rec.waitFor();
    assert.match(await rec.textContent(), /ETA \d+:\d\d/);
    await rec.locator('[data-testid=dispatch]').click();
    await timelineHas(desk, 'dispatched');
    await desk.locator('[data-testid=assignments]', { hasText: '鼓楼巡01' }).waitFor();
  });

  await t.test('the terminal receives the assignment and reports progress', async () => {
    await phone.locator('[data-testid=a-title]', { hasText: number }).waitFor();
    await phone.locator('[data-testid=history] li', { hasText: number }).waitFor();
    await phone.locator('[data-testid=b-ack]').click();
    await timelineHas(desk, 'acknowledged');
    await phone.locator('[data-testid=b-enroute]').click();
    await timelineHas(desk, 'en_route');
    // The route of the unit on its way is drawn on the command map.
    await desk.locator(`body[data-route="${unit.id}"]`).waitFor({ state: 'attached' });
    // The 3-minute coverage overlay loads when switched on.
    await desk.locator('.leaflet-control-layers label', { hasText: '3 分钟覆盖' }).locator('input').check();
    await desk.locator('body[data-layer_cov180=loaded]').waitFor({ state: 'attached' });
    // So do the station areas (辖区), drawn as outlines.
    await desk.locator('.leaflet-control-layers label', { hasText: '派出所辖区' }).locator('input').check();
    await desk.locator('body[data-layer_areas=loaded]').waitFor({ state: 'attached' });
    // Road events in force (what dispatch routes around) are on the map from the start.
    await desk.locator('body[data-layer_road_events=loaded]').waitFor({ state: 'attached' });
    assert.equal(await desk.locator('.leaflet-control-layers label', { hasText: '道路封闭/事故' }).locator('input').isChecked(), true);
    await shot(desk, 'command-map');
    await phone.locator('[data-testid=b-onscene]').click();
    await timelineHas(desk, 'on_scene');
    await phone.locator('[data-testid=unit-status]', { hasText: '到场' }).waitFor();
  });

  await t.test('the terminal uploads a scene photo with progress, surviving a dropped connection', async () => {
    // Deterministic noise (xorshift32), about 145 KB: three 64 KiB chunks.
    let state = 2463534242;
    const next = () => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return (state >>> 0) & 0xff;
    };
    const photo = png(220, 220, () => [next(), next(), next()]);
    assert.ok(photo.length > 2 * 65536, `photo is ${photo.length} bytes`);
    // The second chunk's first attempt loses its connection.
    let dropped = 0;
    await phone.route('**/api/v1/media/uploads/*/chunks/*', async (route) => {
      if (!route.request().url().endsWith('/chunks/0') && dropped === 0) {
        dropped += 1;
        await route.abort('connectionreset');
      } else {
        await route.continue();
      }
    });
    await phone.locator('[data-testid=u-file]').setInputFiles({ name: 'scene.png', mimeType: 'image/png', buffer: photo });
    await phone.locator('[data-testid=u-submit]').click();
    await phone.locator('[data-testid=u-status]', { hasText: 'scene.png' }).waitFor();
    assert.equal(dropped, 1);
    assert.equal(await phone.locator('[data-testid=u-progress]').evaluate((e) => e.value), 100);
    await phone.unroute('**/api/v1/media/uploads/*/chunks/*');
    await timelineHas(desk, 'media_added');
    await shot(phone, 'terminal', true);
  });

  await t.test('the terminal closes the incident; the map shows it closed', async () => {
    await phone.locator('[data-testid=b-close]').click();
    await phone.locator('[data-testid=c-text]').fill('已到场登记，告知报警人后续查询方式');
    await phone.locator('[data-testid=c-submit]').click();
    await timelineHas(desk, 'closed');
    await desk.locator('[data-testid=d-status]', { hasText: '已办结' }).waitFor();
    assert.equal(await desk.evaluate(() => window.__noReload), true, 'the command map was not reloaded');
  });

  await t.test('the dashboard draws the statistics', async () => {
    await desk.goto(`${BASE}/dashboard`);
    await desk.locator('body[data-ready]').waitFor({ state: 'attached' });
    await desk.locator('[data-testid=chart-percentiles] svg rect').first().waitFor();
    await desk.locator('[data-testid=chart-stations] svg rect').first().waitFor();
    await shot(desk, 'dashboard');
  });

  await t.test('English on every page', async () => {
    await desk.goto(`${BASE}/command?lang=en`);
    await desk.locator('body[data-ready]').waitFor({ state: 'attached' });
    assert.equal(await desk.title(), 'Command · Jingwu Policing Platform');
    await desk.keyboard.press('?');
    await desk.locator('[data-testid=help]', { hasText: 'Dispatch the top recommendation' }).waitFor();
    await desk.keyboard.press('Escape');
    await desk.goto(`${BASE}/dashboard`);
    await desk.locator('[data-testid=chart-shares]').waitFor();
    assert.equal(await desk.title(), 'Dashboard · Jingwu Policing Platform');
    await phone.goto(`${BASE}/terminal?lang=en`);
    await phone.locator('[data-testid=unit-status]', { hasText: /Available|On scene|Dispatched|Busy/ }).waitFor();
  });

  await t.test('no script errors or CSP violations', () => {
    assert.deepEqual(problems, []);
  });
});

test('a district command room escalates an incident to the city', async () => {
  const desk = await open({ width: 1440, height: 900 }, 'haishu.dispatcher');
  await desk.goto(`${BASE}/command`);
  await desk.locator('body[data-ready]').waitFor({ state: 'attached' });
  // An incident in Haishu (next to a Gulou unit), taken in through the API.
  const id = await desk.evaluate(async () => {
    const units = await (await fetch('/api/v1/units')).json();
    const u = units.find((x) => x.call_sign === '鼓楼巡02');
    const r = await fetch('/api/v1/incidents', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        caller_phone: '13800000000', lat: u.lat, lon: u.lon, category: 'public_order',
        subcategory: 'gathering', priority: 'p2', source: 'call_110', description: '人员聚集（端到端测试）',
      }),
    });
    return (await r.json()).incident.id;
  });
  // It arrives on the map live, without a reload.
  const item = desk.locator(`[data-testid=incidents] li[data-id="${id}"]`);
  await item.locator('button').click();
  await desk.locator('[data-testid=timeline] li[data-kind=created]').first().waitFor();
  await desk.locator('details.handover summary').click();
  // The first choice is escalation to the parent command room.
  assert.equal(await desk.locator('#h-org option').first().textContent(), '上报上级指挥室（升级）');
  await desk.locator('#h-org').selectOption({ index: 0 });
  await desk.locator('#h-reason').fill('聚集人数增加，需市局统一调度');
  await desk.locator('#handover-form button[type=submit]').click();
  // Now the city's, awaiting its sign-for (签收): the district still sees it as such...
  await desk.locator('[data-testid=awaiting-sign-for]').waitFor();
  assert.equal(await desk.locator('[data-testid=sign-for]').isVisible(), false);
  const city = await open({ width: 1200, height: 800 }, 'dispatcher');
  const detail = await city.evaluate(async (iid) => (await fetch(`/api/v1/incidents/${iid}`)).json(), id);
  const handed = detail.timeline.find((e) => e.kind === 'handed_over');
  assert.ok(handed, JSON.stringify(detail.timeline));
  assert.equal(handed.detail.direction, 'escalation');
  // ...until the city signs for it; then it leaves the district's map, live.
  const signed = await city.evaluate(
    async (iid) => (await fetch(`/api/v1/incidents/${iid}/sign-for`, { method: 'POST' })).status,
    id,
  );
  assert.equal(signed, 204);
  await item.waitFor({ state: 'detached' });
  await desk.context().close();
  await city.context().close();
});

