/**
 * The whole path in a real browser (Debian's headless Chromium, driven by playwright-core)
 * against the real stack — Temporal dev server, FerretDB, an SMTP sink, the worker and the web
 * app: a coordinator signs in through the emailed link and launches a collaborative by pasting
 * its config; the PI follows the link in the announcement and applies; a faculty member signs in
 * and accepts; the team's acceptance email arrives with its team-page link; the data manager
 * submits the period's metrics there; the coordinator's dashboard shows the team on time.
 * A screenshot of each page goes to .data/screenshots/browser/ for review.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import YAML from 'yaml';
import { launch } from '../../app';
import { upsertSites } from '../../store/sites';
import { compressedConfig } from '../helpers/configs';
import { devServerEnv, harness, type Harness } from '../helpers/env';
import { applicationFor, exampleSites } from '../helpers/people';
import type { ReceivedMail } from '../helpers/smtp-sink';
import { waitFor } from '../helpers/wait';
import { serveWeb, webAddress, type ServedWeb } from '../helpers/web';

const ROOT = path.join(__dirname, '../..');
const SHOTS = path.join(ROOT, '.data/screenshots/browser');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const KEY = 'browser-test-signing-key-'.padEnd(48, 'y');
const COORDINATOR = 'sam.rivera@network.example.org';
const FACULTY = 'jcohen@faculty.example.org';
const PI = 'ana.ruiz@bayview.example.org';
const SLUG = 'browser-lc';

describe('the web app in a browser, end to end (real stack, headless Chromium)', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  let web: ServedWeb;
  let browser: Browser;
  let base: string;
  let shot = 0;

  const screenshot = async (page: Page, name: string) => {
    await page.screenshot({
      path: path.join(SHOTS, `${String(++shot).padStart(2, '0')}-${name}.png`),
      fullPage: true,
    });
  };
  /** The first email to `to` whose subject matches, once it has arrived at the SMTP server. */
  const mailTo = (to: string, subject: RegExp, timeoutMs = 60_000): Promise<ReceivedMail> =>
    waitFor(
      `an email to ${to} matching ${subject}`,
      async () =>
        h.sink.received.find((m) => m.envelopeTo.includes(to) && subject.test(m.parsed.subject ?? '')),
      timeoutMs,
    );
  const linkIn = (mail: ReceivedMail, kind: string): string => {
    const m = new RegExp(`${base.replace(/[.:/]/g, '\\$&')}/${kind}/[\\w.-]+`).exec(mail.parsed.text ?? '');
    if (!m) throw new Error(`no ${kind} link in "${mail.parsed.subject}":\n${mail.parsed.text}`);
    return m[0];
  };
  async function signIn(page: Page, email: string): Promise<void> {
    await page.goto(`${base}/signin`);
    await page.fill('input[name=email]', email);
    await Promise.all([page.waitForLoadState(), page.click('button')]);
    await page.getByText('a sign-in link is on its way').waitFor();
    const mail = await mailTo(email, /sign-in link/);
    await page.goto(linkIn(mail, 'signin'));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Your collaboratives' }).waitFor();
  }

  beforeAll(async () => {
    fs.rmSync(SHOTS, { recursive: true, force: true });
    fs.mkdirSync(SHOTS, { recursive: true });
    const { port, baseUrl } = await webAddress();
    base = baseUrl;
    env = await devServerEnv();
    h = await harness(env, 'web-browser', { links: { baseUrl: base, key: KEY, ttlDays: 30 } });
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

  it('takes a collaborative from launch to a compliant team through the pages people use', async () => {
    // The coordinator needs a role somewhere to be sent a sign-in link: an earlier collaborative.
    const earlier = compressedConfig('browser-earlier', Date.now(), {
      close: 600,
      decisions: 610,
      prework: 611,
      ls: 612,
      end: 900,
    });
    earlier.sites = ['harbor'];
    await launch(env.client, h.db, h.taskQueue, earlier);
    await waitFor('the earlier record', async () =>
      (await h.db.collection('collaboratives').findOne({ slug: 'browser-earlier' })) ? true : undefined,
    );

    // 1. The coordinator signs in and launches, pasting the config (a bad one first: errors by field).
    const coordinator = await browser.newPage();
    await signIn(coordinator, COORDINATOR);
    await screenshot(coordinator, 'dashboard-before');
    await coordinator.goto(`${base}/launch`);
    await coordinator.fill('textarea[name=config]', 'slug: Not A Slug\ntitle: x\n');
    await coordinator.click('button:has-text("Launch")');
    await coordinator.getByText('Please correct').waitFor();
    expect(await coordinator.textContent('.errors')).toMatch(/slug: lower-case letters/);
    await screenshot(coordinator, 'launch-errors');

    const t0 = Date.now();
    // Reporting periods are calendar months due on the 10th of the next: this end date leaves one due.
    const config = compressedConfig(SLUG, t0, {
      info: 0.5,
      close: 1.25,
      decisions: 1.5,
      prework: 1.6,
      ls: 1.75,
      end: 45 * 24 * 60,
    });
    config.sites = ['bayview'];
    config.coordinators = [{ name: 'Sam Rivera', email: COORDINATOR }];
    await coordinator.fill('textarea[name=config]', YAML.stringify(config));
    await Promise.all([
      coordinator.waitForURL(`${base}/c/${SLUG}?done=launched`),
      coordinator.click('button:has-text("Launch")'),
    ]);
    await screenshot(coordinator, 'launched');
    expect(await coordinator.textContent('main')).toContain('Launched: the workflow is running.');

    // 2. The PI follows the link in the announcement and applies (an incomplete form first).
    const announcement = await mailTo(PI, /^Announcing the /);
    const pi = await browser.newPage();
    await pi.goto(linkIn(announcement, 'apply'));
    await pi.getByRole('button', { name: 'Apply' }).click();
    await pi.getByText('Please correct').waitFor();
    expect(await pi.locator('[data-field=readiness]').count()).toBe(1);
    await screenshot(pi, 'apply-errors');
    const app1 = applicationFor('bayview', PI);
    await pi.fill('textarea[name=readiness]', app1.readiness);
    await pi.check('input[name=commitCoreDataSet]');
    await pi.check('input[name=commitAllSessions]');
    for (const [i, m] of app1.coreTeam.members.entries()) {
      await pi.fill(`input[name="coreTeam.members[${i}].name"]`, m.name);
      await pi.fill(`input[name="coreTeam.members[${i}].email"]`, m.email);
      await pi.selectOption(`select[name="coreTeam.members[${i}].role"]`, m.role);
    }
    for (const p of ['dataManager', 'contactPerson'] as const) {
      await pi.fill(`input[name="coreTeam.${p}.name"]`, app1.coreTeam[p].name);
      await pi.fill(`input[name="coreTeam.${p}.email"]`, app1.coreTeam[p].email);
    }
    await pi.getByRole('button', { name: 'Apply' }).click();
    await pi.getByText('the application of Bayview Child Trauma Center is recorded (version 1)').waitFor();
    await screenshot(pi, 'applied');

    // 3. Once applications close, a faculty member signs in and accepts.
    const faculty = await browser.newPage();
    await signIn(faculty, FACULTY);
    await waitFor(
      'applications to close',
      async () => (Date.now() > t0 + 1.25 * 60_000 + 2_000 ? true : undefined),
      120_000,
    );
    await faculty.goto(`${base}/c/${SLUG}`);
    const article = faculty.locator('article[data-site=bayview]');
    await article.locator('input[value=accept]').check();
    await article.locator('textarea[name=notes]').fill('A strong application.');
    await article.getByRole('button', { name: 'Record decision' }).click();
    await faculty.getByText('Recorded: bayview accept.').waitFor();
    expect(await faculty.textContent('[data-testid=decision-bayview]')).toContain('accept');
    await screenshot(faculty, 'decided');

    // 4. The team's acceptance email arrives with the team page's link; the team submits metrics there.
    // (The acceptance goes to the PI, the core team and the contact person; metrics reminders to the data manager.)
    const contact = app1.coreTeam.contactPerson.email;
    const accepted = await mailTo(contact, /^Accepted: /);
    const team = await browser.newPage();
    const teamUrl = linkIn(accepted, 'team');
    await team.goto(teamUrl);
    await team.locator('select[name=period]').waitFor();
    const period = await team.locator('select[name=period] option').first().getAttribute('value');
    await team.fill('input[name="values.children_served"]', '12');
    await team.fill('input[name="values.fidelity"]', '85');
    await team.selectOption('select[name="values.cds_used"]', 'yes');
    await team.getByRole('button', { name: 'Submit the metrics' }).click();
    await team.getByText(`the metrics for ${period} are recorded`).waitFor();
    await screenshot(team, 'metrics-submitted');

    // 5. The coordinator's dashboard shows the team on time for the period.
    await coordinator.goto(`${base}/c/${SLUG}`);
    const cell = coordinator.locator(`#compliance tr[data-team=bayview] td[data-period="${period}"]`);
    expect(await cell.getAttribute('class')).toBe('on-time');
    await screenshot(coordinator, 'dashboard-compliant');
    await coordinator.goto(`${base}/`);
    await screenshot(coordinator, 'collaboratives');

    const shots = fs.readdirSync(SHOTS);
    console.log(
      `[web] browser path done in ${Math.round((Date.now() - t0) / 1000)} s; ${shots.length} screenshots in ${SHOTS}`,
    );
    expect(shots.length).toBe(9);
  }, 300_000);
});
