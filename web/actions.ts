/**
 * What the web app lets people do, once, for both the HTML forms and the JSON API: each action
 * names the roles that may take it, reads its input with the CLI's zod schemas (through the
 * operations in app/) and sends it to the running workflow.
 */
import type { Client } from '@temporalio/client';
import type { Db } from 'mongodb';
import { z } from 'zod';
import { ValidationError } from '../domain/errors';
import { formatInZone } from '../domain/dates';
import { DECISIONS, PREWORK_ITEMS } from '../domain/inputs';
import { milestoneLabel } from '../domain/schedule';
import { submissionSchema, valuesSchema, type Measure, type Submission } from '../domain/metrics';
import * as ops from '../app';
import type { Role } from './auth';

export interface ActionContext {
  client: Client;
  db: Db;
  slug: string;
  by: string;
}

const text = (max: number) => z.string().max(max);
const emails = z
  .union([z.array(z.string().max(320)).max(50), z.string().max(4000)], {
    // zod's own word for a union that fails ("Invalid input") says nothing of what to send.
    errorMap: (issue, ctx) => ({
      message:
        issue.code === 'invalid_union'
          ? 'expected email addresses: a list, or text separated by commas'
          : ctx.defaultError,
    }),
  })
  .default([]);
/** A box ticked: 'yes' from a form, a boolean from the API; in words when it is neither. */
const yesOrBoolean = (words: string) =>
  z.union([z.literal('yes'), z.boolean()], {
    errorMap: (issue, ctx) => ({ message: issue.code === 'invalid_union' ? words : ctx.defaultError }),
  });
const list = (v: string | string[]): string[] => (Array.isArray(v) ? v : ops.splitList(v));

/** The body of each collaborative action as the API and the forms give it (before the domain schema). */
export const ACTION_BODIES = {
  decide: z
    .object({
      siteId: text(64),
      decision: z.enum(DECISIONS, {
        errorMap: () => ({ message: 'choose accept, waitlist or decline' }),
      }),
      notes: text(4000).default(''),
    })
    .strict(),
  reschedule: z.object({ milestone: text(100), date: text(100) }).strict(),
  cancel: z.object({ reason: text(2000), confirm: z.literal('yes').optional() }).strict(),
  attendance: z
    .object({
      siteId: text(64),
      session: z.coerce.number().int().min(0).max(10),
      present: emails,
      absent: emails,
    })
    .strict(),
  feedback: z.object({ siteId: text(64), text: text(10_000) }).strict(),
  withdraw: z
    .object({
      siteId: text(64),
      reason: text(2000),
      // Forms send a checkbox's value, the API a boolean; both say the same.
      promoteLate: yesOrBoolean('to promote after the sessions have begun, send yes or true').optional(),
      confirm: yesOrBoolean('to confirm the withdrawal, tick the box (send yes or true)').optional(),
    })
    .strict(),
  addFaculty: z.object({ name: text(200), email: text(320) }).strict(),
  addSite: z.object({ siteId: text(64) }).strict(),
} as const;
export type ActionName = keyof typeof ACTION_BODIES;

/** Where each action is posted: `/c/:slug/<path>` (forms) and `/api/collaboratives/{slug}/<path>`. */
export const ACTION_PATH: Record<ActionName, string> = {
  decide: 'decisions',
  reschedule: 'reschedule',
  cancel: 'cancel',
  attendance: 'attendance',
  feedback: 'feedback',
  withdraw: 'withdraw',
  addFaculty: 'add-faculty',
  addSite: 'add-site',
};

export const ACTION_ROLES: Record<ActionName, Role[]> = {
  // The workflow takes decisions and feedback from the collaborative's faculty only.
  decide: ['faculty'],
  reschedule: ['coordinator'],
  cancel: ['coordinator'],
  attendance: ['coordinator', 'faculty'],
  feedback: ['faculty'],
  withdraw: ['coordinator'],
  addFaculty: ['coordinator'],
  addSite: ['coordinator'],
};

/** Parses an action's body; throws a ValidationError naming each bad field. */
export function actionBody<N extends ActionName>(name: N, body: unknown): z.infer<(typeof ACTION_BODIES)[N]> {
  return ops.validate(
    ACTION_BODIES[name] as z.ZodType<z.infer<(typeof ACTION_BODIES)[N]>, z.ZodTypeDef, unknown>,
    body ?? {},
    `the ${name}`,
  );
}

export async function runAction(name: ActionName, c: ActionContext, body: unknown): Promise<string> {
  switch (name) {
    case 'decide': {
      const b = actionBody('decide', body);
      const r = await ops.recordDecision(c.client, c.slug, { ...b, by: c.by });
      return `Recorded: ${r.siteId} ${r.decision}.`;
    }
    case 'reschedule': {
      const b = actionBody('reschedule', body);
      const r = await ops.reschedule(c.client, c.db, c.slug, { ...b, by: c.by });
      return `Moved ${milestoneLabel(r.milestone)} to ${formatInZone(r.at, r.timeZone)} (schedule version ${r.version}).`;
    }
    case 'cancel': {
      const b = actionBody('cancel', body);
      if (b.confirm !== 'yes')
        throw new ValidationError('the cancellation', ['confirm: tick the box to confirm']);
      await ops.cancel(c.client, c.slug, { reason: b.reason, by: c.by });
      return 'The collaborative is cancelled; every team is told.';
    }
    case 'attendance': {
      const b = actionBody('attendance', body);
      const attendees = [
        ...list(b.present).map((email) => ({ email, present: true })),
        ...list(b.absent).map((email) => ({ email, present: false })),
      ];
      await ops.recordAttendance(c.client, c.slug, b.siteId, { session: b.session, attendees, by: c.by });
      return `Recorded attendance at learning session ${b.session + 1} for ${b.siteId}.`;
    }
    case 'feedback': {
      const b = actionBody('feedback', body);
      await ops.recordFeedback(c.client, c.slug, { ...b, by: c.by });
      return `Feedback sent to ${b.siteId}.`;
    }
    case 'withdraw': {
      const b = actionBody('withdraw', body);
      if (b.confirm !== 'yes' && b.confirm !== true)
        throw new ValidationError('the withdrawal', ['confirm: tick the box to confirm the withdrawal']);
      const late = b.promoteLate === 'yes' || b.promoteLate === true;
      // The workflow promotes the first waitlisted team (after LS1 only when asked) and says which.
      const r = await ops.withdraw(c.client, c.slug, {
        siteId: b.siteId,
        reason: b.reason,
        by: c.by,
        ...(late ? { promoteLate: true } : {}),
      });
      return `Withdrawn: ${r.siteId}. ${r.promoted ? `Promoted from the waiting list: ${r.promoted}.` : 'No team was promoted from the waiting list.'}`;
    }
    case 'addFaculty': {
      const b = actionBody('addFaculty', body);
      const r = await ops.addFaculty(c.client, c.db, c.slug, { ...b, by: c.by });
      return `Added ${b.name.trim()} (${r.email}) to the faculty: they can sign in and review now.`;
    }
    case 'addSite': {
      const b = actionBody('addSite', body);
      const r = await ops.announceLateSite(c.client, c.db, c.slug, { ...b, by: c.by });
      return `Announced to ${r.siteId}: its PI receives the announcement and may apply.`;
    }
  }
}

// ---- actions through a team member's link ------------------------------------------------------

export const TEAM_BODIES = {
  metrics: submissionSchema.omit({ by: true }),
  attendance: z.object({ session: z.coerce.number().int().min(0).max(10), present: emails }).strict(),
  prework: z.object({ item: z.enum(PREWORK_ITEMS) }).strict(),
} as const;

/**
 * Sends a period's metrics. With the collaborative's measures, the values are checked against them
 * first (the schema the team workflow applies), so that each problem names its own field.
 */
export async function submitTeamMetrics(
  c: ActionContext & { siteId: string },
  input: unknown,
  measures?: Measure[],
): Promise<string> {
  const schema = measures ? submissionSchema.extend({ values: valuesSchema(measures) }) : submissionSchema;
  const s = ops.validate(schema, input, 'the metrics') as Submission;
  const r = await ops.submitMetrics(c.client, c.slug, c.siteId, s);
  return `Thank you: the metrics for ${r.period} are recorded${r.late ? ' (late)' : ''}${r.amendment ? ' as an amendment' : ''}.`;
}

export async function recordTeamAttendance(
  c: ActionContext & { siteId: string },
  roster: string[],
  body: unknown,
): Promise<string> {
  const b = ops.validate(TEAM_BODIES.attendance, body ?? {}, 'the attendance');
  const present = new Set(list(b.present));
  const attendees = roster.map((email) => ({ email, present: present.has(email) }));
  await ops.recordAttendance(c.client, c.slug, c.siteId, { session: b.session, attendees, by: c.by });
  return `Recorded who attended learning session ${b.session + 1}.`;
}

export async function completeTeamPrework(
  c: ActionContext & { siteId: string },
  body: unknown,
): Promise<string> {
  const b = ops.validate(TEAM_BODIES.prework, body ?? {}, 'the pre-work');
  await ops.completePrework(c.client, c.slug, c.siteId, { item: b.item, by: c.by });
  return `Marked ${b.item} as done.`;
}
