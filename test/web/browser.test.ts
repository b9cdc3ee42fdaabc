/// <reference lib="dom" />
/**
 * Every role's pages in a real browser (Debian's headless Chromium, driven by playwright-core)
 * against the real stack — Temporal dev server, FerretDB, an SMTP sink, the worker and the web
 * app. Each page state is opened at 1280 and at 390 px wide: axe-core finds no violation, the page
 * does not scroll sideways at 390 px, and a screenshot of each goes to .data/screenshots/browser/.
 * Every form is tried bad, then good: the problem shows beside its field, what was typed is kept,
 * the error summary has the focus, and a reload after success posts nothing again.
 *
 * The path: a coordinator signs in through the emailed link and launches a collaborative by
 * pasting its config; a second one (applications not yet open) is rescheduled and cancelled; the
 * PI applies from the announcement's link; faculty see no decision form before applications close,
 * then accept; the acceptance reaches the data manager with the team page's link; the team marks
 * pre-work, submits and amends its metrics and records attendance; faculty send feedback; the
 * coordinator's dashboard shows the team on time and its run charts.
 */
import fs from 'node:fs';
import { DateTime } from 'luxon';
import type { Page } from 'playwright-core';
import YAML from 'yaml';
import { launch } from '../../app';
import { signLink } from '../../security/links';
import { browserStack, expectProblem, press, WIDTHS } from '../helpers/browser';
import { compressedConfig } from '../helpers/configs';
import { applicationFor } from '../helpers/people';
import { waitFor } from '../helpers/wait';

const KEY = 'browser-test-signing-key-'.padEnd(48, 'y');
const COORDINATOR = 'sam.rivera@network.example.org';
const FACULTY = 'jcohen@faculty.example.org';
const PI = 'ana.ruiz@bayview.example.org';
const SLUG = 'browser-lc';
const LATER = 'browser-later';

describe('the web app in a browser, every role and page state (real stack, headless Chromium)', () => {
  const s = browserStack({ name: 'browser', key: KEY });
  const { check, mailTo, linkIn } = s;

  /** A reload after success posts nothing again: no email from either collaborative. */
  const reloadPostsNothing = (page: Page, done: string) => s.reloadPostsNothing(page, done, [SLUG, LATER]);

  const until = (what: string, at: number) =>
    waitFor(what, async () => (Date.now() > at ? true : undefined), 240_000);

  /** The sign-in of browser.test.ts: with `withChecks`, a bad address first and every page state checked. */
  async function signIn(page: Page, email: string, withChecks = false): Promise<void> {
    if (!withChecks) return s.signIn(page, email);
    await page.goto(`${s.base}/signin`);
    await check(page, 'signin');
    await page.fill('#f-email', 'not-an-email');
    await press(page, page.getByRole('button', { name: 'Email me a sign-in link' }));
    await expectProblem(page, 'f-email', /valid email address/);
    expect(await page.inputValue('#f-email')).toBe('not-an-email');
    await check(page, 'signin-error');
    await page.fill('#f-email', email);
    await press(page, page.getByRole('button', { name: 'Email me a sign-in link' }));
    await page.getByText('a sign-in link is on its way').waitFor();
    const mail = await mailTo(email, /sign-in link/);
    await check(page, 'signin-sent');
    await page.reload(); // a reload asks for no second link
    expect(await page.locator('#f-email').count()).toBe(1);
    await page.goto(linkIn(mail, 'signin'));
    await check(page, 'signin-confirm');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Your collaboratives' }).waitFor();
    expect(s.mailsTo(email, /./).length).toBe(1);
  }

  it('walks every page state of every role at 1280 and 390 px: axe-clean, no sideways scroll, forms bad then good', async () => {
    const { env, h, browser, base } = s;
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

    // ---- coordinator: sign in (a bad address first), launch (a bad config first) -----------------
    const coordinator = await browser.newPage();
    await signIn(coordinator, COORDINATOR, true);
    await check(coordinator, 'dashboard');
    await coordinator.goto(`${base}/launch`);
    await check(coordinator, 'launch');
    await coordinator.fill('#f-config', 'slug: Not A Slug\ntitle: x\n');
    await press(coordinator, coordinator.getByRole('button', { name: 'Launch' }));
    await expectProblem(coordinator, 'f-config', /slug: lower-case letters/);
    expect(await coordinator.textContent('main')).not.toMatch(/slug: slug:/);
    expect(await coordinator.inputValue('#f-config')).toBe('slug: Not A Slug\ntitle: x\n');
    await check(coordinator, 'launch-errors');

    const t0 = Date.now();
    const minutes = { info: 0.3, close: 1.0, decisions: 1.8, prework: 1.9, ls: 2.0, end: 45 * 24 * 60 };
    const config = compressedConfig(SLUG, t0, minutes);
    config.sites = ['bayview'];
    config.coordinators = [{ name: 'Sam Rivera', email: COORDINATOR }];
    await coordinator.fill('#f-config', YAML.stringify(config));
    await press(coordinator, coordinator.getByRole('button', { name: 'Launch' }));
    expect(coordinator.url()).toBe(`${base}/c/${SLUG}`);
    await coordinator.getByText('Launched: the workflow is running.').waitFor();
    await check(coordinator, 'collaborative-applications-open');
    await reloadPostsNothing(coordinator, 'Launched: the workflow is running.');
    // A GET of an action's address shows the page, not JSON.
    await coordinator.goto(`${base}/c/${SLUG}/reschedule`);
    expect(coordinator.url()).toBe(`${base}/c/${SLUG}`);
    await coordinator.getByRole('heading', { name: config.title }).waitFor();

    // A second collaborative whose applications open in an hour: rescheduled, then cancelled.
    const later = compressedConfig(LATER, t0, {
      announcement: 0,
      open: 60,
      info: 61,
      close: 90,
      decisions: 120,
      prework: 121,
      ls: 122,
      end: 45 * 24 * 60,
    });
    later.sites = ['bayview'];
    later.title = 'A later collaborative';
    await launch(env.client, h.db, h.taskQueue, later);
    await waitFor('the later record', async () =>
      (await h.db.collection('collaboratives').findOne({ slug: LATER })) ? true : undefined,
    );

    // ---- PI: applications not yet open (no form), then open: bad, then good --------------------
    const pi = await browser.newPage();
    const laterApply = signLink(KEY, {
      p: 'apply',
      e: PI,
      c: LATER,
      s: 'bayview',
      x: Date.now() + 3_600_000,
    });
    await pi.goto(`${base}/apply/${laterApply}`);
    await pi.locator('[data-state=not-yet-open]').waitFor();
    expect(await pi.locator('form#application').count()).toBe(0);
    await check(pi, 'apply-not-yet-open');

    const announcement = await mailTo(PI, /^Announcing the Test collaborative browser-lc/);
    const applyUrl = linkIn(announcement, 'apply');
    await pi.goto(applyUrl);
    await check(pi, 'apply-open');
    await pi.fill('#f-readiness', 'Too short');
    await pi.fill('#f-coreTeam-members-0--name', 'Leader of bayview');
    await pi.fill('#f-coreTeam-members-0--email', 'not-an-address');
    await pi.fill('#f-coreTeam-dataManager-name', 'Data manager of bayview');
    await press(pi, pi.getByRole('button', { name: 'Apply' }));
    await expectProblem(pi, 'f-readiness', /20 characters at least/);
    await expectProblem(pi, 'f-coreTeam-members-0--email', /not a valid email address/);
    await expectProblem(pi, 'f-coreTeam-members-0--role', /choose a role/);
    await expectProblem(pi, 'f-commitCoreDataSet', /required to apply/);
    const main = (await pi.textContent('main'))!;
    expect(main).not.toMatch(/coreTeam\.|Invalid enum|set it to true/);
    expect(await pi.inputValue('#f-readiness')).toBe('Too short');
    expect(await pi.inputValue('#f-coreTeam-members-0--email')).toBe('not-an-address');
    expect(await pi.inputValue('#f-coreTeam-dataManager-name')).toBe('Data manager of bayview');
    await check(pi, 'apply-errors');
    const app1 = applicationFor('bayview', PI);
    await pi.fill('#f-readiness', app1.readiness);
    await pi.check('#f-commitCoreDataSet');
    await pi.check('#f-commitAllSessions');
    for (const [i, m] of app1.coreTeam.members.entries()) {
      await pi.fill(`#f-coreTeam-members-${i}--name`, m.name);
      await pi.fill(`#f-coreTeam-members-${i}--email`, m.email);
      await pi.selectOption(`#f-coreTeam-members-${i}--role`, m.role);
    }
    for (const p of ['dataManager', 'contactPerson'] as const) {
      await pi.fill(`#f-coreTeam-${p}-name`, app1.coreTeam[p].name);
      await pi.fill(`#f-coreTeam-${p}-email`, app1.coreTeam[p].email);
    }
    await press(pi, pi.getByRole('button', { name: 'Apply' }));
    const applied = 'the application of Bayview Child Trauma Center is recorded (version 1)';
    await pi.getByText(applied).waitFor();
    await check(pi, 'apply-done');
    await reloadPostsNothing(pi, applied);
    expect(await pi.getByText('You applied already (version 1)').count()).toBe(1);

    // ---- coordinator: reschedule and cancel the later one (bad, then good) ------------------------
    await coordinator.goto(`${base}/c/${LATER}`);
    await coordinator.selectOption('#f-milestone', 'applicationsClose');
    await press(coordinator, coordinator.getByRole('button', { name: 'Reschedule' }));
    await expectProblem(coordinator, 'f-date', /./);
    expect(await coordinator.inputValue('#f-milestone')).toBe('applicationsClose');
    await check(coordinator, 'reschedule-errors');
    const moved = DateTime.fromMillis(t0 + 95 * 60_000, { zone: later.timeZone }).toFormat(
      "yyyy-MM-dd'T'HH:mm",
    );
    await coordinator.fill('#f-date', moved);
    await press(coordinator, coordinator.getByRole('button', { name: 'Reschedule' }));
    await coordinator.getByText(/Moved Applications close to/).waitFor();
    await reloadPostsNothing(coordinator, 'Moved Applications close');
    await coordinator.fill('#f-reason', 'The venue fell through.');
    await press(coordinator, coordinator.getByRole('button', { name: 'Cancel the collaborative' }));
    await expectProblem(coordinator, 'f-confirm', /tick the box/);
    expect(await coordinator.inputValue('#f-reason')).toBe('The venue fell through.');
    await check(coordinator, 'cancel-errors');
    await coordinator.check('#f-confirm');
    await press(coordinator, coordinator.getByRole('button', { name: 'Cancel the collaborative' }));
    await coordinator.getByText('The collaborative is cancelled').waitFor();
    await waitFor('the cancelled phase', async () => {
      await coordinator.reload();
      return (await coordinator.locator('[data-state=cancelled]').count()) ? true : undefined;
    });
    expect(await coordinator.getByText('Reschedule a milestone').count()).toBe(0);
    expect(await coordinator.locator('#cancel').count()).toBe(0);
    await check(coordinator, 'collaborative-cancelled');
    await pi.goto(`${base}/apply/${laterApply}`);
    expect(await pi.locator('form#application').count()).toBe(0);

    // ---- faculty: no decision form before applications close; then bad, then good ----------------
    const faculty = await browser.newPage();
    await signIn(faculty, FACULTY);
    await faculty.goto(`${base}/c/${SLUG}`);
    await faculty.locator('[data-state=decisions-not-yet]').waitFor();
    expect(await faculty.locator('form[action$="/decisions"]').count()).toBe(0);
    await check(faculty, 'faculty-before-close');
    await until('applications to close', t0 + minutes.close * 60_000 + 2_000);
    await pi.goto(applyUrl);
    await pi.locator('[data-state=closed]').waitFor();
    expect(await pi.locator('form#application').count()).toBe(0);
    await check(pi, 'apply-closed');
    await waitFor('the decision form', async () => {
      await faculty.reload();
      return (await faculty.locator('form[action$="/decisions"]').count()) ? true : undefined;
    });
    const article = faculty.locator('article[data-site=bayview]');
    await article.locator('#f-notes--bayview').fill('A strong application.');
    await press(faculty, article.getByRole('button', { name: 'Record decision' }));
    await expectProblem(faculty, 'f-decision--bayview', /choose accept, waitlist or decline/);
    expect(await faculty.inputValue('#f-notes--bayview')).toBe('A strong application.');
    await check(faculty, 'decision-errors');
    await faculty.locator('article[data-site=bayview] input[value=accept]').check();
    await press(
      faculty,
      faculty.locator('article[data-site=bayview]').getByRole('button', { name: 'Record decision' }),
    );
    await faculty.getByText('Recorded: bayview accept.').waitFor();
    expect(await faculty.textContent('[data-testid=decision-bayview]')).toContain('accept');
    await check(faculty, 'decided');
    await reloadPostsNothing(faculty, 'Recorded: bayview accept.');

    // ---- the data manager: the acceptance with the team page's link ------------------------------
    const dataManager = app1.coreTeam.dataManager.email;
    const accepted = await mailTo(dataManager, /^Accepted: /);
    const team = await browser.newPage();
    await team.goto(linkIn(accepted, 'team'));
    await team.getByRole('heading', { name: /^Team: / }).waitFor();
    expect(await team.textContent('main')).toContain(`for ${dataManager}`);
    await check(team, 'team-before-ls1');
    // The pre-work email goes to the acceptance's recipients at the pre-work date, about now: all of
    // it in first, so that the reload below counts only what the post caused.
    const subjects = () => h.sink.received.map((m) => m.parsed.subject ?? '');
    const acceptances = subjects().filter((s) => s.startsWith('Accepted: ')).length;
    await waitFor('the pre-work emails', async () =>
      subjects().filter((s) => s.startsWith('Pre-work for ')).length >= acceptances ? true : undefined,
    );
    await press(team, team.getByRole('button', { name: 'Mark as done' }));
    await team.getByText('Marked checklist as done.').waitFor();
    await reloadPostsNothing(team, 'Marked checklist as done.');

    // ---- faculty feedback (bad, then good), once the team exists -----------------------------------
    await waitFor('the team on the faculty page', async () => {
      await faculty.reload();
      return (await faculty.locator('#team-bayview').count()) ? true : undefined;
    });
    await faculty.locator('#team-bayview summary').click();
    await faculty.fill('#f-text--bayview', 'ok');
    await press(faculty, faculty.locator('#feedback-bayview').getByRole('button', { name: 'Send feedback' }));
    await expectProblem(faculty, 'f-text--bayview', /feedback is empty/);
    expect(await faculty.locator('#team-bayview').getAttribute('open')).not.toBeNull();
    expect(await faculty.inputValue('#f-text--bayview')).toBe('ok');
    await check(faculty, 'feedback-errors');
    await faculty.fill('#f-text--bayview', 'Your baseline data came in early: well done.');
    await press(faculty, faculty.locator('#feedback-bayview').getByRole('button', { name: 'Send feedback' }));
    await faculty.getByText('Feedback sent to bayview.').waitFor();

    // ---- the team after learning session 1: metrics bad, good, amended; attendance -----------------
    await until('learning session 1', t0 + minutes.ls * 60_000 + 2_000);
    await waitFor('the metrics form', async () => {
      await team.reload();
      return (await team.locator('#metrics-form').count()) ? true : undefined;
    });
    const period = await team.locator('#f-period option').first().getAttribute('value');
    await team.fill('#f-values-children_served', '-1');
    await team.fill('#f-values-fidelity', '150');
    await press(team, team.getByRole('button', { name: 'Submit the metrics' }));
    await expectProblem(team, 'f-values-children_served', /at least 0/);
    await expectProblem(team, 'f-values-fidelity', /at most 100/);
    await expectProblem(team, 'f-values-cds_used', /fill this in/);
    expect(await team.textContent('#error-summary')).not.toMatch(/values\./);
    expect(await team.inputValue('#f-values-children_served')).toBe('-1');
    expect(await team.inputValue('#f-values-fidelity')).toBe('150');
    await check(team, 'team-metrics-errors');
    await team.fill('#f-values-children_served', '12');
    await team.fill('#f-values-fidelity', '85');
    await team.selectOption('#f-values-cds_used', 'yes');
    await press(team, team.getByRole('button', { name: 'Submit the metrics' }));
    await team.getByText(`the metrics for ${period} are recorded`).waitFor();
    await reloadPostsNothing(team, `the metrics for ${period} are recorded`);
    // Amend: the form holds what was sent.
    await team.getByRole('link', { name: `Amend ${period}` }).click();
    await team.locator('#metrics-form').waitFor();
    expect(await team.inputValue('#f-values-children_served')).toBe('12');
    expect(await team.inputValue('#f-values-fidelity')).toBe('85');
    expect(await team.inputValue('#f-values-cds_used')).toBe('yes');
    await team.fill('#f-values-children_served', '14');
    await press(team, team.getByRole('button', { name: 'Amend the metrics' }));
    await team.getByText(`the metrics for ${period} are recorded as an amendment`).waitFor();
    // Attendance at session 1: two of the three.
    const members = app1.coreTeam.members;
    await team.locator('#attendance-form').waitFor();
    for (const m of members.slice(0, 2)) await team.getByLabel(`${m.name} (${m.email})`).check();
    await press(team, team.getByRole('button', { name: 'Record who attended' }));
    await team.getByText('Recorded who attended learning session 1.').waitFor();
    await waitFor('the attendance record', async () => {
      await team.reload();
      return (await team.locator('#attendance-record').textContent())!.includes('attended')
        ? true
        : undefined;
    });
    expect(await team.locator('#submissions').textContent()).toMatch(/14[\s\S]*85%[\s\S]*yes/);
    await team.locator('#charts figure').first().waitFor();
    await check(team, 'team-home');

    // ---- coordinator: the dashboard with the team on time and its run charts -----------------------
    await coordinator.goto(`${base}/c/${SLUG}`);
    const cell = coordinator.locator(`#compliance tr[data-team=bayview] td[data-period="${period}"]`);
    expect(await cell.getAttribute('class')).toBe('on-time');
    expect(await coordinator.locator('#charts figure svg title').count()).toBeGreaterThan(0);
    expect(await coordinator.locator('#charts figcaption').first().textContent()).toMatch(
      /Children served: each team/,
    );
    await check(coordinator, 'collaborative-dashboard');
    await coordinator.goto(`${base}/`);
    await check(coordinator, 'collaboratives');
    await coordinator.goto(`${base}/no/such/page`);
    await check(coordinator, 'not-found');

    const { visited, findings, dir } = s.pages;
    console.log(
      `[web] browser walk done in ${Math.round((Date.now() - t0) / 1000)} s: ${visited.length} page states × ${WIDTHS.length} widths, ${fs.readdirSync(dir).length} screenshots in ${dir}; ${findings.length} findings`,
    );
    expect(findings).toEqual([]);
  }, 420_000);
});
