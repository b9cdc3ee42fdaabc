/**
 * Signed tokens for the links in emails and for web sessions. A token is
 * `base64url(JSON claims).base64url(HMAC-SHA256(key, purpose + "." + claims))`: it binds one
 * person, one programme and one purpose, and expires. One-time use (sign-in links) is enforced
 * by the caller, which records the token's nonce when it is spent.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const LINK_PURPOSES = ['apply', 'team', 'join', 'signin', 'session', 'feed'] as const;
export type LinkPurpose = (typeof LINK_PURPOSES)[number];

export interface LinkClaims {
  /** purpose */
  p: LinkPurpose;
  /** the person's email */
  e: string;
  /** programme slug (absent for sign-in and sessions, which span programmes) */
  c?: string;
  /** site id */
  s?: string;
  /** expiry, epoch milliseconds */
  x: number;
  /** nonce: makes a token unique (one-time links, sessions) */
  n?: string;
}

export type LinkCheck =
  | { ok: true; claims: LinkClaims }
  | { ok: false; reason: 'malformed' | 'tampered' | 'expired' | 'wrong-purpose' };

const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64url');

function mac(key: string, purpose: string, body: string): Buffer {
  return createHmac('sha256', key).update(`${purpose}.${body}`).digest();
}

export function newNonce(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * LC_SIGNING_KEY may name retired keys after the current one ("current,retired,…"): links are
 * signed with the first and verified with any, so rotating the key breaks no emailed link still
 * in its lifetime. Drop a retired key once the links it signed have expired (LC_LINK_TTL_DAYS).
 */
export function signingKeys(key: string): string[] {
  return key
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
}

export function signLink(key: string, claims: LinkClaims): string {
  const body = b64(JSON.stringify(claims));
  return `${body}.${b64(mac(signingKeys(key)[0]!, claims.p, body))}`;
}

/** Checks the signature (under any of the keys) for the expected purpose, then the expiry. */
export function verifyLink(key: string, token: string, purpose: LinkPurpose, now: number): LinkCheck {
  const [body, sig, ...rest] = String(token).split('.');
  if (!body || !sig || rest.length || body.length > 4096) return { ok: false, reason: 'malformed' };
  const given = Buffer.from(sig, 'base64url');
  const signs = (k: string, p: string) => given.length === 32 && timingSafeEqual(given, mac(k, p, body));
  const keys = signingKeys(key);
  if (!keys.some((k) => signs(k, purpose))) {
    // Signed for another purpose? Say so rather than "tampered": a team link pasted as a sign-in.
    const other = LINK_PURPOSES.find((p) => p !== purpose && keys.some((k) => signs(k, p)));
    return { ok: false, reason: other ? 'wrong-purpose' : 'tampered' };
  }
  let claims: LinkClaims;
  try {
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as LinkClaims;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (claims.p !== purpose) return { ok: false, reason: 'wrong-purpose' };
  if (!(claims.x > now)) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}

/** The links a notification carries for one recipient: where `base` is the web app's address. */
export interface LinkMaker {
  baseUrl: string;
  key: string;
  ttlDays: number;
}

export function personalLink(
  m: LinkMaker,
  purpose: 'apply' | 'team' | 'join',
  who: { email: string; slug: string; siteId: string },
  issuedAt: number,
  query = '',
): string {
  const token = signLink(m.key, {
    p: purpose,
    e: who.email,
    c: who.slug,
    s: who.siteId,
    x: issuedAt + m.ttlDays * 86_400_000,
  });
  return `${m.baseUrl.replace(/\/$/, '')}/${purpose}/${token}${query}`;
}
