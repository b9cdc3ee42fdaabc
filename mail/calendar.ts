/**
 * Calendar invites (iCalendar, RFC 5545 / iTIP RFC 5546) attached to the emails for learning sessions,
 * informational calls and consultation calls.
 *
 * The document is built by `ical-generator`; the VTIMEZONE component comes from
 * `timezones-ical-library` (maintained IANA tzdata rendered as iCalendar). Nothing here writes the
 * iCalendar format by hand. `renderIcs` is pure: the same event always renders the same string.
 */
import ical, {
  ICalAttendeeRole,
  ICalAttendeeStatus,
  ICalCalendarMethod,
  ICalEventStatus,
} from 'ical-generator';
import { DateTime } from 'luxon';
import { tzlib_get_ical_block, tzlib_get_offset, tzlib_get_timezones } from 'timezones-ical-library';
import { z } from 'zod';
import { formatIssues, ValidationError } from '../domain/errors';

export interface CalendarEvent {
  /** Stable per event across reschedules, e.g. 'demo-ls1@lc-orchestrator'. */
  uid: string;
  /** 0 for the first invite, +1 per reschedule (and for the cancellation). */
  sequence: number;
  method: 'REQUEST' | 'CANCEL';
  /** UTC ISO instant, e.g. '2027-05-17T13:00:00Z' (an explicit offset is accepted too). */
  start: string;
  /** UTC ISO instant. */
  end: string;
  /** IANA zone the event is written in (DTSTART;TZID=...), with its VTIMEZONE. */
  timeZone: string;
  summary: string;
  description?: string;
  location?: string;
  url?: string;
  organizer: { name: string; email: string };
  attendees?: { name?: string; email: string }[];
  /**
   * DTSTAMP: when the object was created (RFC 5545), as an ISO instant. Notices pass the workflow
   * time of the event they belong to, so that a retried send renders the same bytes.
   */
  stamp: string;
}

/** The UID of a collaborative's calendar entry `id` (`ls-0`, `info-call-1`): the same in emails and feeds. */
export const calendarUid = (slug: string, id: string) => `${slug}-${id}@lc-orchestrator`;

/** What nodemailer's `icalEvent` option takes. */
export interface IcalAttachment {
  method: 'REQUEST' | 'CANCEL';
  filename: string;
  content: string;
}

export const PRODID = { company: 'lc-orchestrator', product: 'calendar', language: 'EN' };

/** Every zone name (canonical or alias) that the VTIMEZONE source knows. Case-sensitive. */
const KNOWN_ZONES = new Set(tzlib_get_timezones(false) as string[]);

// Control characters would break the line structure of the document; ical-generator writes UID and
// URL values as they are.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

function instant(what: string) {
  return z
    .string({ required_error: `${what} is required` })
    .datetime({
      offset: true,
      message: `${what} must be an ISO instant with Z or an offset, e.g. 2027-05-17T13:00:00Z`,
    })
    .refine((s) => Date.parse(s) % 1000 === 0, {
      message: `${what} must be a whole second (iCalendar has no fractions of a second)`,
    });
}

const personName = z.string().trim().min(1, 'name must not be empty');
const email = z.string().trim().email('not a valid email address');

const eventSchema = z
  .object({
    uid: z
      .string({ required_error: 'uid is required' })
      .trim()
      .min(1, 'uid must not be empty')
      .refine((s) => !CONTROL.test(s), 'uid must not contain control characters or line breaks'),
    sequence: z
      .number({ required_error: 'sequence is required' })
      .int('sequence must be a whole number')
      .min(0, 'sequence must be 0 or more'),
    method: z.enum(['REQUEST', 'CANCEL'], {
      errorMap: () => ({ message: 'method must be REQUEST or CANCEL' }),
    }),
    start: instant('start'),
    end: instant('end'),
    timeZone: z.string({ required_error: 'timeZone is required' }).refine(
      (tz) => KNOWN_ZONES.has(tz),
      (tz) => ({
        message: `unknown time zone "${tz}" (use an IANA name such as America/New_York)`,
      }),
    ),
    summary: z.string({ required_error: 'summary is required' }).trim().min(1, 'summary must not be empty'),
    description: z.string().optional(),
    location: z.string().optional(),
    url: z
      .string()
      .url('not a valid URL')
      .refine((s) => !CONTROL.test(s), 'url must not contain control characters or line breaks')
      .optional(),
    organizer: z.object({ name: personName, email }),
    attendees: z.array(z.object({ name: personName.optional(), email })).optional(),
    stamp: instant('stamp'),
  })
  .superRefine((e, ctx) => {
    const start = Date.parse(e.start);
    const end = Date.parse(e.end);
    if (!Number.isNaN(start) && !Number.isNaN(end) && end <= start) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['end'],
        message: `end (${e.end}) must be after start (${e.start})`,
      });
    }
    if (e.method === 'CANCEL' && e.sequence < 1) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['sequence'],
        message: 'a CANCEL must have a higher sequence than the invite it cancels (at least 1)',
      });
    }
  });

type ValidEvent = z.infer<typeof eventSchema>;

function validate(e: CalendarEvent): ValidEvent {
  const parsed = eventSchema.safeParse(e);
  if (!parsed.success) throw new ValidationError('calendar event', formatIssues(parsed.error));
  return parsed.data;
}

/** The VTIMEZONE block and its TZID (the canonical name: 'US/Eastern' is written as America/New_York). */
export function vtimezoneFor(timeZone: string): { tzid: string; vtimezone: string } {
  const block = tzlib_get_ical_block(timeZone, false);
  const tzid = Array.isArray(block) ? /^TZID=(.+)$/.exec(block[1] ?? '')?.[1] : undefined;
  if (!Array.isArray(block) || !block[0] || !tzid) {
    throw new ValidationError('calendar event', [`timeZone: no VTIMEZONE available for "${timeZone}"`]);
  }
  return { tzid, vtimezone: block[0] };
}

/**
 * The instant as wall-clock time in `tzid`, checked to read back (through the VTIMEZONE's own rules,
 * which take an ambiguous local time as its first occurrence, as RFC 5545 does) as the same instant.
 * Fails for the repeated hour when clocks go back, or if the zone data of Node and of the VTIMEZONE
 * source disagree for that date.
 */
export function wallClock(field: 'start' | 'end', iso: string, tzid: string): DateTime {
  const local = DateTime.fromISO(iso, { zone: 'utc' }).setZone(tzid);
  const offset = tzlib_get_offset(tzid, local.toISODate()!, local.toFormat('HH:mm'));
  const m = /^([+-])(\d\d):?(\d\d)$/.exec(offset);
  const readBack = m
    ? DateTime.fromISO(`${local.toFormat("yyyy-LL-dd'T'HH:mm:ss")}${m[1]}${m[2]}:${m[3]}`, { setZone: true })
    : undefined;
  if (!readBack?.isValid || readBack.toMillis() !== local.toMillis()) {
    throw new ValidationError('calendar event', [
      `${field}: ${iso} cannot be written unambiguously as local time in ${tzid} ` +
        `(${local.toFormat("yyyy-LL-dd'T'HH:mm:ss")} there reads back with offset ${offset || 'unknown'}; ` +
        'it falls in a daylight-saving transition)',
    ]);
  }
  return local;
}

/** Display names go into a quoted CN parameter, which cannot hold a double quote or a line break. */
function cn(name: string | undefined): string | undefined {
  const clean = name
    ?.replace(/"/g, "'")
    .replace(/[\r\n\t]+/g, ' ')
    .trim();
  return clean ? clean : undefined;
}

/** Renders one event as an iCalendar document (METHOD:REQUEST or METHOD:CANCEL). Pure. */
export function renderIcs(input: CalendarEvent): string {
  const e = validate(input);
  const { tzid, vtimezone } = vtimezoneFor(e.timeZone);
  const start = wallClock('start', e.start, tzid);
  const end = wallClock('end', e.end, tzid);
  const cancel = e.method === 'CANCEL';

  const calendar = ical({
    prodId: PRODID,
    method: cancel ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST,
    // No calendar-wide zone (so DTSTAMP stays in UTC, as RFC 5545 requires); the generator supplies
    // the VTIMEZONE of the event's zone.
    timezone: { name: null, generator: (tz) => (tz === tzid ? vtimezone : null) },
  });
  calendar.createEvent({
    id: e.uid,
    sequence: e.sequence,
    stamp: new Date(Date.parse(e.stamp)),
    start,
    end,
    timezone: tzid,
    summary: e.summary,
    description: e.description,
    location: e.location,
    url: e.url,
    status: cancel ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    organizer: { name: cn(e.organizer.name) ?? e.organizer.email, email: e.organizer.email },
    attendees: (e.attendees ?? []).map((a) => ({
      email: a.email,
      name: cn(a.name),
      role: ICalAttendeeRole.REQ,
      ...(cancel ? {} : { rsvp: true, status: ICalAttendeeStatus.NEEDSACTION }),
    })),
  });
  const text = calendar.toString();
  // RFC 5545 ends every content line, the last one too, with CRLF.
  return text.endsWith('\r\n') ? text : `${text}\r\n`;
}

/** What nodemailer's `icalEvent` option takes: { method, filename, content }. */
export function icalAttachment(e: CalendarEvent): IcalAttachment {
  return {
    method: e.method,
    filename: e.method === 'CANCEL' ? 'cancel.ics' : 'invite.ics',
    content: renderIcs(e),
  };
}
