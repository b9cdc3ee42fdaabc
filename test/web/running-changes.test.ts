/// <reference lib="dom" />
/**
 * Changes a running collaborative takes, in headless Chromium against the real stack (Temporal dev
 * server, FerretDB, an SMTP sink, the worker, the web app): the coordinator adds a faculty member
 * from the Settings section (a bad email and a duplicate refused beside the field, the typed values
 * kept), who then signs in and records a decision; and adds a late site to the announcement (an
 * unknown, an inactive and an already announced site refused beside the field), whose PI receives
 * the announcement once and applies with its link; once applications have closed, a late site is
 * refused in words. Pages at 1280 and 390 px: axe-clean, no sideways scroll, screenshots in
 * .data/screenshots/running-changes/.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import * as ops from '../../app';
import { getCollaborative } from '../../store/collaboratives';
import { upsertSites } from '../../store/sites';
import { statusQuery } from '../../workflows';
import { compressedConfig } from '../helpers/configs';
import { devServerEnv, harness, type Harness } from '../helpers/env';
import { applicationFor, exampleSites, piOf } from '../helpers/people';
import type { ReceivedMail } from '../helpers/smtp-sink';
import { waitFor } from '../helpers/wait';
import { serveWeb, webAddress, type ServedWeb } from '../helpers/web';

const ROOT = path.join(__dirname, '../..');
const SHOTS = path.join(ROOT, '.data/screenshots/running-changes');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const KEY = 'running-changes-signing-key-'.padEnd(48, 'z');
const COORDINATOR = 'sam.rivera@network.example.org';
const FACULTY = 'jcohen@faculty.example.org';
const NEW_FACULTY = 'rae.okafor@faculty.example.org';
const SLUG = 'running-changes';
const WIDTHS = [1280, 390];

describe('adding faculty and a late site to a running collaborative (real stack, headless Chromium)', () => {
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

  async function press(page: Page, button: ReturnType<Page['getByRole']>): Promise<void> {
    await Promise.all([page.waitForEvent('framenavigated'), button.click()]);
    await page.waitForLoadState('domcontentloaded');
  }

  const mailsTo = (to: string, subject: RegExp): ReceivedMail[] =>
    h.sink.received.filter((m) => m.envelopeTo.includes(to) && subject.test(m.parsed.subject ?? ''));
  const mailTo = (to: string, subject: RegExp): Promise<ReceivedMail> =>
    waitFor(`an email to ${to} matching ${subject}`, async () => mailsTo(to, subject)[0], 180_000);
  const linkIn = (mail: ReceivedMail, kind: string): string => {
    const m = new RegExp(`${base.replace(/[.:/]/g, '\\$&')}/${kind}/[\\w.-]+`).exec(mail.parsed.text ?? '');
    if (!m) throw new Error(`no ${kind} link in "${mail.parsed.subject}":\n${mail.parsed.text}`);
    return m[0];
  };
  const status = () => env.client.workflow.getHandle(`lc/${SLUG}`).query(statusQuery);

  async function signIn(page: Page, email: string): Promise<void> {
    const before = mailsTo(email, /sign-in link/).length;
    await page.goto(`${base}/signin`);
    await page.fill('#f-email', email);
    await press(page, page.getByRole('button', { name: 'Email me a sign-in link' }));
    const mail = await waitFor(
      `a new sign-in link for ${email}`,
      async () => mailsTo(email, /sign-in link/)[before],
      180_000,
    );
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
    h = await harness(env, 'web-running-changes', { links: { baseUrl: base, key: KEY, ttlDays: 30 } });
    h.startWorker();
    // delta-youth is in the directory but inactive: it cannot be added.
    await upsertSites(
      h.db,
      exampleSites.map((s) => (s.siteId === 'delta-youth' ? { ...s, active: false } : s)),
    );
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

  it('adds a faculty member who then decides, and a late site whose PI is announced to once and applies', async () => {
    // Applications close 4 min after the launch: time for the sign-in and the forms on a busy box.
    const t0 = Date.now();
    const config = compressedConfig(SLUG, t0, {
      info: 0.5,
      close: 4,
      decisions: 10,
      prework: 10.1,
      ls: 60,
      end: 45 * 24 * 60,
    });
    config.sites = ['bayview', 'harbor'];
    config.coordinators = [{ name: 'Sam Rivera', email: COORDINATOR }];
    config.faculty = [{ name: 'J Cohen', email: FACULTY }];
    await ops.launch(env.client, h.db, h.taskQueue, config);
    await waitFor(
      'the announcement recorded',
      async () =>
        (await getCollaborative(h.db, SLUG).catch(() => undefined))?.announcedTo ? true : undefined,
      180_000,
    );

    const page = await browser.newPage();
    await signIn(page, COORDINATOR);
    await page.goto(`${base}/c/${SLUG}#timeline`);

    // ---- add faculty: a bad email, beside its field, with both values kept --------------------------
    await page.fill('#f-name', 'Dr. Rae Okafor');
    await page.fill('#f-email', 'rae.okafor@');
    await press(page, page.getByRole('button', { name: 'Add to the faculty' }));
    expect(await page.textContent('#f-email-error')).toMatch(/not a valid email address/);
    expect(await page.inputValue('#f-name')).toBe('Dr. Rae Okafor');
    expect(await page.inputValue('#f-email')).toBe('rae.okafor@');
    expect(await page.getAttribute('#f-email', 'aria-invalid')).toBe('true');
    await check(page, 'add-faculty-bad-email');
    // … one already faculty …
    await page.fill('#f-email', FACULTY);
    await press(page, page.getByRole('button', { name: 'Add to the faculty' }));
    expect(await page.textContent('#f-email-error')).toMatch(/is already faculty of this collaborative/);
    // … then the new one.
    await page.fill('#f-email', NEW_FACULTY);
    await press(page, page.getByRole('button', { name: 'Add to the faculty' }));
    expect(await page.textContent('[role="status"]')).toMatch(
      `Added Dr. Rae Okafor (${NEW_FACULTY}) to the faculty`,
    );
    expect((await getCollaborative(h.db, SLUG)).config.faculty.map((f) => f.email)).toEqual([
      FACULTY,
      NEW_FACULTY,
    ]);
    // The workflow refuses a second time too (its own list grew), in words.
    await expect(
      ops.addFaculty(env.client, h.db, SLUG, { name: 'Rae', email: NEW_FACULTY, by: COORDINATOR }),
    ).rejects.toThrow(/already faculty/);

    // ---- add a late site: unknown, inactive, already announced — each beside the field ---------------
    const addSite = async (siteId: string) => {
      await page.fill('#f-siteId', siteId);
      await press(page, page.getByRole('button', { name: 'Announce to this site' }));
    };
    await addSite('nowhere');
    expect(await page.textContent('#f-siteId-error')).toMatch(
      /"nowhere" is not a site of the network directory/,
    );
    expect(await page.inputValue('#f-siteId')).toBe('nowhere');
    await addSite('delta-youth');
    expect(await page.textContent('#f-siteId-error')).toMatch(
      /Delta Youth Clinic \(delta-youth\) is inactive/,
    );
    await addSite('bayview');
    expect(await page.textContent('#f-siteId-error')).toMatch(/bayview\) was already announced to/);
    await check(page, 'add-site-refused');
    await addSite('cedar-hill');
    expect(await page.textContent('[role="status"]')).toMatch(/Announced to cedar-hill/);
    await check(page, 'add-site-done');
    expect((await status()).announcedTo).toBe(3);

    // Its PI receives the announcement, once, keyed like the others.
    const announcement = await mailTo(piOf('cedar-hill'), /^Announcing the /);
    await expect(
      ops.announceLateSite(env.client, h.db, SLUG, { siteId: 'cedar-hill', by: COORDINATOR }),
    ).rejects.toThrow(/already announced/);
    expect(
      await h.db.collection('outbox').countDocuments({ _id: `${SLUG}:announcement:cedar-hill` as never }),
    ).toBe(1);
    expect(mailsTo(piOf('cedar-hill'), /^Announcing the /)).toHaveLength(1);

    // … and applies with the link in it (the API of the PI's signed link).
    const token = linkIn(announcement, 'apply').split('/').pop()!;
    // The link names the site and the PI; the body carries the rest of the application.
    const { readiness, commitCoreDataSet, commitAllSessions, coreTeam } = applicationFor(
      'cedar-hill',
      piOf('cedar-hill'),
    );
    const application = { readiness, commitCoreDataSet, commitAllSessions, coreTeam };
    const applied = await waitFor('the late site applied', async () => {
      const r = await fetch(`${base}/api/apply/${token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(application),
      });
      return r.status === 200 ? r.json() : undefined;
    });
    expect(applied).toMatchObject({ siteId: 'cedar-hill', version: 1 });

    // ---- applications close: a late site is refused in words, and the form is gone -------------------
    await waitFor(
      'applications closed (the review phase)',
      async () => ((await status()).phase === 'review' ? true : undefined),
      360_000,
    );
    await expect(
      ops.announceLateSite(env.client, h.db, SLUG, { siteId: 'elm-street', by: COORDINATOR }),
    ).rejects.toThrow(/applications closed on .*; a site can no longer be added/);
    // A reload: the page is at /c/<slug>#addSite, and a move to another fragment would not load it.
    await page.reload();
    expect(await page.getByRole('button', { name: 'Announce to this site' }).count()).toBe(0);

    // ---- the new faculty member signs in and records a decision -------------------------------------
    const faculty = await (await browser.newContext()).newPage();
    await signIn(faculty, NEW_FACULTY);
    await faculty.goto(`${base}/c/${SLUG}`);
    const article = faculty.locator('#decision-cedar-hill');
    await article.getByLabel('accept', { exact: true }).check();
    await press(faculty, article.getByRole('button', { name: 'Record decision' }));
    expect(await faculty.textContent('[role="status"]')).toMatch(/Recorded: cedar-hill accept/);
    await check(faculty, 'new-faculty-decided');
    expect((await status()).teams.find((t) => t.siteId === 'cedar-hill')?.decision).toBe('accept');

    expect(findings).toEqual([]);
  }, 900_000);
});
