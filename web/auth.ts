/**
 * Who is asking, and what they may do. Coordinators and faculty sign in with a one-time emailed
 * link and hold a signed session cookie; their roles are read per collaborative from its config
 * (coordinators, faculty), so faculty of one collaborative see nothing of another. Network
 * administrators (LC_WEB_ADMINS) coordinate every collaborative and may launch new ones.
 * PIs and team members never sign in: their signed links (security/links.ts) are their access.
 */
import type { Db } from 'mongodb';
import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  collaborativesNaming,
  communitiesNaming,
  recordSignin,
  signinState,
  spendSigninRecord,
  type CollaborativeDoc,
} from '../app';
import { newNonce, signLink, verifyLink, type LinkClaims } from '../security/links';

export const SESSION_COOKIE = 'lc_session';
export const SESSION_HOURS = 12;
export const SIGNIN_MINUTES = 15;

export type Role = 'coordinator' | 'faculty';

export interface User {
  email: string;
  /** The session's nonce: CSRF tokens are bound to it. */
  nonce: string;
  admin: boolean;
}

export function newSession(key: string, email: string, now: number): string {
  return signLink(key, { p: 'session', e: email, x: now + SESSION_HOURS * 3600_000, n: newNonce() });
}

export function sessionUser(
  key: string,
  token: string | undefined,
  admins: string[],
  now: number,
): User | undefined {
  if (!token) return undefined;
  const r = verifyLink(key, token, 'session', now);
  if (!r.ok || !r.claims.n) return undefined;
  return { email: r.claims.e, nonce: r.claims.n, admin: admins.includes(r.claims.e) };
}

/** CSRF token of a form: bound to the session (or, on a signed-link page, to the link). */
export function csrfToken(key: string, boundTo: string): string {
  return createHmac('sha256', key).update(`csrf.${boundTo}`).digest('base64url');
}

export function csrfValid(key: string, boundTo: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(csrfToken(key, boundTo));
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Every role the person holds in the collaborative (a coordinator may also be its faculty). */
export function rolesIn(user: User, doc: Pick<CollaborativeDoc, 'config'>): Role[] {
  const roles: Role[] = [];
  if (user.admin || doc.config.coordinators.some((p) => p.email === user.email)) roles.push('coordinator');
  if (doc.config.faculty.some((p) => p.email === user.email)) roles.push('faculty');
  return roles;
}

/** The role shown for the person (coordinator first), if they have any. */
export function roleIn(user: User, doc: Pick<CollaborativeDoc, 'config'>): Role | undefined {
  return rolesIn(user, doc)[0];
}

/** Whether any role the person holds allows what `allowed` lists. */
export function allows(user: User, doc: Pick<CollaborativeDoc, 'config'>, allowed: Role[]): boolean {
  return rolesIn(user, doc).some((r) => allowed.includes(r));
}

/** The collaboratives this person has a role in, with the role. */
export async function collaborativesOf(db: Db, user: User): Promise<{ doc: CollaborativeDoc; role: Role }[]> {
  // Only the collaboratives naming them (administrators: all), not every record on each request.
  const all = await collaborativesNaming(db, user.admin ? undefined : user.email);
  return all.flatMap((doc) => {
    const role = roleIn(user, doc);
    return role ? [{ doc, role }] : [];
  });
}

/**
 * Who may launch a collaborative: network administrators and people who coordinate one already
 * (faculty review; they do not launch). The launcher must also be a coordinator of the new one.
 */
export const LAUNCHERS =
  'Collaboratives are launched by network administrators and by coordinators of a collaborative.';

export function mayLaunch(user: User, mine: { role: Role }[]): boolean {
  return user.admin || mine.some((c) => c.role === 'coordinator');
}

/** Whether a sign-in link may be sent: the address is an administrator, or has a role somewhere (a community's too). */
export async function maySignIn(db: Db, email: string, admins: string[]): Promise<boolean> {
  if (admins.includes(email)) return true;
  const probe: User = { email, nonce: '', admin: false };
  return (await collaborativesOf(db, probe)).length > 0 || (await communitiesNaming(db, email)).length > 0;
}

/** A one-time sign-in link's token, recorded so it can be spent once. */
export async function issueSignin(db: Db, key: string, email: string, now: number): Promise<string> {
  const nonce = newNonce();
  const claims: LinkClaims = { p: 'signin', e: email, x: now + SIGNIN_MINUTES * 60_000, n: nonce };
  await recordSignin(db, nonce, email, new Date(now));
  return signLink(key, claims);
}

export type SigninResult = { ok: true; email: string } | { ok: false; reason: string };

/** Whether a sign-in link could be spent now (valid, unexpired, issued and unused), without spending it. */
export async function checkSignin(db: Db, key: string, token: string, now: number): Promise<SigninResult> {
  const r = verifyLink(key, token, 'signin', now);
  if (!r.ok) return { ok: false, reason: r.reason };
  const state = await signinState(db, r.claims.n ?? '');
  if (!state) return { ok: false, reason: 'unknown' };
  if (state === 'used') return { ok: false, reason: 'used' };
  return { ok: true, email: r.claims.e };
}

/** Spends a sign-in link: valid, unexpired and never used before (the update is the atomic check). */
export async function spendSignin(db: Db, key: string, token: string, now: number): Promise<SigninResult> {
  const r = verifyLink(key, token, 'signin', now);
  if (!r.ok) return { ok: false, reason: r.reason };
  if (!(await spendSigninRecord(db, r.claims.n!, new Date(now)))) return { ok: false, reason: 'used' };
  return { ok: true, email: r.claims.e };
}
