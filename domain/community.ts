/**
 * The launch config of a Learning Community: individuals from the network's organisations who
 * share an interest meet face to face and remotely over an extended period, and share barriers,
 * solutions and innovations in between. No applications, no review, no core teams: people join
 * and leave. Dates are written in the community's time zone and read as UTC instants, as a
 * collaborative's are (domain/config.ts, domain/time.ts).
 */
import { z } from 'zod';
import { personSchema, programmeFields, recurringSchema } from './config';
import { formatIssues, parseOrThrow, ValidationError } from './errors';
import { ms, type CommunitySchedule, type MeetingSeries } from './schedule';
import { dateInputSchema, instantReader, repeatEveryDays } from './time';

export type { CommunitySchedule, Meeting, MeetingSeries } from './schedule';

/** At most this many meetings in all: each is an invitation and a reminder in the workflow's history. */
export const MAX_MEETINGS = 400;

const series = () => recurringSchema({ maxEveryDays: 366, maxMinutes: 16 * 60 });

const meetingSchema = z.discriminatedUnion(
  'kind',
  [
    series()
      .extend({
        kind: z.literal('in-person'),
        venue: z.string().trim().min(1, 'name the venue, or leave it out').max(300).optional(),
      })
      .strict(),
    series()
      .extend({
        kind: z.literal('remote'),
        link: z.string().url('expected a URL for the meeting').optional(),
      })
      .strict(),
  ],
  {
    errorMap: (issue, ctx) => ({
      message:
        issue.code === 'invalid_union_discriminator' ? 'kind is in-person or remote' : ctx.defaultError,
    }),
  },
);

const rawCommunitySchema = z
  .object({
    ...programmeFields,
    topic: z.string().trim().min(2, 'name the common interest of the community').max(200),
    facilitators: z.array(personSchema).min(1, 'name at least one facilitator'),
    announcement: dateInputSchema.optional(),
    start: dateInputSchema,
    end: dateInputSchema,
    meetings: z.array(meetingSchema).min(1, 'list the meetings: in-person, remote or both').max(20),
    /** Every this many days, members get what was shared since the last digest (nothing when nothing was). */
    digestEveryDays: z.number().int().min(1).max(92).default(14),
    limits: z
      .object({
        /** The workflow continues-as-new past this many history events (Temporal suggests < 4,096). */
        historyEvents: z.number().int().min(100).max(4000).default(2000),
      })
      .strict()
      .default({}),
  })
  .strict();

type Raw = z.infer<typeof rawCommunitySchema>;

export type CommunityConfig = Omit<Raw, 'announcement' | 'start' | 'end' | 'meetings'> & CommunitySchedule;

function normalise(raw: Raw, ctx: z.RefinementCtx): CommunityConfig {
  const { announcement, start, end, meetings, ...rest } = raw;
  const at = instantReader(raw.timeZone, ctx);
  const until = at(end, ['end']);
  return {
    ...rest,
    ...(announcement === undefined ? {} : { announcement: at(announcement, ['announcement']) }),
    start: at(start, ['start']),
    end: until,
    meetings: meetings.map((m, i): MeetingSeries => {
      const first = at(m.first, ['meetings', i, 'first']);
      return {
        ...m,
        first,
        dates:
          first && until ? repeatEveryDays(first, m.everyDays, until, raw.timeZone, MAX_MEETINGS + 1) : [],
      };
    }),
  };
}

/** Cross-field rules: the dates read in order, and every meeting falls within the community's span. */
function checkDates(c: CommunityConfig, ctx: z.RefinementCtx): void {
  const problem = (path: (string | number)[], message: string) =>
    ctx.addIssue({ code: 'custom', path, message });
  if (!c.start || !c.end || c.announcement === '') return; // unreadable dates were reported already
  if (ms(c.end) <= ms(c.start)) problem(['end'], 'the community must end after it starts');
  if (c.announcement && ms(c.announcement) > ms(c.start))
    problem(['announcement'], 'the announcement must come no later than the start');
  c.meetings.forEach((m, i) => {
    if (!m.first) return;
    if (ms(m.first) < ms(c.start))
      problem(['meetings', i, 'first'], 'meetings take place once the community has started');
    else if (ms(m.first) >= ms(c.end))
      problem(['meetings', i, 'first'], 'the first meeting must come before the end date');
  });
  const total = c.meetings.reduce((n, m) => n + m.dates.length, 0);
  // A series is counted up to MAX_MEETINGS + 1 dates: more only says "too many".
  const uncounted = c.meetings.some((m) => m.dates.length > MAX_MEETINGS);
  if (total > MAX_MEETINGS)
    problem(
      ['meetings'],
      `${uncounted ? `more than ${MAX_MEETINGS}` : total} meetings in all; at most ${MAX_MEETINGS} (meet less often)`,
    );
}

export const communityConfigSchema = rawCommunitySchema.transform(normalise).superRefine(checkDates);

/**
 * The dates alone, with their cross-field rules: zod runs those only once every field reads, so
 * a config with a bad title would hide that it ends before it starts.
 */
const datesSchema = rawCommunitySchema
  .pick({ timeZone: true, announcement: true, start: true, end: true, meetings: true })
  .strip()
  .transform((raw, ctx) => normalise(raw as Raw, ctx))
  .superRefine(checkDates);

/** Parses and validates; throws a ValidationError listing every bad field, date rules included. */
export function parseCommunityConfig(input: unknown): CommunityConfig {
  try {
    return parseOrThrow(communityConfigSchema, input, 'the community config');
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    const r = datesSchema.safeParse(input);
    const more = r.success ? [] : formatIssues(r.error).filter((p) => !err.problems.includes(p));
    if (!more.length) throw err;
    throw new ValidationError(err.what, [...err.problems, ...more]);
  }
}

export function communityWorkflowId(slug: string): string {
  return `lcom/${slug}`;
}
