/// <reference lib="dom" />
/**
 * The launch wizard in a real browser (Debian's headless Chromium, playwright-core) against the
 * real stack — Temporal dev server, FerretDB, an SMTP sink, the worker and the web app. A
 * coordinator launches a 12-site collaborative through the wizard alone, its consultation series
 * written as rules ("2nd Tuesday 14:00, 60 min"; "1st and 3rd Thursday 12:00" with a holiday
 * skipped and a call moved a week on to 15:00): a first check with five mistakes (one the cross-field rule "applications close before
 * they open", one a 5th Tuesday) shows all five at once beside their fields, values kept; fixed, the review shows what will launch, the download
 * is the YAML the CLI takes, and the launch runs: its record exists and the 12 PIs are announced
 * to. On the way: the example and a shifted copy as starting points, the dates filled from the
 * announcement, the site filter, and a YAML slip on the text route read in words. Each state at
 * 1280 and 390 px: axe-clean, no sideways scroll, a screenshot in .data/screenshots/wizard/.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import fs from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { chromium, type Browser, type Page } from 'playwright-core';
import YAML from 'yaml';
import { collaborativeRecord, launch } from '../../app';
import { currentSchedule } from '../../store/collaboratives';
import { parseLaunchConfig } from '../../domain/config';
import { upsertSites } from '../../store/sites';
import { compressedConfig } from '../helpers/configs';
import { devServerEnv, harness, type Harness } from '../helpers/env';
import { exampleSites } from '../helpers/people';
import type { ReceivedMail } from '../helpers/smtp-sink';
import { waitFor } from '../helpers/wait';
import { serveWeb, webAddress, type ServedWeb } from '../helpers/web';

const ROOT = path.join(__dirname, '../..');
const SHOTS = path.join(ROOT, '.data/screenshots/wizard');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const KEY = 'wizard-test-signing-key-'.padEnd(48, 'w');
const COORDINATOR = 'sam.rivera@network.example.org';
const EARLIER = 'wizard-earlier';
const SLUG = 'wizard-lc';
const TITLE = 'Wizard Trauma Collaborative';
const ZONE = 'America/Chicago';
const WIDTHS = [1280, 390];
const LOCAL = "yyyy-MM-dd'T'HH:mm";

describe('the launch wizard in a browser (real stack, headless Chromium)', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  let web: ServedWeb;
  let browser: Browser;
  let base: string;
  let shot = 0;
  const findings: string[] = [];

  /** Screenshots at each width, axe-core's violations and sideways scrolling at 390 px, collected. */
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

  /** The problem beside its field: its message, aria-invalid, and a link from the summary. */
  async function expectProblem(page: Page, fieldId: string, words: RegExp): Promise<void> {
    expect(await page.locator(`#${fieldId}-error`).textContent()).toMatch(words);
    expect(await page.locator(`#${fieldId}`).getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator(`#error-summary a[href="#${fieldId}"]`).count()).toBe(1);
  }

  async function press(page: Page, name: string): Promise<void> {
    await Promise.all([
      page.waitForEvent('framenavigated'),
      page.getByRole('button', { name, exact: true }).click(),
    ]);
    await page.waitForLoadState('domcontentloaded');
  }

  const mailTo = (to: string, subject: RegExp): Promise<ReceivedMail> =>
    waitFor(`an email to ${to} matching ${subject}`, async () =>
      h.sink.received.find((m) => m.envelopeTo.includes(to) && subject.test(m.parsed.subject ?? '')),
    );

  beforeAll(async () => {
    fs.rmSync(SHOTS, { recursive: true, force: true });
    fs.mkdirSync(SHOTS, { recursive: true });
    const { port, baseUrl } = await webAddress();
    base = baseUrl;
    env = await devServerEnv();
    h = await harness(env, 'web-wizard', { links: { baseUrl: base, key: KEY, ttlDays: 30 } });
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

  it('launches a 12-site collaborative with rule series through the wizard alone, after a check showing 5 mistakes at once', async () => {
    // The coordinator needs a role somewhere to be sent a sign-in link: an earlier collaborative,
    // whose people can be picked and which can be copied.
    const earlier = compressedConfig(EARLIER, Date.now(), {
      close: 600,
      decisions: 610,
      prework: 611,
      ls: 612,
      end: 900,
    });
    earlier.sites = ['harbor'];
    await launch(env.client, h.db, h.taskQueue, earlier);
    await waitFor('the earlier record', async () =>
      (await h.db.collection('collaboratives').findOne({ slug: EARLIER })) ? true : undefined,
    );
    const active = exampleSites.filter((s) => s.active);
    expect(active).toHaveLength(12);

    const page = await browser.newPage();
    await page.goto(`${base}/signin`);
    await page.fill('#f-email', COORDINATOR);
    await press(page, 'Email me a sign-in link');
    const signin = await mailTo(COORDINATOR, /sign-in link/);
    await page.goto(
      new RegExp(`${base.replace(/[.:/]/g, '\\$&')}/signin/[\\w.-]+`).exec(signin.parsed.text ?? '')![0],
    );
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Your collaboratives' }).waitFor();

    // ---- the text route: a YAML slip in words, with its line --------------------------------------
    await page.goto(`${base}/launch`);
    await page.fill('#f-config', 'slug: x\ncoordinators: [ { name: Sam\ntitle: T\n');
    await press(page, 'Launch');
    const slip = (await page.locator('#f-config-error').textContent()) ?? '';
    expect(slip).toMatch(/line \d+: /);
    expect(slip).not.toMatch(/implicit|flow sequence|column/i);
    await check(page, 'text-route-syntax-slip');

    // ---- starting points: the example, a copy shifted to a new announcement --------------------------
    await page.getByRole('link', { name: 'Launch with the step-by-step form' }).click();
    await page.getByRole('heading', { name: 'Launch a collaborative' }).waitFor();
    expect(await page.inputValue('#f-coordinators-0--email')).toBe(COORDINATOR);
    await check(page, 'wizard-blank');
    await page.goto(`${base}/launch/wizard?from=example`);
    expect(await page.inputValue('#f-title')).toBe('TF-CBT Learning Collaborative 2027');
    expect(await page.inputValue('#f-schedule-applicationsClose')).toBe('2027-03-01T17:00');
    await check(page, 'wizard-from-example');
    await page.goto(`${base}/launch/wizard?from=copy:${EARLIER}&announcement=2031-05-05T09:00`);
    expect(await page.inputValue('#f-title')).toBe(earlier.title);
    expect(await page.inputValue('#f-schedule-announcement')).toBe('2031-05-05T09:00');
    expect(await page.inputValue('#f-slug')).toBe('');
    expect(await page.textContent('.notice')).toContain(`A copy of ${earlier.title}`);
    await check(page, 'wizard-from-copy');

    // ---- a blank form, filled in by a person -------------------------------------------------------
    await page.goto(`${base}/launch/wizard?from=blank`);
    await page.fill('#f-title', TITLE);
    await page.fill('#f-practice', 'Trauma-Focused CBT');
    await page.fill('#f-description', 'A year of learning sessions and consultation for twelve sites.');
    await page.selectOption('#f-timeZone', ZONE);
    await page.fill('#f-coordinators-0--name', 'Sam Rivera');
    await page.getByLabel('Dr. Judith Cohen (jcohen@faculty.example.org)').check();
    await page.fill('#f-faculty-0--name', 'Dr. Nia Brooks');
    await page.fill('#f-faculty-0--email', 'nia.brooks@'); // mistake 1
    // The site filter narrows the list (JavaScript); every active site is announced to.
    await page.fill('#site-filter', 'harbor');
    expect(await page.locator('#f-sites label:visible').count()).toBe(1);
    await page.fill('#site-filter', '');
    expect(await page.locator('#f-sites label:visible').count()).toBe(12);
    await page.getByLabel(/Every active site of the network directory \(12\)/).check();
    // The announcement: a few minutes ago in Chicago, so it goes out at once; the rest by typical spacing.
    const announcement = DateTime.now().setZone(ZONE).minus({ minutes: 5 }).toFormat(LOCAL);
    await page.fill('#f-schedule-announcement', announcement);
    for (let i = 0; i < 3; i++) await page.fill(`#f-schedule-learningSessions-${i}--venue`, `Venue ${i + 1}`);
    // The consultation series as the coordinator publishes them: "2nd Tuesday 14:00, 60 min" and
    // "1st and 3rd Thursday 12:00" (clinical); mistake 5, a 5th Tuesday, is ticked with the 2nd.
    const S0 = '#f-schedule-consultation-0-';
    const S1 = '#f-schedule-consultation-1-';
    await page.check(`${S0}-repeat-1`);
    await page.check(`${S0}-weeks-1`); // 2nd
    await page.check(`${S0}-weeks-4`); // 5th: mistake 5
    await page.selectOption(`${S0}-weekday`, 'TU');
    await page.fill(`${S0}-time`, '14:00');
    await page.fill(`${S0}-durationMinutes`, '60');
    await page.selectOption(`${S1}-kind`, 'clinical');
    await page.check(`${S1}-repeat-1`);
    await page.check(`${S1}-weeks-0`); // 1st
    await page.check(`${S1}-weeks-2`); // 3rd
    await page.selectOption(`${S1}-weekday`, 'TH');
    await page.fill(`${S1}-time`, '12:00');
    await press(page, 'Fill in the empty dates from the announcement');
    const close = await page.inputValue('#f-schedule-applicationsClose');
    expect(close).toBe(
      DateTime.fromISO(announcement).plus({ days: 49 }).set({ hour: 17, minute: 0 }).toFormat(LOCAL),
    );
    expect(await page.inputValue('#f-title')).toBe(TITLE); // what was typed is kept
    expect(await page.inputValue(`${S0}-first`)).toBe(''); // a rule series has no first call to fill
    // The expected calls, computed here by the calendar alone: from the first learning session's
    // date to the end, 2nd Tuesdays at 14:00 and 1st/3rd Thursdays at 12:00, Chicago time.
    const ls1 = DateTime.fromISO(await page.inputValue('#f-schedule-learningSessions-0--start'));
    const end = DateTime.fromISO(await page.inputValue('#f-schedule-end'), { zone: ZONE });
    const days = (weekday: number, weeks: number[], time: string) => {
      const out: DateTime[] = [];
      for (let d = ls1.startOf('day'); d < end; d = d.plus({ days: 1 })) {
        const at = DateTime.fromISO(`${d.toISODate()}T${time}`, { zone: ZONE });
        if (d.weekday === weekday && weeks.includes(Math.ceil(d.day / 7)) && at < end) out.push(at);
      }
      return out;
    };
    const tuesdays = days(2, [2], '14:00');
    const thursdays = days(4, [1, 3], '12:00');
    const holiday = thursdays[3]!; // skipped
    await page.fill(`${S1}-skip`, holiday.toISODate()!);
    // One call moved a week on, at 15:00: a coordinator's exception to the rule.
    const movedFrom = thursdays[5]!;
    const movedTo = movedFrom.plus({ days: 7 }).set({ hour: 15 });
    await page.fill(`${S1}-move`, `${movedFrom.toISODate()} to ${movedTo.toFormat(LOCAL)}`);
    await check(page, 'wizard-dates-filled');

    await page.fill('#f-metrics-measures-0--name', 'Children served');
    await page.fill('#f-metrics-measures-0--key', 'children_served');
    await page.fill('#f-metrics-measures-0--min', '0');
    await page.fill('#f-metrics-measures-0--max', '500');
    await page.fill('#f-metrics-measures-1--name', 'Fidelity (%)');
    await page.fill('#f-metrics-measures-1--key', 'fidelity');
    await page.selectOption('#f-metrics-measures-1--type', 'percentage');
    await page.fill('#f-metrics-measures-1--target', 'eighty'); // mistake 2
    await page.fill('#f-title', ''); // mistake 3
    // Mistake 4, a cross-field rule: applications open after they close.
    const lateOpen = DateTime.fromISO(close).plus({ days: 3 }).toFormat(LOCAL);
    await page.fill('#f-schedule-applicationsOpen', lateOpen);

    // ---- the first check: all four at once, beside their fields, every value kept ----------------
    await press(page, 'Check');
    await page.locator('#error-summary').waitFor();
    await page.waitForFunction(() => document.activeElement?.id === 'error-summary');
    const listed = await page.locator('#error-summary li').allTextContents();
    expect(listed).toHaveLength(5);
    // The rule problem beside the weeks ticked, in plain words, the ticks kept.
    expect(await page.locator(`${S0}-weeks-error`).textContent()).toMatch(
      /a 5th Tuesday does not happen every month; choose 1st–4th or last/,
    );
    expect(await page.locator(`#error-summary a[href="${S0}-weeks"]`).count()).toBe(1);
    expect(await page.getAttribute(`${S0}-weeks-0`, 'aria-invalid')).toBe('true');
    expect(await page.isChecked(`${S0}-weeks-4`)).toBe(true);
    expect(await page.inputValue(`${S1}-skip`)).toBe(holiday.toISODate());
    // The other series, which reads, lists its first calls beside it.
    const shown = (await page.locator(`${S1}-calls li`).allTextContents()).map((t) => t.trim());
    expect(shown[0]).toContain(thursdays[0]!.toFormat('d LLL yyyy'));
    expect(shown.join(' ')).not.toContain(holiday.toFormat('d LLL yyyy'));
    await page.locator('#schedule').screenshot({ path: path.join(SHOTS, `schedule-rule-problem-1280.png`) });
    await page.setViewportSize({ width: 390, height: 900 });
    await page.locator('#schedule').screenshot({ path: path.join(SHOTS, `schedule-rule-problem-390.png`) });
    await page.setViewportSize({ width: 1280, height: 900 });
    await expectProblem(page, 'f-title', /a title is required/);
    await expectProblem(page, 'f-faculty-0--email', /not a valid email address/);
    await expectProblem(page, 'f-metrics-measures-1--target', /enter a number/);
    await expectProblem(page, 'f-schedule-applicationsClose', /applications must close after they open/);
    expect(await page.inputValue('#f-faculty-0--email')).toBe('nia.brooks@');
    expect(await page.inputValue('#f-metrics-measures-1--target')).toBe('eighty');
    expect(await page.inputValue('#f-schedule-applicationsOpen')).toBe(lateOpen);
    expect(await page.isChecked('#f-faculty-picked-0')).toBe(true);
    await check(page, 'wizard-five-problems');

    // ---- fixed: the review, the download, the launch -----------------------------------------------
    await page.fill('#f-title', TITLE);
    await page.fill('#f-faculty-0--email', 'nia.brooks@faculty.example.org');
    await page.fill('#f-metrics-measures-1--target', '80');
    await page.fill('#f-schedule-applicationsOpen', announcement);
    await page.uncheck(`${S0}-weeks-4`);
    await press(page, 'Check');
    await page.locator('#review-summary').waitFor();
    expect(await page.textContent('#review-summary')).toMatch(/monthly on the 2nd Tuesday,\s+60\s+min/);
    expect(await page.textContent('#review-summary')).toMatch(/monthly on the 1st and 3rd Thursday/);
    expect(await page.textContent('#review-summary')).toContain(
      `none on ${holiday.toFormat('ccc d LLL yyyy')}`,
    );
    expect(await page.textContent('#review-summary')).toContain(
      `moved: ${movedFrom.toFormat('ccc d LLL yyyy')} to`,
    );
    expect(await page.locator('#error-summary').count()).toBe(0);
    expect(await page.textContent('#review-summary')).toContain('every active site (12)');
    await check(page, 'wizard-review');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download config (YAML)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('wizard-trauma-collaborative.yaml');
    const yaml = fs.readFileSync((await download.path())!, 'utf8');
    const built = parseLaunchConfig(YAML.parse(yaml));
    expect(built.faculty.map((p) => p.email)).toEqual([
      'nia.brooks@faculty.example.org',
      'jcohen@faculty.example.org',
    ]);
    expect(built.sites).toBe('all');
    expect(built.metrics?.measures.map((m) => m.target)).toEqual([undefined, 80]);

    await page.fill('#f-slug', SLUG);
    await press(page, 'Launch');
    expect(page.url()).toBe(`${base}/c/${SLUG}`);
    await page.getByText('Launched: the workflow is running.').waitFor();
    await check(page, 'launched');

    // ---- it runs: the record, and the announcement to each of the 12 PIs -------------------------
    const record = await h.db.collection('collaboratives').findOne({ slug: SLUG });
    expect(record?.config.title).toBe(TITLE);
    expect(record?.config.schedule.applicationsClose).toBe(
      DateTime.fromISO(close, { zone: ZONE }).toUTC().toISO({ suppressMilliseconds: true }),
    );
    // The series as launched, read back through the app: every call on its local date and time,
    // on both sides of the November change of the clocks, the holiday left out.
    const launched = currentSchedule(await collaborativeRecord(h.db, SLUG)).consultation;
    const utc = (list: DateTime[]) => list.map((d) => d.toUTC().toISO({ suppressMilliseconds: true }));
    expect(launched[0]!.calls).toEqual(utc(tuesdays));
    expect(launched[0]!.durationMinutes).toBe(60);
    expect(launched[1]!.kind).toBe('clinical');
    expect(launched[1]!.calls).toEqual(
      utc(
        [...thursdays.filter((d) => +d !== +holiday && +d !== +movedFrom), movedTo].sort((a, b) => +a - +b),
      ),
    );
    expect(launched[1]!.recurrence?.moved).toEqual([{ from: utc([movedFrom])[0], to: utc([movedTo])[0] }]);
    expect(launched[1]!.recurrence?.skipped).toEqual(utc([holiday]));
    expect(new Set(tuesdays.map((d) => d.offset)).size).toBe(2); // across a DST change
    expect(launched[0]!.calls.map((c) => DateTime.fromISO(c).setZone(ZONE).toFormat('ccc HH:mm'))).toEqual(
      tuesdays.map(() => 'Tue 14:00'),
    );
    for (const s of active) await mailTo(s.piEmail, new RegExp(`Announcing the ${TITLE}`));
    const announced = h.sink.received.filter((m) => m.parsed.subject === `Announcing the ${TITLE}`);
    expect(new Set(announced.flatMap((m) => m.envelopeTo)).size).toBe(12);

    expect(findings).toEqual([]);
  }, 600_000);
});
