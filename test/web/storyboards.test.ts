/// <reference lib="dom" />
/**
 * Storyboards (#21) against the real stack (Temporal dev server, FerretDB with GridFS, an SMTP
 * sink, the worker and the web app over HTTP) in headless Chromium: two sites are accepted through
 * the workflow; a team opens the gallery from its page, is refused a file that is not a storyboard
 * (beside its field, the session kept), shares a PNG; the other team sees it in the gallery and
 * downloads it (the same bytes, as an attachment of its type); a retried post saves it once, a new
 * one replaces it; a changed team link is refused; faculty see the gallery. Every page state is
 * axe-checked, kept from scrolling sideways at 390 px and screenshot into .data/screenshots/storyboards/.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import * as ops from '../../app';
import { COLLECTIONS } from '../../store/collections';
import { upsertSites } from '../../store/sites';
import { SESSION_COOKIE } from '../../web/auth';
import { compressedConfig } from '../helpers/configs';
import { devServerEnv, harness, type Harness } from '../helpers/env';
import { applicationFor, exampleSites, piOf } from '../helpers/people';
import type { ReceivedMail } from '../helpers/smtp-sink';
import { waitFor } from '../helpers/wait';
import { serveWeb, signInByEmail, webAddress, type ServedWeb } from '../helpers/web';

const ROOT = path.join(__dirname, '../..');
const SHOTS = path.join(ROOT, '.data/screenshots/storyboards');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const KEY = 'storyboard-test-signing-key-'.padEnd(48, 's');
const COORD = 'coord.sb@network.example.org';
const FACULTY = 'faculty.sb@faculty.example.org';
const SLUG = 'storyboard-lc';
const WIDTHS = [1280, 390];

describe('storyboards in a browser (real stack, headless Chromium)', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  let web: ServedWeb;
  let browser: Browser;
  let base: string;
  let shot = 0;
  const findings: string[] = [];

  /** Screenshots at each width, axe-core's violations, sideways scrolling at 390 px: collected, asserted at the end. */
  async function check(page: Page, name: string): Promise<void> {
    const n = String(++shot).padStart(2, '0');
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      await page.screenshot({ path: path.join(SHOTS, `${n}-${name}-${width}.png`), fullPage: true });
      if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE);
      const violations: string[] = await page.evaluate(async () => {
        const r = await (window as any).axe.run(document, { resultTypes: ['violations'] });
        return r.violations.map(
          (v: any) => `${v.id} (${v.impact}): ${v.nodes.map((x: any) => x.target.join(' ')).join(', ')}`,
        );
      });
      for (const v of violations) findings.push(`${name} @${width}: axe ${v}`);
      if (width === 390) {
        const wide = await page.evaluate(() => document.scrollingElement!.scrollWidth - window.innerWidth);
        if (wide > 0) findings.push(`${name} @390: ${wide} px too wide`);
      }
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  }

  async function press(page: Page, button: ReturnType<Page['getByRole']>): Promise<void> {
    await Promise.all([page.waitForEvent('framenavigated'), button.click()]);
    await page.waitForLoadState('domcontentloaded');
  }

  /** After a bad post: the summary has the focus, and the field's problem is beside it. */
  async function expectProblem(page: Page, fieldId: string, words: RegExp): Promise<void> {
    await page.locator('#error-summary').waitFor();
    await page.waitForFunction(() => document.activeElement?.id === 'error-summary');
    expect(await page.locator(`#${fieldId}-error`).textContent()).toMatch(words);
    expect(await page.locator(`#${fieldId}`).getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator(`#error-summary a[href="#${fieldId}"]`).count()).toBeGreaterThanOrEqual(1);
  }

  const mailsTo = (to: string, subject: RegExp): ReceivedMail[] =>
    h.sink.received.filter((m) => m.envelopeTo.includes(to) && subject.test(m.parsed.subject ?? ''));
  const teamLink = (mail: ReceivedMail): string => {
    const m = new RegExp(`${base.replace(/[.:/]/g, '\\$&')}/team/[\\w.-]+`).exec(mail.parsed.text ?? '');
    if (!m) throw new Error(`no team link in "${mail.parsed.subject}"`);
    return m[0];
  };

  beforeAll(async () => {
    fs.rmSync(SHOTS, { recursive: true, force: true });
    fs.mkdirSync(SHOTS, { recursive: true });
    const { port, baseUrl } = await webAddress();
    base = baseUrl;
    env = await devServerEnv();
    h = await harness(env, 'web-storyboards', { links: { baseUrl: base, key: KEY, ttlDays: 30 } });
    h.startWorker();
    await upsertSites(h.db, exampleSites);
    web = await serveWeb(env, h, {
      key: KEY,
      baseUrl: base,
      port,
      rateLimits: { signin: 1000, links: 1000 },
    });
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

  it('a team shares a storyboard (a bad file refused first), another team downloads it, a changed link is refused', async () => {
    // ---- a collaborative whose two teams the faculty accept through the workflow ------------------
    const t0 = Date.now();
    const minutes = { info: 0.2, close: 0.7, decisions: 3, prework: 3.1, ls: 3.2, end: 45 * 24 * 60 };
    const config = compressedConfig(SLUG, t0, minutes);
    config.sites = ['bayview', 'harbor'];
    config.coordinators = [{ name: 'Coordinator', email: COORD }];
    config.faculty = [{ name: 'Dr. Faculty', email: FACULTY }];
    await ops.launch(env.client, h.db, h.taskQueue, config);
    for (const siteId of ['bayview', 'harbor'])
      await waitFor(
        `the application of ${siteId}`,
        () => ops.submitApplication(env.client, SLUG, applicationFor(siteId, piOf(siteId))),
        60_000,
      );
    await waitFor(
      'applications to close',
      async () => (Date.now() > t0 + minutes.close * 60_000 + 1000 ? true : undefined),
      120_000,
    );
    for (const siteId of ['bayview', 'harbor'])
      await waitFor(
        `the decision on ${siteId}`,
        () =>
          ops.recordDecision(env.client, SLUG, {
            siteId,
            decision: 'accept',
            notes: 'Welcome.',
            by: FACULTY,
          }),
        60_000,
      );
    const accepted = (siteId: string) =>
      waitFor(
        `the acceptance of ${siteId}`,
        async () => mailsTo(`data@${siteId}.example.org`, /^Accepted: /)[0],
        180_000,
      );
    const bayviewUrl = teamLink(await accepted('bayview'));
    const harborUrl = teamLink(await accepted('harbor'));

    // ---- the team opens the gallery from its page; a file that is no storyboard is refused ---------
    const team = await browser.newPage();
    await team.goto(bayviewUrl);
    await press(team, team.getByRole('link', { name: 'the storyboard gallery' }));
    await team
      .getByRole('heading', { name: 'Share the storyboard of Bayview Child Trauma Center' })
      .waitFor();
    expect(await team.textContent('#session-1')).toContain('No storyboards shared for this session yet.');
    await check(team, 'team-gallery-empty');
    await team.selectOption('#f-session', '1');
    await team.setInputFiles('#f-file', {
      name: 'storyboard.html',
      mimeType: 'text/html',
      buffer: Buffer.from('<html><script>alert(1)</script></html>'),
    });
    await press(team, team.getByRole('button', { name: 'Share the storyboard' }));
    await expectProblem(team, 'f-file', /choose a PDF, PNG, JPEG or PowerPoint \(\.pptx\) file/);
    expect(await team.inputValue('#f-session')).toBe('1'); // the session chosen is kept
    await check(team, 'team-bad-file');

    // A real PNG (a screenshot of the page) for the second session.
    const png = await team.screenshot();
    await team.setInputFiles('#f-file', {
      name: 'bayview-storyboard.png',
      mimeType: 'image/png',
      buffer: png,
    });
    await press(team, team.getByRole('button', { name: 'Share the storyboard' }));
    await team.getByText('Your storyboard for learning session 2 is shared.').waitFor();
    expect(await team.textContent('[data-storyboard="bayview:1"]')).toContain('bayview-storyboard.png');
    await check(team, 'team-shared');
    await team.reload(); // a reload posts nothing
    expect(await team.locator('[data-storyboard^="bayview:"]').count()).toBe(1);

    // ---- the other team sees it in its gallery and downloads the same bytes, as an attachment ------
    const other = await browser.newPage();
    await other.goto(`${harborUrl}/storyboards`);
    const item = other.locator('[data-storyboard="bayview:1"]');
    expect(await item.textContent()).toContain('Bayview Child Trauma Center');
    expect(await other.locator('#session-1 [data-storyboard]').count()).toBe(0);
    await check(other, 'other-team-gallery');
    const [download] = await Promise.all([
      other.waitForEvent('download'),
      item.getByRole('link', { name: /bayview-storyboard\.png/ }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('bayview-storyboard.png');
    expect(fs.readFileSync(await download.path()).equals(png)).toBe(true);
    const href = (await item.getByRole('link', { name: /bayview-storyboard\.png/ }).getAttribute('href'))!;
    const r = await other.request.get(new URL(href, base).toString());
    expect(r.status()).toBe(200);
    expect(r.headers()['content-type']).toBe('image/png');
    expect(r.headers()['content-disposition']).toMatch(/^attachment; filename="bayview-storyboard\.png"/);
    expect(r.headers()['x-content-type-options']).toBe('nosniff');

    // ---- a retried post saves once; a new storyboard replaces the old one (and its file) ----------
    const doc = (await ops.findCollaborative(h.db, SLUG))!;
    const pdf = Buffer.from('%PDF-1.4\n% a storyboard\n%%EOF\n');
    const share = () =>
      ops.shareStoryboard(
        h.db,
        doc,
        'bayview',
        { session: '1', file: { filename: 'bayview-v2.pdf', bytes: pdf } },
        'data@bayview.example.org',
        new Date(),
        'request-1',
      );
    const first = await share();
    const again = await share();
    expect(again).toEqual(first);
    expect(first.version).toBe(2);
    const files = await h.db
      .collection(`${COLLECTIONS.storyboardFiles}.files`)
      .find({ _id: { $regex: `^${SLUG}:bayview:1:` } as never })
      .toArray();
    expect(files.map((f) => f._id)).toEqual([first.file!.id]); // the PNG's file is gone
    await other.reload();
    const [pdfDownload] = await Promise.all([
      other.waitForEvent('download'),
      other
        .locator('[data-storyboard="bayview:1"]')
        .getByRole('link', { name: /bayview-v2\.pdf/ })
        .click(),
    ]);
    expect(fs.readFileSync(await pdfDownload.path()).equals(pdf)).toBe(true);

    // ---- a changed team link is refused: the gallery, the download and the upload -----------------
    const changed = harborUrl.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    const refused = await other.goto(`${changed}/storyboards`);
    expect(refused!.status()).toBe(403);
    expect(await other.textContent('h1')).toContain('Link refused');
    await check(other, 'changed-link-refused');
    expect((await other.request.get(`${changed}/storyboards/bayview/1`)).status()).toBe(403);
    const post = await other.request.post(`${changed}/storyboards`, {
      multipart: { session: '0', file: { name: 'x.png', mimeType: 'image/png', buffer: png } },
    });
    expect(post.status()).toBe(403);
    expect(await ops.storyboardGallery(h.db, doc).then((g) => g[0]!.storyboards.length)).toBe(0);

    // ---- faculty see the gallery from the collaborative's page ------------------------------------
    const s = await signInByEmail(web, h, KEY, FACULTY, base);
    const faculty = await (await browser.newContext()).newPage();
    await faculty.context().addCookies([{ name: SESSION_COOKIE, value: s.token, url: base }]);
    await faculty.goto(`${base}/c/${SLUG}`);
    await press(faculty, faculty.getByRole('link', { name: 'Storyboards', exact: true }));
    expect(await faculty.textContent('[data-storyboard="bayview:1"]')).toContain('bayview-v2.pdf');
    expect(await faculty.locator('#share').count()).toBe(0); // staff see; teams share
    await check(faculty, 'faculty-gallery');
    const fr = await faculty.request.get(`${base}/c/${SLUG}/storyboards/bayview/1`);
    expect(fr.headers()['content-type']).toBe('application/pdf');
    expect((await fr.body()).equals(pdf)).toBe(true);

    console.log(
      `[web] storyboards walk in ${Math.round((Date.now() - t0) / 1000)} s: ${shot} page states, screenshots in ${SHOTS}`,
    );
    expect(findings).toEqual([]);
  }, 600_000);
});
