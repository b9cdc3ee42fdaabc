/**
 * Everything a collaborative's run knows, as one plain, serialisable object: what its status
 * query answers from, and what a continue-as-new would carry. Teams are kept in the order the
 * sites first applied (notices list them in that order, and a site id may be all digits, which a
 * record's keys would reorder).
 */
import type { LaunchConfig, Schedule } from '../../domain/config';
import type { Notice } from '../../domain/notices';
import type { Phase } from '../../domain/phases';
import type { CollaborativeStatus, Rejection, TeamResult, TeamSummary } from '../definitions';

/** What an input causes after its reply: a notice, or the start of a team promoted from the waiting list. */
export type Effect = { notice: Notice } | { startTeam: string; promoted: boolean };

export interface CollaborativeState {
  launchedAt: string;
  schedule: Schedule;
  /** Raised on every reschedule (a wait on the agenda wakes on it). */
  scheduleVersion: number;
  /** Per milestone, how often it moved: the SEQUENCE of its calendar entries. */
  milestoneVersions: Record<string, number>;
  phase: Phase;
  nextMilestone?: { name: string; at: string };
  /** Undefined until the announcement went out. */
  announcedTo?: string[];
  unknownSites: string[];
  cancelled?: { reason: string; by: string };
  notifiedAt?: string;
  /** Keys of the agenda items done. */
  done: string[];
  rejected: Rejection[];
  teams: TeamSummary[];
  waitlist: string[];
  feedbackCount: Record<string, number>;
  /** Faculty added while the collaborative runs (addFaculty); the config's list stays as launched. */
  addedFaculty?: { name: string; email: string }[];
  /** Per informational call, the sites registered for it. */
  callRegistrations: Record<number, string[]>;
  /** What inputs caused, still to be done after their reply (workflows/after-reply.ts). */
  afterReply: Effect[];
  /**
   * Teams started to outlive a run of this workflow (ParentClosePolicy ABANDON), which then
   * continues-as-new past its event budget; false for runs started before (their teams are
   * cancelled with the parent, and it waits for their results).
   */
  detachedTeams?: boolean;
  /** Per-team commands (decision notices, team starts, signals) issued together, not one by one. */
  concurrentTeams?: boolean;
  /**
   * A consultation series given by a rule gets one invitation for the whole series (and a team
   * promoted later gets it when it joins); false for runs started before, which invite per call.
   * Kept in the state so a run that continues-as-new keeps what it started with.
   */
  seriesInvites?: boolean;
  /**
   * The monthly digest of what teams shared, and the storyboard requests before each session;
   * false for runs started before (kept, like `seriesInvites`, across continue-as-new: a run that
   * gained them later would send every past digest and request at once).
   */
  sharedDigest?: boolean;
  storyboardRequests?: boolean;
  /** The notification date and the end of pre-work may be rescheduled (older runs refuse them). */
  ownDatesReschedulable?: boolean;
  /** The sites whose team workflows were started, and what each ended with (its signal). */
  started?: string[];
  finished?: Record<string, TeamResult>;
  continuedAsNew?: number;
}

export function initialState(config: LaunchConfig, launchedAt: string): CollaborativeState {
  return {
    launchedAt,
    // Collaboratives launched before metrics existed have no `periods`: read them as none.
    schedule: { ...config.schedule, periods: config.schedule.periods ?? [] },
    scheduleVersion: 0,
    milestoneVersions: {},
    phase: 'scheduled',
    unknownSites: [],
    done: [],
    rejected: [],
    teams: [],
    waitlist: [],
    feedbackCount: {},
    callRegistrations: {},
    afterReply: [],
    started: [],
    finished: {},
    continuedAsNew: 0,
  };
}

export const teamOf = (s: CollaborativeState, siteId: string): TeamSummary | undefined =>
  s.teams.find((t) => t.siteId === siteId);

/** The sites whose teams are running now. */
export const activeTeams = (s: CollaborativeState): string[] =>
  s.teams.filter((t) => t.state === 'accepted').map((t) => t.siteId);

/** The sites that applied and have no decision yet. */
export const undecided = (s: CollaborativeState): string[] =>
  s.teams.filter((t) => t.applicationVersion && !t.decision).map((t) => t.siteId);

/** A set over the list of done keys: what the agenda loop reads and adds to. */
export function keySet(keys: string[]): { has(key: string): boolean; add(key: string): void } {
  const set = new Set(keys);
  return {
    has: (key) => set.has(key),
    add: (key) => {
      if (!set.has(key)) keys.push(key);
      set.add(key);
    },
  };
}

export function statusOf(config: LaunchConfig, s: CollaborativeState): CollaborativeStatus {
  return {
    slug: config.slug,
    title: config.title,
    phase: s.phase,
    nextMilestone: s.nextMilestone,
    announcedTo: s.announcedTo?.length ?? 0,
    unknownSites: s.unknownSites,
    scheduleVersion: s.scheduleVersion,
    applications: s.teams.filter((t) => t.applicationVersion > 0).length,
    teams: [...s.teams].sort((a, b) => a.siteId.localeCompare(b.siteId)),
    waitlist: [...s.waitlist],
    rejected: [...s.rejected],
    continuedAsNew: s.continuedAsNew,
    pendingEffects: s.afterReply.length,
  };
}

/** The learning sessions still to come whose storyboard the teams were asked for. */
export function storyboardsRequested(s: CollaborativeState, now: number): number[] {
  return s.schedule.learningSessions.flatMap((ls, i) =>
    s.done.includes(`storyboard-request:${i}`) && Date.parse(ls.start) > now ? [i] : [],
  );
}

/** The consultation series whose one invitation went out and whose last call is still to come. */
export function seriesInvited(s: CollaborativeState, now: number): number[] {
  return s.schedule.consultation.flatMap((series, i) =>
    s.done.includes(`consultation-series-invite:${i}`) && Date.parse(series.calls.at(-1) ?? '') > now
      ? [i]
      : [],
  );
}
