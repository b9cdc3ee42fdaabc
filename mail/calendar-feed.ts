/**
 * A collaborative's subscribable calendar (iCalendar without METHOD, as a published feed): its
 * learning sessions and informational calls, under the same UIDs as the emailed invitations
 * (`<slug>-ls-<i>@…`, `<slug>-info-call-<i>@…`), so a calendar that holds both shows one entry per
 * event. SEQUENCE is the schedule's version (each reschedule raises it, and every emailed update's
 * SEQUENCE is at most it); DTSTAMP is when the record last changed, so the same schedule always
 * renders the same bytes. Public: no organizer, no attendees, no site, no email.
 */
import ical, { ICalEventStatus } from 'ical-generator';
import { wholeSecondIso } from '../domain/time';
import { currentSchedule, type CollaborativeDoc } from '../store/collaboratives';
import { calendarEntryId, infoCallEntryId } from '../templates/notice-data';
import { calendarUid, PRODID, vtimezoneFor, wallClock } from './calendar';

export interface FeedEvent {
  uid: string;
  start: string;
  end: string;
  summary: string;
  location?: string;
  url?: string;
}

/** The feed's events: every learning session, then every informational call (as in the emails). */
export function collaborativeFeedEvents(doc: CollaborativeDoc): FeedEvent[] {
  const s = currentSchedule(doc);
  const title = doc.config.title;
  return [
    ...s.learningSessions.map((ls, i) => ({
      uid: calendarUid(doc.slug, calendarEntryId({ kind: 'session', index: i, sequence: 0 })),
      start: ls.start,
      end: ls.end,
      summary: `Learning Session ${i + 1}: ${title}`,
      location: ls.venue,
    })),
    ...s.informationalCalls.map((call, i) => ({
      uid: calendarUid(doc.slug, infoCallEntryId(i)),
      start: call.start,
      end: new Date(Date.parse(call.start) + call.durationMinutes * 60_000).toISOString(),
      summary: `Informational call ${i + 1}: ${title}`,
      location: call.link,
      url: call.link,
    })),
  ];
}

/** The collaborative's feed as an iCalendar document (CRLF line ends), with its VTIMEZONE. Pure. */
export function renderCollaborativeFeed(doc: CollaborativeDoc): string {
  const { tzid, vtimezone } = vtimezoneFor(doc.config.timeZone);
  const calendar = ical({
    prodId: PRODID,
    name: doc.config.title,
    description: doc.config.practice,
    // Calendar apps that honour it poll again after an hour (REFRESH-INTERVAL, X-PUBLISHED-TTL).
    ttl: 3600,
    timezone: { name: null, generator: (tz) => (tz === tzid ? vtimezone : null) },
  });
  const stamp = new Date(wholeSecondIso(new Date(doc.updatedAt ?? doc.createdAt).getTime()));
  const cancelled = doc.phase === 'cancelled';
  for (const e of collaborativeFeedEvents(doc))
    calendar.createEvent({
      id: e.uid,
      // A cancellation raises it once more, as the emailed CANCEL does.
      sequence: (doc.scheduleVersion ?? 0) + (cancelled ? 1 : 0),
      stamp,
      start: wallClock('start', e.start, tzid),
      end: wallClock('end', e.end, tzid),
      timezone: tzid,
      summary: e.summary,
      location: e.location,
      url: e.url,
      status: cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    });
  const text = calendar.toString();
  return text.endsWith('\r\n') ? text : `${text}\r\n`;
}
