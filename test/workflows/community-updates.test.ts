/**
 * A Learning Community's Update validators against the dev server: each bad input is refused with
 * a message a person can act on — before it reaches history — and the community keeps running;
 * good ones go through (a join is welcomed, a share is numbered, a leave takes effect). The same
 * refusals reach the CLI's operations as OperationErrors carrying the workflow's message.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import * as ops from '../../app';
import * as cliArgs from '../../cli/args';
import * as cliFormat from '../../cli/format';
import { program } from '../../cli/lc';
import { ValidationError } from '../../domain/errors';
import { upsertSites } from '../../store/sites';
import {
  communityStatusQuery,
  joinCommunity,
  learningCommunityWorkflow,
  leaveCommunity,
  postShare,
  recordMeetingAttendance,
  recordMeetingSummary,
} from '../../workflows';
import { exampleCommunity } from '../helpers/configs';
import { devServerEnv, harness, type Harness } from '../helpers/env';
import { exampleSites as sites } from '../helpers/people';
import { refusal, waitFor } from '../helpers/wait';

const FACILITATOR = 'rgerson@faculty.example.org';
const STRANGER = 'stranger@example.org';
const MEMBER = { name: 'Priya Shah', email: 'priya.shah@harbor.example.org', siteId: 'harbor' };
const SLUG = 'lcom-updates';

/** The example community, compressed: it started 5 minutes ago, met a minute ago, meets again in 45 minutes. */
function compressedCommunity(now: number) {
  const at = (minutes: number) => new Date(now + minutes * 60_000).toISOString();
  return {
    ...exampleCommunity(),
    slug: SLUG,
    sites: ['bayview', 'harbor'],
    announcement: at(-5),
    start: at(-5),
    end: at(90),
    meetings: [
      { kind: 'remote', first: at(-1), everyDays: 1, durationMinutes: 30 },
      { kind: 'in-person', first: at(45), everyDays: 1, durationMinutes: 30, venue: 'Room 4' },
    ],
    digestEveryDays: 1,
  };
}

describe('Learning Community Update validators (dev server)', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  let handle: WorkflowHandle<typeof learningCommunityWorkflow>;

  beforeAll(async () => {
    env = await devServerEnv();
    h = await harness(env, 'lcom-updates');
    h.startWorker();
    await upsertSites(h.db, sites);
    expect(await ops.launchCommunity(env.client, h.db, h.taskQueue, compressedCommunity(Date.now()))).toBe(
      `lcom/${SLUG}`,
    );
    handle = env.client.workflow.getHandle(`lcom/${SLUG}`);
    // Announce opens the community and its start (already past) makes it active: wait for both.
    await waitFor('the community to be active', async () =>
      (await handle.query(communityStatusQuery)).phase === 'active' ? true : undefined,
    );
  });
  afterAll(() => h.close().then(() => env.teardown()));

  it('announced the community to the PIs of its sites, and refuses a second launch of the slug', async () => {
    const status = await handle.query(communityStatusQuery);
    expect(status).toMatchObject({ phase: 'active', announcedTo: 2, members: 0, meetings: 2 });
    expect(status.nextMeeting).toMatchObject({ meeting: 1, kind: 'in-person', venue: 'Room 4' });
    await waitFor('the announcements', async () =>
      h.sink.received.filter((m) => /^Join the /.test(m.parsed.subject!)).length === 2 ? true : undefined,
    );
    await expect(
      ops.launchCommunity(env.client, h.db, h.taskQueue, compressedCommunity(Date.now())),
    ).rejects.toThrow(`a community with slug "${SLUG}" was already launched (workflow lcom/${SLUG})`);
  });

  it('welcomes someone who joins, and refuses a second join and an organisation it is not open to', async () => {
    expect(await ops.joinCommunity(env.client, SLUG, MEMBER)).toEqual({
      email: MEMBER.email,
      membership: 1,
      members: 1,
    });
    await waitFor('the welcome', async () =>
      h.sink.to(MEMBER.email).some((m) => /^Welcome to the /.test(m.parsed.subject!)) ? true : undefined,
    );
    expect(await refusal(handle.executeUpdate(joinCommunity, { args: [MEMBER] }))).toMatch(
      /^priya\.shah@harbor\.example\.org is already a member of this community \(since /,
    );
    expect(
      await refusal(
        handle.executeUpdate(joinCommunity, {
          args: [{ name: 'Someone', email: 'someone@atlantis.example.org', siteId: 'atlantis' }],
        }),
      ),
    ).toBe('site "atlantis" is not one of the organisations this community is open to');
  });

  it('refuses a share from a non-member and a share of an unknown kind, each with its message', async () => {
    const share = { kind: 'barrier' as const, title: 'Consent forms', text: 'Parents do not return them.' };
    expect(await refusal(handle.executeUpdate(postShare, { args: [{ ...share, by: STRANGER }] }))).toBe(
      `${STRANGER} is not a member of this community; join it first`,
    );
    expect(
      await refusal(
        handle.executeUpdate(postShare, {
          args: [{ ...share, kind: 'complaint' as never, by: MEMBER.email }],
        }),
      ),
    ).toBe('the share is invalid: kind: kind must be barrier, solution or innovation');
    // The same refusals through the operations the CLI runs: at the edge, or from the workflow.
    await expect(
      ops.shareWithCommunity(env.client, SLUG, { ...share, kind: 'complaint', by: MEMBER.email }),
    ).rejects.toThrow(ValidationError);
    await expect(ops.shareWithCommunity(env.client, SLUG, { ...share, by: STRANGER })).rejects.toMatchObject({
      kind: 'refused',
      message: `lcom/${SLUG} refused the share: ${STRANGER} is not a member of this community; join it first`,
    });
    expect(await handle.executeUpdate(postShare, { args: [{ ...share, by: MEMBER.email }] })).toEqual({
      n: 1,
      kind: 'barrier',
    });
  });

  it('refuses what only facilitators record, and records of meetings still to come', async () => {
    expect(
      await refusal(
        handle.executeUpdate(recordMeetingSummary, {
          args: [{ meeting: 0, text: 'We met.', by: MEMBER.email }],
        }),
      ),
    ).toBe(`${MEMBER.email} is not a facilitator of this community`);
    expect(
      await refusal(
        handle.executeUpdate(recordMeetingAttendance, {
          args: [{ meeting: 1, emails: [MEMBER.email], by: FACILITATOR }],
        }),
      ),
    ).toMatch(/^meeting 1 has not taken place yet \(/);
    expect(
      await refusal(
        handle.executeUpdate(recordMeetingAttendance, {
          args: [{ meeting: 7, emails: [MEMBER.email], by: FACILITATOR }],
        }),
      ),
    ).toBe('there is no meeting 7 (meetings are numbered 0 to 1)');
    expect(
      await refusal(
        handle.executeUpdate(recordMeetingAttendance, {
          args: [{ meeting: 0, emails: [MEMBER.email, STRANGER], by: FACILITATOR }],
        }),
      ),
    ).toBe(`not members of this community: ${STRANGER}`);
  });

  it("records who attended a meeting and sends its summary to the members, once (as the CLI's operations do)", async () => {
    // Meetings are numbered from 1 on the command line, from 0 in the workflow.
    expect(() => cliArgs.meetingAttendanceFromArgs({ meeting: '0', present: 'bob', by: 'x' })).toThrow(
      /^the attendance is invalid:\n {2}- meeting: "0" is not a meeting number; meetings are numbered from 1\n {2}- by: not a valid email address\n {2}- emails\[0\]: not a valid email address$/,
    );
    const attendance = cliArgs.meetingAttendanceFromArgs({
      meeting: '1',
      present: MEMBER.email,
      by: FACILITATOR,
    });
    expect(attendance).toEqual({ meeting: 0, emails: [MEMBER.email], by: FACILITATOR });
    expect(await ops.recordMeetingAttendance(env.client, SLUG, attendance)).toEqual({
      meeting: 0,
      present: 1,
    });
    const summary = cliArgs.meetingSummaryFromArgs({
      meeting: 'M1',
      text: 'We met and agreed on a form.',
      by: FACILITATOR,
    });
    expect(await ops.recordMeetingSummary(env.client, SLUG, summary)).toEqual({ meeting: 0, sentTo: 1 });
    const mail = await waitFor('the summary', async () =>
      h.sink.to(MEMBER.email).find((m) => /^Summary of meeting 1 /.test(m.parsed.subject!)),
    );
    expect(mail.parsed.text).toContain('Dr. Ruth Gerson has written up meeting 1');
    expect(mail.parsed.text).toContain('Present: Priya Shah.');
    await expect(ops.recordMeetingSummary(env.client, SLUG, summary)).rejects.toThrow(
      `lcom/${SLUG} refused the summary: the summary of meeting 0 was sent already`,
    );
  });

  it('refuses the leave of a non-member, and lets a member leave', async () => {
    expect(await refusal(handle.executeUpdate(leaveCommunity, { args: [{ email: STRANGER }] }))).toBe(
      `${STRANGER} is not a member of this community`,
    );
    await expect(ops.leaveCommunity(env.client, SLUG, { email: 'not-an-email' })).rejects.toThrow(
      /email: not a valid email address/,
    );
    expect(await ops.leaveCommunity(env.client, SLUG, { email: MEMBER.email })).toEqual({
      email: MEMBER.email,
      members: 0,
    });
    expect(
      await refusal(
        handle.executeUpdate(postShare, {
          args: [{ kind: 'solution', title: 'Late', text: 'After leaving.', by: MEMBER.email }],
        }),
      ),
    ).toBe(`${MEMBER.email} is not a member of this community; join it first`);
  });

  it('keeps running, with none of the refused inputs in its history', async () => {
    expect((await handle.describe()).status.name).toBe('RUNNING');
    const history = await handle.fetchHistory();
    const text = JSON.stringify(history);
    for (const refused of [STRANGER, 'atlantis', 'complaint', 'We met.', 'After leaving.'])
      expect(text).not.toContain(refused);
    const accepted = history.events!.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
    expect(accepted).toHaveLength(5); // the join, the share, the attendance, the summary, the leave
    const report = await ops.communityStatusReport(env.client, h.db, SLUG);
    expect(report).toMatchObject({ members: 0, formerMembers: 1, rejected: [], timeZone: 'America/Chicago' });
    expect(report.shares).toEqual({ barrier: 1, solution: 0, innovation: 0, total: 1 });
    const lines = cliFormat.communityStatusLines(report);
    expect(lines[0]).toBe(`Trauma-Informed Schools Learning Community 2027 (lcom/${SLUG})`);
    expect(lines).toContain('  members:        0 (1 left)');
    expect(lines).toContain('  shared:         1 (1 barrier, 0 solution, 0 innovation); 0 digests sent');
    expect(lines).toContain('  meetings:       2; summaries sent for: 1');
  });

  it('documents each lcom command with an example in its --help', () => {
    const lcom = program.commands.find((c) => c.name() === 'lcom')!;
    expect(lcom.commands.map((c) => c.name())).toEqual([
      'launch',
      'join',
      'leave',
      'share',
      'attend',
      'summary',
      'status',
    ]);
    for (const cmd of lcom.commands) {
      let out = '';
      cmd.configureOutput({ writeOut: (text) => (out += text) });
      cmd.outputHelp();
      expect(out).toMatch(new RegExp(`^Usage: lc lcom ${cmd.name()} `));
      expect(out).toContain(`\nExamples:\n  npm run lc -- lcom ${cmd.name()} `);
    }
  });
});
