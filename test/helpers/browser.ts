/// <reference lib="dom" />
/**
 * The real stack in headless Chromium, as the browser tests use it: the Temporal dev server,
 * FerretDB, an SMTP sink, the worker and the web app over HTTP, and Debian's Chromium driven by
 * playwright-core. `browserStack` starts them for a describe block and stops them after; its
 * `check` screenshots a page at 1280 and 390 px into .data/screenshots/<name>/, runs axe-core and
 * the no-sideways-scroll check, and keeps the findings for the test to assert at the end.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import type { Site } from '../../domain/sites';
import { upsertSites } from '../../store/sites';
import { SESSION_COOKIE } from '../../web/auth';
import { statusQuery } from '../../workflows';
import { devServerEnv, harness, type Harness } from './env';
import { exampleSites } from './people';
import type { ReceivedMail } from './smtp-sink';
import { waitFor } from './wait';
import { serveWeb, signInByEmail, webAddress, type ServedWeb } from './web';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
export const WIDTHS = [1280, 390];
const ROOT = path.join(__dirname, '../..');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking'],
  });
}

/** .data/screenshots/<name>/, emptied. */
export function screenshotDir(name: string): string {
  const dir = path.join(ROOT, '.data/screenshots', name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Page checks of one test file: each page state at each width gets a screenshot, axe-core's
 * violations and (at 390 px) a sideways-scroll check. Findings are collected, so one run reports
 * them all; the test asserts `findings` is empty at its end.
 */
export class PageChecks {
  readonly findings: string[] = [];
  readonly visited: string[] = [];

  constructor(
    readonly dir: string,
    readonly widths: number[] = WIDTHS,
  ) {}

  async check(page: Page, name: string): Promise<void> {
    this.visited.push(name);
    const n = String(this.visited.length).padStart(2, '0');
    for (const width of this.widths) {
      await page.setViewportSize({ width, height: 900 });
      await page.screenshot({ path: path.join(this.dir, `${n}-${name}-${width}.png`), fullPage: true });
      for (const v of await axeViolations(page)) this.findings.push(`${name} @${width}: axe ${v}`);
      if (width <= 390) {
        const wide = await page.evaluate(() => ({
          scroll: document.scrollingElement!.scrollWidth,
          inner: window.innerWidth,
        }));
        if (wide.scroll > wide.inner)
          this.findings.push(`${name} @${width}: the page is ${wide.scroll} px wide`);
      }
    }
    await page.setViewportSize({ width: this.widths[0]!, height: 900 });
  }
}

/** axe-core's violations on the page as it is now, one line each. */
export async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE);
  return page.evaluate(async () => {
    const r = await (window as any).axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map(
      (v: any) => `${v.id} (${v.impact}): ${v.nodes.map((x: any) => x.target.join(' ')).join(', ')}`,
    );
  });
}

/** Posts a form by pressing its button (a locator, or the button's name) and waits for the page the redirect leads to. */
export async function press(page: Page, button: Locator | string): Promise<void> {
  const target = typeof button === 'string' ? page.getByRole('button', { name: button }) : button;
  await Promise.all([page.waitForEvent('framenavigated'), target.click()]);
  await page.waitForLoadState('domcontentloaded');
}

/** After a bad post: the summary has the focus, and `fieldId`'s problem is beside it, tied to it. */
export async function expectProblem(page: Page, fieldId: string, words: RegExp): Promise<void> {
  await page.locator('#error-summary').waitFor();
  await page.waitForFunction(() => document.activeElement?.id === 'error-summary');
  const input = page.locator(`#${fieldId}`);
  expect(await page.locator(`#${fieldId}-error`).textContent()).toMatch(words);
  if ((await input.evaluate((e) => e.tagName)) !== 'FIELDSET') {
    expect(await input.getAttribute('aria-invalid')).toBe('true');
    expect(await input.getAttribute('aria-describedby')).toContain(`${fieldId}-error`);
  }
  // The summary's link leads to the field.
  expect(await page.locator(`#error-summary a[href="#${fieldId}"]`).count()).toBeGreaterThanOrEqual(1);
}

export interface StackOptions {
  /** Names the screenshots' folder, the database and the task queue. */
  name: string;
  /** The links' and sessions' signing key. */
  key: string;
  /** The network directory (the example sites unless given). */
  sites?: Site[];
  admins?: string[];
  rateLimits?: { signin: number; links: number };
}

/** The real stack and a browser for one describe block; its fields are set once `beforeAll` has run. */
export interface BrowserStack {
  env: TestWorkflowEnvironment;
  h: Harness;
  web: ServedWeb;
  browser: Browser;
  /** The web app's address, e.g. http://127.0.0.1:41234 (the emails' links start with it). */
  base: string;
  pages: PageChecks;
  check(page: Page, name: string): Promise<void>;
  /** What the sink received for `to` whose subject matches, so far. */
  mailsTo(to: string, subject: RegExp): ReceivedMail[];
  /** The first email to `to` whose subject matches, once it has come. */
  mailTo(to: string, subject: RegExp, timeoutMs?: number): Promise<ReceivedMail>;
  /** The link of `kind` (apply, team, join, signin…) in an email. */
  linkIn(mail: ReceivedMail, kind: string): string;
  /** Signs in as a person does: asks for a link on the page, opens it from the new email, presses Sign in. */
  signIn(page: Page, email: string): Promise<void>;
  /** A new browser context signed in as `email` through the emailed link (over HTTP, not the page). */
  signedInPage(email: string): Promise<Page>;
  /** Waits until none of these collaboratives' workflows has an email still to send. */
  emailsSettled(slugs: string[]): Promise<void>;
  /** A reload after success: the same page, without the message, and no email sent again. */
  reloadPostsNothing(page: Page, done: string, slugs: string[]): Promise<void>;
}

export function browserStack(o: StackOptions): BrowserStack {
  const s = {} as BrowserStack;
  const mailsTo = (to: string, subject: RegExp) =>
    s.h.sink.received.filter((m) => m.envelopeTo.includes(to) && subject.test(m.parsed.subject ?? ''));
  Object.assign(s, {
    check: (page: Page, name: string) => s.pages.check(page, name),
    mailsTo,
    mailTo: (to: string, subject: RegExp, timeoutMs = 180_000) =>
      waitFor(`an email to ${to} matching ${subject}`, async () => mailsTo(to, subject)[0], timeoutMs),
    linkIn(mail: ReceivedMail, kind: string) {
      const m = new RegExp(`${s.base.replace(/[.:/]/g, '\\$&')}/${kind}/[\\w.-]+`).exec(
        mail.parsed.text ?? '',
      );
      if (!m) throw new Error(`no ${kind} link in "${mail.parsed.subject}":\n${mail.parsed.text}`);
      return m[0];
    },
    async signIn(page: Page, email: string) {
      const before = mailsTo(email, /sign-in link/).length;
      await page.goto(`${s.base}/signin`);
      await page.fill('#f-email', email);
      await press(page, 'Email me a sign-in link');
      const mail = await waitFor(
        `a new sign-in link for ${email}`,
        async () => mailsTo(email, /sign-in link/)[before],
        180_000,
      );
      await page.goto(s.linkIn(mail, 'signin'));
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Your collaboratives' }).waitFor();
    },
    async signedInPage(email: string) {
      const signed = await signInByEmail(s.web, s.h, o.key, email, s.base);
      const page = await (await s.browser.newContext()).newPage();
      await page.context().addCookies([{ name: SESSION_COOKIE, value: signed.token, url: s.base }]);
      return page;
    },
    async emailsSettled(slugs: string[]) {
      for (const slug of slugs)
        await waitFor(`the emails caused in lc/${slug}`, async () => {
          const status = await s.env.client.workflow
            .getHandle(`lc/${slug}`)
            .query(statusQuery)
            .catch(() => undefined);
          return !status?.pendingEffects ? true : undefined;
        });
    },
    async reloadPostsNothing(page: Page, done: string, slugs: string[]) {
      const url = page.url();
      await s.emailsSettled(slugs);
      const before = s.h.sink.received.length;
      await page.reload();
      expect(page.url()).toBe(url);
      expect(await page.locator('.ok').count()).toBe(0);
      expect(await page.textContent('main')).not.toContain(done);
      await s.emailsSettled(slugs);
      expect(s.h.sink.received.length).toBe(before);
    },
  });

  beforeAll(async () => {
    s.pages = new PageChecks(screenshotDir(o.name));
    const { port, baseUrl } = await webAddress();
    s.base = baseUrl;
    s.env = await devServerEnv();
    s.h = await harness(s.env, `web-${o.name}`, { links: { baseUrl, key: o.key, ttlDays: 30 } });
    s.h.startWorker();
    await upsertSites(s.h.db, o.sites ?? exampleSites);
    s.web = await serveWeb(s.env, s.h, {
      key: o.key,
      baseUrl,
      port,
      ...(o.admins && { admins: o.admins }),
      ...(o.rateLimits && { rateLimits: o.rateLimits }),
    });
    s.browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    await s.browser?.close();
    await s.web?.app.close();
    await s.h?.close();
    await s.env?.teardown();
  });
  return s;
}
