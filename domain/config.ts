/**
 * The launch config of a Learning Collaborative: who runs it, which sites hear of it, and its
 * dated schedule. People write dates in the collaborative's time zone; `parseLaunchConfig`
 * returns them as UTC instants, which is what the workflow sleeps until.
 */
import { z } from 'zod';
import { formatIssues, ValidationError } from './errors';
import { emailSchema, personNameSchema, siteSelectionSchema } from './common';
import { DAY, scheduleProblems, type Schedule } from './schedule';
import { metricsConfigSchema } from './metrics';
import { consultationSchema, consultationSeries, MAX_CALLS } from './consultation';
import { reportingPeriods, reportingSchema } from './reporting';
import { dateInputSchema, instantReader, monthlyPeriods, scaledPeriods, timeZoneSchema } from './time';

export type { Call, ConsultationSeries, LearningSession, Schedule } from './schedule';

export const slugSchema = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'lower-case letters, digits and dashes, 2 to 63 characters');

export const personSchema = z.object({ name: personNameSchema, email: emailSchema }).strict();
export type Person = z.infer<typeof personSchema>;

const when = dateInputSchema;

export { MAX_CALLS } from './consultation';

/**
 * What every launch config begins with, collaborative or community: its slug and title, who
 * coordinates it, its time zone and which sites of the network hear of it.
 */
export const programmeFields = {
  slug: slugSchema,
  title: z.string().trim().min(3, 'a title is required').max(200),
  description: z.string().trim().max(4000).optional(),
  timeZone: timeZoneSchema,
  coordinators: z.array(personSchema).min(1, 'name at least one coordinator'),
  sites: siteSelectionSchema,
};

/** A series of calls or meetings: the first, then one every `everyDays` days until the end date. */
export function recurringSchema(limits: { maxEveryDays: number; maxMinutes: number }) {
  return z.object({
    first: when,
    everyDays: z.number().int().min(1).max(limits.maxEveryDays),
    durationMinutes: z.number().int().min(15).max(limits.maxMinutes).default(60),
  });
}

const callSchema = z
  .object({
    start: when,
    durationMinutes: z.number().int().min(15).max(480).default(60),
    link: z.string().url('expected a URL for the call').optional(),
  })
  .strict();

const sessionSchema = z
  .object({
    start: when,
    end: when.optional(),
    venue: z.string().trim().min(1, 'each learning session needs a venue'),
  })
  .strict();

const rawConfigSchema = z
  .object({
    ...programmeFields,
    practice: z.string().trim().min(2, 'name the practice or intervention').max(200),
    faculty: z.array(personSchema).min(1, 'name at least one faculty member'),
    learningSessionCount: z.number().int().min(1).max(6).default(3),
    /** The measures teams report every period, and the chase ladder; none when omitted. */
    metrics: metricsConfigSchema.optional(),
    /** Operational tuning; the defaults suit real collaboratives. */
    limits: z
      .object({
        /** A team workflow continues-as-new past this many history events (Temporal suggests < 4,096). */
        teamHistoryEvents: z.number().int().min(100).max(4000).default(2000),
        /** The collaborative's own workflow continues-as-new past this many events (~36 a team). */
        collaborativeHistoryEvents: z.number().int().min(100).max(4000).default(3000),
      })
      .strict()
      .default({}),
    /** `compressed` relaxes only the 9–18-month span rule, for demos and tests that compress the dates. */
    scheduleChecks: z.enum(['strict', 'compressed']).default('strict'),
    /**
     * A rehearsal in compressed time: how many days of the programme pass in one real day (1440:
     * a day a minute). Every offset in days (reminders, the ladder, digests, grace, pre-work
     * nudges, consultation cadence) and the reporting period (30 days) shrink with it. Compressed
     * schedules only.
     */
    timeScale: z.number().min(1).max(100_000).optional(),
    schedule: z
      .object({
        announcement: when.optional(),
        informationalCalls: z.array(callSchema).max(6).default([]),
        applicationsOpen: when,
        applicationsClose: when,
        decisionsDue: when,
        /** When the decisions go out (default: when they are due). */
        notification: when.optional(),
        prework: when.optional(),
        /** When pre-work should be done (default: the first learning session). */
        preworkEnd: when.optional(),
        /** The first and last month of metrics reporting (defaults: LS1's month; the last due by the end). */
        reporting: reportingSchema.optional(),
        learningSessions: z.array(sessionSchema).min(1, 'list the learning sessions'),
        consultation: z.array(consultationSchema).default([]),
        end: when,
      })
      .strict(),
  })
  .strict();

type Raw = z.infer<typeof rawConfigSchema>;

export type LaunchConfig = Omit<Raw, 'schedule'> & { schedule: Schedule };

function normalise(raw: Raw, ctx: z.RefinementCtx): LaunchConfig {
  const tz = raw.timeZone;
  const at = instantReader(tz, ctx, ['schedule']);
  const s = raw.schedule;
  const schedule: Schedule = {
    periods: [],
    announcement: s.announcement === undefined ? undefined : at(s.announcement, ['announcement']),
    informationalCalls: s.informationalCalls.map((c, i) => ({
      ...c,
      start: at(c.start, ['informationalCalls', i, 'start']),
    })),
    applicationsOpen: at(s.applicationsOpen, ['applicationsOpen']),
    applicationsClose: at(s.applicationsClose, ['applicationsClose']),
    decisionsDue: at(s.decisionsDue, ['decisionsDue']),
    prework: s.prework === undefined ? undefined : at(s.prework, ['prework']),
    ...(s.notification === undefined ? {} : { notification: at(s.notification, ['notification']) }),
    ...(s.preworkEnd === undefined ? {} : { preworkEnd: at(s.preworkEnd, ['preworkEnd']) }),
    learningSessions: s.learningSessions.map((ls, i) => {
      const start = at(ls.start, ['learningSessions', i, 'start']);
      // A session without an end is a one-day session of eight hours.
      const end = ls.end
        ? at(ls.end, ['learningSessions', i, 'end'])
        : start && new Date(Date.parse(start) + 8 * 3600_000).toISOString();
      return { start, end, venue: ls.venue };
    }),
    consultation: [],
    end: at(s.end, ['end']),
  };
  const dayMs = raw.timeScale && raw.timeScale !== 1 ? Math.round(DAY / raw.timeScale) : undefined;
  if (dayMs) schedule.dayMs = dayMs;
  const ls1 = schedule.learningSessions[0]?.start;
  schedule.consultation = s.consultation.map((c, i) =>
    consultationSeries(c, {
      timeZone: tz,
      ls1,
      end: schedule.end,
      dayMs,
      ctx,
      path: ['schedule', 'consultation', i],
    }),
  );
  const months = s.reporting;
  const reportingProblem = (field: string, message: string) =>
    ctx.addIssue({ code: 'custom', path: ['schedule', 'reporting', field], message });
  if (months && !raw.metrics) reportingProblem('firstMonth', 'reporting months need metrics to report');
  else if (months && dayMs)
    reportingProblem(
      'firstMonth',
      'a rehearsal in compressed time (timeScale) reports from the first session on',
    );
  if (raw.metrics && ls1 && schedule.end)
    schedule.periods = dayMs
      ? scaledPeriods(ls1, schedule.end, raw.metrics.dueDay, dayMs, tz)
      : months
        ? reportingPeriods(ls1, schedule.end, raw.metrics.dueDay, tz, months, reportingProblem)
        : monthlyPeriods(ls1, schedule.end, raw.metrics.dueDay, tz);
  return { ...raw, schedule };
}

/** Cross-field rules: the schedule reads in order, and spans what a collaborative spans. */
function checkSchedule(c: LaunchConfig, ctx: z.RefinementCtx): void {
  if (Object.values(c.schedule).some((v) => v === '')) return; // unreadable dates were reported already
  c.schedule.consultation.forEach((series, i) => {
    if (series.calls.length > MAX_CALLS)
      ctx.addIssue({
        code: 'custom',
        path: ['schedule', 'consultation', i, series.recurrence ? 'count' : 'everyDays'],
        message: `more than ${MAX_CALLS} calls in this series; call less often`,
      });
  });
  if (c.timeScale && c.timeScale !== 1 && c.scheduleChecks === 'strict')
    ctx.addIssue({
      code: 'custom',
      path: ['timeScale'],
      message: 'a time scale is for rehearsals: set scheduleChecks: compressed, or leave timeScale out',
    });
  const rules = { learningSessionCount: c.learningSessionCount, strictSpan: c.scheduleChecks === 'strict' };
  for (const p of scheduleProblems(c.schedule, rules))
    ctx.addIssue({ code: 'custom', path: p.path, message: p.message });
}

export const launchConfigSchema = rawConfigSchema.transform(normalise).superRefine(checkSchedule);

/**
 * The schedule's part of a config alone, with its cross-field rules: the whole schema's superRefine
 * runs only once every field passes, so without this a wrong close date shows only after a wrong
 * email is fixed.
 */
const SCHEDULE_FIELDS = {
  timeZone: true,
  learningSessionCount: true,
  scheduleChecks: true,
  timeScale: true,
  schedule: true,
} as const;
const scheduleAlone = (withMetrics: boolean) =>
  rawConfigSchema
    .pick(withMetrics ? { ...SCHEDULE_FIELDS, metrics: true } : SCHEDULE_FIELDS)
    .strip()
    .transform((raw, ctx) => normalise(raw as Raw, ctx))
    .superRefine(checkSchedule);
const scheduleAloneSchema = scheduleAlone(false);
const scheduleWithMetricsSchema = scheduleAlone(true);

/** Every problem of a config at once, as `path: message` lines: the schema's and the schedule's rules. */
export function launchConfigProblems(input: unknown): string[] {
  const whole = launchConfigSchema.safeParse(input);
  if (whole.success) return [];
  // The reporting months are read against the metrics: with the metrics wrong, the schedule is
  // checked without them, and what it says of the reporting months waits for them to be fixed.
  const metricsWrong = whole.error.issues.some((i) => i.path[0] === 'metrics');
  const schedule = (metricsWrong ? scheduleAloneSchema : scheduleWithMetricsSchema).safeParse(input);
  const scheduleIssues = schedule.success
    ? []
    : schedule.error.issues.filter((i) => !(metricsWrong && i.path[1] === 'reporting'));
  return [...new Set(formatIssues(new z.ZodError([...whole.error.issues, ...scheduleIssues])))];
}

/** Parses and validates; throws a ValidationError listing every bad field. */
export function parseLaunchConfig(input: unknown): LaunchConfig {
  const r = launchConfigSchema.safeParse(input);
  if (r.success) return r.data;
  throw new ValidationError('the launch config', launchConfigProblems(input));
}

export { workflowIdFor } from './common';
