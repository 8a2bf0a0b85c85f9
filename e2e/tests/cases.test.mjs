// Law enforcement in the browser against `jingwu demo` (see e2e/run.sh). The handler (`case`,
// 跃龙派出所) opens a case, brings a person in under a criminal summons (12 hours, extendable to
// 24 by a county-level approver) and watches the clock run on the board; a safety check, a move
// into one of the demo area's interrogation rooms; then asks for 12 more hours. The county
// bureau's legal supervisor (`ninghai.legal`) approves it on the supervision desk; the
// handler's board shows the due time 12 hours later without a reload, records the exit (the
// dialog insists on an outcome) and the person leaves the board. The county store's custodian
// (`evidence`) sets up two locations, takes in an item for the case by its number and gets a
// Code 128 label, relocates it, checks it out to the handler and back in with the seal intact —
// the chain of custody verifies. A colleague outside the chain (an auditor the administrator
// creates) counts the location by scanning the label: no discrepancy. A handler of another
// district (`gulou.case`) does not see the person.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { launchBrowser } from '../lib/browser.mjs';

// The label renderer the page uses (loaded as a module from its source: web/ is no Node package).
const code128 = await import(`data:text/javascript,${encodeURIComponent(await readFile(path.join(import.meta.dirname, '../../web/static/cases/code128.js'), 'utf8'))}`);
const { symbols, widths } = code128;

const BASE = process.env.JINGWU_BASE_URL;
const OUT = process.env.E2E_OUT || path.join(import.meta.dirname, '..', 'out');
const SHOTS = process.env.JINGWU_SCREENSHOTS || '';
const PASSWORD = 'jingwu-demo';
const TIMEOUT = 15_000;
const RUN = Date.now().toString(36).slice(-5).toUpperCase();
// A valid resident ID (GB 11643 check digit), different every run so a leftover record of an
// earlier run on the same database never collides.
const PERSON_ID = residentId(`330226199${String(Date.now() % 10)}0101${String(Date.now() % 1000).padStart(3, '0')}`);

if (!BASE) throw new Error('JINGWU_BASE_URL is not set; run the tests through e2e/run.sh');

function residentId(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((a, c, i) => a + Number(c) * w[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

let browser;
const problems = [];

function watch(page, expected = []) {
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    if (/status of 401/.test(text)) return; // the login page asks who is signed in
    if (expected.some((re) => re.test(text))) return;
    problems.push(`console: ${text}`);
  });
  return page;
}

async function shot(page, name, fullPage = true) {
  await page.screenshot({ path: path.join(OUT, name), fullPage });
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, name), fullPage });
}

async function desk(username) {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  ctx.setDefaultTimeout(TIMEOUT);
  const page = await ctx.newPage();
  await page.goto(`${BASE}/login`);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(PASSWORD);
  await page.locator('#submit').click();
  await page.waitForURL(`${BASE}/`);
  return { ctx, page };
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

/** "YYYY-MM-DD HH:MM" in Beijing of a `datetime-local` value (Beijing) plus some hours. */
function plusHours(local, hours) {
  const d = new Date(Date.parse(`${local}:00+08:00`) + hours * 3_600_000);
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** Seconds of an h:mm:ss countdown text. */
function seconds(text) {
  const m = /(\d+):(\d{2}):(\d{2})/.exec(text);
  assert.ok(m, `a countdown: ${text}`);
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}

before(async () => {
  await mkdir(OUT, { recursive: true });
  if (SHOTS) await mkdir(SHOTS, { recursive: true });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

test('handling area: bring in, clock, extension approved by the county, exit; property: intake, moves, inventory', async (t) => {
  const admin = await browser.newContext();
  let caseNumber = '';
  let caseId = '';
  let arrived = ''; // the arrival time as entered (datetime-local, Beijing)
  const person = `测试人员${RUN}`;
  let barcode = '';
  const auditor = `e2e.auditor.${RUN.toLowerCase()}`;

  await t.test('the administrator adds an auditor to the county store', async () => {
    await call(admin, 'POST', '/api/v1/auth/login', { username: 'admin', password: PASSWORD });
    // The inventory is counted by a custodian who never handled the store's items.
    await call(admin, 'POST', '/api/v1/users', {
      username: auditor, display_name: `盘点员 ${RUN}`, role: 'evidence_custodian', org: '330226', password: PASSWORD,
    });
  });

  const handler = await desk('case');
  const hp = watch(handler.page);

  await t.test('the handler opens a case', async () => {
    await hp.goto(`${BASE}/cases#new`);
    await ready(hp);
    await hp.getByTestId('n-kind').selectOption('criminal');
    await hp.getByTestId('n-title').fill(`E2E 盗窃案 ${RUN}`);
    await hp.getByTestId('n-cause').fill('盗窃');
    await hp.getByTestId('n-summary').fill('商场内手机被盗，嫌疑人被当场控制。');
    await hp.getByTestId('n-submit').click();
    await hp.getByTestId('case-file').waitFor();
    const title = await hp.getByTestId('cf-title').textContent();
    caseNumber = title.split(' ')[0];
    assert.match(caseNumber, /^A33022601\d{4}\d{5}$/, `a criminal case number: ${title}`);
    caseId = new URL(hp.url()).searchParams.get('case');
    assert.ok(caseId);
    await shot(hp, 'cases-01-case-file.png');
  });

  await t.test('the handler brings a person in; the board shows the clock running', async () => {
    await hp.goto(`${BASE}/cases/area`);
    await ready(hp);
    await hp.keyboard.press('n');
    const dlg = hp.getByTestId('in-dialog');
    await dlg.waitFor();
    // The form refuses an empty measure at the field.
    await hp.getByTestId('in-name').fill(person);
    await hp.getByTestId('in-role').selectOption('suspect');
    await hp.getByTestId('in-idkind').selectOption('resident_id');
    await hp.getByTestId('in-idno').fill(PERSON_ID);
    await hp.getByTestId('in-reason').fill('涉嫌盗窃');
    await hp.getByTestId('in-submit').click();
    assert.equal(await hp.getByTestId('in-measure').getAttribute('aria-invalid'), 'true');
    await hp.getByTestId('in-measure').selectOption('criminal_summons');
    await hp.getByTestId('in-case').selectOption(caseId);
    arrived = await hp.getByTestId('in-arrived').inputValue();
    await hp.getByTestId('in-submit').click();
    await dlg.waitFor({ state: 'hidden' });
    const card = hp.locator(`[data-testid="pcard"][data-name="${person}"]`);
    await card.waitFor();
    assert.equal(await card.getByTestId('pc-due').textContent(), `到期 ${plusHours(arrived, 12)}`);
    assert.match(await card.getByTestId('pc-measure').textContent(), /刑事传唤.*刑事诉讼法/);
    assert.equal(await card.getAttribute('data-level'), 'ok');
    const first = seconds(await card.getByTestId('pc-countdown').textContent());
    await hp.waitForTimeout(2200);
    const second = seconds(await card.getByTestId('pc-countdown').textContent());
    assert.ok(second < first && first - second <= 4, `the clock runs: ${first} → ${second}`);
    assert.ok(first <= 12 * 3600 && first > 11 * 3600, `about 12 hours left: ${first}`);
    await shot(hp, 'cases-02-board.png');
  });

  await t.test('another district\'s handler does not see the person', async () => {
    const other = await desk('gulou.case');
    const op = watch(other.page);
    await op.goto(`${BASE}/cases/area`);
    await ready(op);
    await op.getByTestId('board').locator('li').first().waitFor();
    assert.equal(await op.locator(`[data-testid="pcard"][data-name="${person}"]`).count(), 0);
    await other.ctx.close();
  });

  await t.test('safety check, then a request for 12 more hours', async () => {
    const card = hp.locator(`[data-testid="pcard"][data-name="${person}"]`);
    await card.getByTestId('pc-open').click();
    const dlg = hp.getByTestId('p-dialog');
    await dlg.getByTestId('act-safety').waitFor();
    await dlg.getByTestId('act-safety').click();
    await dlg.locator('[data-testid="p-event"][data-kind="safety_check"]').waitFor();
    // Into an interrogation room of the station's area (the demo's rooms, in procedural order).
    await dlg.getByTestId('act-room').click();
    await dlg.getByTestId('af-room-to').selectOption({ label: '讯问室二 · 讯问室' });
    await dlg.getByTestId('af-room-submit').click();
    await dlg.locator('[data-testid="p-event"][data-kind="room_move"]').waitFor();
    assert.equal(await dlg.getByTestId('p-room').textContent(), '讯问室二');
    await dlg.getByTestId('act-extension').click();
    const ext = hp.getByTestId('ext-dialog');
    await ext.waitFor();
    await ext.getByTestId('ext-amount').fill('12');
    await ext.getByTestId('ext-reason').fill('案情复杂，需进一步讯问核实');
    await ext.getByTestId('ext-submit').click();
    await ext.waitFor({ state: 'hidden' });
    await dlg.locator('[data-testid="ext-line"]').filter({ hasText: '待审批' }).waitFor();
    await shot(hp, 'cases-03-person-extension-requested.png');
    await dlg.locator('[data-close]').first().click();
  });

  await t.test('the county\'s legal supervisor approves the extension', async () => {
    const legal = await desk('ninghai.legal');
    const lp = watch(legal.page);
    await lp.goto(`${BASE}/cases#supervision`);
    await ready(lp);
    const item = lp.getByTestId('ext-pending').filter({ hasText: '刑事传唤' }).first();
    await item.waitFor();
    await shot(lp, 'cases-04-supervision.png');
    await item.getByTestId('decision-note').fill('同意延长至24小时');
    await item.getByTestId('ext-approve').click();
    await lp.getByText('已批准延长。').waitFor();
    await legal.ctx.close();
  });

  await t.test('back on the board (live, no reload) the due time moved to 24 hours after arrival; exit with an outcome', async () => {
    const card = hp.locator(`[data-testid="pcard"][data-name="${person}"]`);
    await card.waitFor();
    await hp.waitForFunction(([name, due]) => {
      const c = document.querySelector(`[data-testid="pcard"][data-name="${name}"] [data-testid="pc-due"]`);
      return c && c.textContent === due;
    }, [person, `到期 ${plusHours(arrived, 24)}`]);
    const left = seconds(await card.getByTestId('pc-countdown').textContent());
    assert.ok(left > 23 * 3600, `about 24 hours left: ${left}`);
    assert.match(await card.textContent(), /含已批准延长 12 小时/);
    await shot(hp, 'cases-05-board-extended.png');
    await card.getByTestId('pc-exit').click();
    const dlg = hp.getByTestId('p-dialog');
    const form = dlg.getByTestId('af-exit');
    await form.waitFor();
    await form.getByTestId('af-exit-submit').click();
    await form.locator('.field-error').filter({ hasText: '离区必须选择处理结果' }).waitFor();
    await form.getByTestId('outcome-released').check();
    await form.getByTestId('af-exit-note').fill('教育后释放');
    await form.getByTestId('af-exit-submit').click();
    await dlg.waitFor({ state: 'hidden' });
    await card.waitFor({ state: 'detached' });
    await shot(hp, 'cases-06-board-after-exit.png');
  });

  const custodian = await desk('evidence');
  const cp = watch(custodian.page);
  const locA = `A${RUN}`;
  const locB = `B${RUN}`;

  await t.test('the custodian sets up two locations and takes an item in; the label carries its barcode', async () => {
    await cp.goto(`${BASE}/cases/evidence#locations`);
    await ready(cp);
    for (const code of [locA, locB]) {
      await cp.getByTestId('lc-code').fill(code);
      await cp.getByTestId('lc-name').fill(`货架 ${code}`);
      await cp.getByTestId('lc-submit').click();
      await cp.locator('[data-testid="loc-row"]').filter({ hasText: code }).waitFor();
    }
    await cp.getByTestId('etab-intake').click();
    await cp.getByTestId('ph-case').fill(caseNumber);
    await cp.getByTestId('ph-category').selectOption('electronic_device');
    await cp.getByTestId('ph-desc').fill('黑色智能手机一部');
    await cp.getByTestId('ph-seal').fill(`F${RUN}01`);
    await cp.getByTestId('ph-location').selectOption({ label: `${locA} 货架 ${locA}` });
    await cp.getByTestId('ph-submit').click();
    const label = cp.getByTestId('label-card');
    await label.waitFor();
    barcode = (await label.getByTestId('label-barcode').textContent()).trim();
    assert.match(barcode, /^[A-Za-z0-9-]{4,40}$/);
    // The bars drawn are the barcode's Code 128 symbols: start, data, modulo-103 check, stop.
    const bars = await label.locator('svg.barcode').evaluate((svg) => [...svg.querySelectorAll('rect[fill="#000"]')]
      .map((r) => [Number(r.getAttribute('x')), Number(r.getAttribute('width'))]));
    const drawn = [];
    bars.forEach(([x, w], i) => {
      if (i > 0) drawn.push(x - (bars[i - 1][0] + bars[i - 1][1]));
      drawn.push(w);
    });
    assert.deepEqual(drawn, widths(barcode), 'the label encodes its barcode');
    const v = symbols(barcode);
    assert.equal(v.at(-1), v.slice(0, -1).reduce((a, x, i) => a + x * Math.max(i, 1), 0) % 103, 'check symbol');
    await shot(cp, 'cases-07-intake-label.png');
  });

  await t.test('relocate, check out to the handler, check in with the seal intact: the chain verifies', async () => {
    await cp.getByTestId('label-open').click();
    const view = cp.getByTestId('item-view');
    await view.getByTestId('iv-verify').waitFor();
    const moveTo = async (kind, fill) => {
      await view.getByTestId('mv-kind').selectOption(kind);
      await fill();
      await view.getByTestId('mv-submit').click();
      await view.locator(`[data-testid="chain-row"][data-kind="${kind}"]`).waitFor();
    };
    await moveTo('relocate', async () => {
      await view.getByTestId('mv-location').selectOption({ label: `${locB} 货架 ${locB}` });
      await view.getByTestId('mv-reason').fill('调整库位');
    });
    await moveTo('check_out', async () => {
      await view.getByTestId('mv-holder').fill('case');
      await view.getByTestId('mv-place').fill('跃龙派出所');
      await view.getByTestId('mv-reason').fill('提取检验');
    });
    await moveTo('check_in', async () => {
      await view.getByTestId('mv-location').selectOption({ label: `${locA} 货架 ${locA}` });
      await view.getByTestId('mv-reason').fill('检验完毕归还');
    });
    assert.equal(await view.getByTestId('chain-row').count(), 4);
    assert.equal(await view.getByTestId('iv-verify').getAttribute('data-ok'), 'true');
    assert.match(await view.getByTestId('iv-verify').textContent(), /保管链完整/);
    await shot(cp, 'cases-08-item-chain.png');
  });

  await t.test('an auditor outside the chain counts the location by scanning: no discrepancy', async () => {
    const aud = await desk(auditor);
    const ap = watch(aud.page);
    await ap.goto(`${BASE}/cases/evidence#inventories`);
    await ready(ap);
    await ap.getByTestId('inv-scope').selectOption('full');
    await ap.getByTestId('inv-location').selectOption({ label: `${locA} 货架 ${locA}` });
    await ap.getByTestId('inv-submit').click();
    await ap.getByTestId('inv-body').waitFor();
    assert.equal(await ap.getByTestId('inv-expected').textContent(), '1');
    // A scanner types the barcode and presses Enter.
    await ap.getByTestId('scan').pressSequentially(barcode, { delay: 5 });
    await ap.keyboard.press('Enter');
    await ap.getByTestId('scan-line').filter({ hasText: barcode }).waitFor();
    assert.equal(await ap.getByTestId('inv-scanned').textContent(), '1');
    assert.equal(await ap.getByTestId('inv-left').textContent(), '0');
    ap.once('dialog', (d) => d.accept());
    await ap.getByTestId('inv-close').click();
    await ap.getByTestId('no-discrepancy').waitFor();
    await shot(ap, 'cases-09-inventory-closed.png');
    await aud.ctx.close();
  });

  await admin.close();
  await handler.ctx.close();
  await custodian.ctx.close();
  assert.deepEqual(problems, []);
});
