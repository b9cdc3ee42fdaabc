/**
 * The Update validators against the dev server: each bad input is refused with a message a person
 * can act on, the workflow keeps running, and its history holds no trace of the bad input.
 * Valid updates go through: an application is confirmed, a reschedule moves the timers and
 * tells the people it concerns.
 */
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import * as ops from '../../app';
import { currentSchedule, getCollaborative } from '../../store/collaboratives';
import { upsertSites } from '../../store/sites';
import {
  cancel,
  collaborativeWorkflow,
  recordDecision,
  reschedule,
  statusQuery,
  submitApplication,
  withdraw,
} from '../../workflows';
import { compressedConfig } from '../helpers/configs';
import { devServerEnv, harness, type Harness } from '../helpers/env';
import { applicationFor, piOf as pi, exampleSites as sites } from '../helpers/people';
import { refusal, waitFor } from '../helpers/wait';

const FACULTY = 'jcohen@faculty.example.org';
const COORDINATOR = 'sam.rivera@network.example.org';

describe('Update validators (dev server)', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  let running: Promise<void>;
  let open: WorkflowHandle<typeof collaborativeWorkflow>;
  let notYet: WorkflowHandle<typeof collaborativeWorkflow>;

  beforeAll(async () => {
    env = await devServerEnv();
    h = await harness(env, 'updates');
    running = h.worker.run();
    await upsertSites(h.db, sites);
    // Applications open now for 10 minutes; in the other one, they open in 10 minutes.
    // With a notification date and a pre-work end of their own, which a reschedule may move too.
    const openNow = compressedConfig('open-now', Date.now(), {
      close: 10,
      decisions: 12,
      prework: 13,
      ls: 15,
      end: 90,
    });
    openNow.schedule.notification = new Date(
      Date.parse(openNow.schedule.decisionsDue) + 30_000,
    ).toISOString();
    openNow.schedule.preworkEnd = new Date(
      Date.parse(openNow.schedule.learningSessions[0].start) - 60_000,
    ).toISOString();
    await ops.launch(env.client, h.db, h.taskQueue, openNow);
    await ops.launch(
      env.client,
      h.db,
      h.taskQueue,
      compressedConfig('opens-later', Date.now(), {
        announcement: 0,
        open: 10,
        info: 11,
        close: 20,
        decisions: 22,
        prework: 23,
        ls: 25,
        end: 90,
      }),
    );
    open = env.client.workflow.getHandle('lc/open-now');
    notYet = env.client.workflow.getHandle('lc/opens-later');
    for (const h2 of [open, notYet])
      await waitFor('the announcement', async () =>
        (await h2.query(statusQuery)).announcedTo === 12 ? true : undefined,
      );
  });
  afterAll(async () => {
    h.worker.shutdown();
    await running;
    await h.close();
    await env.teardown();
  });

  it('accepts a complete application, confirms it, and takes an amendment', async () => {
    const app = applicationFor('bayview', pi('bayview'));
    expect(await open.executeUpdate(submitApplication, { args: [app] })).toEqual({
      siteId: 'bayview',
      version: 1,
    });
    expect(
      await open.executeUpdate(submitApplication, {
        args: [{ ...app, readiness: app.readiness + ' Amended.' }],
      }),
    ).toEqual({
      siteId: 'bayview',
      version: 2,
    });
    await waitFor('confirmations', async () =>
      h.sink.to(pi('bayview')).filter((m) => /received/.test(m.parsed.subject!)).length === 2
        ? true
        : undefined,
    );
  });

  it('answers an application while the SMTP server refuses mail, and confirms it once the server takes mail again', async () => {
    // 451 (try later) to every recipient: the confirmation's activity retries until it is lifted.
    // Were the reply to wait for that email, this Update would not return while it lasts.
    h.sink.rejectWith = { code: 451, message: '4.3.2 try again later' };
    const app = applicationFor('harbor', pi('harbor'));
    try {
      expect(await open.executeUpdate(submitApplication, { args: [app] })).toEqual({
        siteId: 'harbor',
        version: 1,
      });
      const stored = await h.db
        .collection('applications')
        .findOne({ collaborative: 'open-now', siteId: 'harbor' });
      expect(stored).toMatchObject({ siteId: 'harbor', version: 1 });
      expect(h.sink.to(pi('harbor')).filter((m) => /received/.test(m.parsed.subject!))).toEqual([]);
    } finally {
      h.sink.rejectWith = undefined;
    }
    await waitFor('the confirmation, once SMTP takes mail again', async () =>
      h.sink.to(pi('harbor')).some((m) => /received/.test(m.parsed.subject!)) ? true : undefined,
    );
    expect(h.sink.to(pi('harbor')).filter((m) => /received/.test(m.parsed.subject!))).toHaveLength(1);
  });

  it('refuses each bad application with a message a PI can act on', async () => {
    const good = applicationFor('cedar-hill', pi('cedar-hill'));
    const cases: [unknown, RegExp][] = [
      [{ ...good, siteId: 'atlantis' }, /site "atlantis" was not invited to this collaborative/],
      [
        {
          ...good,
          coreTeam: {
            ...good.coreTeam,
            members: good.coreTeam.members
              .filter((m) => m.role !== 'clinician')
              .concat([{ name: 'X', email: 'x@cedar-hill.example.org', role: 'other' }]),
          },
        },
        /the core team needs at least one clinician/,
      ],
      [
        { ...good, coreTeam: { ...good.coreTeam, members: good.coreTeam.members.slice(0, 2) } },
        /name at least 3 core-team members/,
      ],
      [
        { ...good, commitCoreDataSet: false },
        /commitment to use the Core Data Set and submit metrics is required/,
      ],
      [
        { ...good, commitAllSessions: undefined },
        /commitment to send the core team to all learning sessions is required/,
      ],
      [{ ...good, readiness: 'yes' }, /describe the organisation's readiness/],
      [
        { ...good, coreTeam: { ...good.coreTeam, dataManager: undefined } },
        /coreTeam\.dataManager: Required/,
      ],
      [{ ...good, siteId: { $gt: '' } }, /siteId: Expected string/],
    ];
    for (const [input, message] of cases)
      expect(await refusal(open.executeUpdate(submitApplication, { args: [input as never] }))).toMatch(
        message,
      );
    expect(await refusal(notYet.executeUpdate(submitApplication, { args: [good] }))).toMatch(
      /^applications open on /,
    );
  });

  it('refuses decisions before the window closes and from anyone but faculty', async () => {
    expect(
      await refusal(
        open.executeUpdate(recordDecision, {
          args: [{ siteId: 'bayview', decision: 'accept', notes: '', by: FACULTY }],
        }),
      ),
    ).toMatch(/decisions are made once applications close on/);
    expect(
      await refusal(
        open.executeUpdate(recordDecision, {
          args: [{ siteId: 'bayview', decision: 'accept', notes: '', by: 'stranger@example.org' }],
        }),
      ),
    ).toBe('stranger@example.org is not faculty of this collaborative; only its faculty decide');
    expect(
      await refusal(
        open.executeUpdate(recordDecision, {
          args: [{ siteId: 'bayview', decision: 'maybe' as never, notes: '', by: FACULTY }],
        }),
      ),
    ).toMatch(/decision must be accept, waitlist or decline/);
    expect(
      await refusal(
        open.executeUpdate(withdraw, { args: [{ siteId: 'bayview', reason: 'changed our mind' }] }),
      ),
    ).toBe('site "bayview" is not an accepted team of this collaborative');
  });

  it('refuses a reschedule that breaks the schedule, and a cancel by a non-coordinator', async () => {
    const inAMinute = new Date(Date.now() + 60_000).toISOString();
    expect(
      await refusal(
        open.executeUpdate(reschedule, {
          args: [{ milestone: 'learningSession[1]', at: inAMinute, by: COORDINATOR }],
        }),
      ),
    ).toMatch(/unknown milestone "learningSession\[1\]"; one of: .*learningSessions\[1\]/);
    expect(
      await refusal(
        open.executeUpdate(reschedule, {
          args: [{ milestone: 'announcement', at: inAMinute, by: COORDINATOR }],
        }),
      ),
    ).toMatch(/announcement already took place on/);
    expect(
      await refusal(
        open.executeUpdate(reschedule, {
          args: [{ milestone: 'decisionsDue', at: '2020-01-01T00:00:00Z', by: COORDINATOR }],
        }),
      ),
    ).toMatch(/the new date .* has passed/);
    expect(
      await refusal(
        open.executeUpdate(reschedule, {
          args: [{ milestone: 'applicationsClose', at: 'next tuesday', by: COORDINATOR }],
        }),
      ),
    ).toMatch(/"next tuesday" is not a date and time with a zone/);
    expect(
      await refusal(
        open.executeUpdate(reschedule, {
          args: [
            {
              milestone: 'applicationsClose',
              at: new Date(Date.now() + 86_400_000).toISOString(),
              by: COORDINATOR,
            },
          ],
        }),
      ),
    ).toBe('the new schedule does not hold: decisions are due after applications close');
    expect(await refusal(open.executeUpdate(cancel, { args: [{ reason: 'no budget', by: FACULTY }] }))).toBe(
      `only a coordinator of this collaborative can cancel it (${FACULTY} is not one)`,
    );
  });

  it('refuses with a typed, non-retryable InvalidInput failure, so tools can tell it from a crash', async () => {
    const err = await open
      .executeUpdate(recordDecision, {
        args: [{ siteId: 'bayview', decision: 'accept', notes: '', by: 'x' }],
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (err as WorkflowUpdateFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause).toMatchObject({ type: 'InvalidInput', nonRetryable: true });
    expect((cause as ApplicationFailure).message).toMatch(/by: not a valid email address/);
  });

  it('says what is wrong when a learning session would move past the end', async () => {
    const pastEnd = new Date(Date.now() + 2 * 3_600_000).toISOString(); // it ends 90 minutes after launch
    expect(
      await refusal(
        open.executeUpdate(reschedule, {
          args: [{ milestone: 'learningSessions[2]', at: pastEnd, by: COORDINATOR }],
        }),
      ),
    ).toBe('the new schedule does not hold: the last learning session must end before the end date');
  });

  it('keeps running, with none of the refused inputs in its history', async () => {
    const desc = await open.describe();
    expect(desc.status.name).toBe('RUNNING');
    const history = JSON.stringify(await open.fetchHistory());
    expect(history).not.toContain('atlantis');
    expect(history).not.toContain('stranger@example.org');
    expect(history).not.toContain('next tuesday');
    expect(history).not.toContain('no budget');
    const accepted = (await open.fetchHistory()).events!.filter(
      (e) => e.workflowExecutionUpdateAcceptedEventAttributes,
    );
    expect(accepted).toHaveLength(3); // bayview's application and its amendment, harbor's
    expect((await open.query(statusQuery)).rejected).toEqual([]);
  });

  it('moves the timers with a reschedule, and tells the PIs with the new timeline', async () => {
    const before = await open.query(statusQuery);
    const newClose = new Date(Math.floor((Date.now() + 5 * 60_000) / 1000) * 1000).toISOString();
    const r = await open.executeUpdate(reschedule, {
      args: [{ milestone: 'applicationsClose', at: newClose, by: COORDINATOR }],
    });
    expect(r).toEqual({ milestone: 'applicationsClose', at: newClose, version: before.scheduleVersion + 1 });
    // Every PI hears (the 12 announced sites), granite's among them: wait for that one itself.
    const change = await waitFor('the schedule change, to every PI', async () => {
      const sent = h.sink.received.filter((m) =>
        /^Schedule change: The application deadline moves/.test(m.parsed.subject!),
      );
      const granite = h.sink.to(pi('granite')).find((m) => /^Schedule change/.test(m.parsed.subject!));
      return sent.length >= 12 && granite ? granite : undefined;
    });
    const after = await open.query(statusQuery);
    expect(after.scheduleVersion).toBe(before.scheduleVersion + 1);
    // the next milestone follows the new schedule
    expect(after.nextMilestone).toBeDefined();
    expect(change.parsed.text).toMatch(/Applications close\s+\w{3} \d+ \w{3} \d{4}/);
  });

  it('moves the notification date and the end of pre-work, each its own milestone', async () => {
    const before = await open.query(statusQuery);
    const s = currentSchedule(await getCollaborative(h.db, 'open-now'));
    const later = (iso: string) => new Date(Math.floor(Date.parse(iso) / 1000) * 1000 + 20_000).toISOString();
    const notification = later(s.notification!);
    expect(
      await open.executeUpdate(reschedule, {
        args: [{ milestone: 'notification', at: notification, by: COORDINATOR }],
      }),
    ).toEqual({ milestone: 'notification', at: notification, version: before.scheduleVersion + 1 });
    const preworkEnd = later(s.preworkEnd!);
    expect(
      await open.executeUpdate(reschedule, {
        args: [{ milestone: 'preworkEnd', at: preworkEnd, by: COORDINATOR }],
      }),
    ).toEqual({ milestone: 'preworkEnd', at: preworkEnd, version: before.scheduleVersion + 2 });
    // The PIs wait for the decisions: they hear of the notification's new date.
    await waitFor("the notification's new date, to bayview's PI", async () =>
      h.sink
        .to(pi('bayview'))
        .find((m) => /^Schedule change: The notification of decisions moves/.test(m.parsed.subject!)),
    );
    // No team is accepted yet: the end of pre-work is news for the staff only.
    await waitFor('the end of pre-work, to the faculty', async () =>
      h.sink.to(FACULTY).find((m) => /^Schedule change: The end of pre-work moves/.test(m.parsed.subject!)),
    );
    expect(h.sink.to(pi('bayview')).some((m) => /The end of pre-work/.test(m.parsed.subject!))).toBe(false);
    const moved = currentSchedule(await getCollaborative(h.db, 'open-now'));
    expect([moved.notification, moved.preworkEnd]).toEqual([notification, preworkEnd]);
  });

  it('cancels cleanly when a coordinator asks, and tells everyone', async () => {
    expect(
      await notYet.executeUpdate(cancel, { args: [{ reason: 'Funding was withdrawn.', by: COORDINATOR }] }),
    ).toEqual({ cancelled: true });
    const result = await notYet.result();
    expect(result.phase).toBe('cancelled');
    await waitFor('cancellation emails', async () =>
      h.sink.received.filter((m) => /^Cancelled:/.test(m.parsed.subject!)).length >= 12 ? true : undefined,
    );
    const mail = h.sink
      .to(pi('bayview'))
      .find((m) => m.parsed.subject === 'Cancelled: Test collaborative opens-later')!;
    expect(mail.parsed.text).toContain('Reason: Funding was withdrawn.');
    // A closed collaborative takes no more input.
    await expect(
      notYet.executeUpdate(cancel, { args: [{ reason: 'again', by: COORDINATOR }] }),
    ).rejects.toThrow(/completed/);
  });
});
