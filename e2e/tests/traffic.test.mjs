// The citizen's traffic business in the browser against `jingwu demo` (see e2e/run.sh), on a
// phone: the unregistered demo resident 李明 registers with a code sent to his phone (read from
// the built-in SMS outbox by the administrator), signs in with his mobile number, accepts the
// camera violation of his car (6 of the 12 points), passes the study quiz, pays the fine through the
// sandbox payment channel and sees it paid; the traffic clerk then sees it paid in the review
// queue.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { launchBrowser } from '../lib/browser.mjs';

const BASE = process.env.JINGWU_BASE_URL;
const OUT = process.env.E2E_OUT || path.join(import.meta.dirname, '..', 'out');
const SHOTS = process.env.JINGWU_SCREENSHOTS || '';
const TIMEOUT = 20_000;
// The question bank, one source of truth for the right answers (they never leave the server).
const QUIZ_RS = path.join(import.meta.dirname, '..', '..', 'crates', 'jingwu-traffic', 'src', 'quiz.rs');

const MOBILE = '13900001111';
const PASSWORD = 'li-ming-2025';
const PLATE = '浙B8A6K3';

if (!BASE) throw new Error('JINGWU_BASE_URL is not set; run the tests through e2e/run.sh');

/** Question id → index of the right choice, parsed from the Rust question bank. */
async function answerKey() {
  const src = await readFile(QUIZ_RS, 'utf8');
  const key = new Map();
  // `q("S01", Signs, "zh", "en", &[choices_zh], &[choices_en], 3)` …
  for (const m of src.matchAll(/\bq\(\s*"(\w+)",[\s\S]*?&\[[\s\S]*?\],\s*&\[[\s\S]*?\],\s*(\d+),?\s*\)/g)) key.set(m[1], Number(m[2]));
  // … or `Question { id: "S01", …, answer: 3 }`.
  for (const m of src.matchAll(/\bQuestion\s*\{\s*id:\s*"(\w+)"[\s\S]*?\banswer:\s*(\d+)/g)) key.set(m[1], Number(m[2]));
  assert.ok(key.size >= 10, `answers parsed from ${QUIZ_RS}: ${key.size}`);
  return key;
}

let browser;
const problems = [];

function watch(page) {
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/status of 401/.test(msg.text())) problems.push(`console: ${msg.text()}`);
  });
  return page;
}

// The whole page, or (fullPage false) what the phone shows: sticky bars stay where they are.
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

before(async () => {
  await mkdir(OUT, { recursive: true });
  if (SHOTS) await mkdir(SHOTS, { recursive: true });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

test('a resident registers, accepts and pays a camera violation, and studies off points', async (t) => {
  const key = await answerKey();
  const phone = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
  });
  phone.setDefaultTimeout(TIMEOUT);
  const page = watch(await phone.newPage());

  // The administrator reads the SMS outbox (the built-in notifier) in a context of their own.
  const desk = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  desk.setDefaultTimeout(TIMEOUT);
  const adminPage = watch(await desk.newPage());
  await signIn(adminPage, 'admin', 'jingwu-demo');

  const card = () => page.locator(`[data-testid=violation]:has([data-testid=v-plate]:text-is("${PLATE}"))`).first();

  await t.test('an unregistered resident registers with a code sent to the phone', async () => {
    await page.goto(`${BASE}/traffic`);
    await page.locator('body[data-ready]').waitFor({ state: 'attached' });
    assert.equal(await page.title(), '交管服务 · 警务综合平台');
    await page.locator('[data-testid=register]').waitFor();
    await page.locator('[data-testid=reg-name]').fill('李明');
    await page.locator('[data-testid=reg-id]').fill('330203199001011236');
    await page.locator('[data-testid=reg-mobile]').fill(MOBILE);
    await page.locator('[data-testid=reg-send]').click();
    await page.locator('[data-testid=code-sent]').waitFor();
    assert.match(await page.locator('[data-testid=code-sent]').textContent(), /139\*{4}1111/);
    // The button counts down the minute before another code may be asked for.
    assert.match(await page.locator('[data-testid=reg-send]').textContent(), /^\d+ 秒后重新获取$/);
    assert.equal(await page.locator('[data-testid=reg-send]').isDisabled(), true);

    const res = await desk.request.get(`${BASE}/api/v1/traffic/outbox?recipient=${MOBILE}`);
    assert.equal(res.status(), 200, await res.text());
    const outbox = await res.json();
    const code = /验证码\s*(\d{6})/.exec(outbox[0]?.body || '')?.[1];
    assert.ok(code, `a code in the outbox: ${JSON.stringify(outbox[0])}`);

    await page.locator('[data-testid=reg-code]').fill(code);
    await page.locator('[data-testid=reg-password]').fill(PASSWORD);
    await shot(page, 'traffic-register.png');
    await page.locator('[data-testid=reg-submit]').click();
    await page.waitForURL(`${BASE}/login`);
  });

  await t.test('he signs in with the mobile number; the home tile leads to /traffic', async () => {
    await signIn(page, MOBILE, PASSWORD);
    await page.locator('a[href="/traffic"]').first().click();
    await page.waitForURL(`${BASE}/traffic`);
    await page.locator('body[data-ready]').waitFor({ state: 'attached' });
    await page.locator('[data-testid=citizen]').waitFor();
    assert.equal(await page.locator('[data-testid=c-name]').textContent(), '李明');
    assert.match(await page.locator('[data-testid=licence-class]').textContent(), /^C1 /);
    assert.equal(await page.locator('[data-testid=licence-first-issued]').textContent(), '2015-03-10');
    // Points scored this cycle, of the full score of 12.
    assert.equal(await page.locator('[data-testid=points-balance]').textContent(), '0');
    await page.locator('[data-testid=tab-vehicles]').click();
    await page.locator(`[data-testid=vehicle][data-plate="${PLATE}"]`).waitFor();
  });

  await t.test('the camera violation is accepted after a confirm step: 6 of 12 points', async () => {
    await page.locator('[data-testid=tab-violations]').click();
    await card().waitFor();
    assert.equal(await card().getAttribute('data-status'), 'pending');
    assert.equal(await card().locator('[data-testid=v-points]').textContent(), '6 分');
    assert.equal(await card().locator('[data-testid=v-fine]').textContent(), '¥200.00');
    await card().locator('[data-testid=v-accept]').click();
    const confirm = card().locator('[data-testid=v-confirm]');
    await confirm.waitFor();
    assert.match(await confirm.textContent(), /记 6 分，罚款 ¥200\.00/);
    await shot(page, 'traffic-accept.png');
    await confirm.locator('[data-testid=v-accept-confirm]').click();
    await page.locator(`[data-testid=violation][data-status=decided]:has([data-testid=v-plate]:text-is("${PLATE}"))`).waitFor();
    assert.equal(await card().locator('[data-testid=v-amount-due]').textContent(), '¥200.00');
    assert.match(await card().locator('[data-testid=v-deadline]').textContent(), /^\d{4}-\d\d-\d\d$/);
    await page.locator('[data-testid=tab-licence]').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=points-balance]').textContent === '6');
    assert.equal(await page.locator('[data-testid=points-recorded]').textContent(), '6');
    assert.equal(await page.locator('[data-testid=points-summary]').textContent(), '累积记分 6 分');
    assert.equal(await page.locator('[data-testid=points-left]').textContent(), '6 分');
    await shot(page, 'traffic-points.png');
  });

  let reduced = 0;
  await t.test('the study quiz is passed', async () => {
    await page.locator('[data-testid=tab-study]').click();
    await page.locator('[data-testid=quiz-start]').click();
    const questions = page.locator('[data-testid=question]');
    await questions.first().waitFor();
    assert.equal(await questions.count(), 10);
    for (const q of await questions.all()) {
      const id = await q.getAttribute('data-qid');
      assert.ok(key.has(id), `question ${id} is in the bank`);
      await q.locator(`[data-testid=choice-${key.get(id)}]`).check();
    }
    await shot(page, 'traffic-quiz.png', false);
    await page.locator('[data-testid=quiz-submit]').click();
    await page.locator('[data-testid=quiz-result]').waitFor();
    assert.equal(await page.locator('[data-testid=quiz-verdict]').textContent(), '考试合格');
    assert.match(await page.locator('[data-testid=quiz-score]').textContent(), /^答对 10\/10 题（合格线 9 题）$/);
    // Passing earns a reduction, or the rule that refuses it is named in the reader's language.
    const earned = page.locator('[data-testid=quiz-reduced]');
    const refused = page.locator('[data-testid=quiz-refusal]');
    assert.ok((await earned.count()) + (await refused.count()) === 1, 'a reduction or a refusal');
    if (await earned.count()) reduced = Number(/(\d+)/.exec(await earned.textContent())[1]);
    else assert.match(await refused.textContent(), /^本次不予减分：\p{Script=Han}/u);
    await shot(page, 'traffic-quiz-result.png', false);
    await page.locator('[data-testid=tab-licence]').click();
    assert.equal(await page.locator('[data-testid=points-balance]').textContent(), String(6 - reduced));
  });

  await t.test('the fine is paid through the sandbox channel', async () => {
    await page.locator('[data-testid=tab-violations]').click();
    await card().locator('[data-testid=v-pay]').click();
    await page.waitForURL(/\/pay\/sandbox\/\?order=/);
    await page.locator('body[data-ready]').waitFor({ state: 'attached' });
    assert.equal(await page.title(), '沙箱支付 · 模拟支付渠道');
    assert.equal(await page.locator('[data-testid=sandbox-banner]').isVisible(), true);
    assert.equal(await page.locator('[data-testid=pay-amount]').textContent(), '¥200.00');
    assert.equal(await page.locator('[data-testid=pay-subject]').textContent(), '罚没款缴纳');
    assert.equal(await page.locator('[data-testid=pay-order-no]').textContent(), new URL(page.url()).searchParams.get('order'));
    await shot(page, 'pay-sandbox.png');
    await page.locator('[data-testid=pay-confirm]').click();
    await page.locator('[data-testid=pay-receipt]').waitFor();
    assert.match(await page.locator('[data-testid=receipt-trade-no]').textContent(), /^SBX\w+$/);
    assert.equal(await page.locator('[data-testid=receipt-amount]').textContent(), '¥200.00');
    assert.equal(await page.locator('[data-testid=pay-confirm]').isHidden(), true);
    await shot(page, 'pay-receipt.png');
    await page.locator('[data-testid=pay-back]').click();
    await page.waitForURL(`${BASE}/traffic#violations`);
    await page.locator('body[data-ready]').waitFor({ state: 'attached' });
    await card().waitFor();
    assert.equal(await card().getAttribute('data-status'), 'paid');
    assert.equal(await card().locator('[data-testid=v-status]').textContent(), '已缴款');
    assert.equal(await card().locator('[data-testid=v-done]').isVisible(), true);
    await shot(page, 'traffic-paid.png');
  });

  await t.test('the traffic clerk sees it paid in the review queue', async () => {
    const clerkCtx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    clerkCtx.setDefaultTimeout(TIMEOUT);
    const clerk = watch(await clerkCtx.newPage());
    await signIn(clerk, 'traffic', 'jingwu-demo');
    await clerk.locator('a[href="/traffic/clerk"]').first().click();
    await clerk.waitForURL(`${BASE}/traffic/clerk`);
    await clerk.locator('body[data-ready]').waitFor({ state: 'attached' });
    await clerk.locator('[data-testid=filter-paid]').click();
    const row = clerk.locator(`[data-testid=row][data-plate="${PLATE}"]`).first();
    await row.waitFor();
    assert.equal(await row.getAttribute('data-status'), 'paid');
    assert.equal(await row.locator('[data-testid=row-status]').textContent(), '已缴款');
    await shot(clerk, 'traffic-clerk.png');
    await clerkCtx.close();
  });

  await phone.close();
  await desk.close();
  assert.deepEqual(problems, []);
});
