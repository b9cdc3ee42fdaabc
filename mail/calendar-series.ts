/**
 * A consultation series as one calendar invitation (RFC 5545 / iTIP RFC 5546): one VEVENT with
 * its RRULE and EXDATEs in the collaborative's zone (with its VTIMEZONE), and one VEVENT per moved
 * occurrence under the same UID with its RECURRENCE-ID. Also the update of one moved occurrence
 * (only that VEVENT, SEQUENCE raised) and the cancellation of the whole series.
 *
 * Built on ical-generator like calendar.ts; the RRULE and EXDATE lines are passed as its raw
 * `repeating` text, as it writes no EXDATE with a TZID for a rule given as text.
 */
import ical, {
  ICalAttendeeRole,
  ICalAttendeeStatus,
  ICalCalendarMethod,
  ICalEventStatus,
} from 'ical-generator';
import { ValidationError } from '../domain/errors';
import type { ConsultationSeries, Recurrence } from '../domain/schedule';
import { PRODID, vtimezoneFor, wallClock, type CalendarEvent, type IcalAttachment } from './calendar';

export interface SeriesInvite extends Omit<CalendarEvent, 'start' | 'end'> {
  series: Pick<ConsultationSeries, 'durationMinutes' | 'recurrence'>;
  /**
   * REQUEST: the whole series with its moved occurrences; CANCEL: the whole series cancelled;
   * `only`: a REQUEST of just this moved occurrence (its RECURRENCE-ID, the instant the rule gave).
   */
  only?: string;
}

const plusMinutes = (iso: string, minutes: number) =>
  new Date(Date.parse(iso) + minutes * 60_000).toISOString();
const basic = (local: { toFormat(f: string): string }) => local.toFormat("yyyyLLdd'T'HHmmss");

/** The RRULE and EXDATE lines of a recurrence in the zone `tzid` (ical-generator's raw `repeating`). */
export function ruleLines(r: Recurrence, tzid: string): string {
  // Moved occurrences are left out of the rule's dates by their own VEVENT (RECURRENCE-ID), not EXDATE.
  const exdates = [...r.skipped, ...r.cancelled].sort();
  const lines = [`RRULE:${r.rrule}`];
  if (exdates.length)
    lines.push(`EXDATE;TZID=${tzid}:${exdates.map((t) => basic(wallClock('start', t, tzid))).join(',')}`);
  return lines.join('\r\n');
}

/** Renders the series' invitation, its cancellation, or the update of one moved occurrence. Pure. */
export function renderSeriesIcs(e: SeriesInvite): string {
  const r = e.series.recurrence;
  if (!r) throw new ValidationError('calendar series', ['series: not given by a recurrence rule']);
  const { tzid, vtimezone } = vtimezoneFor(e.timeZone);
  const cancel = e.method === 'CANCEL';
  const calendar = ical({
    prodId: PRODID,
    method: cancel ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST,
    timezone: { name: null, generator: (tz) => (tz === tzid ? vtimezone : null) },
  });
  const common = {
    id: e.uid,
    sequence: e.sequence,
    stamp: new Date(Date.parse(e.stamp)),
    timezone: tzid,
    summary: e.summary,
    description: e.description,
    location: e.location,
    url: e.url,
    status: cancel ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    organizer: { name: e.organizer.name || e.organizer.email, email: e.organizer.email },
    attendees: (e.attendees ?? []).map((a) => ({
      email: a.email,
      name: a.name?.replace(/["\r\n\t]+/g, ' ').trim() || undefined,
      role: ICalAttendeeRole.REQ,
      ...(cancel ? {} : { rsvp: true, status: ICalAttendeeStatus.NEEDSACTION }),
    })),
  };
  const minutes = e.series.durationMinutes;
  const occurrence = (m: { from: string; to: string }) =>
    calendar.createEvent({
      ...common,
      start: wallClock('start', m.to, tzid),
      end: wallClock('end', plusMinutes(m.to, minutes), tzid),
      recurrenceId: wallClock('start', m.from, tzid),
    });
  if (e.only !== undefined) {
    const moved = r.moved.find((m) => m.from === e.only);
    if (!moved) throw new ValidationError('calendar series', [`only: ${e.only} is not a moved occurrence`]);
    occurrence(moved);
  } else {
    calendar.createEvent({
      ...common,
      start: wallClock('start', r.start, tzid),
      end: wallClock('end', plusMinutes(r.start, minutes), tzid),
      repeating: ruleLines(r, tzid),
    });
    if (!cancel) r.moved.forEach(occurrence);
  }
  const text = calendar.toString();
  return text.endsWith('\r\n') ? text : `${text}\r\n`;
}

/** The series' .ics as an email's calendar part (like calendar.ts icalAttachment). */
export function seriesAttachment(e: SeriesInvite): IcalAttachment {
  return {
    method: e.method,
    filename: e.method === 'CANCEL' ? 'cancel.ics' : 'invite.ics',
    content: renderSeriesIcs(e),
  };
}
