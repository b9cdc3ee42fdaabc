/**
 * Subscribable calendars (iCalendar without METHOD, as published feeds): a collaborative's
 * learning sessions and informational calls (public), and a person's own feed of every session,
 * call and deadline of the programmes they take part in (behind a signed URL). Events carry the
 * same UIDs as the emailed invitations (`<slug>-ls-<i>@…`, `<slug>-info-call-<i>@…`,
 * `<slug>-consult-<s>-<i>@…`, `<slug>-consult-<s>@…` for a series given by a rule, with its RRULE),
 * so a calendar that holds both shows one entry per event. SEQUENCE is
 * the schedule's version (each reschedule raises it, and every emailed update's SEQUENCE is at most
 * it); DTSTAMP is when the record last changed, so the same schedule always renders the same bytes.
 */
import ical, { ICalEventStatus } from 'ical-generator';
import { DateTime } from 'luxon';
import type { Recurrence } from '../domain/schedule';
import { wholeSecondIso } from '../domain/time';
import { currentSchedule, type CollaborativeDoc } from '../store/collaboratives';
import { calendarEntryId, infoCallEntryId } from '../templates/notice-data';
import { calendarUid, PRODID, vtimezoneFor, wallClock } from './calendar';
import { ruleLines } from './calendar-series';

export interface FeedEvent {
  uid: string;
  start: string;
  end: string;
  summary: string;
  location?: string;
  url?: string;
  /** A deadline: a whole day in the programme's zone (the day `start` falls on there). */
  allDay?: boolean;
  /** A series given by a rule: its rule and exceptions (as its emailed invitation has them). */
  recurrence?: Recurrence;
  /** A moved occurrence of such a series (same UID): the instant the rule gave it. */
  recurrenceId?: string;
}

const sessions = (doc: CollaborativeDoc): FeedEvent[] =>
  currentSchedule(doc).learningSessions.map((ls, i) => ({
    uid: calendarUid(doc.slug, calendarEntryId({ kind: 'session', index: i, sequence: 0 })),
    start: ls.start,
    end: ls.end,
    summary: `Learning Session ${i + 1}: ${doc.config.title}`,
    location: ls.venue,
  }));

const informationalCalls = (doc: CollaborativeDoc): FeedEvent[] =>
  currentSchedule(doc).informationalCalls.map((call, i) => ({
    uid: calendarUid(doc.slug, infoCallEntryId(i)),
    start: call.start,
    end: new Date(Date.parse(call.start) + call.durationMinutes * 60_000).toISOString(),
    summary: `Informational call ${i + 1}: ${doc.config.title}`,
    location: call.link,
    url: call.link,
  }));

/**
 * A series given by a rule is one event with its RRULE (and one per moved call), under the UID of
 * its emailed invitation; a series of first + everyDays is one event per call.
 */
const consultationCalls = (doc: CollaborativeDoc): FeedEvent[] =>
  currentSchedule(doc).consultation.flatMap((series, s) => {
    const event = (at: string, id: string) => ({
      uid: calendarUid(doc.slug, id),
      start: at,
      end: new Date(Date.parse(at) + series.durationMinutes * 60_000).toISOString(),
      summary: `${series.kind === 'clinical' ? 'Clinical consultation call' : 'All-collaborative call'}${series.recurrence ? 's' : ''}: ${doc.config.title}`,
      location: series.link,
      url: series.link,
    });
    const r = series.recurrence;
    if (r) {
      const id = calendarEntryId({ kind: 'series', series: s, sequence: 0 });
      return [
        { ...event(r.start, id), recurrence: r },
        ...r.moved.map((m) => ({ ...event(m.to, id), recurrenceId: m.from })),
      ];
    }
    return series.calls.map((at, i) =>
      event(at, calendarEntryId({ kind: 'call', series: s, index: i, sequence: 0 })),
    );
  });

const deadline = (doc: CollaborativeDoc, id: string, at: string, what: string): FeedEvent => ({
  uid: calendarUid(doc.slug, `deadline-${id}`),
  start: at,
  end: at,
  summary: `${what}: ${doc.config.title}`,
  allDay: true,
});

/** The feed's events: every learning session, then every informational call (as in the emails). */
export function collaborativeFeedEvents(doc: CollaborativeDoc): FeedEvent[] {
  return [...sessions(doc), ...informationalCalls(doc)];
}

/** What a person is in a collaborative, as far as their calendar is concerned. */
export interface Involvement {
  /** Coordinator or faculty: everything. */
  staff: boolean;
  /** On the roster of a team that takes part (not withdrawn): sessions and consultation calls. */
  member: boolean;
  /** A team's PI or data manager: also the metrics due dates. */
  reports: boolean;
  /** PI of a site the collaborative was announced to that has not applied yet: the calls and the closing date. */
  invitedPi: boolean;
}

/** A person's events in one collaborative, by what they are in it. */
export function personalFeedEvents(doc: CollaborativeDoc, inv: Involvement): FeedEvent[] {
  const s = currentSchedule(doc);
  const out: FeedEvent[] = [];
  if (inv.staff || inv.invitedPi) out.push(...informationalCalls(doc));
  if (inv.staff || inv.invitedPi)
    out.push(deadline(doc, 'applications-close', s.applicationsClose, 'Applications close'));
  if (inv.staff) out.push(deadline(doc, 'decisions-due', s.decisionsDue, 'Decisions due'));
  if (inv.staff || inv.member) out.push(...sessions(doc), ...consultationCalls(doc));
  if (inv.staff || inv.reports)
    out.push(...s.periods.map((p) => deadline(doc, `metrics-${p.id}`, p.due, `Metrics for ${p.id} due`)));
  return out;
}

/** One calendar of events from several collaboratives (each in its own zone, with its VTIMEZONE). */
export function renderFeed(
  name: string,
  parts: { doc: CollaborativeDoc; events: FeedEvent[] }[],
  description?: string,
): string {
  const zones = new Map<string, string>();
  const calendar = ical({
    prodId: PRODID,
    name,
    description,
    // Calendar apps that honour it poll again after an hour (REFRESH-INTERVAL, X-PUBLISHED-TTL).
    ttl: 3600,
    timezone: { name: null, generator: (tz) => zones.get(tz) ?? null },
  });
  const seen = new Set<string>();
  for (const { doc, events } of parts) {
    const { tzid, vtimezone } = vtimezoneFor(doc.config.timeZone);
    zones.set(tzid, vtimezone);
    const stamp = new Date(wholeSecondIso(new Date(doc.updatedAt ?? doc.createdAt).getTime()));
    const cancelled = doc.phase === 'cancelled';
    for (const e of events) {
      const key = `${e.uid} ${e.recurrenceId ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const common = {
        id: e.uid,
        // A cancellation raises it once more, as the emailed CANCEL does.
        sequence: (doc.scheduleVersion ?? 0) + (cancelled ? 1 : 0),
        stamp,
        summary: e.summary,
        location: e.location,
        url: e.url,
        status: cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
      };
      if (e.allDay) {
        const day = DateTime.fromISO(e.start, { zone: 'utc' }).setZone(tzid).startOf('day');
        calendar.createEvent({ ...common, allDay: true, start: day, end: day.plus({ days: 1 }) });
      } else
        calendar.createEvent({
          ...common,
          start: wallClock('start', e.start, tzid),
          end: wallClock('end', e.end, tzid),
          timezone: tzid,
          ...(e.recurrence ? { repeating: ruleLines(e.recurrence, tzid) } : {}),
          ...(e.recurrenceId ? { recurrenceId: wallClock('start', e.recurrenceId, tzid) } : {}),
        });
    }
  }
  const text = calendar.toString();
  return text.endsWith('\r\n') ? text : `${text}\r\n`;
}

/** The collaborative's feed as an iCalendar document (CRLF line ends), with its VTIMEZONE. Pure. */
export function renderCollaborativeFeed(doc: CollaborativeDoc): string {
  return renderFeed(doc.config.title, [{ doc, events: collaborativeFeedEvents(doc) }], doc.config.practice);
}
