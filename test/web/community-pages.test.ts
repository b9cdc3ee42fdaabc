/// <reference lib="dom" />
/**
 * A Learning Community launched and run from the web, in headless Chromium against the real stack
 * (Temporal dev server, FerretDB, an SMTP sink, the worker and the web app): an administrator
 * launches it through the form (a first submit with mistakes, each shown beside its field, what was
 * typed kept); a member joins through the link in the PI's announcement; a facilitator signs in,
 * sees it on the dashboard, takes the first meeting's attendance (nobody ticked first) and sends
 * its summary (which reaches the member), and adds a share. Every page at 1280 and 390 px:
 * axe-clean, no sideways scroll, a screenshot in .data/screenshots/community/.
 */
import type { Page } from 'playwright-core';
import { findCommunity } from '../../app';
import { communityStatusQuery } from '../../workflows';
import { browserStack, expectProblem as expectProblemBeside, press } from '../helpers/browser';
import { piOf } from '../helpers/people';
import { waitFor } from '../helpers/wait';

const ADMIN = 'admin.lcom@network.example.org';
const FACILITATOR = 'facilitator.lcom@faculty.example.org';
const MEMBER = 'priya.shah@bayview.example.org';
const SLUG = 'lcom-pages';
const TITLE = 'Trauma-Informed Schools Learning Community';

describe('a Learning Community launched and run from the web (real stack, headless Chromium)', () => {
  const s = browserStack({
    name: 'community',
    key: 'community-pages-signing-key-'.padEnd(48, 'c'),
    admins: [ADMIN],
  });
  const { check, mailTo, linkIn, signIn } = s;

  /** After a bad post: the field's problem beside it, and one link to it in the summary. */
  async function expectProblem(page: Page, fieldId: string, words: RegExp): Promise<void> {
    await expectProblemBeside(page, fieldId, words);
    expect(await page.locator(`#error-summary a[href="#${fieldId}"]`).count()).toBe(1);
  }

  it('launches a community through its form, then a member joins and a facilitator runs a meeting and adds a share', async () => {
    // ---- the administrator launches it: mistakes first, each beside its field ---------------------
    const { env, h, web, browser, base } = s;
    const admin = await browser.newPage();
    await signIn(admin, ADMIN);
    await check(admin, 'dashboard-admin');
    await admin.getByRole('link', { name: 'Launch a Learning Community' }).click();
    await admin.getByRole('heading', { name: 'Launch a Learning Community' }).waitFor();
    expect(await admin.inputValue('#f-coordinators-0--email')).toBe(ADMIN);
    await check(admin, 'launch');

    // In UTC, to the minute, as a datetime-local field holds it. The community starts, and its first
    // meeting takes place, one to two minutes ahead (the form holds whole minutes); the second, a
    // day later, is the one seen upcoming, so no step races the first.
    const local = (ms: number) => new Date(ms).toISOString().slice(0, 16);
    const minute = 60_000;
    const t0 = Math.ceil(Date.now() / minute) * minute;
    const firstMeeting = t0 + minute;
    await admin.fill('#f-title', TITLE);
    await admin.fill('#f-slug', SLUG);
    await admin.fill('#f-topic', 'trauma-informed practice in schools');
    await admin.fill('#f-timeZone', 'UTC');
    await admin.fill('#f-coordinators-0--name', 'Network Admin');
    await admin.fill('#f-facilitators-0--name', 'Dr. Ruth Gerson');
    await admin.fill('#f-facilitators-0--email', 'not-an-email');
    await admin.check('input[name=sitesMode][value=some]');
    await admin.check('input[name=sites][value=bayview]');
    await admin.fill('#f-start', local(t0 + minute)); // after the launch: announced, then started
    await admin.fill('#f-end', local(t0 - 20 * minute)); // before the start
    await admin.selectOption('#f-meetings-0--kind', 'remote');
    await admin.fill('#f-meetings-0--first', local(firstMeeting));
    await admin.fill('#f-meetings-0--everyDays', '1');
    await admin.fill('#f-meetings-0--durationMinutes', '30');
    await admin.fill('#f-meetings-0--link', 'https://meet.example.org/tis');
    await press(admin, 'Launch the community');
    await expectProblem(admin, 'f-facilitators-0--email', /not a valid email address/);
    await expectProblem(admin, 'f-end', /must end after it starts/);
    // Both at once, and what was typed is kept.
    expect(await admin.locator('#error-summary li').count()).toBeGreaterThanOrEqual(2);
    expect(await admin.inputValue('#f-title')).toBe(TITLE);
    expect(await admin.inputValue('#f-facilitators-0--email')).toBe('not-an-email');
    expect(await admin.inputValue('#f-meetings-0--first')).toBe(local(firstMeeting));
    expect(await admin.isChecked('input[name=sites][value=bayview]')).toBe(true);
    await check(admin, 'launch-errors');

    await admin.fill('#f-facilitators-0--email', FACILITATOR);
    await admin.fill('#f-end', local(t0 + 3 * 24 * 60 * minute));
    await press(admin, 'Launch the community');
    expect(admin.url()).toBe(`${base}/communities/${SLUG}`);
    await admin.getByText('Launched: the community is running.').waitFor();
    const status = await env.client.workflow.getHandle(`lcom/${SLUG}`).query(communityStatusQuery);
    expect(status.meetings).toBe(3); // daily for three days from the first
    await check(admin, 'community-launched');
    await admin.goto(`${base}/communities/${SLUG}/meetings/2`);
    await admin.getByText('Attendance is taken once the meeting has begun.').waitFor();
    await check(admin, 'meeting-upcoming');

    // ---- a member joins through the link in the PI's announcement ---------------------------------
    const announcement = await mailTo(piOf('bayview'), /^Join the /);
    const member = await browser.newPage();
    await member.goto(linkIn(announcement, 'join'));
    await check(member, 'join');
    await member.fill('#f-name', 'Priya Shah');
    await member.fill('#f-email', MEMBER);
    await press(member, 'Join the community');
    await member.getByText('you have joined').waitFor();
    await check(member, 'joined');
    await mailTo(MEMBER, /^Welcome to the /);

    // ---- the facilitator: the dashboard, the community with its member ----------------------------
    const facilitator = await browser.newPage();
    await signIn(facilitator, FACILITATOR);
    const row = facilitator.locator(`#communities tr[data-community="${SLUG}"]`);
    expect(await row.textContent()).toMatch(/facilitator[\s\S]*1\s*$/);
    await check(facilitator, 'dashboard-facilitator');
    await row.getByRole('link', { name: TITLE }).click();
    await facilitator.locator(`tr[data-member="${MEMBER}"]`).waitFor();
    expect(await facilitator.locator(`tr[data-member="${MEMBER}"]`).textContent()).toContain(
      'Bayview Child Trauma Center',
    );
    await check(facilitator, 'community-member');
    // What `lc lcom join` and `leave` do: a member added by hand (a bad address first), then removed.
    await facilitator.fill('#f-name', 'Marcus Lee');
    await facilitator.fill('#f-email', 'marcus.lee@bayview');
    await press(facilitator, 'Add the member');
    await expectProblem(facilitator, 'f-email', /not a valid email address/);
    expect(await facilitator.inputValue('#f-name')).toBe('Marcus Lee');
    await check(facilitator, 'community-add-member-error');
    await facilitator.fill('#f-email', 'marcus.lee@bayview.example.org');
    await facilitator.selectOption('#f-siteId', 'bayview');
    await press(facilitator, 'Add the member');
    await facilitator.getByText('Added marcus.lee@bayview.example.org').waitFor();
    await mailTo('marcus.lee@bayview.example.org', /^Welcome to the /);
    await press(facilitator, 'Remove Marcus Lee');
    await facilitator.getByText('Removed marcus.lee@bayview.example.org').waitFor();
    expect(await facilitator.textContent('#members')).toMatch(
      /Former members \(1\)[\s\S]*Marcus Lee[\s\S]*left/,
    );
    await check(facilitator, 'community-member-removed');
    // Nobody signed in: the sign-in page; an unknown community: the refusal a stranger's gets.
    expect((await web.call({ url: `/communities/${SLUG}` })).headers.get('location')).toBe('/signin');
    expect((await admin.goto(`${base}/communities/nowhere`))!.status()).toBe(403);

    // ---- the first meeting, once it has begun: attendance (nobody ticked first), then the summary ---
    await waitFor(
      'the first meeting to begin',
      async () => (Date.now() >= firstMeeting ? true : undefined),
      600_000,
    );
    await facilitator.goto(`${base}/communities/${SLUG}/meetings/1`);
    await facilitator.getByRole('button', { name: 'Record the attendance' }).waitFor();
    await check(facilitator, 'meeting-held');
    await press(facilitator, 'Record the attendance');
    await expectProblem(facilitator, 'f-emails', /list the members who attended/);
    await check(facilitator, 'meeting-attendance-error');
    await facilitator.check(`input[name=emails][value="${MEMBER}"]`);
    await press(facilitator, 'Record the attendance');
    await facilitator.getByText('Attendance of meeting 1 recorded: 1 present.').waitFor();
    expect(await facilitator.textContent('[data-testid=present]')).toContain(MEMBER);
    // Recorded: no longer offered (attendance adds to what was recorded).
    expect(await facilitator.locator(`input[name=emails][value="${MEMBER}"]`).count()).toBe(0);
    const summary = 'We mapped where consent forms go missing, and agreed to try a one-page form.';
    await facilitator.fill('#f-text', summary);
    await press(facilitator, 'Send the summary');
    await facilitator.getByText('Summary of meeting 1 sent to 1 member.').waitFor();
    expect(await facilitator.textContent('[data-testid=summary]')).toBe(summary);
    expect(await facilitator.locator('#f-text').count()).toBe(0); // sent once: no second form
    await check(facilitator, 'meeting-summary-sent');
    const sent = await mailTo(MEMBER, /^Summary of meeting 1 /);
    expect(sent.parsed.text).toContain('one-page form');

    // ---- a share, added for the member, shown on the community's page ---------------------------
    await waitFor('the community to have started', async () =>
      (await findCommunity(h.db, SLUG))?.phase === 'active' ? true : undefined,
    );
    await facilitator.goto(`${base}/communities/${SLUG}#shares`);
    await facilitator.selectOption('#f-by', MEMBER);
    await facilitator.selectOption('#f-kind', 'solution');
    await facilitator.fill('#f-title', 'A one-page consent form');
    await facilitator.fill('#f-text', 'Parents return a single page far more often than five.');
    await press(facilitator, 'Add the share');
    await facilitator.getByText('Shared (solution #1): it goes out in the next digest.').waitFor();
    expect(await facilitator.textContent('[data-testid=phase]')).toBe('active');
    const shared = facilitator.locator('[data-share="1"]');
    expect(await shared.textContent()).toMatch(/A one-page consent form[\s\S]*solution[\s\S]*priya\.shah/);
    // The past meeting's row says what was recorded.
    expect(await facilitator.locator('tr[data-meeting="1"]').textContent()).toMatch(
      /Meeting 1[\s\S]*1[\s\S]*sent/,
    );
    await check(facilitator, 'community-shared');
    const after = await env.client.workflow.getHandle(`lcom/${SLUG}`).query(communityStatusQuery);
    expect(after).toMatchObject({
      members: 1,
      formerMembers: 1,
      summaries: [0],
      shares: { solution: 1, total: 1 },
    });

    expect(s.pages.findings).toEqual([]);
  }, 900_000);
});
