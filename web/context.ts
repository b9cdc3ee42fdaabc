/**
 * What every route of the web app shares: its dependencies, the signed-in user, the page
 * sender, CSRF checks and the lookups by slug. Built once per app by `createContext`.
 */
import type { Client } from '@temporalio/client';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import type { Db } from 'mongodb';
import type { CollaborativeDoc, Outbox } from '../app';
import * as ops from '../app';
import { ValidationError } from '../domain/errors';
import { csrfToken, csrfValid, SESSION_COOKIE, sessionUser, type User } from './auth';
import { readCookie } from './cookies';
import { flashes } from './flash';
import { CONTROL_FIELDS, html, page, type Html } from './html';
import { signLink } from '../security/links';

export interface WebDeps {
  db: Db;
  client: Client;
  taskQueue: string;
  /** Signs links, sessions and CSRF tokens (LC_SIGNING_KEY). */
  key: string;
  /** The address people reach the app at (LC_WEB_BASE_URL). */
  baseUrl: string;
  /** Network administrators: may launch collaboratives and coordinate all of them. */
  admins: string[];
  /** Sends the sign-in emails, exactly once per link. */
  outbox: Outbox;
  /**
   * How many days the links in the app's own emails work (a resent link, an answer to a PDSA
   * cycle): LC_LINK_TTL_DAYS; 45 when unset.
   */
  linkTtlDays?: number;
  now?: () => number;
  /** Requests per minute per client on sign-in and on signed links. */
  rateLimits?: { signin: number; links: number };
  /**
   * The request log (one JSON line per request, web/request-log.ts): true for stdout, a stream to
   * write the lines to, or false (the default) for none.
   */
  logger?: boolean | { stream: NodeJS.WritableStream };
}

export type Form = Record<string, unknown>;

export const FORM_EXPIRED =
  'This form has expired or did not come from this site. Reload the page and try again.';

/** An error turned into what people read: the problems of a form, or a page with a status. */
export function problemsOf(err: unknown): { status: number; problems: string[] } {
  if (err instanceof ValidationError) return { status: 422, problems: err.problems };
  if (err instanceof ops.OperationError) {
    const status = { refused: 422, input: 422, 'not-found': 404, conflict: 409, unavailable: 503 }[err.kind];
    return { status, problems: [err.message] };
  }
  return { status: 500, problems: [`something went wrong: ${(err as Error).message}`] };
}

export type WebContext = ReturnType<typeof createContext>;

export function createContext(deps: WebDeps) {
  const now = deps.now ?? Date.now;
  const { db, key } = deps;
  const limits = deps.rateLimits ?? { signin: 10, links: 60 };
  const limit = (max: number) => ({ rateLimit: { max, timeWindow: '1 minute' } });
  const userOf = (req: FastifyRequest): User | undefined => {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    return sessionUser(key, bearer ?? readCookie(req.headers.cookie, SESSION_COOKIE), deps.admins, now());
  };
  const send = (reply: FastifyReply, status: number, title: string, body: Html, user?: User) =>
    reply
      .code(status)
      .type('text/html; charset=utf-8')
      .send(page(title, body, user && { email: user.email, csrf: csrfToken(key, user.nonce) }));
  const checkCsrf = (req: FastifyRequest, boundTo: string): boolean =>
    csrfValid(key, boundTo, (req.body as Form | undefined)?._csrf ?? req.headers['x-csrf-token']);
  const formExpired = (reply: FastifyReply, user: User) =>
    send(reply, 403, 'Form expired', html`<p class="errors">${FORM_EXPIRED}</p>`, user);
  const withoutCsrf = (b: unknown): Form => {
    return Object.fromEntries(Object.entries((b ?? {}) as Form).filter(([k]) => !CONTROL_FIELDS.includes(k)));
  };
  const findCollaborative = (slug: string): Promise<CollaborativeDoc | undefined> =>
    ops.findCollaborative(db, slug);
  const latestApplication = (slug: string, siteId: string) => ops.latestApplication(db, slug, siteId);
  /**
   * A person's calendar feed address. It expires two to two and a quarter years on (the expiry
   * rounded to a quarter, so the address a person sees stays the same for months).
   */
  const feedUrl = (email: string): string => {
    const x = Math.ceil((now() + FEED_VALID_MS) / FEED_STEP_MS) * FEED_STEP_MS;
    return `${deps.baseUrl}/feeds/${signLink(key, { p: 'feed', e: email, x })}.ics`;
  };
  return {
    deps,
    now,
    flash: flashes(db, { secure: deps.baseUrl.startsWith('https:'), now }),
    db,
    client: deps.client,
    key,
    secure: deps.baseUrl.startsWith('https:'),
    limits,
    limit,
    userOf,
    send,
    checkCsrf,
    formExpired,
    withoutCsrf,
    findCollaborative,
    latestApplication,
    feedUrl,
  };
}

const FEED_VALID_MS = 730 * 24 * 3600_000;
const FEED_STEP_MS = 91 * 24 * 3600_000;
