/**
 * Registration for an informational call, against the real stack (Temporal dev server, FerretDB,
 * an SMTP sink, the worker, the web app) in headless Chromium: a collaborative is announced to two
 * sites; the PI of one opens the link in the announcement, registers a colleague (a bad email first:
 * the problem beside its field, the value kept), and the colleague receives exactly one invitation
 * (an .ics that parses with ical.js) and the day-before reminder, while the other PI, who did not
 * register, and the registering PI receive neither. The faculty see the registrant on the
 * collaborative page. The schedule runs at `timeScale: 1440` (a programme day is a minute), so the
 * reminder comes a minute before the call.
 */
import ICAL from 'ical.js';
import * as ops from '../../app';
import { browserStack, press } from '../helpers/browser';
import { compressedConfig } from '../helpers/configs';
import { piOf } from '../helpers/people';
import { waitFor } from '../helpers/wait';

const SLUG = 'calls-lc';
const FACULTY = 'jcohen@faculty.example.org';
const REGISTERS = 'bayview';
const ABSTAINS = 'harbor';
const COLLEAGUE = { name: 'Rosa Delgado', email: 'rosa.delgado@bayview.example.org' };

describe('registering for an informational call (real stack, headless Chromium)', () => {
  const s = browserStack({
    name: 'call-registration',
    key: 'call-registration-signing-key-'.padEnd(48, 'r'),
    rateLimits: { signin: 1000, links: 1000 },
  });
  const { check, mailsTo: mails, mailTo } = s;

  it('a PI registers a colleague; only the colleague is invited and reminded; the faculty see them', async () => {
    // The call 10 minutes after launch, its reminder a programme day (a minute) before. Once the
    // colleague has registered and the faculty have seen them, the coordinator moves the call a
    // little over a minute ahead: no step races the reminder, on any load.
    const { env, h, browser, base } = s;
    const c = compressedConfig(SLUG, Date.now(), {
      info: 10,
      open: 10.5,
      close: 11.5,
      decisions: 12,
      prework: 12.5,
      ls: 13.5,
    });
    c.timeScale = 1440;
    c.sites = [REGISTERS, ABSTAINS];
    await ops.launch(env.client, h.db, h.taskQueue, c);

    // The announcement says how to register, with the PI's own link.
    const announcement = await mailTo(piOf(REGISTERS), /^Announcing/);
    const text = announcement.parsed.text ?? '';
    expect(text).toMatch(/register for the informational call/i);
    const link = new RegExp(`${base.replace(/[.:/]/g, '\\$&')}/apply/[\\w.-]+`).exec(text)?.[0];
    expect(link).toBeDefined();
    await mailTo(piOf(ABSTAINS), /^Announcing/);

    const page = await browser.newPage();
    await page.goto(link!);
    await page.getByRole('heading', { name: /^Informational call 1:/ }).waitFor();
    // Prefilled with the PI the link was sent to.
    expect(await page.inputValue('#f-email--0')).toBe(piOf(REGISTERS));
    await check(page, 'apply-page-calls');

    // A bad email first: the problem beside the field, the values kept, nothing registered.
    await page.fill('#f-name--0', COLLEAGUE.name);
    await page.fill('#f-email--0', 'rosa.delgado.bayview');
    await press(page, page.getByRole('button', { name: 'Register for call 1' }));
    await page.locator('#error-summary').waitFor();
    expect(await page.locator('#f-email--0-error').textContent()).toMatch(/not a valid email address/);
    expect(await page.getAttribute('#f-email--0', 'aria-invalid')).toBe('true');
    expect(await page.inputValue('#f-email--0')).toBe('rosa.delgado.bayview');
    expect(await page.inputValue('#f-name--0')).toBe(COLLEAGUE.name);
    expect(await ops.callRegistrations(h.db, SLUG)).toEqual([]);
    await check(page, 'bad-email-beside-its-field');

    await page.fill('#f-email--0', COLLEAGUE.email);
    await press(page, page.getByRole('button', { name: 'Register for call 1' }));
    await page
      .getByRole('status')
      .filter({ hasText: `${COLLEAGUE.email} is registered` })
      .waitFor();
    expect(await page.locator('#info-call-0').textContent()).toContain(`Registered from`);
    expect(await page.locator('#info-call-0').textContent()).toContain(COLLEAGUE.name);
    await check(page, 'colleague-registered');

    // Exactly one invitation, a calendar request that parses, for the call as scheduled.
    const invite = await mailTo(COLLEAGUE.email, /^Invitation: informational call 1/);
    const ics = invite.parsed.attachments.find((a) => a.contentType.startsWith('text/calendar'));
    expect(ics).toBeDefined();
    const cal = new ICAL.Component(ICAL.parse(ics!.content.toString('utf8')));
    expect(cal.getFirstPropertyValue('method')).toBe('REQUEST');
    const event = new ICAL.Event(cal.getFirstSubcomponent('vevent')!);
    expect(event.uid).toBe(`${SLUG}-info-call-0@lc-orchestrator`);
    expect(event.startDate.toJSDate().toISOString()).toBe(
      // .ics times carry whole seconds.
      new Date(Math.floor(Date.parse(c.schedule.informationalCalls[0].start) / 1000) * 1000).toISOString(),
    );
    expect(event.attendees.map((a) => String(a.getFirstValue()).toLowerCase())).toEqual([
      `mailto:${COLLEAGUE.email}`,
    ]);

    // Registering again (the same post twice) sends nothing more.
    await page.fill('#f-name--0', COLLEAGUE.name);
    await page.fill('#f-email--0', COLLEAGUE.email);
    await press(page, page.getByRole('button', { name: 'Register for call 1' }));
    await page
      .getByRole('status')
      .filter({ hasText: `${COLLEAGUE.email} is registered` })
      .waitFor();

    // The faculty see who registered, on the collaborative page (while the reminder is still ahead).
    await s.signIn(page, FACULTY);
    await page.goto(`${base}/c/${SLUG}`);
    const table = page.getByRole('region', { name: 'Registered for the informational calls' });
    const row = table.getByRole('row').filter({ hasText: COLLEAGUE.email });
    expect(await row.count()).toBe(1);
    expect(await row.textContent()).toMatch(
      /1\s*Rosa Delgado\s*rosa\.delgado@bayview\.example\.org\s*Bayview/,
    );
    await page.locator('#registrations').scrollIntoViewIfNeeded();
    await check(page, 'collaborative-page-registrants');

    // The call moves to 75 s from now (its reminder 15 s from now): the registrant gets the
    // calendar update, the PIs the news without one.
    await ops.reschedule(env.client, h.db, SLUG, {
      milestone: 'informationalCalls[0]',
      date: new Date(Date.now() + 75_000).toISOString(),
      by: c.coordinators[0].email,
    });
    const moved = await mailTo(COLLEAGUE.email, /^Schedule change: Informational call 1 moves/);
    expect(moved.parsed.attachments.some((a) => a.contentType.startsWith('text/calendar'))).toBe(true);
    const told = await mailTo(piOf(ABSTAINS), /^Schedule change: Informational call 1 moves/);
    expect(told.parsed.attachments.some((a) => a.contentType.startsWith('text/calendar'))).toBe(false);

    // The day-before reminder reaches the registrant only.
    await mailTo(COLLEAGUE.email, /^Reminder: informational call 1/);
    const log = await waitFor('the reminders sent', async () => {
      const all = await h.outbox.log(SLUG);
      return all.filter((e) => e.purpose === 'info-call-reminder').every((e) => e.status === 'sent')
        ? all
        : undefined;
    });
    const reminders = log.filter((e) => e.purpose === 'info-call-reminder');
    expect(reminders.map((e) => e.to)).toEqual([COLLEAGUE.email]);
    expect(log.filter((e) => e.purpose === 'info-call-invite').map((e) => e.key)).toEqual([
      `${SLUG}:info-call-invite:0:${COLLEAGUE.email}`,
    ]);
    expect(mails(COLLEAGUE.email, /^(Invitation|Reminder): informational call/)).toHaveLength(2);
    for (const pi of [piOf(REGISTERS), piOf(ABSTAINS)])
      expect(mails(pi, /^(Invitation|Reminder): informational call/)).toEqual([]);

    expect(s.pages.findings).toEqual([]);
  }, 600_000);
});
