/// <reference lib="dom" />
/**
 * Template previews with a collaborative's own data, in headless Chromium against the real stack
 * (Temporal dev server, FerretDB, an SMTP sink, the worker, the web app): the coordinator opens
 * the list from the email centre, then the session invitation and the decision as this
 * collaborative sends them (its title, its venue, a real site and person in their own zone, a fake
 * personal link in a sandboxed frame), and a rule series' invitation and moved call with that
 * collaborative's rule, holiday and move; faculty of another collaborative are refused. Every page
 * at 1280 and 390 px: axe-clean, no sideways scroll, screenshots in .data/screenshots/previews/.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import YAML from 'yaml';
import * as ops from '../../app';
import { FAKE_LINK_PATH } from '../../app/template-previews';
import { upsertSites } from '../../store/sites';
import { compressedConfig } from '../helpers/configs';
import { devServerEnv, harness, type Harness } from '../helpers/env';
import { applicationFor, exampleSites, piOf } from '../helpers/people';
import type { ReceivedMail } from '../helpers/smtp-sink';
import { waitFor } from '../helpers/wait';
import { serveWeb, webAddress, type ServedWeb } from '../helpers/web';

const ROOT = path.join(__dirname, '../..');
const SHOTS = path.join(ROOT, '.data/screenshots/previews');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const KEY = 'previews-test-signing-key-'.padEnd(48, 'p');
const COORDINATOR = 'rosa.delgado@network.example.org';
const OTHER_FACULTY = 'other.faculty@faculty.example.org';
const SLUG = 'previews-lc';
const RULES = 'previews-rules';
const TITLE = 'Child-Parent Psychotherapy Collaborative (previews)';
const WIDTHS = [1280, 390];

describe('template previews with the collaborative’s data (real stack, headless Chromium)', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  let web: ServedWeb;
  let browser: Browser;
  let base: string;
  let shot = 0;
  const findings: string[] = [];

  async function check(page: Page, name: string): Promise<void> {
    const n = String(++shot).padStart(2, '0');
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      // A resize lays the email's frame out again: wait until it shows its content.
      if (await page.locator('iframe.email-body').count())
        await page.frameLocator('iframe.email-body').locator('body *').first().waitFor();
      await page.screenshot({ path: path.join(SHOTS, `${n}-${name}-${width}.png`), fullPage: true });
      if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE);
      const violations = await page.evaluate(async () => {
        const r = await (window as any).axe.run(document, { resultTypes: ['violations'] });
        return r.violations.map(
          (v: any) => `${v.id} (${v.impact}): ${v.nodes.map((x: any) => x.target.join(' ')).join(', ')}`,
        );
      });
      for (const v of violations) findings.push(`${name} @${width}: axe ${v}`);
      if (width === 390) {
        const wide = await page.evaluate(() => ({
          scroll: document.scrollingElement!.scrollWidth,
          inner: window.innerWidth,
        }));
        if (wide.scroll > wide.inner) findings.push(`${name} @390: the page is ${wide.scroll} px wide`);
      }
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  }

  const mailTo = (to: string, subject: RegExp): Promise<ReceivedMail> =>
    waitFor(
      `an email to ${to} matching ${subject}`,
      async () =>
        h.sink.received.find((m) => m.envelopeTo.includes(to) && subject.test(m.parsed.subject ?? '')),
      180_000,
    );
  const signinLink = (mail: ReceivedMail): string => {
    const m = new RegExp(`${base.replace(/[.:/]/g, '\\$&')}/signin/[\\w.-]+`).exec(mail.parsed.text ?? '');
    if (!m) throw new Error(`no sign-in link in "${mail.parsed.subject}"`);
    return m[0];
  };
  async function signIn(page: Page, email: string): Promise<void> {
    await page.goto(`${base}/signin`);
    await page.fill('#f-email', email);
    await Promise.all([
      page.waitForEvent('framenavigated'),
      page.getByRole('button', { name: 'Email me a sign-in link' }).click(),
    ]);
    await page.goto(signinLink(await mailTo(email, /sign-in link/)));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Your collaboratives' }).waitFor();
  }

  beforeAll(async () => {
    fs.rmSync(SHOTS, { recursive: true, force: true });
    fs.mkdirSync(SHOTS, { recursive: true });
    const { port, baseUrl } = await webAddress();
    base = baseUrl;
    env = await devServerEnv();
    h = await harness(env, 'web-previews', { links: { baseUrl: base, key: KEY, ttlDays: 30 } });
    h.startWorker();
    await upsertSites(h.db, exampleSites);
    web = await serveWeb(env, h, { key: KEY, baseUrl: base, port });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking'],
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await web?.app.close();
    await h?.close();
    await env?.teardown();
  });

  it('lists the templates and shows two of them with this collaborative’s data; others are refused', async () => {
    const t0 = Date.now();
    // Applications close a day on, the first session three days on: nothing happens during the test.
    const offsets = {
      info: 60,
      close: 24 * 60,
      decisions: 2 * 24 * 60,
      prework: 2 * 24 * 60 + 10,
      ls: 3 * 24 * 60,
      end: 30 * 24 * 60,
    };
    const config = compressedConfig(SLUG, t0, offsets);
    config.title = TITLE;
    config.sites = ['bayview', 'harbor'];
    config.coordinators = [{ name: 'Rosa Delgado', email: COORDINATOR }];
    config.faculty = [{ name: 'Dr. Imani Brooks', email: 'imani.brooks@faculty.example.org' }];
    config.schedule.learningSessions[0].venue = 'Union Station Hall, Kansas City MO';
    await ops.launch(env.client, h.db, h.taskQueue, config);
    const other = compressedConfig('previews-other', t0, offsets);
    other.sites = ['harbor'];
    other.faculty = [{ name: 'Other Faculty', email: OTHER_FACULTY }];
    await ops.launch(env.client, h.db, h.taskQueue, other);
    await mailTo(piOf('bayview'), new RegExp(TITLE.replace(/[()]/g, '\\$&')));
    await waitFor('the application of bayview', () =>
      ops.submitApplication(env.client, SLUG, applicationFor('bayview', piOf('bayview'))),
    );
    await waitFor('bayview’s application recorded', async () =>
      (await h.db.collection('applications').countDocuments({ collaborative: SLUG, siteId: 'bayview' }))
        ? true
        : undefined,
    );

    const page = await browser.newPage();
    await signIn(page, COORDINATOR);

    // ---- the list, from the email centre ---------------------------------------------------------
    await page.goto(`${base}/c/${SLUG}/emails`);
    await page.getByRole('link', { name: "Email templates with this collaborative's data" }).click();
    await page.waitForURL(`${base}/c/${SLUG}/templates`);
    await page.getByRole('heading', { name: `Email templates: ${TITLE}` }).waitFor();
    const names = await page
      .locator('#template-list li')
      .evaluateAll((ls) => ls.map((l) => l.getAttribute('data-template')));
    expect(names).toContain('announcement');
    expect(names).toContain('session-invite');
    expect(names).toContain('info-call-invite');
    expect(names).not.toContain('consultation-invite'); // no consultation in this schedule
    expect(names).not.toContain('community-welcome');
    await check(page, 'list');
    // The Settings section links to it too.
    await page.goto(`${base}/c/${SLUG}`);
    expect(await page.locator(`#timeline a[href="/c/${SLUG}/templates"]`).count()).toBe(1);

    // ---- the session invitation: a real person of Bayview, in Los Angeles ---------------------------
    await page.goto(`${base}/c/${SLUG}/templates`);
    await page.getByRole('link', { name: 'session-invite', exact: true }).click();
    await page.waitForURL(`${base}/c/${SLUG}/templates/session-invite`);
    expect(await page.textContent('[data-testid="preview-subject"]')).toContain(TITLE);
    const meta = (await page.textContent('#preview-meta'))!;
    expect(meta).toContain('@bayview.example.org');
    expect(meta).toContain('Bayview Child Trauma Center');
    expect(meta).toContain('America/Los_Angeles');
    const text = (await page.textContent('#preview-text pre'))!;
    expect(text).toContain('Union Station Hall, Kansas City MO');
    expect(text).toMatch(/When: .* P[SD]T to /);
    expect(text).toContain(`${base}/team/${FAKE_LINK_PATH}`);
    const frame = page.frameLocator('iframe.email-body');
    await frame.getByText('Union Station Hall, Kansas City MO').first().waitFor();
    expect(await page.getAttribute('iframe.email-body', 'sandbox')).toBe('');
    await check(page, 'session-invite');

    // ---- the decision: to Bayview's PI, with the team link faked -----------------------------------
    await page.goto(`${base}/c/${SLUG}/templates/decision`);
    expect(await page.textContent('[data-testid="preview-subject"]')).toContain(TITLE);
    expect(await page.textContent('#preview-meta')).toContain('Dr. Ana Ruiz');
    const decision = (await page.textContent('#preview-text pre'))!;
    expect(decision).toContain('Bayview Child Trauma Center');
    expect(decision).not.toMatch(/\/(apply|team)\/[\w-]{20,}\.[\w-]{20,}/);
    await frame.getByText(TITLE).first().waitFor();
    await check(page, 'decision');

    // ---- a collaborative whose series are rules: its one series invitation and its moved call --------
    // Four years out, so its workflow sleeps through the test; the example's dates, its series rules.
    const example = YAML.parse(
      fs
        .readFileSync(path.join(ROOT, 'examples/collaborative.yaml'), 'utf8')
        .replace(/202([78])-/g, (_, y) => `203${Number(y) - 6}-`),
    );
    example.slug = RULES;
    example.title = 'TF-CBT Learning Collaborative 2031';
    example.coordinators = [{ name: 'Rosa Delgado', email: COORDINATOR }];
    example.sites = ['bayview'];
    example.schedule.consultation = [
      {
        kind: 'all-collaborative',
        every: '2nd Tuesday 14:00',
        skip: ['2031-11-11'],
        move: [{ from: '2031-12-09', to: '2031-12-16' }],
        link: 'https://meet.example.org/rules-all',
      },
    ];
    await ops.launch(env.client, h.db, h.taskQueue, example);
    await waitFor('the rule collaborative’s record', async () =>
      (await h.db.collection('collaboratives').findOne({ slug: RULES })) ? true : undefined,
    );
    await page.goto(`${base}/c/${RULES}/templates`);
    const ruleNames = await page
      .locator('#template-list li')
      .evaluateAll((ls) => ls.map((l) => l.getAttribute('data-template')));
    expect(ruleNames).toEqual(expect.arrayContaining(['consultation-series-invite', 'consultation-moved']));
    await page.goto(`${base}/c/${RULES}/templates/consultation-series-invite`);
    expect(await page.textContent('[data-testid="preview-subject"]')).toMatch(
      /^Invitation: All-collaborative calls, from Tue 10 Jun 2031/,
    );
    const series = (await page.textContent('#preview-text pre'))!;
    expect(series).toContain('no call on Tue 11 Nov 2031');
    expect(series).toContain('the call of Tue 9 Dec 2031 moves to Tue 16 Dec 2031');
    await page
      .frameLocator('iframe.email-body')
      .getByText(/one calendar entry for the whole series/)
      .first()
      .waitFor();
    await check(page, 'series-invite');
    await page.goto(`${base}/c/${RULES}/templates/consultation-moved`);
    expect(await page.textContent('[data-testid="preview-subject"]')).toMatch(
      /^Moved: All-collaborative call, Tue 9 Dec 2031 is on Tue 16 Dec 2031/,
    );
    await check(page, 'series-moved');

    // ---- a template it does not send: not found, in words -------------------------------------------
    const missing = await page.goto(`${base}/c/${SLUG}/templates/consultation-invite`);
    expect(missing?.status()).toBe(404);
    expect(await page.textContent('.errors')).toContain('not an email this collaborative sends');

    // ---- faculty of another collaborative: refused --------------------------------------------------
    const stranger = await browser.newPage();
    await signIn(stranger, OTHER_FACULTY);
    for (const url of [
      `/c/${SLUG}/templates`,
      `/c/${SLUG}/templates/decision`,
      `/c/${SLUG}/templates/decision/body`,
    ]) {
      const r = await stranger.goto(`${base}${url}`);
      expect(r?.status()).toBe(403);
      expect(await stranger.content()).not.toContain(TITLE);
    }
    await check(stranger, 'refused');
    await stranger.close();

    expect(findings).toEqual([]);
  }, 600_000);
});
