/// <reference lib="dom" />
/**
 * The collaborative organised for work and the email centre, in headless Chromium against the
 * real stack (Temporal dev server, FerretDB, an SMTP sink, the worker, the web app): the Overview
 * shows an undecided application and a refused email with their actions; Sites shows a site that
 * never applied; the email centre filters by kind and by person, opens an email as sent, and
 * resends a team member's lost link, which opens the team page (the old link still does too); a
 * team is withdrawn from its row
 * (refused without the confirmation, then done) and the waitlisted team is shown promoted. Every
 * page at 1280 and 390 px: axe-clean, no sideways scroll, screenshots in .data/screenshots/emails/.
 */
import * as ops from '../../app';
import { statusQuery } from '../../workflows';
import { browserStack, press } from '../helpers/browser';
import { compressedConfig } from '../helpers/configs';
import { applicationFor, piOf } from '../helpers/people';
import { waitFor } from '../helpers/wait';

const COORDINATOR = 'sam.rivera@network.example.org';
const FACULTY = 'jcohen@faculty.example.org';
const SLUG = 'emails-lc';
const DATA_MANAGER = 'data@bayview.example.org';

describe('the email centre and the collaborative organised for work (real stack, headless Chromium)', () => {
  const s = browserStack({ name: 'emails', key: 'emails-test-signing-key-'.padEnd(48, 'z') });
  const { check, mailTo, linkIn } = s;
  const status = () => s.env.client.workflow.getHandle(`lc/${SLUG}`).query(statusQuery);
  const teamState = (siteId: string) => async () => {
    const st = await status();
    return st.teams.find((t) => t.siteId === siteId);
  };

  it('overview, sites, email centre (filter, open, resend a link and use it), withdraw with promotion', async () => {
    // Applications close 30 s after the launch (the three apply at once), decisions are due 18 s
    // later and go out once all are made; the first learning session is far ahead, so a withdrawal
    // promotes from the waiting list unasked.
    const { env, h, browser, base } = s;
    const t0 = Date.now();
    const config = compressedConfig(SLUG, t0, {
      info: 0.3,
      close: 0.5,
      decisions: 0.8,
      prework: 0.9,
      ls: 40,
      end: 45 * 24 * 60,
    });
    config.sites = ['bayview', 'harbor', 'cedar-hill', 'delta-youth'];
    config.coordinators = [{ name: 'Sam Rivera', email: COORDINATOR }];
    config.faculty = [{ name: 'J Cohen', email: FACULTY }];
    // delta-youth's PI address is refused by the mail server: its announcement fails.
    h.sink.refuse.add(piOf('delta-youth'));
    await ops.launch(env.client, h.db, h.taskQueue, config);
    await Promise.all(
      ['bayview', 'harbor', 'cedar-hill'].map((siteId) =>
        waitFor(`the application of ${siteId}`, () =>
          ops.submitApplication(env.client, SLUG, applicationFor(siteId, piOf(siteId))),
        ),
      ),
    );

    // ---- sign in -----------------------------------------------------------------------------
    const page = await browser.newPage();
    await s.signIn(page, COORDINATOR);

    // ---- decisions open: two decided, one not; the overview says so, with its action --------------
    await waitFor(
      'applications closed (the review phase)',
      async () => ((await status()).phase === 'review' ? true : undefined),
      180_000,
    );
    await waitFor('the accept', () =>
      ops.recordDecision(env.client, SLUG, {
        siteId: 'bayview',
        decision: 'accept',
        notes: 'Welcome',
        by: FACULTY,
      }),
    );
    await ops.recordDecision(env.client, SLUG, {
      siteId: 'harbor',
      decision: 'waitlist',
      notes: 'Next in line',
      by: FACULTY,
    });
    await page.goto(`${base}/c/${SLUG}`);
    const nav = page.getByRole('navigation', { name: 'Sections of this collaborative' });
    for (const section of ['Overview', 'Sites', 'Applications', 'Teams', 'Metrics', 'Emails', 'Settings'])
      expect(await nav.getByRole('link', { name: section, exact: true }).count()).toBe(1);
    const undecided = page.locator('#overview li[data-kind="undecided"]');
    expect(await undecided.count()).toBe(1);
    expect(await undecided.getAttribute('data-site')).toBe('cedar-hill');
    expect(await undecided.textContent()).toMatch(/Cedar Hill Family Services.*undecided/s);
    expect(await undecided.getByRole('link', { name: 'Review the application' }).getAttribute('href')).toBe(
      `/c/${SLUG}#decision-cedar-hill`,
    );
    // Sites: the one that never applied is there, as announced.
    expect(await page.getAttribute('#sites tr[data-site="delta-youth"]', 'data-stage')).toBe('announced');
    expect(await page.getAttribute('#sites tr[data-site="cedar-hill"]', 'data-stage')).toBe('applied');
    expect(await page.getAttribute('#sites tr[data-site="harbor"]', 'data-stage')).toBe('waitlisted');
    // The refused emails (the announcement, the informational call's reminder): on the overview
    // with its action, and each in the Emails section, all to that one address.
    const refused = await page.locator('#emails tr.failed').allTextContents();
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const row of refused) expect(row).toContain(piOf('delta-youth'));
    const failedItem = page.locator('#overview li[data-kind="failed-email"]');
    expect(await failedItem.textContent()).toMatch(new RegExp(`${refused.length} emails? failed or bounced`));
    expect(
      (await h.db.collection('outbox').find({ collaborative: SLUG, status: 'failed' }).toArray()).length,
    ).toBe(refused.length);
    await check(page, 'collaborative-overview');

    // The last decision: the notification goes out and bayview's team starts.
    await ops.recordDecision(env.client, SLUG, {
      siteId: 'cedar-hill',
      decision: 'decline',
      notes: '',
      by: FACULTY,
    });
    const acceptance = await mailTo(DATA_MANAGER, /accepted|welcome/i);
    await waitFor('bayview a team', async () =>
      (await teamState('bayview')())?.state === 'accepted' ? true : undefined,
    );
    await waitFor('the emails sent', async () => (!(await status()).pendingEffects ? true : undefined));

    // ---- the email centre: filter by kind, then by person; open one as sent ----------------------
    await page.goto(`${base}/c/${SLUG}`);
    await press(
      page,
      page
        .getByRole('navigation', { name: 'Sections of this collaborative' })
        .getByRole('link', { name: 'Emails' }),
    );
    expect(page.url()).toBe(`${base}/c/${SLUG}/emails`);
    const all = await page.locator('#email-log tr[data-key]').count();
    expect(all).toBeGreaterThan(4);
    await check(page, 'email-centre');
    await page.selectOption('#f-purpose', 'decision');
    await press(page, page.getByRole('button', { name: 'Show' }));
    expect(page.url()).toContain('purpose=decision');
    const decisionRows = page.locator('#email-log tr[data-key]');
    const n = await decisionRows.count();
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(all);
    for (let i = 0; i < n; i++)
      expect(await decisionRows.nth(i).locator('td').nth(3).textContent()).toBe('decision');
    expect(await page.inputValue('#f-purpose')).toBe('decision');
    await check(page, 'email-centre-by-kind');
    await page.selectOption('#f-purpose', '');
    await page.fill('#f-to', piOf('harbor'));
    await press(page, page.getByRole('button', { name: 'Show' }));
    const harborRows = page.locator('#email-log tr[data-key]');
    expect(await harborRows.count()).toBeGreaterThan(0);
    for (const to of await harborRows.locator('td:nth-child(3)').allTextContents())
      expect(to).toBe(piOf('harbor'));
    await check(page, 'email-centre-by-person');
    // A filter that is not one: the problem beside its field, the value kept.
    await page.fill('#f-to', 'not-an-address');
    await page.locator('#f-to').evaluate((e: HTMLInputElement) => (e.type = 'text'));
    await press(page, page.getByRole('button', { name: 'Show' }));
    expect(await page.textContent('#f-to-error')).toMatch(/not a valid email address/);
    expect(await page.inputValue('#f-to')).toBe('not-an-address');
    await check(page, 'email-centre-bad-filter');

    // Open the harbor PI's waitlist email: subject, recipient, the body as sent (links masked).
    await page.goto(`${base}/c/${SLUG}/emails?to=${encodeURIComponent(piOf('harbor'))}&purpose=decision`);
    const subject = (await page.locator('#email-log tr[data-key] td:nth-child(2) a').first().textContent())!;
    await press(page, page.locator('#email-log tr[data-key] td:nth-child(2) a').first());
    expect(await page.textContent('[data-testid="email-subject"]')).toBe(subject);
    const sent = h.sink.received.find(
      (m) => m.envelopeTo.includes(piOf('harbor')) && m.parsed.subject === subject,
    )!;
    expect(sent).toBeDefined();
    const text = (await page.textContent('pre.email-text'))!;
    // The text as sent, but for the signed links, which are the recipient's own.
    const mask = (s: string) =>
      s.replace(/(\/(?:apply|team|join|signin)\/)[\w-]+\.[\w-]+/g, '$1personal-link-not-shown');
    expect(text.trim()).toBe(mask(sent.parsed.text ?? '').trim());
    const frame = page.frameLocator('iframe.email-body');
    await frame
      .locator('body')
      .getByText(/waiting list/i)
      .first()
      .waitFor();
    await check(page, 'email-as-sent');

    // ---- resend a lost link: a new team link, which opens the team page; the old one still works --
    await page.goto(`${base}/c/${SLUG}/emails`);
    await page.fill('#f-email', 'nobody@nowhere.example.org');
    await press(page, page.getByRole('button', { name: 'Send a new link' }));
    expect(await page.textContent('#f-email-error')).toMatch(/has no link in this collaborative/);
    expect(await page.inputValue('#f-email')).toBe('nobody@nowhere.example.org');
    await check(page, 'resend-refused');
    await page.fill('#f-email', DATA_MANAGER);
    await press(page, page.getByRole('button', { name: 'Send a new link' }));
    expect(await page.textContent('.ok')).toContain(
      `A new link to the team page of bayview was emailed to ${DATA_MANAGER}.`,
    );
    await check(page, 'resend-done');
    const resent = await mailTo(DATA_MANAGER, /Your new link/);
    const newLink = linkIn(resent, 'team');
    const oldLink = linkIn(acceptance, 'team');
    expect(newLink).not.toBe(oldLink);
    const member = await browser.newPage();
    for (const link of [newLink, oldLink]) {
      const r = await member.goto(link);
      expect(r?.status()).toBe(200);
      expect(await member.textContent('main')).toContain('Bayview Child Trauma Center');
    }
    await check(member, 'team-page-from-new-link');
    await member.close();
    // The resent email is in the log under its own kind.
    await page.goto(`${base}/c/${SLUG}/emails?purpose=link-resent`);
    expect(await page.locator('#email-log tr[data-key]').count()).toBe(1);

    // ---- withdraw bayview from its row: refused unconfirmed, then done; harbor promoted ------------
    await page.goto(`${base}/c/${SLUG}#teams`);
    await page.locator('#team-bayview summary').click();
    await page.fill('#f-reason--bayview', 'Our clinical lead left');
    await press(page, page.getByRole('button', { name: 'Withdraw the team' }));
    await page.locator('#error-summary').waitFor();
    expect(await page.textContent('#f-confirm--bayview-error')).toMatch(/tick the box to confirm/);
    expect(await page.inputValue('#f-reason--bayview')).toBe('Our clinical lead left');
    await check(page, 'withdraw-unconfirmed');
    await page.check('#f-confirm--bayview');
    await press(page, page.getByRole('button', { name: 'Withdraw the team' }));
    expect(await page.textContent('.ok')).toContain(
      'Withdrawn: bayview. Promoted from the waiting list: harbor.',
    );
    await waitFor('harbor a team', async () =>
      (await teamState('harbor')())?.state === 'accepted' ? true : undefined,
    );
    await page.goto(`${base}/c/${SLUG}`);
    expect(await page.getAttribute('#sites tr[data-site="bayview"]', 'data-stage')).toBe('withdrawn');
    expect(await page.getAttribute('#sites tr[data-site="harbor"]', 'data-stage')).toBe('promoted');
    expect(await page.textContent('#team-row-harbor')).toContain('promoted from the waiting list');
    await check(page, 'after-withdrawal');

    expect(s.pages.findings).toEqual([]);
  }, 600_000);
});
