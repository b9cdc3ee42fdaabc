/**
 * The email centre (coordinators): the log filtered and paged in the database, one email as it
 * was sent, and a lost link resent. The rules are app/email-log.ts's and app/resend-link.ts's.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CollaborativeDoc } from '../../app';
import * as ops from '../../app';
import { ValidationError } from '../../domain/errors';
import { csrfToken, rolesIn, type User } from '../auth';
import { problemsOf, type WebContext } from '../context';
import { html } from '../html';
import { emailCentrePage, emailPage, type EmailFilterValues } from '../pages/emails';

/** How long a resent link works, unless the app is told (LC_LINK_TTL_DAYS, as the worker's links). */
export const DEFAULT_LINK_TTL_DAYS = 45;
const PAGE_SIZE = 50;

type SlugRequest = FastifyRequest<{ Params: { slug: string }; Querystring: Record<string, unknown> }>;

export function registerEmails(app: FastifyInstance, ctx: WebContext) {
  const { deps, now, db, key, userOf, send, checkCsrf, formExpired, withoutCsrf, findCollaborative } = ctx;

  /** The signed-in coordinator of the collaborative, or the redirect / 403 page that refuses anyone else. */
  async function coordinator(
    req: SlugRequest,
    reply: FastifyReply,
  ): Promise<{ user: User; doc: CollaborativeDoc } | undefined> {
    const user = userOf(req);
    if (!user) {
      await reply.redirect('/signin');
      return undefined;
    }
    const doc = await findCollaborative(req.params.slug);
    if (!doc || !rolesIn(user, doc).includes('coordinator')) {
      await send(
        reply,
        403,
        'Not yours',
        html`<p class="errors">You have no role in this collaborative that allows this.</p>`,
        user,
      );
      return undefined;
    }
    return { user, doc };
  }
  const one = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim().slice(0, 320) : undefined);

  app.get<{ Params: { slug: string }; Querystring: Record<string, unknown> }>(
    '/c/:slug/emails',
    async (req, reply) => {
      const a = await coordinator(req, reply);
      if (!a) return;
      const slug = a.doc.slug;
      const flash = await ctx.flash.take(req, reply, `/c/${slug}/emails`);
      const filter: EmailFilterValues = {
        purpose: one(req.query.purpose),
        status: one(req.query.status),
        to: one(req.query.to),
      };
      const page = one(req.query.page);
      let log: ops.EmailLog | undefined;
      let problems: string[] | undefined;
      try {
        log = await ops.emailLog(db, slug, { ...filter, ...(page ? { page } : {}), limit: PAGE_SIZE });
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        problems = err.problems;
      }
      return send(
        reply,
        problems ? 400 : 200,
        `Emails: ${a.doc.config.title}`,
        emailCentrePage({
          slug,
          timeZone: a.doc.config.timeZone,
          filter,
          log,
          problems,
          csrf: csrfToken(key, a.user.nonce),
          flash,
        }),
        a.user,
      );
    },
  );

  /** One email; its key is in the query string (keys hold `:` and `@`). */
  async function detail(req: SlugRequest, reply: FastifyReply, a: { user: User; doc: CollaborativeDoc }) {
    try {
      return await ops.emailDetail(db, a.doc.slug, String(req.query.key ?? ''));
    } catch (err) {
      const p = problemsOf(err);
      await send(
        reply,
        p.status === 404 ? 404 : p.status,
        'Email not found',
        html`<p class="errors">${p.problems.join(' ')}</p>
          <p><a href="/c/${a.doc.slug}/emails">Back to the email centre</a></p>`,
        a.user,
      );
      return undefined;
    }
  }

  app.get<{ Params: { slug: string }; Querystring: Record<string, unknown> }>(
    '/c/:slug/email',
    async (req, reply) => {
      const a = await coordinator(req, reply);
      if (!a) return;
      const e = await detail(req, reply, a);
      if (!e) return;
      return send(
        reply,
        200,
        `Email: ${e.subject}`,
        emailPage(a.doc.slug, e, a.doc.config.timeZone, csrfToken(key, a.user.nonce)),
        a.user,
      );
    },
  );

  // The HTML body on its own, for the sandboxed frame: nothing in it runs, nothing leaves.
  app.get<{ Params: { slug: string }; Querystring: Record<string, unknown> }>(
    '/c/:slug/email/body',
    async (req, reply) => {
      const a = await coordinator(req, reply);
      if (!a) return;
      const e = await detail(req, reply, a);
      if (!e) return;
      return reply
        .header(
          'content-security-policy',
          "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'",
        )
        .type('text/html; charset=utf-8')
        .send(e.body?.html ?? '<p>The body of this email was not kept.</p>');
    },
  );

  app.get<{ Params: { slug: string } }>('/c/:slug/resend-link', (req, reply) =>
    reply.redirect(`/c/${encodeURIComponent(req.params.slug)}/emails`, 303),
  );
  app.post<{ Params: { slug: string }; Querystring: Record<string, unknown> }>(
    '/c/:slug/resend-link',
    async (req, reply) => {
      const a = await coordinator(req, reply);
      if (!a) return;
      if (!checkCsrf(req, a.user.nonce)) return formExpired(reply, a.user);
      const body = withoutCsrf(req.body);
      const path = `/c/${a.doc.slug}/emails`;
      try {
        const r = await ops.resendLink(
          db,
          deps.outbox,
          {
            baseUrl: deps.baseUrl.replace(/\/$/, ''),
            key,
            ttlDays: deps.linkTtlDays ?? DEFAULT_LINK_TTL_DAYS,
          },
          a.doc.slug,
          body,
          now(),
        );
        const what = r.purpose === 'team' ? 'team page' : 'application form';
        return ctx.flash.redirect(reply, path, {
          done: `A new link to the ${what} of ${r.siteId} was emailed to ${r.to}.`,
        });
      } catch (err) {
        return ctx.flash.redirect(reply, path, {
          form: 'resend',
          problems: problemsOf(err).problems,
          values: { email: typeof body.email === 'string' ? body.email : '' },
        });
      }
    },
  );
}
