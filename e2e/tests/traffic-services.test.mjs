// Vehicle and driver services, messages and road events in the browser against `jingwu demo`
// (see e2e/run.sh). On a phone, the demo citizen 张伟 applies for a replacement driving licence
// (his ID card and a photo, posted to his address), pays the ¥10 fee through the sandbox
// channel, writes a question to the traffic police and is told to call 122 when an accident
// may not be settled online; at a desk, the traffic clerk accepts, approves and posts the
// licence with a tracking number, answers the question and publishes a road closure; the
// citizen then follows the application to 已寄出 step by step and reads the reply, and the
// public GeoJSON feed carries the closure. Uses no record the other traffic test needs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { launchBrowser } from '../lib/browser.mjs';

const BASE = process.env.JINGWU_BASE_URL;
const OUT = process.env.E2E_OUT || path.join(import.meta.dirname, '..', 'out');
const SHOTS = process.env.JINGWU_SCREENSHOTS || '';
const TIMEOUT = 20_000;

const ADDRESS = '宁波市海曙区中山西路 88 号 3 幢 502 室';
const TRACKING = `SF${Date.now().toString().slice(-10)}`;
const SUBJECT = '补领的驾驶证多久能寄到？';
const REPLY = '办结后 3 个工作日内由邮政 EMS 寄出，可凭邮寄单号查询物流。';
const STREET = '中山西路（望京路至解放北路段）';
const LINE = '29.8702 121.5512, 29.8734 121.5561';

if (!BASE) throw new Error('JINGWU_BASE_URL is not set; run the tests through e2e/run.sh');

let browser;
const problems = [];
let conflicts = 0; // 409 answers the browser logs: one is expected (the refused settlement)

function watch(page) {
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error' || /status of 401/.test(msg.text())) return;
    if (/status of 409/.test(msg.text())) conflicts += 1;
    else problems.push(`console: ${msg.text()}`);
  });
  return page;
}

async function shot(page, name, fullPage = true) {
  await page.screenshot({ path: path.join(OUT, name), fullPage });
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, name), fullPage });
}

async function signIn(page, username, password) {
  await page.goto(`${BASE}/login`);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await page.locator('#submit').click();
  await page.waitForURL(`${BASE}/`);
}

async function ready(page) {
  await page.locator('body[data-ready]').waitFor({ state: 'attached' });
}

/** Nothing sticks out sideways: the page scrolls only up and down. */
async function noSidewaysScroll(page) {
  const { doc, view } = await page.evaluate(() => ({ doc: document.documentElement.scrollWidth, view: window.innerWidth }));
  assert.ok(doc <= view, `page is ${doc}px wide on a ${view}px screen`);
}

before(async () => {
  await mkdir(OUT, { recursive: true });
  if (SHOTS) await mkdir(SHOTS, { recursive: true });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

test('a citizen applies for a replacement licence and writes to the police; the clerk posts it and answers', async (t) => {
  const phone = await browser.newContext({
    viewport: { width: 375, height: 812 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
  });
  phone.setDefaultTimeout(TIMEOUT);
  const page = watch(await phone.newPage());
  const desk = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  desk.setDefaultTimeout(TIMEOUT);
  const clerk = watch(await desk.newPage());

  let appId = '';
  let msgId = '';
  const app = () => page.locator(`[data-testid=application][data-id="${appId}"]`);

  await t.test('张伟 signs in on his phone; the seven tabs fit the screen', async () => {
    await signIn(page, 'citizen', 'jingwu-demo');
    await page.goto(`${BASE}/traffic`);
    await ready(page);
    await page.locator('[data-testid=citizen]').waitFor();
    assert.equal(await page.locator('[data-testid=c-name]').textContent(), '张伟');
    assert.equal(await page.locator('[role=tab]').count(), 7);
    await noSidewaysScroll(page);
    // The last tab is reached by scrolling the bar, and then shown whole.
    await page.locator('[data-testid=tab-accidents]').click();
    const box = await page.locator('[data-testid=tab-accidents]').boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= 375, `the selected tab is on screen: ${JSON.stringify(box)}`);
    await page.locator('[data-testid=tab-licence]').click();
  });

  await t.test('he applies for 补领驾驶证 with every material and an address', async () => {
    await page.locator('[data-testid=tab-services]').click();
    await page.locator('[data-testid=app-service]').selectOption('licence_replacement');
    assert.equal(await page.locator('[data-testid=app-facts]').textContent(), '工本费 ¥10.00 · 办结后邮寄到家');
    assert.equal(await page.locator('[data-testid=app-plate]').isVisible(), false);
    assert.equal(await page.locator('[data-testid=app-address]').isVisible(), true);
    assert.equal(await page.locator('[data-testid=app-materials] input').count(), 2);
    // A material left out is named before anything is sent.
    await page.locator('[data-testid=material-id_card]').check();
    await page.locator('[data-testid=app-address]').fill(ADDRESS);
    await page.locator('[data-testid=app-submit]').click();
    await page.locator('[data-testid=app-err-materials]').waitFor();
    assert.equal(await page.locator('[data-testid=app-err-materials]').textContent(), '请备齐并勾选全部申请材料。');
    await page.locator('[data-testid=material-photo]').check();
    await page.locator('[data-testid=app-notes]').fill('驾驶证遗失');
    await shot(page, 'traffic-services-form.png');
    await page.locator('[data-testid=app-submit]').click();
    const card = page.locator('[data-testid=application][data-service=licence_replacement][data-status=submitted]').first();
    await card.waitFor();
    appId = await card.getAttribute('data-id');
    assert.ok(appId);
    assert.equal(await app().locator('[data-testid=app-status]').textContent(), '已提交');
    assert.equal(await app().locator('[data-testid=app-fee]').textContent(), '¥10.00 · 未缴纳');
    assert.equal(await app().locator('[data-testid=app-address-value]').textContent(), ADDRESS);
    assert.deepEqual(await app().locator('[data-testid=app-step]').evaluateAll((l) => l.map((e) => e.dataset.status)), ['submitted']);
    await noSidewaysScroll(page);
    // The new application is scrolled to, below the sticky tabs: what the phone shows.
    await shot(page, 'traffic-services-applied.png', false);
  });

  await t.test('he pays the ¥10 fee through the sandbox and comes back to his applications', async () => {
    await app().locator('[data-testid=app-pay]').click();
    await page.waitForURL(/\/pay\/sandbox\/\?order=/);
    await ready(page);
    assert.equal(await page.locator('[data-testid=pay-amount]').textContent(), '¥10.00');
    await page.locator('[data-testid=pay-confirm]').click();
    await page.locator('[data-testid=pay-receipt]').waitFor();
    assert.equal(await page.locator('[data-testid=receipt-amount]').textContent(), '¥10.00');
    await page.locator('[data-testid=pay-back]').click();
    await page.waitForURL(`${BASE}/traffic#services`);
    await ready(page);
    await app().waitFor();
    assert.equal(await page.locator('[data-testid=panel-services]').isVisible(), true);
    assert.equal(await app().locator('[data-testid=app-fee]').textContent(), '¥10.00 · 已缴纳');
    assert.equal(await app().locator('[data-testid=app-pay]').count(), 0);
  });

  await t.test('he writes a question to the traffic police', async () => {
    await page.locator('[data-testid=tab-messages]').click();
    await page.locator('[data-testid=msg-kind]').selectOption('question');
    await page.locator('[data-testid=msg-subject]').fill(SUBJECT);
    await page.locator('[data-testid=msg-body]').fill('我昨天在网上申请补领驾驶证并缴了工本费，请问多久能寄到？');
    await page.locator('[data-testid=msg-submit]').click();
    const card = page.locator(`[data-testid=message]:has([data-testid=msg-subject-text]:text-is("${SUBJECT}"))`).first();
    await card.waitFor();
    msgId = await card.getAttribute('data-id');
    assert.equal(await card.locator('[data-testid=msg-status]').textContent(), '待回复');
    await shot(page, 'traffic-services-message.png');
  });

  await t.test('an accident with an injury and dangerous goods is not settled online: call 122', async () => {
    await page.locator('[data-testid=tab-accidents]').click();
    const answers = { injured: 'yes', parties_agree: 'yes', all_plated: 'yes', hazmat: 'yes', hit_structure: 'no', all_licensed: 'yes', impaired: 'no', all_movable: 'yes' };
    for (const [fact, v] of Object.entries(answers)) await page.locator(`[data-testid=fact-${fact}-${v}]`).check();
    await page.locator('[data-testid=acc-place]').fill('中山西路与望京路交叉口');
    await page.locator('[data-testid=acc-lat]').fill('29.8702');
    await page.locator('[data-testid=acc-lon]').fill('121.5512');
    await page.locator('[data-testid=acc-other-plate]').fill('浙B12345');
    await page.locator('[data-testid=acc-other-mobile]').fill('13800000102');
    await page.locator('[data-testid=acc-account]').fill('我车直行，对方车辆变道时碰擦我车右侧。');
    await page.locator('[data-testid=acc-submit]').click();
    await page.locator('[data-testid=acc-refused]').waitFor();
    assert.deepEqual(await page.locator('[data-testid=acc-refusals] li').evaluateAll((l) => l.map((e) => e.dataset.code)), ['CASUALTY', 'HAZMAT']);
    assert.deepEqual(await page.locator('[data-testid=acc-refusals] li').allTextContents(), ['有人员伤亡', '载运危险物品']);
    assert.match(await page.locator('[data-testid=acc-refused]').textContent(), /拨打 122/);
    assert.equal(await page.locator('[data-testid=acc-call]').getAttribute('href'), 'tel:122');
    await noSidewaysScroll(page);
    await shot(page, 'traffic-services-accident-refused.png', false);
  });

  await t.test('the clerk accepts, approves and posts the licence', async () => {
    await signIn(clerk, 'traffic', 'jingwu-demo');
    await clerk.goto(`${BASE}/traffic/clerk`);
    await ready(clerk);
    await clerk.locator('[data-testid=ctab-applications]').click();
    const row = clerk.locator(`[data-testid=app-row][data-id="${appId}"]`);
    await row.waitFor();
    assert.equal(await row.locator('[data-testid=app-row-status]').textContent(), '已提交');
    assert.equal(await row.locator('[data-testid=app-paid]').textContent(), '已缴纳');
    assert.match(await row.textContent(), /驾驶证遗失/);
    await shot(clerk, 'traffic-clerk-applications.png');
    await row.locator('[data-testid=app-accept]').click();
    await clerk.locator(`[data-testid=app-row][data-id="${appId}"][data-status=accepted]`).waitFor();
    await row.locator('[data-testid=app-note]').fill('材料齐全，规费已缴');
    await row.locator('[data-testid=app-approve]').click();
    await clerk.locator(`[data-testid=app-row][data-id="${appId}"][data-status=approved]`).waitFor();
    // Posting needs the courier's tracking number.
    await row.locator('[data-testid=app-mail]').click();
    await row.locator('[data-testid=app-row-error]').waitFor();
    await row.locator('[data-testid=app-tracking]').fill(TRACKING);
    await row.locator('[data-testid=app-mail]').click();
    await clerk.locator(`[data-testid=app-row][data-id="${appId}"][data-status=mailed]`).waitFor();
    assert.equal(await row.locator('[data-testid=app-row-status]').textContent(), '已寄出');
    assert.equal(await row.locator('[data-testid=app-row-tracking]').textContent(), `邮寄单号 ${TRACKING}`);
  });

  await t.test('the clerk answers the question', async () => {
    await clerk.locator('[data-testid=ctab-messages]').click();
    const row = clerk.locator(`[data-testid=msg-row][data-id="${msgId}"]`);
    await row.waitFor();
    await row.locator('[data-testid=msg-reply-input]').fill(REPLY);
    await row.locator('[data-testid=msg-reply-send]').click();
    await row.locator('[data-testid=msg-row-reply]').waitFor();
    assert.equal(await row.getAttribute('data-status'), 'answered');
    await shot(clerk, 'traffic-clerk-messages.png');
  });

  await t.test('the clerk publishes a road closure for the map apps', async () => {
    await clerk.locator('[data-testid=ctab-roads]').click();
    await clerk.locator('[data-testid=road-kind]').selectOption('closure');
    await clerk.locator('[data-testid=road-street]').fill(STREET);
    await clerk.locator('[data-testid=road-description]').fill('道路施工，全封闭，请绕行望京路。');
    await clerk.locator('[data-testid=road-line]').fill(LINE);
    await clerk.locator('[data-testid=road-submit]').click();
    const row = clerk.locator(`[data-testid=road-row][data-kind=closure]:has([data-testid=road-row-street]:text-is("${STREET}"))`).first();
    await row.waitFor();
    assert.match(await row.textContent(), /道路封闭/);
    await shot(clerk, 'traffic-clerk-roads.png');

    const res = await fetch(`${BASE}/api/v1/traffic/road-events.geojson`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^application\/geo\+json/);
    const fc = await res.json();
    assert.equal(fc.type, 'FeatureCollection');
    const closure = fc.features.find((f) => f.properties.street === STREET && f.properties.kind === 'closure');
    assert.ok(closure, 'the closure is in the public feed');
    assert.deepEqual(closure.geometry, { type: 'LineString', coordinates: [[121.5512, 29.8702], [121.5561, 29.8734]] });
  });

  await t.test('张伟 sees his licence posted with the tracking number, step by step, and the reply', async () => {
    // Back on the page later (a fragment-only goto would not reload it).
    await page.goto(`${BASE}/`);
    await page.goto(`${BASE}/traffic#services`);
    await ready(page);
    await app().waitFor();
    assert.equal(await app().getAttribute('data-status'), 'mailed');
    assert.equal(await app().locator('[data-testid=app-status]').textContent(), '已寄出');
    assert.equal(await app().locator('[data-testid=app-tracking]').textContent(), TRACKING);
    const steps = app().locator('[data-testid=app-step]');
    assert.deepEqual(await steps.evaluateAll((l) => l.map((e) => e.dataset.status)), ['submitted', 'accepted', 'approved', 'mailed']);
    assert.match(await steps.nth(2).textContent(), /已办结.*材料齐全，规费已缴/);
    assert.match(await steps.nth(3).textContent(), new RegExp(`已寄出.*${TRACKING}`));
    assert.equal(await app().locator('[data-testid=app-withdraw]').count(), 0);
    await app().evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shot(page, 'traffic-services-mailed.png', false);

    await page.locator('[data-testid=tab-messages]').click();
    const card = page.locator(`[data-testid=message][data-id="${msgId}"]`);
    await card.waitFor();
    assert.equal(await card.locator('[data-testid=msg-status]').textContent(), '已回复');
    assert.equal(await card.locator('[data-testid=msg-reply]').textContent(), REPLY);
    await noSidewaysScroll(page);
    await card.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shot(page, 'traffic-services-reply.png', false);
  });

  await phone.close();
  await desk.close();
  assert.deepEqual(problems, []);
  assert.equal(conflicts, 1, 'one 409: the accident refused for online settlement');
});
