// The approval window in the browser against `jingwu demo` (see e2e/run.sh). The administrator
// opens a service office through the API whose every slot has one place (no green-channel
// reserve, no minimum notice, open around the clock) and a window serving one item, so the test
// owns the last place of a slot. On their phones the demo citizen 张伟 (A) and a citizen who
// registered online (B) open the same slot grid; A holds the slot, sees the five-minute
// countdown and confirms; B, still looking at the stale grid, taps the same slot, is told it is
// 已约满 and books one of the offered alternatives with one tap. A checks in on the day and gets
// a ticket number; the permit clerk calls the next ticket at the window and gets A's; the hall
// display shows the number and the window without a reload, and so does A's phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { launchBrowser } from '../lib/browser.mjs';

const BASE = process.env.JINGWU_BASE_URL;
const OUT = process.env.E2E_OUT || path.join(import.meta.dirname, '..', 'out');
const SHOTS = process.env.JINGWU_SCREENSHOTS || '';
const PASSWORD = 'jingwu-demo';
const TIMEOUT = 15_000;
const CITIZEN_A = 'citizen'; // 张伟
const CITIZEN_B = '13800000148'; // registered online by the demo
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

if (!BASE) throw new Error('JINGWU_BASE_URL is not set; run the tests through e2e/run.sh');

let browser;
const problems = [];
let conflicts = 0; // 409 answers the browser logs: one is expected (B's full slot)

function watch(page) {
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    if (/status of 401/.test(msg.text())) return; // the login page asks who is signed in
    if (/status of 409/.test(msg.text())) conflicts += 1;
    else problems.push(`console: ${msg.text()}`);
  });
  return page;
}

async function shot(page, name, fullPage = true) {
  await page.screenshot({ path: path.join(OUT, name), fullPage });
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, name), fullPage });
}

async function signIn(page, username) {
  await page.goto(`${BASE}/login`);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(PASSWORD);
  await page.locator('#submit').click();
  await page.waitForURL(`${BASE}/`);
}

async function ready(page) {
  await page.locator('body[data-ready]').waitFor({ state: 'attached' });
}

/** A JSON request in a context (its cookies); fails with the answer when not 2xx. */
async function call(ctx, method, url, data) {
  const res = await ctx.request.fetch(`${BASE}${url}`, { method, data });
  const text = await res.text();
  assert.ok(res.ok(), `${method} ${url} → ${res.status()} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** Nothing sticks out sideways: the page scrolls only up and down. */
async function noSidewaysScroll(page) {
  const { doc, view } = await page.evaluate(() => ({ doc: document.documentElement.scrollWidth, view: window.innerWidth }));
  assert.ok(doc <= view, `page is ${doc}px wide on a ${view}px screen`);
}

const phone = () => browser.newContext({
  viewport: { width: 375, height: 812 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'zh-CN',
  timezoneId: 'Asia/Shanghai',
});

before(async () => {
  await mkdir(OUT, { recursive: true });
  if (SHOTS) await mkdir(SHOTS, { recursive: true });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

test('two citizens race for the last place; the one who lost books an alternative; check-in, call and hall display', async (t) => {
  const desk = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  desk.setDefaultTimeout(TIMEOUT);
  const ctxA = await phone();
  const ctxB = await phone();
  ctxA.setDefaultTimeout(TIMEOUT);
  ctxB.setDefaultTimeout(TIMEOUT);
  const pageA = watch(await ctxA.newPage());
  const pageB = watch(await ctxB.newPage());

  let item = null;
  let office = null;
  let slot = ''; // the slot both want (RFC 3339)
  let altSlot = '';
  let number = '';
  let clerkPage = null;
  const keys = []; // Idempotency-Key headers the pages sent
  for (const p of [pageA, pageB]) {
    p.on('request', (req) => {
      if (req.method() === 'POST' && new URL(req.url()).pathname === '/api/v1/permits/appointments') keys.push(req.headers()['idempotency-key'] || '');
    });
  }

  await t.test('the administrator opens an office with one place per slot and a window', async () => {
    await call(desk, 'POST', '/api/v1/auth/login', { username: 'admin', password: PASSWORD });
    const me = await call(desk, 'GET', '/api/v1/me');
    const items = await call(desk, 'GET', '/api/v1/permits/items');
    item = items.find((i) => i.appointment && !i.retired);
    assert.ok(item, 'a bookable item in the catalogue');
    const allDay = { opens: '00:00', closes: '24:00', breaks: [] };
    office = await call(desk, 'POST', '/api/v1/permits/offices', {
      org_id: me.org.id,
      name: `E2E 末位名额服务点 ${Date.now().toString(36)}`,
      address: '宁波市海曙区测试路 1 号',
      week: Array.from({ length: 7 }, () => allDay),
      open_on_holidays: true,
      slot_minutes: 10,
      slot_capacity: 1,
      green_reserved: 0,
      min_notice_minutes: 0,
      horizon_days: 2,
    });
    assert.equal(office.slot_capacity, 1);
    const w = await call(desk, 'POST', `/api/v1/permits/offices/${office.id}/windows`, { number: '1', items: [item.code], open: true });
    assert.deepEqual(w.items, [item.code]);
  });

  await t.test('both citizens sign in on their phones and open the slot grid of the new office', async () => {
    await Promise.all([signIn(pageA, CITIZEN_A), signIn(pageB, CITIZEN_B)]);
    for (const [ctx, page] of [[ctxA, pageA], [ctxB, pageB]]) {
      // A live appointment for the item (from an earlier run) would refuse the booking.
      for (const a of await call(ctx, 'GET', '/api/v1/permits/appointments')) {
        if (a.item_code === item.code && (a.status === 'held' || a.status === 'booked')) await call(ctx, 'POST', `/api/v1/permits/appointments/${a.id}/cancel`);
      }
      await page.goto(`${BASE}/permits`);
      await ready(page);
      await page.locator('[data-testid=cat-q]').fill(item.code);
      await page.locator(`[data-testid=item][data-code="${item.code}"] [data-testid=item-open]`).click();
      await page.locator('[data-testid=detail]').waitFor();
      assert.equal(await page.locator('[data-testid=d-name]').textContent(), item.name_zh);
      await page.locator('[data-testid=d-book]').click();
      await page.locator('[data-testid=booking]').waitFor();
      await page.locator('[data-testid=bk-office]').selectOption(office.id);
      // In the last quarter hour of a Beijing day no slot is left today: take tomorrow's first
      // (check-in opens an hour before a slot, across midnight too).
      // The strip lists only days that have slots: once today has none, its first day is
      // already tomorrow, so the day is named, not counted.
      const beijingMinute = Math.floor(Date.now() / 60_000 + 8 * 60) % 1440;
      if (beijingMinute >= 1440 - 15) {
        const tomorrow = new Date(Date.now() + (8 + 24) * 3_600_000).toISOString().slice(0, 10);
        await page.locator(`[data-testid=date][data-date="${tomorrow}"]`).click();
      }
      await page.locator('[data-testid=slot]').first().waitFor();
      await noSidewaysScroll(page);
    }
    // The first slot that starts at least two minutes from now (so it is still bookable).
    const starts = await pageA.locator('[data-testid=slot]:not([disabled])').evaluateAll((l) => l.map((e) => e.dataset.start));
    slot = starts.find((s) => Date.parse(s) - Date.now() > 120_000);
    assert.ok(slot, `a slot within the hour: ${JSON.stringify(starts)}`);
    assert.equal(await pageB.locator(`[data-testid=slot][data-start="${slot}"]`).getAttribute('data-free'), '1');
    await shot(pageA, 'permits-book-grid.png', false);
  });

  await t.test('A holds the last place, sees the five-minute countdown and confirms', async () => {
    await pageA.locator(`[data-testid=slot][data-start="${slot}"]`).click();
    await pageA.locator('[data-testid=bk-hold]').waitFor();
    assert.match(await pageA.locator('[data-testid=bk-countdown]').textContent(), /^剩余 0[45]:\d\d$/);
    await shot(pageA, 'permits-book-hold.png', false);
    await pageA.locator('[data-testid=bk-confirm]').click();
    const card = pageA.locator(`[data-testid=appointment][data-start="${slot}"][data-status=booked]`);
    await card.waitFor();
    assert.equal(await card.locator('[data-testid=appt-status]').textContent(), '已预约');
    assert.equal(await card.locator('[data-testid=appt-office]').textContent(), office.name);
  });

  await t.test('B taps the same slot in the stale grid: 已约满, and an alternative is booked with one tap', async () => {
    // B's grid was drawn before A booked: it still offers the slot.
    const stale = pageB.locator(`[data-testid=slot][data-start="${slot}"]`);
    assert.equal(await stale.isDisabled(), false);
    await stale.click();
    const full = pageB.locator('[data-testid=bk-full]');
    await full.waitFor();
    assert.match(await full.textContent(), /已约满/);
    const alternatives = pageB.locator('[data-testid=alternative]');
    await alternatives.first().waitFor();
    assert.ok((await alternatives.count()) >= 1);
    altSlot = await alternatives.first().getAttribute('data-start');
    assert.notEqual(altSlot, slot);
    // The grid is drawn again from the server: the slot shows as full now.
    await pageB.locator(`[data-testid=slot][data-start="${slot}"][data-free="0"]`).waitFor();
    await shot(pageB, 'permits-book-full.png', false);
    // A double tap books once.
    await alternatives.first().dblclick();
    await pageB.locator('[data-testid=bk-hold]').waitFor();
    const hhmm = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(altSlot));
    assert.match(await pageB.locator('[data-testid=bk-hold-slot]').textContent(), new RegExp(`^\\d{4}-\\d\\d-\\d\\d ${hhmm}–`));
    await pageB.locator('[data-testid=bk-confirm]').click();
    await pageB.locator(`[data-testid=appointment][data-start="${altSlot}"][data-status=booked]`).waitFor();
    const mine = (await call(ctxB, 'GET', '/api/v1/permits/appointments')).filter((a) => a.office_id === office.id);
    assert.deepEqual(mine.map((a) => [a.status, Date.parse(a.slot_start)]), [['booked', Date.parse(altSlot)]]);
    // Every booking attempt carried its own key.
    assert.equal(keys.length, 3, JSON.stringify(keys));
    for (const k of keys) assert.match(k, UUID);
    assert.equal(new Set(keys).size, 3);
    await noSidewaysScroll(pageB);
    await shot(pageB, 'permits-book-alternative.png', false);
  });

  await t.test('A checks in on the day and gets a ticket number', async () => {
    const card = pageA.locator(`[data-testid=appointment][data-start="${slot}"]`);
    await card.locator('[data-testid=appt-check-in]').click();
    const n = card.locator('[data-testid=ticket-number]');
    await n.waitFor();
    number = (await n.textContent()).trim();
    assert.match(number, new RegExp(`^${item.prefix}\\d{3,}$`));
    assert.equal(await card.getAttribute('data-status'), 'checked_in');
    assert.equal(await card.locator('[data-testid=ticket-state]').textContent(), '请留意大厅叫号屏');
    await noSidewaysScroll(pageA);
    await card.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shot(pageA, 'permits-ticket.png', false);
  });

  // The hall display signs in as nobody.
  const screen = await browser.newContext({ viewport: { width: 1600, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  screen.setDefaultTimeout(TIMEOUT);
  const hall = watch(await screen.newPage());
  await t.test('the hall display shows nobody called yet and one waiting', async () => {
    await hall.goto(`${BASE}/permits/hall?office=${office.id}`);
    await ready(hall);
    assert.equal(await hall.locator('[data-testid=office-name]').textContent(), office.name);
    await hall.waitForFunction(() => document.querySelector('[data-testid=waiting]').textContent === '1');
    assert.equal(await hall.locator('[data-testid=latest-call]').isHidden(), true);
  });

  await t.test('the permit clerk calls the next ticket at window 1 and gets A', async () => {
    const clerkCtx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    clerkCtx.setDefaultTimeout(TIMEOUT);
    const clerk = watch(await clerkCtx.newPage());
    await signIn(clerk, 'permit');
    await clerk.locator('a[href="/permits/window"]').first().click();
    await clerk.waitForURL(`${BASE}/permits/window`);
    await ready(clerk);
    await clerk.locator('[data-testid=office]').selectOption(office.id);
    await clerk.locator(`[data-testid=wait-ticket][data-number="${number}"]`).waitFor();
    assert.match(await clerk.locator('[data-testid=window] option:checked').textContent(), /^1 号窗口/);
    await clerk.locator('[data-testid=call-next]').click();
    await clerk.waitForFunction((n) => document.querySelector('[data-testid=cur-number]')?.textContent === n, number);
    assert.match(await clerk.locator('[data-testid=cur-name]').textContent(), /^张伟/);
    assert.match(await clerk.locator('[data-testid=cur-item]').textContent(), new RegExp(item.code));
    assert.equal(await clerk.locator('[data-testid=cur-priority]').textContent(), '预约');
    assert.equal(await clerk.locator('[data-testid=call-status]').textContent(), `请 ${number} 号到 1 号窗口`);
    await shot(clerk, 'permits-window-called.png');

    // The hall display follows without a reload, highlighted as a new call.
    await hall.waitForFunction((n) => document.querySelector('[data-testid=latest-number]')?.textContent === n, number);
    assert.equal(await hall.locator('[data-testid=latest-window]').textContent(), '1 号窗口');
    assert.equal(await hall.locator('[data-testid=waiting]').textContent(), '0');
    assert.match(await hall.locator('[data-testid=latest]').getAttribute('class'), /\bflash\b/);
    assert.equal(await hall.locator('[data-testid=announce]').textContent(), `请 ${number} 号到 1 号窗口办理`);
    await shot(hall, 'permits-hall.png', false);

    clerkPage = clerk;
  });

  await t.test("A's phone follows the call without a reload, and keeps the ticket after one", async () => {
    const state = pageA.locator(`[data-testid=appointment][data-start="${slot}"] [data-testid=ticket-state]`);
    try {
      await pageA.waitForFunction((s) => document.querySelector(`[data-testid=appointment][data-start="${s}"] [data-testid=ticket-state]`)?.textContent.startsWith('请到 '), slot);
    } catch (err) {
      throw new Error(`A's ticket never showed the call: ${JSON.stringify(await state.textContent())}`, { cause: err });
    }
    assert.equal(await state.textContent(), '请到 1 号窗口办理');
    await pageA.reload();
    await ready(pageA);
    const card = pageA.locator(`[data-testid=appointment][data-start="${slot}"]`);
    assert.equal(await card.locator('[data-testid=ticket-number]').textContent(), number);
  });

  await t.test('the clerk serves and finishes the ticket', async () => {
    const clerk = clerkPage;
    await clerk.locator('[data-testid=cur-start]').click();
    await clerk.waitForFunction(() => document.querySelector('[data-testid=current]')?.dataset.state === 'serving');
    await clerk.locator('[data-testid=cur-finish]').click();
    await clerk.locator('[data-testid=current]').waitFor({ state: 'hidden' });
    await clerk.context().close();
  });

  await t.test('the guide reads on a 375-px phone, in English too', async () => {
    await pageA.goto(`${BASE}/permits`);
    await ready(pageA);
    await pageA.locator('[data-testid=item]').first().waitFor();
    await noSidewaysScroll(pageA);
    await shot(pageA, 'permits-phone-guide.png', false);
    await pageA.locator('[data-testid=lang-switch]').click();
    await pageA.waitForFunction(() => document.documentElement.lang === 'en');
    await pageA.locator('[data-testid=tab-appointments]').click();
    await pageA.locator(`[data-testid=appointment][data-start="${slot}"] [data-testid=appt-status]:text-is("Checked in")`).waitFor();
    await noSidewaysScroll(pageA);
    await shot(pageA, 'permits-phone-appointments-en.png', false);
    await pageA.locator('[data-testid=lang-switch]').click();
    await pageA.waitForFunction(() => document.documentElement.lang === 'zh-CN');
  });

  await ctxA.close();
  await ctxB.close();
  await screen.close();
  await desk.close();
  assert.deepEqual(problems, []);
  assert.equal(conflicts, 1, 'one 409: B\'s tap on the slot A took');
});
