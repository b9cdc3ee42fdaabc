/**
 * One workflow per Learning Community (id `lcom/<slug>`): the announcement to the network's PIs,
 * inviting their people to join; from the start to the end date its meetings, face to face and
 * remote (an invitation with a calendar entry a week before, a reminder the day before), and every
 * `digestEveryDays` a digest of what members shared since the last one (nothing when nothing was).
 * There are no applications and no teams: people join and leave at any time, and hear only of what
 * happens while they are members — each notice goes to the members as of its moment, read from the
 * records (mail/notify.ts). Inputs are Updates with Signal twins (workflows/inputs.ts); the
 * workflow continues-as-new, carrying its state, before its history grows large.
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  patched,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { communityAgenda, type AgendaItem, type CommunityItemKind } from '../domain/agenda';
import type { CommunityConfig } from '../domain/community';
import {
  joinSchema,
  leaveSchema,
  meetingAttendanceSchema,
  meetingSummarySchema,
  parseInput,
  shareSchema,
  type Join,
  type ShareKind,
} from '../domain/inputs';
import type { CommunityNotice } from '../domain/notices';
import type { CommunityPhase } from '../domain/phases';
import { communityMeetings, ms } from '../domain/schedule';
import { runAgenda } from './agenda';
import {
  communityStatusQuery,
  joinCommunity,
  leaveCommunity,
  postShare,
  recordMeetingAttendance,
  recordMeetingSummary,
  type CommunityStatus,
  type Rejection,
} from './definitions';
import { handleInput, refusalDates, refuse } from './inputs';
import { afterReply } from './after-reply';
import { mailActivities, recordActivities } from './proxies';
import { LC_KIND, LC_PHASE } from './search-attributes';

const records = recordActivities();
const mail = mailActivities();

/** A current member: who, since when, and which of their memberships this is (from 1). */
export interface Membership extends Join {
  joinedAt: string;
  membership: number;
}

/** What a community carries across continue-as-new. */
export interface CommunityCarry {
  launchedAt: string;
  phase: CommunityPhase;
  /** The sites whose PIs were told; undefined until then (no one joins before). */
  announcedTo?: string[];
  unknownSites: string[];
  done: string[];
  members: Membership[];
  /** How many memberships each person has had: people may leave and join again. */
  memberships: Record<string, number>;
  shares: Record<ShareKind, number>;
  /** The number of the last share a digest covered. */
  digestedUpTo: number;
  digestsSent: number;
  /** Meetings whose invitation went (or is going) out: a new member gets those still to come. */
  invited: number[];
  summaries: number[];
  rejected: Rejection[];
  continuedAsNew: number;
}

export async function learningCommunityWorkflow(
  config: CommunityConfig,
  carried?: CommunityCarry,
): Promise<CommunityStatus> {
  const slug = config.slug;
  const c: CommunityCarry = carried ?? {
    launchedAt: new Date().toISOString(),
    phase: 'scheduled',
    unknownSites: [],
    done: [],
    members: [],
    memberships: {},
    shares: { barrier: 0, solution: 0, innovation: 0 },
    digestedUpTo: 0,
    digestsSent: 0,
    invited: [],
    summaries: [],
    rejected: [],
    continuedAsNew: 0,
  };
  const done = new Set(c.done);
  const members = new Map(c.members.map((m) => [m.email, m]));
  const invited = new Set(c.invited);
  const summaries = new Set(c.summaries);
  const facilitators = new Set(config.facilitators.map((f) => f.email));
  const meetings = communityMeetings(config.meetings);
  const when = refusalDates(config.timeZone);
  const now = () => Date.now();
  const nowIso = () => new Date().toISOString();
  const sharedSoFar = () => c.shares.barrier + c.shares.solution + c.shares.innovation;
  const notify = (n: CommunityNotice) => mail.notify(slug, n);
  // What inputs cause (a welcome, a summary) is emailed after their reply; drained before the run ends.
  const notices = afterReply(notify, []);
  let upcoming: AgendaItem<CommunityItemKind> | undefined;

  function status(): CommunityStatus {
    const next = meetings.findIndex((m) => ms(m.start) > now());
    return {
      slug,
      title: config.title,
      phase: c.phase,
      nextMilestone: upcoming && { name: upcoming.key, at: upcoming.at },
      nextMeeting: next < 0 ? undefined : { ...meetings[next]!, meeting: next },
      meetings: meetings.length,
      announcedTo: c.announcedTo?.length ?? 0,
      unknownSites: [...c.unknownSites],
      members: members.size,
      formerMembers: Object.keys(c.memberships).filter((e) => !members.has(e)).length,
      shares: { ...c.shares, total: sharedSoFar() },
      digestsSent: c.digestsSent,
      summaries: [...summaries].sort((a, b) => a - b),
      continuedAsNew: c.continuedAsNew,
      rejected: [...c.rejected],
    };
  }
  setHandler(communityStatusQuery, status);

  // ---- inputs (registered before the first await, so no early input is turned away) ----------
  const open = () => {
    if (c.phase === 'completed') refuse(`the community ended on ${when(config.end)}`);
  };
  const facilitator = (by: string) => {
    if (!facilitators.has(by)) refuse(`${by} is not a facilitator of this community`);
  };
  const held = (k: number) => {
    const m = meetings[k];
    if (!m) refuse(`there is no meeting ${k} (meetings are numbered 0 to ${meetings.length - 1})`);
    if (ms(m.start) > now()) refuse(`meeting ${k} has not taken place yet (${when(m.start)})`);
  };

  handleInput(
    joinCommunity,
    (input) => {
      open();
      const j = parseInput(joinSchema, input, 'the request to join');
      if (!c.announcedTo)
        refuse(`the community opens when it is announced, on ${when(config.announcement ?? c.launchedAt)}`);
      const member = members.get(j.email);
      if (member) refuse(`${j.email} is already a member of this community (since ${when(member.joinedAt)})`);
      if (j.siteId && !c.announcedTo.includes(j.siteId))
        refuse(`site "${j.siteId}" is not one of the organisations this community is open to`);
      return j;
    },
    async (j) => {
      const m: Membership = { ...j, joinedAt: nowIso(), membership: (c.memberships[j.email] ?? 0) + 1 };
      c.memberships[j.email] = m.membership;
      members.set(j.email, m);
      await records.recordMemberJoined(slug, m);
      await notices.send({ kind: 'community-welcome', email: j.email, membership: m.membership });
      // The invitations that went out before they joined, to the meetings still to come.
      for (const k of [...invited].sort((a, b) => a - b))
        if (ms(meetings[k]!.start) > now() && members.get(j.email) === m)
          await notices.send({
            kind: 'community-meeting-invite',
            meeting: k,
            asOf: m.joinedAt,
            email: j.email,
          });
      return { email: j.email, membership: m.membership, members: members.size };
    },
    c.rejected,
  );

  handleInput(
    leaveCommunity,
    (input) => {
      open();
      const l = parseInput(leaveSchema, input, 'the request to leave');
      if (!members.has(l.email)) refuse(`${l.email} is not a member of this community`);
      return l;
    },
    async (l) => {
      const m = members.get(l.email)!;
      members.delete(l.email);
      await records.recordMemberLeft(slug, l.email, m.membership, nowIso());
      return { email: l.email, members: members.size };
    },
    c.rejected,
  );

  handleInput(
    postShare,
    (input) => {
      open();
      const s = parseInput(shareSchema, input, 'the share');
      if (!members.has(s.by)) refuse(`${s.by} is not a member of this community; join it first`);
      return s;
    },
    async (s) => {
      c.shares[s.kind]++;
      const n = sharedSoFar();
      await records.recordShare(slug, n, s, nowIso());
      return { n, kind: s.kind };
    },
    c.rejected,
  );

  handleInput(
    recordMeetingAttendance,
    (input) => {
      open();
      const a = parseInput(meetingAttendanceSchema, input, 'the attendance');
      facilitator(a.by);
      held(a.meeting);
      const strangers = a.emails.filter((e) => !Object.hasOwn(c.memberships, e));
      if (strangers.length) refuse(`not members of this community: ${strangers.join(', ')}`);
      return a;
    },
    async (a) => {
      await records.recordMeetingAttendance(slug, a, nowIso());
      return { meeting: a.meeting, present: a.emails.length };
    },
    c.rejected,
  );

  handleInput(
    recordMeetingSummary,
    (input) => {
      open();
      const s = parseInput(meetingSummarySchema, input, 'the summary');
      facilitator(s.by);
      held(s.meeting);
      if (summaries.has(s.meeting)) refuse(`the summary of meeting ${s.meeting} was sent already`);
      return s;
    },
    async (s) => {
      summaries.add(s.meeting);
      const asOf = nowIso();
      await records.recordMeetingSummary(slug, s, asOf);
      const sent = await notices.send({ kind: 'community-meeting-summary', meeting: s.meeting, asOf });
      // Queued: to the members of the moment, as the email will be.
      return { meeting: s.meeting, sentTo: sent?.total ?? members.size };
    },
    c.rejected,
  );

  // ---- the agenda ----------------------------------------------------------------------------
  async function enter(p: CommunityPhase): Promise<void> {
    c.phase = p;
    upsertSearchAttributes([{ key: LC_PHASE, value: p }]);
    await records.recordCommunityPhase(slug, p);
  }

  async function perform(item: AgendaItem<CommunityItemKind>): Promise<void> {
    // Joins, leaves and shares being recorded are in the records first: "the members as of now".
    await condition(allHandlersFinished);
    const asOf = nowIso();
    switch (item.kind) {
      case 'announce': {
        const sites = await records.resolveCommunitySites(slug);
        c.unknownSites = sites.unknown;
        if (sites.unknown.length) log.warn('sites in the config are not in the directory', sites);
        await notify({ kind: 'community-announcement', siteIds: sites.siteIds });
        c.announcedTo = sites.siteIds;
        await enter('open');
        return;
      }
      case 'start':
        await enter('active');
        return;
      case 'meeting-invite':
        invited.add(item.index!); // before the send: whoever joins meanwhile gets it on joining
        if (members.size) await notify({ kind: 'community-meeting-invite', meeting: item.index!, asOf });
        return;
      case 'meeting-reminder':
        if (members.size) await notify({ kind: 'community-meeting-reminder', meeting: item.index!, asOf });
        return;
      case 'digest': {
        const last = sharedSoFar();
        if (last > c.digestedUpTo && members.size) {
          await notify({
            kind: 'community-digest',
            n: item.index!,
            asOf,
            shares: [c.digestedUpTo + 1, last],
          });
          c.digestsSent++;
        }
        c.digestedUpTo = last;
        return;
      }
      case 'end':
        await enter('completed');
        return;
    }
  }

  upsertSearchAttributes([
    { key: LC_KIND, value: 'community' },
    { key: LC_PHASE, value: c.phase },
  ]);
  if (!carried) await records.recordCommunity(config);

  const maxEvents = config.limits?.historyEvents ?? 2_000;
  const historyFull = () => {
    const info = workflowInfo();
    return info.historyLength >= maxEvents || info.continueAsNewSuggested;
  };
  const agendaOptions = { remindersAfterInvitation: patched('reminders-after-invitation') };
  const through = await runAgenda({
    agenda: () => communityAgenda(config, c.launchedAt, agendaOptions),
    done,
    perform,
    full: { when: 'waiting', check: historyFull },
    upcoming: (item) => (upcoming = item),
  });
  await condition(() => allHandlersFinished() && notices.drained());
  if (through === 'full')
    await continueAsNew<typeof learningCommunityWorkflow>(config, {
      ...c,
      done: [...done],
      members: [...members.values()],
      invited: [...invited],
      summaries: [...summaries],
      continuedAsNew: c.continuedAsNew + 1,
    });
  return status();
}
