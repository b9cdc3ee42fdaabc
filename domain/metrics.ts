/**
 * Metrics: the measures a collaborative collects each reporting period, the periods and their
 * due dates, the per-collaborative submission schema, and the chase ladder. Pure.
 */
import { z } from 'zod';
import { emailSchema } from './common';
import { formatIssues } from './errors';
import { DAY, ms, plus, type ReportingPeriod } from './schedule';

export const MEASURE_TYPES = ['count', 'percentage', 'yesno', 'text'] as const;

export const measureSchema = z
  .object({
    key: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,39}$/, 'lower-case letters, digits and _ (e.g. sessions_delivered)'),
    name: z.string().trim().min(2).max(200),
    type: z.enum(MEASURE_TYPES, {
      errorMap: () => ({ message: 'type is count, percentage, yesno or text' }),
    }),
    min: z.number().optional(),
    max: z.number().optional(),
    required: z.boolean().default(true),
    coreDataSet: z.boolean().default(false),
    target: z.number().optional(),
    /**
     * Which way is better, for reading run-chart signals as improvement or deterioration. Optional
     * (no default in the schema, so configs written before it parse to the same value); read it
     * with betterOf(), which gives 'higher' when it is not set.
     */
    better: z
      .enum(['higher', 'lower'], { errorMap: () => ({ message: 'better is higher or lower' }) })
      .optional(),
  })
  .strict()
  .refine((m) => m.min === undefined || m.max === undefined || m.min <= m.max, {
    message: 'min must not exceed max',
    path: ['max'],
  });
export type Measure = z.infer<typeof measureSchema>;

/** A measure's desired direction: as configured, else 'higher' (fidelity, children served, …). */
export function betterOf(m: Pick<Measure, 'better'>): 'higher' | 'lower' {
  return m.better ?? 'higher';
}

export const ladderSchema = z
  .object({
    /** Days after the due date: a second reminder to the data manager and the contact person. */
    secondAfterDays: z.number().int().min(1).max(60).default(7),
    /** Days after the due date: to the senior leader. */
    seniorAfterDays: z.number().int().min(1).max(90).default(14),
    /** Days after the due date from which the team appears in the weekly digest to faculty and coordinators. */
    digestAfterDays: z.number().int().min(1).max(120).default(21),
  })
  .strict()
  .refine((l) => l.secondAfterDays < l.seniorAfterDays && l.seniorAfterDays <= l.digestAfterDays, {
    message: 'the ladder climbs: secondAfterDays < seniorAfterDays <= digestAfterDays',
  });
export type Ladder = z.infer<typeof ladderSchema>;

export const metricsConfigSchema = z
  .object({
    /** Reporting periods are calendar months (the only period supported today). */
    period: z.literal('monthly').default('monthly'),
    /** Day of the month after a period by which its data is due (09:00 in the collaborative's zone). */
    dueDay: z.number().int().min(1).max(28).default(10),
    /** Days after the due date that still count as on time. */
    graceDays: z.number().int().min(0).max(30).default(0),
    measures: z.array(measureSchema).min(1, 'list at least one measure'),
    ladder: ladderSchema.default({}),
  })
  .strict()
  .superRefine((m, ctx) => {
    const seen = new Set<string>();
    m.measures.forEach((x, i) => {
      if (seen.has(x.key))
        ctx.addIssue({
          code: 'custom',
          path: ['measures', i, 'key'],
          message: `measure "${x.key}" is listed twice`,
        });
      seen.add(x.key);
    });
  });
export type MetricsConfig = z.infer<typeof metricsConfigSchema>;

export type Period = ReportingPeriod;

export type SubmissionValues = Record<string, number | boolean | string | null>;

/** The zod schema of one submission's values, built from the collaborative's measures. */
export function valuesSchema(measures: Measure[]) {
  const shape: Record<string, z.ZodTypeAny> = {};
  for (const m of measures) {
    let t: z.ZodTypeAny;
    if (m.type === 'yesno')
      t = z.boolean({ invalid_type_error: `${m.name}: answer yes (true) or no (false)` });
    else if (m.type === 'text') t = z.string().trim().max(2000);
    else {
      const lo = m.min ?? 0;
      const hi = m.max ?? (m.type === 'percentage' ? 100 : 1_000_000);
      let n = z.number({ invalid_type_error: `${m.name}: expected a number` });
      if (m.type === 'count') n = n.int(`${m.name}: a count is a whole number`);
      t = n.min(lo, `${m.name}: at least ${lo}`).max(hi, `${m.name}: at most ${hi}`);
    }
    shape[m.key] = m.required ? t : t.nullable().optional();
  }
  return z.object(shape).strict();
}

/** One measure's value as sent: never an object (a MongoDB operator such as {"$gt": ""} is not a value). */
const submittedValue = z.union([z.number(), z.boolean(), z.string(), z.null()], {
  errorMap: () => ({ message: 'expected a number, true or false, text, or nothing (null)' }),
});

const submissionFields = {
  period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month such as 2027-06'),
  by: emailSchema,
};

/** A submission as sent (CLI, web): its values are checked against the measures by the team workflow. */
export const submissionSchema = z
  .object({
    ...submissionFields,
    values: z.record(
      z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'not a measure key (lower-case letters, digits and _)'),
      submittedValue,
    ),
  })
  .strict();

/** The envelope alone: parseSubmission checks the values against the measures, with their names. */
const envelopeSchema = z.object({ ...submissionFields, values: z.record(z.unknown()) }).strict();
export type Submission = { period: string; values: SubmissionValues; by: string };

/** Validates a submission against the measures; throws one Error naming every bad field. */
export function parseSubmission(measures: Measure[], input: unknown): Submission {
  const outer = envelopeSchema.safeParse(input);
  if (!outer.success) throw new Error(`the submission is invalid: ${formatIssues(outer.error).join('; ')}`);
  const values = valuesSchema(measures).safeParse(outer.data.values);
  if (!values.success) {
    const issues = values.error.issues.map((i) => ({ ...i, path: ['values', ...i.path] }));
    throw new Error(`the submission is invalid: ${formatIssues(new z.ZodError(issues)).join('; ')}`);
  }
  return { ...outer.data, values: values.data as SubmissionValues };
}

/** When a period's data counts as late. */
export function lateAfter(p: Period, graceDays: number, day = DAY): number {
  return ms(p.due) + graceDays * day;
}

export type Rung = 1 | 2 | 3;
export function rungTime(p: Period, rung: Rung, ladder: Ladder, day = DAY): string {
  return rung === 1
    ? p.due
    : plus(p.due, (rung === 2 ? ladder.secondAfterDays : ladder.seniorAfterDays) * day);
}

export type ComplianceCell = 'on-time' | 'late' | 'missing' | 'not-yet-due';

export function complianceOf(
  p: Period,
  submittedAt: number | undefined,
  now: number,
  graceDays: number,
  day = DAY,
): ComplianceCell {
  const late = lateAfter(p, graceDays, day);
  if (submittedAt !== undefined) return submittedAt > late ? 'late' : 'on-time';
  return now > late ? 'missing' : 'not-yet-due';
}
