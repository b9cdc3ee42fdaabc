/**
 * The names and types of every input and query, shared by the workflows (handlers) and by the
 * client side (CLI, web) that sends them. Each input exists as an Update — validated before it
 * reaches history, the way people send it — and as a Signal of the same name and payload, for
 * fire-and-forget senders and for time-skipping tests (where Updates are unreliable).
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Schedule } from '../domain/config';
import type {
  Application,
  Attendance,
  CallAttendance,
  CallRegistration,
  Cancel,
  Decision,
  DecisionKind,
  Feedback,
  PreworkDone,
  PreworkItem,
  Reschedule,
  Withdrawal,
} from '../domain/inputs';
import type { Phase } from '../domain/phases';

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

/** The signal twin of an Update: same name, same payload. */
export function signalOf<A extends unknown[]>(update: { name: string }) {
  return defineSignal<A>(update.name);
}
