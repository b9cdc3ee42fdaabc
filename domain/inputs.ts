/**
 * Every input people send to a running collaborative, as zod schemas. The same schemas validate
 * at the edge (CLI, web, API) and again inside the workflow's Update validators, so bad input
 * is refused with the same message wherever it comes from.
 */
import { z } from 'zod';
import { emailSchema, personNameSchema, siteIdSchema } from './common';
import { formatIssues } from './errors';

const person = z.object({ name: personNameSchema, email: emailSchema }).strict();
export const ROLES = ['senior-leader', 'supervisor', 'clinician', 'other'] as const;
const member = person
  .extend({
    role: z.enum(ROLES, {
      errorMap: () => ({ message: 'choose a role: senior-leader, supervisor, clinician or other' }),
    }),
  })
  .strict();

/** The core team: 3–8 named members with at least one senior leader, one supervisor and one clinician. */
export const coreTeamSchema = z
  .object({
    members: z
      .array(member)
      .min(3, 'name at least 3 core-team members: a senior leader, a clinical supervisor and a clinician')
      .max(8, 'a core team names at most 8 members'),
    dataManager: person,
    contactPerson: person,
  })
  .strict()
  .superRefine((team, ctx) => {
    const has = (role: (typeof ROLES)[number]) => team.members.some((m) => m.role === role);
    const need: [(typeof ROLES)[number], string][] = [
      ['senior-leader', 'the core team needs a senior leader'],
      ['supervisor', 'the core team needs a clinical supervisor'],
      ['clinician', 'the core team needs at least one clinician'],
    ];
    for (const [role, message] of need)
      if (!has(role)) ctx.addIssue({ code: 'custom', path: ['members'], message });
    const seen = new Set<string>();
    team.members.forEach((m, i) => {
      if (m.email && seen.has(m.email))
        // a blank email has its own problem already
        ctx.addIssue({
          code: 'custom',
          path: ['members', i, 'email'],
          message: `${m.email} is listed twice`,
        });
      seen.add(m.email);
    });
  });
export type CoreTeam = z.infer<typeof coreTeamSchema>;

const mustCommit = (what: string) =>
  z.literal(true, { errorMap: () => ({ message: `${what} is required to apply` }) });

/** An application carries the four criteria of the collaborative. */
export const applicationSchema = z
  .object({
    siteId: siteIdSchema,
    submittedBy: emailSchema,
    readiness: z
      .string({ required_error: "describe the organisation's readiness to adopt the practice" })
      .trim()
      .min(20, "describe the organisation's readiness to adopt the practice (20 characters at least)")
      .max(5000),
    commitCoreDataSet: mustCommit('the commitment to use the Core Data Set and submit metrics'),
    commitAllSessions: mustCommit('the commitment to send the core team to all learning sessions'),
    coreTeam: coreTeamSchema,
  })
  .strict();
export type Application = z.infer<typeof applicationSchema>;

export const DECISIONS = ['accept', 'waitlist', 'decline'] as const;
export type DecisionKind = (typeof DECISIONS)[number];
export const decisionSchema = z
  .object({
    siteId: siteIdSchema,
    decision: z.enum(DECISIONS, {
      errorMap: () => ({ message: 'decision must be accept, waitlist or decline' }),
    }),
    notes: z.string().trim().max(4000).default(''),
    by: emailSchema,
  })
  .strict();
export type Decision = z.infer<typeof decisionSchema>;

export const withdrawalSchema = z
  .object({
    siteId: siteIdSchema,
    reason: z.string().trim().min(3, 'give a reason for the withdrawal').max(2000),
    by: emailSchema.optional(),
    /**
     * After LS1 has begun the place is not filled from the waiting list unless the coordinator
     * chooses to: the promoted team then joins late and catches up.
     */
    promoteLate: z.boolean().optional(),
  })
  .strict();
export type Withdrawal = z.infer<typeof withdrawalSchema>;

export const rescheduleSchema = z
  .object({
    milestone: z
      .string()
      .trim()
      .min(1, 'name the milestone to move, e.g. learningSessions[1] or applicationsClose'),
    at: z.string().trim().min(1, 'give the new date'),
    by: emailSchema,
  })
  .strict();
export type Reschedule = z.infer<typeof rescheduleSchema>;

export const cancelSchema = z
  .object({ reason: z.string().trim().min(3, 'give a reason for cancelling').max(2000), by: emailSchema })
  .strict();
export type Cancel = z.infer<typeof cancelSchema>;

/** A faculty member added to a running collaborative by a coordinator (`by`). */
export const addFacultySchema = person.extend({ by: emailSchema }).strict();
export type AddFaculty = z.infer<typeof addFacultySchema>;

/** A site of the directory added to the announcement after it went out, while applications are open. */
export const addSiteSchema = z.object({ siteId: siteIdSchema, by: emailSchema }).strict();
export type AddSite = z.infer<typeof addSiteSchema>;

export const feedbackSchema = z
  .object({
    siteId: siteIdSchema,
    by: emailSchema,
    text: z.string().trim().min(3, 'the feedback is empty').max(10_000),
  })
  .strict();
export type Feedback = z.infer<typeof feedbackSchema>;

export const callRegistrationSchema = z
  .object({ call: z.number().int().min(0), siteId: siteIdSchema, name: personNameSchema, email: emailSchema })
  .strict();
export type CallRegistration = z.infer<typeof callRegistrationSchema>;

export const callAttendanceSchema = z
  .object({
    call: z.number().int().min(0),
    siteIds: z.array(siteIdSchema).min(1, 'list the sites that attended'),
  })
  .strict();
export type CallAttendance = z.infer<typeof callAttendanceSchema>;

export const attendanceSchema = z
  .object({
    session: z.number().int().min(0, 'session is 0-based: 0, 1 or 2'),
    attendees: z
      .array(z.object({ email: emailSchema, present: z.boolean() }).strict())
      .min(1, 'list the core-team members and whether each was present'),
    by: emailSchema,
  })
  .strict();
export type Attendance = z.infer<typeof attendanceSchema>;

export const PREWORK_ITEMS = ['checklist', 'commitment', 'baseline'] as const;
export type PreworkItem = (typeof PREWORK_ITEMS)[number];
/** One of `values`; anything else is refused with `message`, which names the choices. */
const oneOf = <T extends [string, ...string[]]>(values: T, message: string) =>
  z.enum(values, { errorMap: () => ({ message }) });

export const preworkSchema = z
  .object({
    item: oneOf([...PREWORK_ITEMS], 'pre-work item is checklist, commitment or baseline'),
    by: emailSchema,
  })
  .strict();
export type PreworkDone = z.infer<typeof preworkSchema>;

// ---- a Learning Community's inputs -------------------------------------------------------------

/** Anyone from the network's organisations joins; `siteId` names their organisation when they give it. */
export const joinSchema = person.extend({ siteId: siteIdSchema.optional() }).strict();
export type Join = z.infer<typeof joinSchema>;

export const leaveSchema = z.object({ email: emailSchema }).strict();
export type Leave = z.infer<typeof leaveSchema>;

export const SHARE_KINDS = ['barrier', 'solution', 'innovation'] as const;
export type ShareKind = (typeof SHARE_KINDS)[number];
/** What members share between meetings: a barrier they met, a solution, an innovation. */
export const shareSchema = z
  .object({
    kind: oneOf([...SHARE_KINDS], 'kind must be barrier, solution or innovation'),
    title: z.string().trim().min(3, 'give what you share a title (3 characters at least)').max(200),
    text: z.string().trim().min(3, 'the text is empty').max(10_000),
    by: emailSchema,
  })
  .strict();
export type Share = z.infer<typeof shareSchema>;

/** What a facilitator records about a meeting that took place (numbered from 0 in time order). */
const aboutMeeting = z.object({
  meeting: z.number().int().min(0, 'meeting is 0-based: 0 for the first meeting'),
  by: emailSchema,
});

export const meetingAttendanceSchema = aboutMeeting
  .extend({ emails: z.array(emailSchema).min(1, 'list the members who attended') })
  .strict();
export type MeetingAttendance = z.infer<typeof meetingAttendanceSchema>;

export const meetingSummarySchema = aboutMeeting
  .extend({ text: z.string().trim().min(3, 'the summary is empty').max(20_000) })
  .strict();
export type MeetingSummary = z.infer<typeof meetingSummarySchema>;

/** Parses or throws one Error whose message lists every problem: what Update validators throw. */
export function parseInput<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, input: unknown, what: string): T {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  throw new Error(`${what} is invalid: ${formatIssues(r.error).join('; ')}`);
}
