/// <reference lib="dom" />
/**
 * The rehearsal pages against the real stack (Temporal dev server, FerretDB, an SMTP sink, the
 * worker, the web app) in headless Chromium: a draft rehearsed from the launch page (a config with
 * a schedule mistake first: the problem beside the field, the text kept; then the good config: its
 * timeline, an email's recipients, the rendered email a click away, the CSV downloaded and parsed,
 * a reload shows nothing posted again), and a running collaborative's rehearsal with the what-if
 * (a bad date beside its field, then LS2 moved: who is told now and what moves). Each state is
 * axe-clean, fits 1280 and 390 px, and is screenshotted into .data/screenshots/rehearsal/.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { parse } from 'csv-parse/sync';
import { DateTime } from 'luxon';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import YAML from 'yaml';
import * as ops from '../../app';
import { upsertSites } from '../../store/sites';
import { SESSION_COOKIE } from '../../web/auth';
import { compressedConfig, storyConfig } from '../helpers/configs';
import { devServerEnv, harness, type Harness } from '../helpers/env';
import { exampleSites } from '../helpers/people';
import { serveWeb, signInByEmail, webAddress, type ServedWeb } from '../helpers/web';
import { axeViolations, launchChromium } from '../helpers/browser';
import { launchRecorded } from '../helpers/launched';

const ROOT = path.join(__dirname, '../..');
const SHOTS = path.join(ROOT, '.data/screenshots/rehearsal');
const KEY = 'rehearsal-test-signing-key-'.padEnd(48, 'r');
const COORD = 'coord.rh@network.example.org';
const FACULTY = 'faculty.rh@faculty.example.org';
const SLUG = 'rh-running';
const WIDTHS = [1280, 390];

/** A draft of 4 sites on the examples' 2027 dates (12 are compared with a run in test/workflows/rehearsal). */
function draft() {
  const c = storyConfig();
  c.slug = 'rh-draft';
  c.sites = exampleSites
    .filter((s) => s.active !== false)
    .map((s) => s.siteId)
    .slice(0, 4);
  c.coordinators = [{ name: 'Coordinator', email: COORD }];
  return c;
}

describe('the rehearsal pages (real stack, headless Chromium)', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  let web: ServedWeb;
  let base: string;
  let session: { token: string; csrf: string };
  let faculty: { token: string; csrf: string };
  let running: ReturnType<typeof compressedConfig>;

  beforeAll(async () => {
    fs.rmSync(SHOTS, { recursive: true, force: true });
    fs.mkdirSync(SHOTS, { recursive: true });
    const addr = await webAddress();
    base = addr.baseUrl;
    env = await devServerEnv();
    h = await harness(env, 'web-rehearsal', { links: { baseUrl: base, key: KEY, ttlDays: 30 } });
    h.startWorker();
    await upsertSites(h.db, exampleSites);
    // Running, with its learning sessions an hour and more ahead: LS2 can still move.
    running = compressedConfig(SLUG, Date.now(), { close: 30, decisions: 40, prework: 41, ls: 60, end: 240 });
    running.sites = ['bayview', 'cedar-hill'];
    running.coordinators = [{ name: 'Coordinator', email: COORD }];
    running.faculty = [{ name: 'Dr. Faculty', email: FACULTY }];
    await launchRecorded(env, h, running);
    web = await serveWeb(env, h, {
      key: KEY,
      baseUrl: base,
      port: addr.port,
      rateLimits: { signin: 1000, links: 1000 },
    });
    session = await signInByEmail(web, h, KEY, COORD, base);
    faculty = await signInByEmail(web, h, KEY, FACULTY, base);
  }, 180_000);
  afterAll(async () => {
    await web?.app.close();
    await h?.close();
    await env?.teardown();
  });

  it('refuses a post without its CSRF token, and the running rehearsal to faculty', async () => {
    const cookie = { [SESSION_COOKIE]: session.token };
    const noToken = await web.call({
      method: 'POST',
      url: '/launch/rehearse',
      cookie,
      form: true,
      payload: { config: YAML.stringify(draft()) },
    });
    expect(noToken.statusCode).toBe(403);
    const notCoordinator = await web.call({
      url: `/c/${SLUG}/rehearsal`,
      cookie: { [SESSION_COOKIE]: faculty.token },
    });
    expect(notCoordinator.statusCode).toBe(403);
    expect((await web.call({ url: `/c/${SLUG}/rehearsal.csv` })).statusCode).toBe(302);
  });

  it('rehearses a draft and a running collaborative in the browser: axe-clean, fitting 390 px', async () => {
    const browser = await launchChromium();
    const findings: string[] = [];
    let n = 0;
    try {
      const context = await browser.newContext({ acceptDownloads: true });
      await context.addCookies([{ name: SESSION_COOKIE, value: session.token, url: base }]);
      const page = await context.newPage();
      const check = async (p: Page, name: string) => {
        n++;
        for (const width of WIDTHS) {
          await p.setViewportSize({ width, height: 900 });
          await p.screenshot({ path: path.join(SHOTS, `${n}-${name}-${width}.png`), fullPage: true });
          const violations = await axeViolations(p);
          for (const v of violations) findings.push(`${name} @${width}: ${v}`);
          const wide = await p.evaluate(() => document.scrollingElement!.scrollWidth - window.innerWidth);
          if (wide > 0) findings.push(`${name} @${width}: ${wide} px too wide`);
        }
      };

      // A draft with a mistake: applications close before the informational calls.
      const bad = draft();
      bad.schedule.applicationsClose = '2027-01-20';
      const badText = YAML.stringify(bad);
      await page.goto(`${base}/launch`);
      await page.fill('#f-config', badText);
      await Promise.all([
        page.waitForURL(`${base}/launch`),
        page.getByRole('button', { name: 'Rehearse' }).click(),
      ]);
      await page.locator('#error-summary').waitFor();
      expect(await page.textContent('#f-config-error')).toMatch(
        /informational calls must take place before applications close/,
      );
      expect(await page.inputValue('#f-config')).toBe(badText);
      await check(page, 'launch-rehearse-error');

      // The good draft.
      const text = YAML.stringify(draft());
      await page.fill('#f-config', text);
      await Promise.all([
        page.waitForURL(`${base}/launch/rehearsal`),
        page.getByRole('button', { name: 'Rehearse' }).click(),
      ]);
      const expected = await ops.rehearse(h.db, ops.parseConfigText(text));
      await page.locator('.timeline').waitFor();
      expect(await page.textContent('main')).toContain(`${expected.emails.length} emails`);
      expect(await page.textContent('#scenario + ul')).toContain(expected.scenario[0]);
      await check(page, 'draft-rehearsal');
      await page.locator('.timeline details').first().locator('summary').click();
      await check(page, 'draft-rehearsal-recipients');
      expect(await page.locator('.timeline details').first().textContent()).toContain('Dr. Ana Ruiz');

      // The CSV: the same rows as the use case computes, the scenario above the header.
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Download the rehearsal (CSV)' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe('rh-draft-rehearsal.csv');
      const csv = fs.readFileSync((await download.path())!, 'utf8');
      expect(csv.startsWith('\uFEFF# scenario: ')).toBe(true);
      const rows: Record<string, string>[] = parse(csv, { bom: true, comment: '#', columns: true });
      expect(rows.map((r) => `${r.recipient} ${r.template} ${r['at (UTC)']}`)).toEqual(
        expected.emails.map((e) => `${e.email} ${e.template} ${e.at.replace(/\.000Z$/, 'Z')}`),
      );

      // The rendered email, one click away.
      const [preview] = await Promise.all([
        context.waitForEvent('page'),
        page.getByRole('link', { name: 'see the announcement email' }).first().click(),
      ]);
      await preview.waitForLoadState();
      expect(await preview.textContent('body')).toMatch(/Learning Collaborative/);
      await preview.close();

      // A reload shows the page afresh: nothing is posted again, and the one-time rehearsal is gone.
      await page.reload();
      expect(await page.textContent('main')).toMatch(/There is no rehearsal to show/);

      // The running collaborative: its link from its page, then the what-if.
      await page.goto(`${base}/c/${SLUG}`);
      await Promise.all([
        page.waitForURL(`${base}/c/${SLUG}/rehearsal`),
        page.getByRole('link', { name: /Rehearsal: every email still to come/ }).click(),
      ]);
      await page.locator('#what-if').waitFor();
      await check(page, 'running-rehearsal');
      await page.selectOption('#f-milestone', 'learningSessions[1]');
      await page.fill('#f-date', '');
      await Promise.all([
        page.waitForURL(/rehearsal\?/),
        page.getByRole('button', { name: 'Show what changes' }).click(),
      ]);
      expect(await page.textContent('#f-date-error')).toMatch(/is not a date/);
      expect(await page.inputValue('#f-milestone')).toBe('learningSessions[1]');
      await check(page, 'running-what-if-error');
      const ls2 = Date.parse(running.schedule.learningSessions[1].start);
      const moved = DateTime.fromMillis(ls2 + 5 * 60_000, { zone: running.timeZone }).toFormat(
        "yyyy-MM-dd'T'HH:mm",
      );
      await page.fill('#f-date', moved);
      await Promise.all([
        page.waitForURL(/rehearsal\?/),
        page.getByRole('button', { name: 'Show what changes' }).click(),
      ]);
      const answer = await page.textContent('[role="status"]');
      expect(answer).toMatch(/If Learning Session 2 moves to/);
      expect(answer).toMatch(/Told now, by the schedule-change email: \d+ people/);
      expect(answer).toContain('Dr. Faculty');
      // LS3's invitations go out as LS2 ends: they move with it.
      expect(answer).toMatch(/Emails still to come that change: [1-9]/);
      expect(await page.getByRole('region', { name: 'Emails that change' }).textContent()).toMatch(
        /moves[\s\S]*Invitation: Learning Session 3/,
      );
      await check(page, 'running-what-if');
    } finally {
      await browser.close();
    }
    expect(findings).toEqual([]);
    expect(fs.readdirSync(SHOTS)).toHaveLength(n * WIDTHS.length);
  }, 300_000);
});
