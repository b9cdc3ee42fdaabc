/**
 * What a lifecycle notice's template reads: the notice, the data loaded for its kind
 * (`LoadedData`, filled by mail/notice-data.ts), the recipient's own links and roles, and the
 * calendar entries it attaches.
 */
import type { LaunchConfig, Schedule } from '../domain/config';
import type { ConsultationSeries } from '../domain/schedule';
import type { CollaborativeNotice } from '../domain/notices';
import type { Recipient, RenderedEmail } from './layout';

/** An event to attach as .ics: the activity adds organizer, UID and time zone. */
export interface CalendarSpec {
  id: string; // stable per event: UID = <slug>-<id>@…
  sequence: number;
  method: 'REQUEST' | 'CANCEL';
  start: string;
  end: string;
  summary: string;
  location?: string;
  url?: string;
  /**
   * A consultation series given by a rule: the .ics is the whole series (RRULE, EXDATE, moved
   * occurrences) under one UID; with `only`, just that moved occurrence (its RECURRENCE-ID).
   * Written in the collaborative's zone, whose wall clock the rule follows (not the recipient's).
   */
  rule?: {
    series: Pick<ConsultationSeries, 'durationMinutes' | 'recurrence'>;
    timeZone: string;
    only?: string;
  };
}

/** A calendar entry a person was sent: a learning session or a consultation call, at its SEQUENCE. */
export type CalendarEntry =
  | { kind: 'session'; index: number; sequence: number }
  | { kind: 'call'; series: number; index: number; sequence: number }
  | { kind: 'series'; series: number; sequence: number }
  | { kind: 'info-call'; call: number; sequence: number };

/** The entry's id, as in its UID `<slug>-<id>@…`. */
export function calendarEntryId(e: CalendarEntry): string {
  if (e.kind === 'session') return `ls-${e.index}`;
  if (e.kind === 'info-call') return infoCallEntryId(e.call);
  return e.kind === 'series' ? `consult-${e.series}` : `consult-${e.series}-${e.index}`;
}

/** An informational call's calendar entry id, as in its UID `<slug>-info-call-<i>@…`. */
export const infoCallEntryId = (call: number): string => `info-call-${call}`;

/** What any notice's template may read of its recipient: their own links and roles. */
export interface RecipientData {
  /** The site the notice is about, or the recipient's site. */
  siteName?: string;
  /** A PI's signed link to apply for their site. */
  applicationUrl?: string;
  /** An accepted team member's signed link to the team page (metrics, attendance, pre-work). */
  teamUrl?: string;
  preworkUrl?: string;
  metricsUrl?: string;
  /** A team member's signed link to the storyboards gallery (and the form to share theirs). */
  storyboardsUrl?: string;
  /** The recipient's own team (a team member's site), whose cycles their team page shows. */
  teamSiteId?: string;
  /** A staff member's address of the collaborative in the web app (`<web>/c/<slug>`; they sign in). */
  staffUrl?: string;
  /** The recipient is on the team's roster (gets the team's calendar entries). */
  teamMember?: boolean;
  /** The recipient is a site's PI. */
  pi?: boolean;
  /** schedule-change of an informational call: the recipient registered for it (holds its entry). */
  registrant?: boolean;
  /** withdrawal, cancelled: the recipient's calendar entries of events still to come, to cancel. */
  cancels?: CalendarEntry[];
}

/**
 * What each kind's template needs from the records beyond the notice itself, loaded by
 * mail/notice-data.ts: the compiler holds the loader and the template to the same fields.
 */
/** A resource of the collaborative's library, as an email links it. */
export interface ResourceLink {
  title: string;
  kind: 'document' | 'recording' | 'link';
  url: string;
}

/** What a team shared in a digest's month, as the digest lists it. */
export interface SharedItems {
  /** Cycles logged in the month ('new'), or logged before and decided in it ('decided'). */
  cycles: {
    siteId: string;
    team: string;
    n: number;
    change: string;
    measure: string;
    decision?: 'adopt' | 'adapt' | 'abandon';
    news: 'new' | 'decided';
  }[];
  /** Storyboards shared in the month (`replaced`: a newer one for the same session). */
  storyboards: { siteId: string; team: string; session: number; name: string; replaced: boolean }[];
  resources: (ResourceLink & { session?: number })[];
}

export interface LoadedData {
  /** The library's resources (#21), read when the email is rendered: none, no list. */
  'session-invite': { resources?: ResourceLink[] };
  'session-reminder': { resources?: ResourceLink[] };
  'consultation-invite': { resources?: ResourceLink[] };
  'consultation-series-invite': { resources?: ResourceLink[] };
  'consultation-moved': { resources?: ResourceLink[] };
  'consultation-reminder': { resources?: ResourceLink[] };
  'review-reminder': { undecidedNames: string[] };
  'decisions-overdue': { undecidedNames: string[] };
  decision: { decisionNotes?: string; preworkStart: string };
  withdrawal: { promotedSiteName?: string };
  feedback: { feedbackText: string; feedbackBy: string };
  /** The measures still needed, by name. */
  'metrics-reminder': { missingMeasures: string[] };
  /** One row per team with the periods it still owes; emails the SMTP server refused (address, reason). */
  'metrics-digest': { digestRows: [string, string][]; failedEmails: [string, string][] };
  'shared-digest': SharedItems;
  /** The run charts (SVG) and the CSV of every submission. */
  'final-report': {
    reportRows: [string, string][];
    reportText: string[];
    charts: { caption: string; svg: string }[];
    /** The run-chart signals as headed lists (of improvement, of deterioration, other). */
    reportSections?: { heading: string; items: string[] }[];
    csv?: string;
  };
}

export type CollaborativeNoticeKind = CollaborativeNotice['kind'];
export type LoadedDataOf<K extends CollaborativeNoticeKind> = K extends keyof LoadedData
  ? LoadedData[K]
  : Record<never, never>;
export type NoticeData<K extends CollaborativeNoticeKind = CollaborativeNoticeKind> = RecipientData &
  LoadedDataOf<K>;

/** A notice with the data its template needs, kind by kind. */
export type PreparedNotice = {
  [K in CollaborativeNoticeKind]: {
    kind: K;
    notice: Extract<CollaborativeNotice, { kind: K }>;
    data: NoticeData<K>;
  };
}[CollaborativeNoticeKind];

/** The same notice with more of what its recipient reads (their links, their calendar). */
export function withRecipientData<P extends PreparedNotice>(p: P, more: RecipientData): P {
  return { ...p, data: { ...p.data, ...more } };
}

export interface NoticeContext {
  slug: string;
  config: Pick<LaunchConfig, 'title' | 'practice' | 'timeZone' | 'coordinators' | 'faculty'>;
  schedule: Schedule;
  recipient: Recipient;
}

export interface RenderedNotice extends RenderedEmail {
  calendar?: CalendarSpec;
  /** Further calendar entries (e.g. the cancellation of every session still to come). */
  moreCalendars?: CalendarSpec[];
  attachments?: { filename: string; content: string; contentType: string }[];
}
