/**
 * What teams share with each other and with faculty: their PDSA cycles (tests of change, IHI's
 * Plan–Do–Study–Act), the faculty's answers to them, and the collaborative's resource library.
 *
 * A cycle is planned first (the change and the prediction) and studied later (what happened, what
 * was learned); it stays open, and editable, until the team decides to adopt, adapt or abandon
 * the change: a decision needs what happened and what was learned, since it is drawn from them.
 */
import { z } from 'zod';
import { emailSchema } from './common';

export const PDSA_DECISIONS = ['adopt', 'adapt', 'abandon'] as const;
export type PdsaDecision = (typeof PDSA_DECISIONS)[number];

export const PDSA_DECISION_WORDS: Record<PdsaDecision, string> = {
  adopt: 'Adopt: keep the change',
  adapt: 'Adapt: change it and test again',
  abandon: 'Abandon: stop testing it',
};

const text = (what: string, max = 4000) =>
  z
    .string({ required_error: `describe ${what}` })
    .trim()
    .min(1, `describe ${what}`)
    .max(max, `keep ${what} under ${max} characters`);
/** A field the team fills in later: blank is "not yet". */
const later = (what: string) =>
  z
    .string()
    .trim()
    .max(4000, `keep ${what} under 4000 characters`)
    .optional()
    .transform((v) => (v ? v : undefined));

export const pdsaCycleSchema = z
  .object({
    /** The key of one of the collaborative's measures (checked against its config by `checkMeasure`). */
    measure: z.string({ required_error: 'choose the measure' }).trim().min(1, 'choose the measure'),
    change: text('the change you are testing'),
    prediction: text('what you predict will happen'),
    observed: later('what happened'),
    learned: later('what you learned'),
    decision: z
      .union([z.enum(PDSA_DECISIONS), z.literal('')], {
        errorMap: () => ({ message: 'choose adopt, adapt or abandon (or leave it open)' }),
      })
      .optional()
      .transform((v) => (v ? v : undefined)),
    by: emailSchema,
  })
  .strict()
  .superRefine((c, ctx) => {
    if (!c.decision) return;
    if (!c.observed)
      ctx.addIssue({ code: 'custom', path: ['observed'], message: 'say what happened before deciding' });
    if (!c.learned)
      ctx.addIssue({ code: 'custom', path: ['learned'], message: 'say what you learned before deciding' });
  });
export type PdsaCycleInput = z.input<typeof pdsaCycleSchema>;
export type PdsaCycle = z.infer<typeof pdsaCycleSchema>;

/** The measure must be one of the collaborative's: the problem, or none. */
export function measureProblems(measure: string, keys: string[]): string[] {
  return keys.includes(measure) ? [] : [`measure: choose one of the collaborative's measures`];
}

/** A cycle is open (editable by its team) until the team has decided what to do with the change. */
export const cycleOpen = (c: { decision?: PdsaDecision }) => !c.decision;

export const pdsaAnswerSchema = z
  .object({
    text: z
      .string({ required_error: 'write the answer' })
      .trim()
      .min(3, 'write the answer (at least 3 characters)')
      .max(10_000, 'keep the answer under 10,000 characters'),
    by: emailSchema,
  })
  .strict();
export type PdsaAnswer = z.infer<typeof pdsaAnswerSchema>;

export const RESOURCE_KINDS = ['document', 'recording', 'link'] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];
export const RESOURCE_KIND_WORDS: Record<ResourceKind, string> = {
  document: 'Document',
  recording: 'Recording',
  link: 'Web link',
};

export const resourceSchema = z
  .object({
    title: text('the resource', 200),
    kind: z.enum(RESOURCE_KINDS, {
      errorMap: () => ({ message: 'choose a document, a recording or a web link' }),
    }),
    url: z
      .string({ required_error: 'give the address (https://…)' })
      .trim()
      .max(2000, 'keep the address under 2000 characters')
      .refine((u) => {
        try {
          return ['https:', 'http:'].includes(new URL(u).protocol);
        } catch {
          return false;
        }
      }, 'give a web address starting with https:// or http://'),
    /** The learning session (0-based) it belongs to; none: the whole collaborative's. */
    session: z
      .union([z.number().int().min(0), z.literal('')], {
        errorMap: () => ({ message: 'choose a learning session, or none' }),
      })
      .optional()
      .transform((v) => (v === '' ? undefined : v)),
    by: emailSchema,
  })
  .strict();
export type ResourceInput = z.input<typeof resourceSchema>;
export type Resource = z.infer<typeof resourceSchema>;

/** The session must be one of the schedule's: the problem, or none. */
export function sessionProblems(session: number | undefined, sessions: number): string[] {
  return session === undefined || session < sessions
    ? []
    : [`session: choose one of the ${sessions} learning sessions, or none`];
}
