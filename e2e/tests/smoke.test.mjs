// Smoke test of the web shell against a running `jingwu demo` (see e2e/run.sh).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, chromiumArgs } from '../lib/browser.mjs';

const BASE = process.env.JINGWU_BASE_URL;
const OUT = process.env.E2E_OUT || path.join(import.meta.dirname, '..', 'out');
const PASSWORD = 'jingwu-demo';
const TIMEOUT = 15_000;

if (!BASE) throw new Error('JINGWU_BASE_URL is not set; run the tests through e2e/run.sh');

let context;
let page;
let userDataDir;
const problems = [];

before(async () => {
  await mkdir(OUT, { recursive: true });
  userDataDir = await mkdtemp(path.join(tmpdir(), 'jingwu-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...chromiumArgs(), '--disable-quic', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 860 },
    timeout: 60_000,
  });
  context.setDefaultTimeout(TIMEOUT);
  page = context.pages()[0] || (await context.newPage());
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    // Expected: the browser logs API error statuses the page handles itself.
    if (/status of (401|422|429)/.test(text)) return;
    problems.push(`console: ${text}`);
  });
});

after(async () => {
  await context?.close();
  if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
});

/** Waits until the element's text contains `text`; fails with what it saw. */
async function waitText(selector, text) {
  try {
    await page.waitForFunction(
      ([sel, want]) => {
        const el = document.querySelector(sel);
        return Boolean(el && !el.hidden && el.textContent.includes(want));
      },
      [selector, text],
      { timeout: TIMEOUT },
    );
  } catch (err) {
    const seen = await page.locator(selector).first().textContent().catch(() => '(missing)');
    throw new Error(`expected ${selector} to contain ${JSON.stringify(text)}, saw ${JSON.stringify(seen)}`, { cause: err });
  }
}

async function waitLang(lang) {
  await page.waitForFunction((l) => document.documentElement.lang === l && document.documentElement.hasAttribute('data-i18n-ready'), lang);
}

async function cardTitles() {
  await page.locator('#cards .card-title').first().waitFor();
  return page.locator('#cards .card-title').allTextContents();
}

async function login(username, password) {
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await page.locator('#submit').click();
}

async function me() {
  return page.evaluate(async () => (await fetch('/api/v1/me')).json());
}

async function shot(name) {
  await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true });
}

test('web shell smoke test', async (t) => {
  await t.test('login page is Chinese by default and secured by CSP', async () => {
    const res = await page.goto(`${BASE}/login`);
    assert.equal(res.status(), 200);
    assert.match(res.headers()['content-security-policy'] || '', /default-src 'self'/);
    await waitLang('zh-CN');
    await waitText('.login-card h2', '用户登录');
    assert.equal(await page.title(), '登录 · 警务综合平台');
    await shot('01-login-zh');
  });

  await t.test('empty form is caught on the page', async () => {
    await page.locator('#submit').click();
    await waitText('#username-error', '请输入用户名。');
    await waitText('#password-error', '请输入密码。');
  });

  await t.test('wrong password shows the translated error', async () => {
    await login('admin', 'definitely-wrong');
    await waitText('[data-testid=login-error]', '用户名或密码错误');
    assert.equal(page.url(), `${BASE}/login`);
    await shot('02-login-wrong-password-zh');
    await page.locator('[data-testid=lang-switch]').click();
    await waitLang('en');
    await waitText('[data-testid=login-error]', 'Wrong username or password');
    await page.locator('[data-testid=lang-switch]').click();
    await waitLang('zh-CN');
    await waitText('[data-testid=login-error]', '用户名或密码错误');
  });

  await t.test('admin logs in through the form and sees the home page in Chinese', async () => {
    await login('admin', PASSWORD);
    await page.waitForURL(`${BASE}/`);
    const user = await me();
    assert.equal(user.username, 'admin');
    await waitText('[data-testid=user-name]', user.display_name);
    await waitText('[data-testid=user-role]', '系统管理员');
    await waitText('[data-testid=user-org]', user.org.name_zh);
    await waitText('[data-testid=logout]', '退出登录');
    const titles = await cardTitles();
    for (const want of ['110 指挥', '交管服务', '审批窗口', '执法办案', '智慧消防', '审计', 'API 文档']) {
      assert.ok(titles.includes(want), `card ${want} missing from ${JSON.stringify(titles)}`);
    }
    assert.equal(await page.locator('a[href="/api/docs"]').count(), 1);
    assert.equal(await page.locator('a[href="/api/v1/audit"]').count(), 1);
    await shot('03-home-admin-zh');
  });

  await t.test('switching to English translates the page and sticks', async () => {
    await page.locator('[data-testid=lang-switch]').click();
    await waitLang('en');
    const user = await me();
    await waitText('[data-testid=user-role]', 'Administrator');
    await waitText('[data-testid=user-org]', user.org.name_en);
    await waitText('[data-testid=logout]', 'Sign out');
    const titles = await cardTitles();
    assert.ok(titles.includes('110 Command'), JSON.stringify(titles));
    assert.ok(titles.includes('Traffic Services'), JSON.stringify(titles));
    await page.reload();
    await waitLang('en');
    await waitText('[data-testid=logout]', 'Sign out');
    await shot('04-home-admin-en');
    await page.setViewportSize({ width: 390, height: 844 });
    await shot('05-home-admin-en-phone');
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  await t.test('logout returns to the login page and ends the session', async () => {
    await page.locator('[data-testid=logout]').click();
    await page.waitForURL(`${BASE}/login`);
    await waitText('.login-card h2', 'Sign in');
    await page.goto(`${BASE}/`);
    await page.waitForURL(`${BASE}/login`);
  });

  await t.test('?lang= and the citizen home page', async () => {
    await page.goto(`${BASE}/login?lang=zh`);
    await waitLang('zh-CN');
    await login('citizen', PASSWORD);
    await page.waitForURL(`${BASE}/`);
    await waitText('[data-testid=user-role]', '市民');
    const titles = await cardTitles();
    assert.deepEqual(titles.sort(), ['交管服务', '审批窗口'].sort());
    await shot('06-home-citizen-zh');
    await page.locator('[data-testid=logout]').click();
    await page.waitForURL(`${BASE}/login`);
  });

  await t.test('an officer sees the 110 command card with the terminal', async () => {
    await login('officer', PASSWORD);
    await page.waitForURL(`${BASE}/`);
    await waitText('[data-testid=user-role]', '民警');
    assert.deepEqual(await cardTitles(), ['110 指挥']);
    const links = await page.locator('#cards a.entry-link').evaluateAll((els) => els.map((e) => e.getAttribute('href')));
    assert.deepEqual(links, ['/terminal']);
    await page.locator('[data-testid=logout]').click();
    await page.waitForURL(`${BASE}/login`);
  });

  await t.test('no script errors or CSP violations', () => {
    assert.deepEqual(problems, []);
  });
});
