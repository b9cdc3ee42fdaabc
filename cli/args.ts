/** Reading the CLI's arguments into the inputs the use cases take (the schemas check them there). */
import { readStructuredFile, splitList } from '../app/reading';
import { requiredReadably, siteProblems, slugProblems, validate, type Schema } from '../app/validate';
import { emailSchema } from '../domain/common';
import { formatIssues, ValidationError } from '../domain/errors';
import {
  attendanceSchema,
  meetingAttendanceSchema,
  meetingSummarySchema,
  type Attendance,
} from '../domain/inputs';
import { submissionSchema, type Submission } from '../domain/metrics';

/**
 * Attendance as a coordinator gives it: sessions numbered from 1 (LS1 = 1), comma-separated
 * lists of who was present and absent. Returns the schema's shape (0-based session) or throws a
 * ValidationError listing every problem.
 */
export function attendanceFromArgs(args: {
  slug?: string;
  siteId?: string;
  session?: string;
  present?: string;
  absent?: string;
  by?: string;
}): Attendance {
  const problems: string[] = [
    ...(args.slug === undefined ? [] : slugProblems(args.slug)),
    ...(args.siteId === undefined ? [] : siteProblems(args.siteId)),
  ];
  const session = String(args.session ?? '').trim();
  const n = /^(ls)?\d+$/i.test(session) ? Number(session.replace(/^ls/i, '')) : NaN;
  if (!session) problems.push('session: required (sessions are numbered from 1: LS1 = 1)');
  else if (!(n >= 1))
    problems.push(`session: "${session}" is not a session number; sessions are numbered from 1 (LS1 = 1)`);
  const present = splitList(args.present);
  const absent = splitList(args.absent);
  for (const [flag, list] of [
    ['present', present],
    ['absent', absent],
  ] as const)
    for (const email of list)
      if (!emailSchema.safeParse(email).success)
        problems.push(`${flag}: "${email}" is not a valid email address`);
  const lower = new Set(present.map((e) => e.toLowerCase()));
  const both = absent.filter((e) => lower.has(e.toLowerCase()));
  if (both.length) problems.push(`listed as both present and absent: ${both.join(', ')}`);
  if (!present.length && !absent.length)
    problems.push('present: list the core-team members who attended (and with --absent, those who did not)');
  const by = emailSchema.safeParse(args.by);
  if (args.by === undefined) problems.push('by: required');
  else if (!by.success) problems.push(`by: "${args.by}" is not a valid email address`);
  if (problems.length) throw new ValidationError('the attendance', problems);
  return validate(
    attendanceSchema,
    {
      session: n - 1,
      attendees: [
        ...present.map((email) => ({ email, present: true })),
        ...absent.map((email) => ({ email, present: false })),
      ],
      by: args.by,
    },
    'the attendance',
  );
}

// ---- metrics: a team's submission --------------------------------------------------------------

/**
 * A team's metrics for one period as the CLI gives them: the period (`2027-06`), the values
 * object read from a .yaml or .json file, and who submits. Checks the envelope here (slug, site
 * id, period, values is a mapping, by is an email); the values themselves are checked against the
 * collaborative's measures by the team workflow's validator, whose message a refusal carries.
 */
export function metricsFromArgs(args: {
  slug: string;
  siteId: string;
  period: string;
  file: string;
  by?: string;
}): Submission {
  const values = readStructuredFile(args.file);
  const problems = [...slugProblems(args.slug), ...siteProblems(args.siteId)];
  if (values === null || typeof values !== 'object' || Array.isArray(values))
    problems.push(
      `values: ${args.file} must hold the values object, one key per measure (e.g. children_served: 12)`,
    );
  const r = submissionSchema.safeParse({
    period: String(args.period ?? '').trim(),
    values: problems.length ? {} : values,
    by: args.by,
  });
  if (!r.success)
    problems.push(
      // The period's own message names the field already: "period: period: …" reads as "period: …".
      ...formatIssues(r.error).map((p) => requiredReadably(p).replace(/^(\w+): \1: /, '$1: ')),
    );
  if (problems.length || !r.success) throw new ValidationError(`the metrics in ${args.file}`, problems);
  return r.data as Submission;
}

/**
 * A meeting as people number it, from 1 (`3`, or `M3`), checked and made the schemas' 0-based
 * number; a problem is added to `problems`.
 */
export function meetingFromArg(value: string | undefined, problems: string[]): number {
  const text = String(value ?? '').trim();
  const n = /^m?\d+$/i.test(text) ? Number(text.replace(/^m/i, '')) : NaN;
  if (!text) problems.push('meeting: required (meetings are numbered from 1, in time order)');
  else if (!(n >= 1))
    problems.push(`meeting: "${text}" is not a meeting number; meetings are numbered from 1`);
  return n - 1;
}

/** A facilitator's record of a meeting as the CLI gives it: the meeting numbered from 1, who records it. */
export function meetingInput<T>(
  schema: Schema<T>,
  what: string,
  args: { meeting?: string; by?: string },
  rest: object,
): T {
  const problems: string[] = [];
  const meeting = meetingFromArg(args.meeting, problems);
  // A bad meeting number is reported once, as people number meetings (from 1).
  return validate(schema, { meeting: problems.length ? 0 : meeting, by: args.by, ...rest }, what, problems);
}

/** Who of the members attended a meeting: `present` is a comma-separated list of their emails. */
export function meetingAttendanceFromArgs(args: { meeting?: string; present?: string; by?: string }) {
  return meetingInput(meetingAttendanceSchema, 'the attendance', args, { emails: splitList(args.present) });
}

/** A facilitator's summary of a meeting; the members are emailed it. */
export function meetingSummaryFromArgs(args: { meeting?: string; text?: string; by?: string }) {
  return meetingInput(meetingSummarySchema, 'the summary', args, { text: args.text });
}

/**
 * An informational call as the emails number it, from 1, as the schema's 0-based number; what is
 * not a number is passed on as it is, for the schema to name.
 */
export function callFromArg(value: string | undefined): unknown {
  const text = String(value ?? '').trim();
  return /^\d+$/.test(text) ? Number(text) - 1 : value;
}
