/**
 * Registration for a collaborative's informational calls: a PI registers themself or a colleague
 * of their site (the registerForCall Update checks the call is still to come and the site was
 * announced), and the registrant is then sent the call's calendar invitation through the outbox
 * under `<slug>:info-call-invite:<call>:<email>`, so registering twice sends it once. The reminder
 * goes to the registrants only (mail/recipients.ts).
 *
 * The invitation is sent from here, after the Update succeeded, rather than by the workflow: what
 * the workflow does stays as it was, so running collaboratives and their histories are untouched.
 */
import type { Client } from '@temporalio/client';
import type { Db } from 'mongodb';
import { callRegistrationSchema, type CallRegistration } from '../domain/inputs';
import type { BulkResult } from '../mail/delivery';
import { Notifier } from '../mail/notify';
import type { Outbox } from '../mail/outbox';
import { callRegistrationsOf, type CallRegistrationDoc } from '../store/lifecycle';
import { registerForCall as registerForCallUpdate } from '../workflows';
import { sendUpdate } from './gateway';
import { slugProblems, validate } from './validate';

export type { CallRegistrationDoc } from '../store/lifecycle';

export interface RegistrationOutcome {
  call: number;
  siteId: string;
  email: string;
  /** The calendar invitation: sent now, sent before (an earlier registration), or refused by the SMTP server. */
  invitation: 'sent' | 'already-sent' | 'failed';
}

/** Registers someone of an announced site for informational call `call` (0-based) and invites them. */
export async function registerForCall(
  client: Client,
  db: Db,
  outbox: Outbox,
  slug: string,
  input: unknown,
  at = new Date(),
): Promise<RegistrationOutcome> {
  const r: CallRegistration = validate(callRegistrationSchema, input, 'the registration', slugProblems(slug));
  await sendUpdate(client, { slug }, registerForCallUpdate, r, 'the registration');
  return {
    call: r.call,
    siteId: r.siteId,
    email: r.email,
    invitation: await inviteRegistrant(db, outbox, slug, r, at),
  };
}

/** The registrant's calendar invitation, once per call and email (`at` is the email's event time). */
export async function inviteRegistrant(
  db: Db,
  outbox: Outbox,
  slug: string,
  r: CallRegistration,
  at: Date,
): Promise<RegistrationOutcome['invitation']> {
  const notifier = new Notifier(db, outbox, { concurrency: 1, eventTime: () => at });
  const result: BulkResult = await notifier.inviteRegistrant(slug, r.call, {
    name: r.name,
    email: r.email,
    siteId: r.siteId,
    timeZone: '',
  });
  return result.sent ? 'sent' : result.alreadySent ? 'already-sent' : 'failed';
}

/** Who registered for the collaborative's informational calls, by call then time. */
export const callRegistrations = (db: Db, slug: string): Promise<CallRegistrationDoc[]> =>
  callRegistrationsOf(db, slug);
