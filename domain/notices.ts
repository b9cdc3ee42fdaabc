/**
 * The business events that send email. A workflow asks for a notice; the `notify` activity
 * decides who receives it, renders the template and sends through the exactly-once outbox under
 * the key `<slug>:<noticeKey>:<recipient>`.
 */
import type { DecisionKind, PreworkItem } from './inputs';

export type Notice = CollaborativeNotice | CommunityNotice;

/** A Learning Collaborative's notices. */
export type CollaborativeNotice =
  | { kind: 'info-call-invite'; call: number; sequence: number }
  | { kind: 'info-call-reminder'; call: number }
  | { kind: 'applications-closing'; siteIds: string[] }
  | { kind: 'application-received'; siteId: string; version: number }
  | { kind: 'review-reminder'; undecided: string[] }
  | { kind: 'decisions-overdue'; undecided: string[] }
  | {
      kind: 'decision';
      siteId: string;
      decision: DecisionKind;
      promoted?: boolean;
      /** A late promotion: the learning sessions already begun, which the team catches up on. */
      catchUp?: number[];
    }
  /** To the waitlisted sites: at LS1 (no more automatic places) and at the end (the list closes). */
  | { kind: 'waitlist-update'; stage: 'sessions-begun' | 'closed'; siteIds: string[] }
  | { kind: 'withdrawal'; siteId: string; promoted?: string }
  | { kind: 'prework'; siteId: string }
  | { kind: 'prework-reminder'; siteId: string; n: number; pending: PreworkItem[] }
  | { kind: 'session-invite'; siteId: string; session: number; sequence: number }
  | { kind: 'session-reminder'; siteId: string; session: number; daysBefore: number }
  | { kind: 'session-missed'; siteId: string; session: number }
  | { kind: 'consultation-invite'; series: number; call: number; siteIds: string[] }
  | { kind: 'consultation-reminder'; series: number; call: number; siteIds: string[] }
  /** One invitation to a whole series given by a rule (RRULE), instead of one per call. */
  | { kind: 'consultation-series-invite'; series: number; siteIds: string[] }
  /** A week before a moved call of such a series: that occurrence again (RECURRENCE-ID, SEQUENCE 1). */
  | { kind: 'consultation-moved'; series: number; moved: number; siteIds: string[] }
  | { kind: 'feedback'; siteId: string; n: number }
  | { kind: 'schedule-change'; milestone: string; version: number; siteIds: string[] }
  | {
      kind: 'cancelled';
      siteIds: string[];
      reason: string;
      /** Sessions still to come, whose calendar entries the teams' members get a METHOD:CANCEL for. */
      sessions?: { index: number; sequence: number }[];
    }
  | { kind: 'metrics-reminder'; siteId: string; rung: 1 | 2 | 3; period: string; missing: string[] }
  | { kind: 'metrics-digest'; n: number }
  /** To the active teams before a learning session: share your storyboard. */
  | { kind: 'storyboard-request'; session: number; siteIds: string[] }
  /** Days before the session, to those of `siteIds` that have not shared one then (the activity checks). */
  | { kind: 'storyboard-reminder'; session: number; siteIds: string[] }
  /**
   * Monthly, to the active teams and the staff: what was shared in [from, to) — PDSA cycles,
   * storyboards, resources. Nothing is sent when nothing was.
   */
  | { kind: 'shared-digest'; n: number; from: string; to: string; siteIds: string[] }
  | { kind: 'final-report' };

/**
 * A Learning Community's notices. Those to members carry `asOf`, the workflow time of the event:
 * they go to whoever was a member then (joined by then and not left), so a retried send reaches
 * the same people.
 */
export type CommunityNotice =
  | { kind: 'community-announcement'; siteIds: string[] }
  | { kind: 'community-welcome'; email: string; membership: number }
  /** To every member, or (`email`) to one who joined after the invitations went out. */
  | { kind: 'community-meeting-invite'; meeting: number; asOf: string; email?: string }
  | { kind: 'community-meeting-reminder'; meeting: number; asOf: string }
  | { kind: 'community-meeting-summary'; meeting: number; asOf: string }
  /** What was shared since the last digest: shares numbered `shares[0]` to `shares[1]`. */
  | { kind: 'community-digest'; n: number; asOf: string; shares: [number, number] };

export type NoticeKind = Notice['kind'];
export type CommunityNoticeKind = CommunityNotice['kind'];

export function isCommunityNotice(n: Notice): n is CommunityNotice {
  return n.kind.startsWith('community-');
}

/** The part of the outbox key that names the event (the recipient is appended). */
export function noticeKey(n: Notice): string {
  switch (n.kind) {
    case 'info-call-invite':
      return `info-call-invite:${n.call}:${n.sequence}`;
    case 'info-call-reminder':
      return `info-call-reminder:${n.call}`;
    case 'application-received':
      return `application-received:${n.siteId}:${n.version}`;
    case 'decision':
      return `decision:${n.siteId}:${n.decision}${n.promoted ? ':promoted' : ''}`;
    case 'withdrawal':
      return `withdrawal:${n.siteId}`;
    case 'waitlist-update':
      return `waitlist-update:${n.stage}`;
    case 'prework':
      return `prework:${n.siteId}`;
    case 'prework-reminder':
      return `prework-reminder:${n.siteId}:${n.n}`;
    case 'session-invite':
      return `session-invite:${n.siteId}:${n.session}:${n.sequence}`;
    case 'session-reminder':
      return `session-reminder:${n.siteId}:${n.session}:${n.daysBefore}`;
    case 'session-missed':
      return `session-missed:${n.siteId}:${n.session}`;
    case 'consultation-invite':
    case 'consultation-reminder':
      return `${n.kind}:${n.series}:${n.call}`;
    case 'consultation-series-invite':
      return `${n.kind}:${n.series}`;
    case 'consultation-moved':
      return `${n.kind}:${n.series}:${n.moved}`;
    case 'feedback':
      return `feedback:${n.siteId}:${n.n}`;
    case 'metrics-reminder':
      return `metrics-reminder:${n.siteId}:${n.period}:${n.rung}`;
    case 'metrics-digest':
      return `metrics-digest:${n.n}`;
    case 'storyboard-request':
    case 'storyboard-reminder':
      return `${n.kind}:${n.session}`;
    case 'shared-digest':
      return `${n.kind}:${n.n}`;
    case 'schedule-change':
      return `schedule-change:${n.milestone}:${n.version}`;
    case 'community-welcome':
      return `${n.kind}:${n.membership}`;
    case 'community-meeting-invite':
    case 'community-meeting-reminder':
    case 'community-meeting-summary':
      return `${n.kind}:${n.meeting}`;
    case 'community-digest':
      return `${n.kind}:${n.n}`;
    default:
      return n.kind;
  }
}
