/**
 * Post/redirect/get: every HTML form posts, and is answered with a redirect (303) to the page
 * that holds it, so a reload shows the page again and posts nothing. What the post has to tell
 * that page (a "done" message, or the problems and the values typed) is a flash: kept on the
 * server, in MongoDB (`webFlash`), under a random id that only this browser holds, in a cookie
 * (HttpOnly, SameSite=Lax, 10 minutes). The page it was made for takes it once and deletes it.
 *
 * Why on the server rather than in a signed cookie: typed values may be far larger than a cookie
 * holds (a pasted launch config, an application's readiness statement), and what people type
 * (addresses, notes) then never travels in cookie headers or lands in proxies' logs.
 * Why keyed by the page's path: a flash is only read by the page it was made for, so a second tab
 * opening another page does not swallow it.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from 'mongodb';
import { saveFlash, takeFlash } from '../app';
import { readCookie } from './cookies';
import { CONTROL_FIELDS } from './html';

export const FLASH_COOKIE = 'lc_flash';
const FLASH_SECONDS = 10 * 60;

export interface Flash {
  /** Which form the problems and values belong to (`metrics`, `decision:bayview`). */
  form?: string;
  problems?: string[];
  values?: Record<string, unknown>;
  done?: string;
}

const clean = (s: string) => s.split('\u0000').join('');

/** Keeps only plain string values (and lists of strings): what a form can send, nothing else. */
function formValues(v: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!v) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (CONTROL_FIELDS.includes(k) || k.startsWith('$') || k.includes('\u0000')) continue;
    if (typeof x === 'string') out[k] = clean(x);
    else if (Array.isArray(x) && x.every((y) => typeof y === 'string')) out[k] = x.map(clean);
  }
  return out;
}

export function flashes(db: Db, opts: { secure: boolean; now: () => number }) {
  const cookie = (value: string, maxAge: number) =>
    [
      `${FLASH_COOKIE}=${value}`,
      'Path=/',
      'HttpOnly',
      'SameSite=Lax',
      `Max-Age=${maxAge}`,
      ...(opts.secure ? ['Secure'] : []),
    ].join('; ');
  return {
    /** Leaves `flash` for the page at `path` and redirects there (303: the next request is a GET). */
    async redirect(reply: FastifyReply, path: string, flash: Flash, hash = ''): Promise<FastifyReply> {
      const id = randomBytes(18).toString('base64url');
      const at = new Date(opts.now());
      // Values go in as a field's name → text; MongoDB keys may not hold dots or start with `$`.
      const values = formValues(flash.values);
      await saveFlash(db, {
        _id: id,
        path,
        at,
        flash: { ...flash, values: undefined, problems: flash.problems?.map(clean) },
        values: values && Object.entries(values).map(([k, v]) => ({ k, v })),
      });
      return reply.header('set-cookie', cookie(id, FLASH_SECONDS)).redirect(`${path}${hash}`, 303);
    },
    /** The flash left for this page, taken (deleted) so a reload shows the page afresh. */
    async take(req: FastifyRequest, reply: FastifyReply, path: string): Promise<Flash> {
      const id = readCookie(req.headers.cookie, FLASH_COOKIE);
      if (!id || !/^[\w-]{10,64}$/.test(id)) return {};
      const doc = await takeFlash(db, id, path);
      if (!doc) return {};
      reply.header('set-cookie', cookie('', 0));
      if (opts.now() - new Date(doc.at).getTime() > FLASH_SECONDS * 1000) return {};
      const { values: _drop, ...rest } = doc.flash as Flash;
      void _drop;
      return {
        ...rest,
        ...(doc.values ? { values: Object.fromEntries(doc.values.map((x) => [x.k, x.v])) } : {}),
      };
    },
  };
}
export type Flashes = ReturnType<typeof flashes>;
