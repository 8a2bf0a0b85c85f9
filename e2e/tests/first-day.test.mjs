// The first day of a new bureau (docs/command-first-day.md), in the browser, from an EMPTY
// database: this test starts a server of its own (`jingwu serve` on a synthetic road network,
// whose streets have names and house numbers) after the guide's CLI steps (`jingwu org add`,
// `jingwu user add`). Then, through the real pages only:
//   1. the admin places two stations' sites by clicking the 110 setup map, imports the station
//      areas (a bad GeoJSON file first: the per-row report, nothing imported), adds a unit per
//      station with its crew, and rosters the second one;
//   2. the admin adds a response plan for snatching (抢夺);
//   3. the officer signs in to the terminal on a phone that shares its location (the browser
//      terminal's `position` frames), after a phone that refused it is told what that means, and
//      goes on duty;
//   4. the dispatcher takes a call by address (suggestions, pick one), sees the plan filled by the
//      officer's unit and dispatches it; a second, more urgent call comes in and the unit is
//      diverted to it; the terminal shows the new job and why the old one went; the crew
//      acknowledges, goes en route and arrives; the dispatcher closes the incident with a result
//      and the terminal has no current job.
// No page or console errors throughout. Screenshots `first-day-*.png` go to E2E_OUT.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { launchBrowser } from '../lib/browser.mjs';

const BIN = process.env.JINGWU_BIN;
const OUT = process.env.E2E_OUT || path.join(import.meta.dirname, '..', 'out');
const PASSWORD = 'a-strong-password';
const TIMEOUT = 20_000;
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
/** The synthetic city of this seed spans about 121.538–121.561 E, 29.860–29.879 N. */
const ROADS = 'synthetic:400:7';
const CITY = { west: 121.535, east: 121.565, south: 29.855, north: 29.885 };
/** Where the officer's phone is: 翠柏西路128号, a house on the roads of the west station. */
const PHONE_AT = { latitude: 29.8740486, longitude: 121.5437583, accuracy: 8 };

if (!BIN) throw new Error('JINGWU_BIN is not set; run the tests through e2e/run.sh');

const run = promisify(execFile);
let dir;
let db;
let server;
let serverLog = '';
let BASE;
let browser;
const problems = [];
/** 404s the officer's phone met: only a job taken from the unit may be among them. */
const phoneNotFound = [];

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** `jingwu …` against this test's database; the password, when given, on stdin. */
async function cli(args, stdin) {
  const child = execFile(BIN, [...args, '--database', db]);
  const done = new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`jingwu ${args.join(' ')}: exit ${code}\n${err}`))));
  });
  child.stdin.end(stdin ?? '');
  return done;
}

async function healthy(deadline) {
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the server exited: ${server.exitCode}\n${serverLog}`);
    try {
      if ((await fetch(`${BASE}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the server was not healthy in time\n${serverLog}`);
}

before(async () => {
  await mkdir(OUT, { recursive: true });
  dir = await mkdtemp(path.join(tmpdir(), 'jingwu-first-day-'));
  db = `sqlite://${dir}/fd.db`;
  // The guide's section 2: the jurisdiction tree and the accounts, from the command line.
  await cli(['org', 'add', '--kind', 'city', '--code', '330200', '--name-zh', '宁波市公安局', '--name-en', 'Ningbo PSB']);
  await cli(['org', 'add', '--kind', 'district', '--code', '330203', '--name-zh', '海曙分局', '--name-en', 'Haishu', '--parent', '330200']);
  await cli(['org', 'add', '--kind', 'station', '--code', '33020301', '--name-zh', '鼓楼派出所', '--name-en', 'Gulou', '--parent', '330203']);
  await cli(['org', 'add', '--kind', 'station', '--code', '33020302', '--name-zh', '月湖派出所', '--name-en', 'Yuehu', '--parent', '330203']);
  const user = (name, display, role, org) =>
    cli(['user', 'add', '--username', name, '--display-name', display, '--role', role, '--org', org], `${PASSWORD}\n`);
  await user('admin', '管理员', 'admin', '330200');
  await user('zhao.dd', '赵调度', 'dispatcher', '330200');
  await user('wang.wei', '王伟', 'officer', '33020301');
  await user('li.na', '李娜', 'officer', '33020302');

  const port = await freePort();
  BASE = `http://127.0.0.1:${port}`;
  server = spawn(BIN, ['serve', '--addr', `127.0.0.1:${port}`, '--database', db, '--road-network', ROADS], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout.on('data', (d) => (serverLog += d));
  server.stderr.on('data', (d) => (serverLog += d));
  await healthy(Date.now() + 30_000);

  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    const killed = setTimeout(() => server.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killed);
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A signed-in page in a context of its own. */
async function open(username, options = {}) {
  const { viewport = DESKTOP, ...rest } = options;
  const context = await browser.newContext({ viewport, locale: 'zh-CN', ...rest });
  context.setDefaultTimeout(TIMEOUT);
  const page = await context.newPage();
  page.on('pageerror', (err) => problems.push(`${username} pageerror: ${err.message}`));
  page.on('console', (msg) => {
    // The login page probes /api/v1/me signed out (401); the bad import is refused (422); the
    // phone may ask once for the job just taken from its unit (404, checked below).
    const allowed = username === 'wang.wei' ? /status of (401|404)/ : /status of (401|422)/;
    if (msg.type() === 'error' && !allowed.test(msg.text())) problems.push(`${username} console: ${msg.text()}`);
  });
  if (username === 'wang.wei') {
    page.on('response', (r) => {
      if (r.status() === 404) phoneNotFound.push(r.url());
    });
  }
  await page.goto(`${BASE}/login`);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(PASSWORD);
  await page.locator('#submit').click();
  await page.waitForURL(`${BASE}/`);
  return page;
}

/** An API read in the page's session (checks only: every change goes through the pages). */
const read = (page, url) => page.evaluate(async (u) => (await fetch(u)).json(), url);
const inCity = (p) => p.lon > CITY.west && p.lon < CITY.east && p.lat > CITY.south && p.lat < CITY.north;

test('a new bureau from an empty database to its first closed call, in the browser', async (t) => {
  const admin = await open('admin');
  const sites = {};
  let units = [];

  await t.test('110 setup: two stations placed on the map', async () => {
    await admin.locator('a[href="/command/setup"]').click();
    await admin.waitForURL(`${BASE}/command/setup`);
    await admin.locator('[data-testid=sites] tr', { hasText: '月湖派出所' }).waitFor();
    assert.match(await admin.locator('[data-testid=sites]').textContent(), /未标注/);
    const map = admin.locator('[data-testid=setup-map]');
    const box = await map.boundingBox();
    const form = admin.locator('[data-testid=site-form]');
    // The map opens on the whole city (zoom 12, ~33 m a pixel): 鼓楼 just west of its centre.
    // Once a site is saved the map zooms to it (zoom 15, ~4 m a pixel): 月湖 500 m east of 鼓楼.
    for (const [code, name, dx] of [['33020301', '鼓楼派出所', -10], ['33020302', '月湖派出所', 120]]) {
      if (code === '33020302') await admin.locator('[data-testid=setup-map].zoom-label:not(.leaflet-zoom-anim)').waitFor();
      await map.click({ position: { x: box.width / 2 + dx, y: box.height / 2 } });
      const picked = (await admin.locator('[data-testid=picked]').textContent()).split(', ').map(Number);
      const at = { lat: picked[0], lon: picked[1] };
      assert.ok(inCity(at), `${name} placed at ${picked} inside the city`);
      await form.locator('select[name=org]').selectOption({ label: `${name} (${code})` });
      await form.locator('input[name=address]').fill(`${name}所址`);
      await form.locator('button[type=submit]').click();
      await admin.locator('[data-testid=sites] tr', { hasText: `${name}所址` }).waitFor();
      sites[code] = at;
    }
    assert.ok(sites['33020301'].lon < sites['33020302'].lon, '鼓楼 lies west of 月湖');
    const stored = await read(admin, '/api/v1/command/setup/sites');
    for (const [code, at] of Object.entries(sites)) {
      const s = stored.find((x) => x.code === code);
      assert.ok(Math.abs(s.lat - at.lat) < 1e-5 && Math.abs(s.lon - at.lon) < 1e-5, `${code} stored where clicked`);
    }
    await admin.screenshot({ path: path.join(OUT, 'first-day-01-sites.png') });
  });

  await t.test('110 setup: station areas imported, a bad file refused row by row first', async () => {
    const imp = admin.locator('[data-testid=import-form]');
    await imp.locator('select[name=kind]').selectOption('areas');
    // A file with a station code nobody has and a point for an area: nothing is imported.
    const bad = path.join(dir, 'areas-bad.geojson');
    await writeFile(
      bad,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          { type: 'Feature', properties: { org_code: '33029999' }, geometry: { type: 'Polygon', coordinates: [[[121.54, 29.86], [121.55, 29.86], [121.55, 29.87], [121.54, 29.86]]] } },
          { type: 'Feature', properties: { org_code: '33020302' }, geometry: { type: 'Point', coordinates: [121.55, 29.87] } },
        ],
      }),
    );
    await imp.locator('[data-testid=import-file]').setInputFiles(bad);
    await admin.locator('[data-testid=import-go]').click();
    await admin.locator('[data-testid=import-summary]', { hasText: '未导入任何数据' }).waitFor();
    const rows = admin.locator('[data-testid=import-report] tr');
    assert.equal(await rows.count(), 2);
    assert.match(await rows.nth(0).textContent(), /^1.*org_code.*辖区内无此机构/);
    assert.match(await rows.nth(1).textContent(), /^2.*geometry/);
    await admin.locator('[data-testid=import-report]').scrollIntoViewIfNeeded();
    await admin.screenshot({ path: path.join(OUT, 'first-day-02-import-report.png') });
    const untouched = await read(admin, '/api/v1/command/setup/sites');
    assert.ok(untouched.every((s) => !s.area), 'no area was imported from the bad file');

    // The two stations' areas: split between their sites, the whole city covered.
    const mid = (sites['33020301'].lon + sites['33020302'].lon) / 2;
    const rect = (w, e) => [[[w, CITY.south], [e, CITY.south], [e, CITY.north], [w, CITY.north], [w, CITY.south]]];
    const good = path.join(dir, 'areas.geojson');
    await writeFile(
      good,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          { type: 'Feature', properties: { org_code: '33020301' }, geometry: { type: 'Polygon', coordinates: rect(CITY.west, mid) } },
          { type: 'Feature', properties: { org_code: '33020302' }, geometry: { type: 'Polygon', coordinates: rect(mid, CITY.east) } },
        ],
      }),
    );
    await imp.locator('[data-testid=import-file]').setInputFiles(good);
    await admin.locator('[data-testid=import-check]').click();
    await admin.locator('[data-testid=import-summary]', { hasText: '2 行无误' }).waitFor();
    await admin.locator('[data-testid=import-go]').click();
    await admin.locator('[data-testid=import-summary]', { hasText: '已导入 2 行' }).waitFor();
    assert.equal(await rows.count(), 0);
    await admin.locator('[data-testid=sites] tr', { hasText: '月湖派出所所址' }).filter({ hasText: '已导入' }).waitFor();
    const areas = await read(admin, '/api/v1/command/setup/sites');
    for (const code of ['33020301', '33020302']) assert.equal(areas.find((s) => s.code === code).area.type, 'Polygon');
  });

  await t.test('110 setup: a unit per station with its crew, the second on a roster', async () => {
    const form = admin.locator('[data-testid=unit-form]');
    // 鼓楼巡01 with its crew from the form; 月湖巡01 without, its crew set on its row after.
    for (const [callSign, station, crew] of [['鼓楼巡01', '鼓楼派出所 (33020301)', 'wang.wei'], ['月湖巡01', '月湖派出所 (33020302)', '']]) {
      await form.locator('input[name=call_sign]').fill(callSign);
      await form.locator('select[name=kind]').selectOption('patrol_car');
      await form.locator('select[name=org]').selectOption({ label: station });
      await form.locator('input[name=equipment]').fill('shield;aed');
      await form.locator('input[name=crew]').fill(crew);
      await form.locator('button[type=submit]').click();
      const row = admin.locator('[data-testid=units] tr', { hasText: callSign });
      await row.filter({ hasText: crew || '设置人员' }).waitFor();
      assert.match(await row.textContent(), /下班/);
    }
    const yuehu = admin.locator('[data-testid=units] tr', { hasText: '月湖巡01' });
    admin.once('dialog', (d) => d.accept('li.na'));
    await yuehu.locator('[data-testid=edit-crew]').click();
    await yuehu.filter({ hasText: 'li.na' }).waitFor();
    // 月湖巡01 works a shift around now: on duty at once, with its shift's crew.
    const shift = admin.locator('[data-testid=shift-form]');
    const local = (ms) => {
      const d = new Date(ms);
      const p = (n) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
    };
    await shift.locator('select[name=unit_id]').selectOption({ label: '月湖巡01' });
    await shift.locator('input[name=starts_at]').fill(local(Date.now() - 3600e3));
    await shift.locator('input[name=ends_at]').fill(local(Date.now() + 8 * 3600e3));
    await shift.locator('input[name=crew]').fill('li.na');
    await shift.locator('button[type=submit]').click();
    await admin.locator('[data-testid=shifts] tr', { hasText: '月湖巡01' }).waitFor();
    await admin.locator('[data-testid=units] tr', { hasText: '月湖巡01' }).filter({ hasText: '可用' }).waitFor();
    units = await read(admin, '/api/v1/units');
    assert.deepEqual(units.find((u) => u.call_sign === '鼓楼巡01').crew, ['wang.wei']);
    await admin.locator('[data-testid=units]').scrollIntoViewIfNeeded();
    await admin.screenshot({ path: path.join(OUT, 'first-day-03-units.png') });
  });

  const PLAN = '抢夺快速处置';
  await t.test('a response plan for snatching', async () => {
    await admin.goto(`${BASE}/command/plans`);
    await admin.locator('body[data-ready]').waitFor({ state: 'attached' });
    await admin.locator('[data-testid=new-plan]').click();
    await admin.locator('#p-name').fill(PLAN);
    await admin.locator('#p-category').selectOption('criminal');
    await admin.locator('#p-subcategory').selectOption('snatching');
    const slot = admin.locator('#p-slots li').first();
    await slot.locator('.s-kind').selectOption('patrol_car');
    await admin.locator('[data-testid=save]').click();
    await admin.locator('[data-testid=plans] tr', { hasText: PLAN }).waitFor();
    await admin.screenshot({ path: path.join(OUT, 'first-day-04-plan.png') });
  });
  await admin.context().close();

  await t.test('a phone that refuses its location is told what that means', async () => {
    const phone = await open('wang.wei', { viewport: PHONE, isMobile: true, hasTouch: true });
    await phone.goto(`${BASE}/terminal`);
    await phone.locator('body[data-ready]').waitFor({ state: 'attached' });
    await phone.locator('[data-testid=geo][data-state=denied]').waitFor();
    await phone.locator('[data-testid=geo-help]', { hasText: '允许本网站使用位置信息' }).waitFor();
    const unit = await read(phone, '/api/v1/units');
    assert.equal(unit.find((u) => u.call_sign === '鼓楼巡01').lat, null, 'no position was sent');
    await phone.context().close();
  });

  const phone = await open('wang.wei', {
    viewport: PHONE,
    isMobile: true,
    hasTouch: true,
    permissions: ['geolocation'],
    geolocation: PHONE_AT,
  });
  const ours = () => units.find((u) => u.call_sign === '鼓楼巡01');

  await t.test('the terminal shares the phone position over its socket; the crew goes on duty', async () => {
    await phone.goto(`${BASE}/terminal`);
    await phone.locator('body[data-ready]').waitFor({ state: 'attached' });
    await phone.locator('[data-testid=unit-name]', { hasText: '鼓楼巡01' }).waitFor();
    await phone.locator('[data-testid=conn][data-state=online]').waitFor();
    await phone.locator('[data-testid=geo][data-state=on]', { hasText: '位置共享中' }).waitFor();
    assert.equal(await phone.locator('[data-testid=geo-help]').isHidden(), true);
    await phone.waitForFunction(
      async ([id, at]) => {
        const u = await (await fetch(`/api/v1/units/${id}`)).json();
        return u.lat != null && Math.abs(u.lat - at.latitude) < 1e-6 && Math.abs(u.lon - at.longitude) < 1e-6;
      },
      [ours().id, PHONE_AT],
      { polling: 250 },
    );
    // Off duty until the crew says so: only 上岗 is offered.
    await phone.locator('[data-testid=unit-status]', { hasText: '下班' }).waitFor();
    assert.equal(await phone.locator('[data-testid=b-offduty]').isDisabled(), true);
    await phone.locator('[data-testid=b-onduty]').click();
    await phone.locator('[data-testid=unit-status]', { hasText: '可用' }).waitFor();
    assert.equal(await phone.locator('[data-testid=b-onduty]').isDisabled(), true);

    // Moved 60 m north: the new fix goes at once (farther than 30 m).
    const moved = { ...PHONE_AT, latitude: PHONE_AT.latitude + 0.00054 };
    await phone.context().setGeolocation(moved);
    await phone.waitForFunction(
      async ([id, at]) => Math.abs((await (await fetch(`/api/v1/units/${id}`)).json()).lat - at.latitude) < 1e-6,
      [ours().id, moved],
      { polling: 250 },
    );
  });

  const desk = await open('zhao.dd');
  await desk.goto(`${BASE}/command`);
  await desk.locator('body[data-ready]').waitFor({ state: 'attached' });

  /** Takes a call by address: typed, suggested, picked; returns the incident created. */
  async function takeCall({ address, phone: caller, category, subcategory, priority, description, shot }) {
    await desk.locator('[data-testid=new-incident]').click();
    await desk.locator('[data-testid=new-form]').waitFor();
    await desk.locator('[data-testid=f-address]').pressSequentially(address, { delay: 10 });
    const option = desk.locator('[data-testid=address-option]', { hasText: address }).first();
    await option.waitFor();
    if (shot) await desk.screenshot({ path: path.join(OUT, shot) });
    await option.click();
    await desk.locator('[data-testid=address-suggestions]').waitFor({ state: 'hidden' });
    assert.equal(await desk.locator('[data-testid=f-address]').inputValue(), address);
    await desk.locator('[data-testid=f-phone]').fill(caller);
    await desk.locator('[data-testid=f-category]').selectOption(category);
    await desk.locator('[data-testid=f-subcategory]').selectOption(subcategory);
    await desk.locator('[data-testid=f-priority]').selectOption(priority);
    await desk.locator('[data-testid=f-description]').fill(description);
    const response = desk.waitForResponse((r) => r.url().endsWith('/api/v1/incidents') && r.request().method() === 'POST');
    await desk.locator('[data-testid=f-submit]').click();
    const r = await response;
    assert.equal(r.status(), 201, await r.text());
    const incident = (await r.json()).incident;
    await desk.locator('[data-testid=d-title]', { hasText: incident.number }).waitFor();
    return incident;
  }

  let first;
  await t.test('the dispatcher takes a call by address; the plan is filled by the officer’s unit', async () => {
    first = await takeCall({
      address: '江东北路10号',
      phone: '13900000001',
      category: 'criminal',
      subcategory: 'snatching',
      priority: 'p2',
      description: '手机被抢夺，嫌疑人往北逃跑',
      shot: 'first-day-05-intake.png',
    });
    assert.equal(first.address, '江东北路10号');
    assert.ok(inCity(first), `${first.lat},${first.lon} in the city`);
    assert.ok(first.lon < (sites['33020301'].lon + sites['33020302'].lon) / 2, 'the address lies in 鼓楼\'s area');
    // Filed under the station whose imported area holds it.
    const gulou = (await read(desk, '/api/v1/orgs')).find((o) => o.code === '33020301');
    assert.equal(first.org_id, gulou.id);
    await desk.locator('[data-testid=recs-title]', { hasText: PLAN }).waitFor();
    const rec = desk.locator('[data-testid=recs] li.rec').first();
    await rec.filter({ hasText: '鼓楼巡01' }).waitFor();
    await rec.locator('[data-testid=rec-slot]', { hasText: '预案编组 1' }).waitFor();
    assert.match(await rec.textContent(), /ETA \d+:\d\d/);
    await desk.screenshot({ path: path.join(OUT, 'first-day-06-recommendation.png') });
    await rec.locator('[data-testid=dispatch]').click();
    await desk.locator('[data-testid=assignments] li', { hasText: '鼓楼巡01' }).waitFor();
  });

  await t.test('the terminal shows the assignment', async () => {
    await phone.locator('[data-testid=a-title]', { hasText: first.number }).waitFor();
    await phone.locator('[data-testid=a-title]', { hasText: '抢夺' }).waitFor();
    await phone.locator('[data-testid=b-ack].is-next').waitFor();
  });

  let second;
  const REASON = '更紧急警情：持刀抢劫，就近改派';
  await t.test('a more urgent call; the unit is diverted to it', async () => {
    second = await takeCall({
      address: '江东北路40号',
      phone: '13900000002',
      category: 'criminal',
      subcategory: 'robbery',
      priority: 'p1',
      description: '持刀抢劫，嫌疑人仍在现场',
    });
    // Back to the first call: divert its unit to the second with the reason.
    await desk.locator(`[data-testid=incidents] li[data-id="${first.id}"] button`).click();
    await desk.locator('[data-testid=d-title]', { hasText: first.number }).waitFor();
    await desk.locator('[data-testid=w-reason]').fill(REASON);
    await desk.locator('[data-testid=w-target]').selectOption(second.id);
    await desk.locator('[data-testid=assignments] li', { hasText: '鼓楼巡01' }).locator('[data-testid=divert-unit]').click();
    // The first call has no unit left: it waits for one again.
    await desk.locator('[data-testid=d-status]', { hasText: '待派' }).waitFor();
  });

  await t.test('the terminal shows the new job, and the old one gone with the reason', async () => {
    await phone.locator('[data-testid=a-title]', { hasText: second.number }).waitFor();
    const notice = phone.locator('[data-testid=notice]', { hasText: REASON });
    await notice.waitFor();
    assert.match(await notice.textContent(), new RegExp(`改派：${first.number} → ${second.number}`));
    // Both kept in the history: the divert with its reason, and the new assignment.
    await phone.locator('[data-testid=history] li', { hasText: REASON }).waitFor();
    await phone.locator('[data-testid=history] li', { hasText: `派警指令 · ${second.number}` }).waitFor();
    assert.doesNotMatch(await phone.locator('[data-testid=a-title]').textContent(), new RegExp(first.number));
    await phone.screenshot({ path: path.join(OUT, 'first-day-07-terminal-divert.png'), fullPage: true });
  });

  await t.test('the crew acknowledges, goes en route and arrives from the terminal', async () => {
    for (const [button, status] of [['b-ack', null], ['b-enroute', '出警途中'], ['b-onscene', '到场']]) {
      await phone.locator(`[data-testid=${button}].is-next`).click();
      if (status) await phone.locator('[data-testid=unit-status]', { hasText: status }).waitFor();
      else await phone.locator('[data-testid=b-ack]:disabled').waitFor();
    }
    await desk.locator(`[data-testid=incidents] li[data-id="${second.id}"] button`).click();
    await desk.locator('[data-testid=timeline] li[data-kind=on_scene]').first().waitFor();
  });

  await t.test('the dispatcher closes the incident with its result; the terminal has no job', async () => {
    await desk.locator('[data-testid=d-title]', { hasText: second.number }).waitFor();
    await desk.locator('#finish summary').click();
    await desk.locator('[data-testid=x-code]').selectOption('10');
    await desk.locator('[data-testid=x-text]').fill('嫌疑人已控制，刀具已收缴，伤者无大碍');
    await desk.locator('[data-testid=x-submit]').click();
    await desk.locator('[data-testid=d-status]', { hasText: '已办结' }).waitFor();
    await desk.locator('[data-testid=timeline] li[data-kind=closed]', { hasText: '嫌疑人已控制' }).waitFor();
    await phone.locator('[data-testid=a-none]').waitFor();
    assert.equal(await phone.locator('[data-testid=a-body]').isHidden(), true);
    await phone.locator('[data-testid=unit-status]', { hasText: '可用' }).waitFor();
    const closed = await read(desk, `/api/v1/incidents/${second.id}`);
    assert.equal(closed.incident.status, 'closed');
  });

  await desk.context().close();
  await phone.context().close();
  // The phone may have asked once for the job taken from it, never for anything else.
  assert.ok(
    phoneNotFound.every((u) => u.endsWith(`/api/v1/incidents/${first.id}`)),
    `unexpected 404s: ${phoneNotFound.join(', ')}`,
  );
  assert.deepEqual(problems, []);
});
