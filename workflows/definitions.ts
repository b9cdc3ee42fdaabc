/**
 * The names and types of every input and query, shared by the workflows (handlers) and by the
 * client side (CLI, web) that sends them. Each input exists as an Update — validated before it
 * reaches history, the way people send it — and as a Signal of the same name and payload, for
 * fire-and-forget senders and for time-skipping tests (where Updates are unreliable).
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Schedule } from '../domain/config';
import type {
  AddFaculty,
  AddSite,
  Application,
  Attendance,
  CallAttendance,
  CallRegistration,
  Cancel,
  Decision,
  DecisionKind,
  Feedback,
  Join,
  Leave,
  MeetingAttendance,
  MeetingSummary,
  PreworkDone,
  PreworkItem,
  Reschedule,
  Share,
  ShareKind,
  Withdrawal,
} from '../domain/inputs';
import type { CommunityPhase, Phase } from '../domain/phases';
import type { Meeting } from '../domain/schedule';

export interface Rejection {
  input: string;
  message: string;
  at: string;
}

export interface Milestone {
  name: string;
  at: string;
}

export type TeamState =
  'applied' | 'accepted' | 'waitlisted' | 'declined' | 'withdrawn' | 'completed' | 'cancelled';

export interface TeamSummary {
  siteId: string;
  state: TeamState;
  applicationVersion: number;
  decision?: DecisionKind;
  promoted?: boolean;
}

export interface CollaborativeStatus {
  slug: string;
  title: string;
  phase: Phase;
  nextMilestone?: Milestone;
  announcedTo: number;
  unknownSites: string[];
  scheduleVersion: number;
  applications: number;
  teams: TeamSummary[];
  waitlist: string[];
  rejected: Rejection[];
  /** How often the workflow continued-as-new (collaboratives launched since it can). */
  continuedAsNew?: number;
  /** What inputs caused that is still to be done after their reply (an email, a team's start). */
  pendingEffects?: number;
}

export interface TeamStatus {
  slug: string;
  siteId: string;
  state: 'active' | 'completed' | 'withdrawn' | 'cancelled';
  nextMilestone?: Milestone;
  preworkDone: PreworkItem[];
  /** Per session: e-mail → present. */
  attendance: Record<number, Record<string, boolean>>;
  missedSessions: number[];
  /** Per period: when submitted (workflow time, ms) and whether late. */
  metrics: Record<string, { at: number; late: boolean; amendments: number }>;
  continuedAsNew: number;
}

export const collaborativeStatusQuery = defineQuery<CollaborativeStatus>('status');
export const teamStatusQuery = defineQuery<TeamStatus>('teamStatus');

// The collaborative's inputs.
export const submitApplication = defineUpdate<{ siteId: string; version: number }, [Application]>(
  'submitApplication',
);
export const recordDecision = defineUpdate<{ siteId: string; decision: DecisionKind }, [Decision]>(
  'recordDecision',
);
export const withdraw = defineUpdate<{ siteId: string; promoted?: string }, [Withdrawal]>('withdraw');
export const reschedule = defineUpdate<{ milestone: string; at: string; version: number }, [Reschedule]>(
  'reschedule',
);
export const addFaculty = defineUpdate<{ email: string; faculty: number }, [AddFaculty]>('addFaculty');
export const addSite = defineUpdate<{ siteId: string; announcedTo: number }, [AddSite]>('addSite');
export const cancel = defineUpdate<{ cancelled: true }, [Cancel]>('cancel');
export const recordFeedback = defineUpdate<{ siteId: string; n: number }, [Feedback]>('recordFeedback');
export const registerForCall = defineUpdate<{ call: number; siteId: string }, [CallRegistration]>(
  'registerForCall',
);
export const recordCallAttendance = defineUpdate<{ call: number; sites: number }, [CallAttendance]>(
  'recordCallAttendance',
);

// A team's inputs.
export const recordAttendance = defineUpdate<{ session: number; present: number }, [Attendance]>(
  'recordAttendance',
);
export const completePrework = defineUpdate<{ done: PreworkItem[] }, [PreworkDone]>('completePrework');
export const submitMetrics = defineUpdate<
  { period: string; late: boolean; amendment: boolean },
  [{ period: string; values: Record<string, unknown>; by: string }]
>('submitMetrics');

// From the collaborative to its teams.
export const scheduleChanged =
  defineSignal<[{ schedule: Schedule; milestone: string; version: number }]>('scheduleChanged');
export const closeTeam = defineSignal<[{ reason: 'withdrawn' | 'cancelled'; note: string }]>('closeTeam');

/** What a team's run ends with. */
export interface TeamResult {
  siteId: string;
  state: TeamStatus['state'];
  sessionsAttended: number[];
  missedSessions: number[];
  preworkDone: PreworkItem[];
}

// From a team to its collaborative: it has ended (teams started to outlive a run of the parent).
export const teamFinished = defineSignal<[TeamResult]>('teamFinished');

// ---- a Learning Community ----------------------------------------------------------------------

export interface CommunityStatus {
  slug: string;
  title: string;
  phase: CommunityPhase;
  nextMilestone?: Milestone;
  /** The next meeting that has not started, numbered from 0 in time order. */
  nextMeeting?: Meeting & { meeting: number };
  meetings: number;
  announcedTo: number;
  unknownSites: string[];
  /** Members now, and people who were members and left (and have not joined again). */
  members: number;
  formerMembers: number;
  /** What members shared, by kind. */
  shares: Record<ShareKind, number> & { total: number };
  digestsSent: number;
  summaries: number[];
  continuedAsNew: number;
  rejected: Rejection[];
}

export const communityStatusQuery = defineQuery<CommunityStatus>('status');

export const joinCommunity = defineUpdate<{ email: string; membership: number; members: number }, [Join]>(
  'join',
);
export const leaveCommunity = defineUpdate<{ email: string; members: number }, [Leave]>('leave');
export const postShare = defineUpdate<{ n: number; kind: ShareKind }, [Share]>('postShare');
export const recordMeetingAttendance = defineUpdate<
  { meeting: number; present: number },
  [MeetingAttendance]
>('recordMeetingAttendance');
export const recordMeetingSummary = defineUpdate<{ meeting: number; sentTo: number }, [MeetingSummary]>(
  'recordMeetingSummary',
);

/** The signal twin of an Update: same name, same payload. */
export function signalOf<A extends unknown[]>(update: { name: string }) {
  return defineSignal<A>(update.name);
}
