/**
 * Storyboards (#21): the gallery for staff (`/c/<slug>/storyboards`) and for each team through its
 * signed link (`/team/<token>/storyboards`, with the form to share its own), and the downloads.
 * A download is always an attachment of the type its bytes were checked to be, never shown inline.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as ops from '../../app';
import type { CollaborativeDoc } from '../../app';
import type { LinkClaims } from '../../security/links';
import { csrfToken, type Role, type User } from '../auth';
import { FORM_EXPIRED, problemsOf, type Form, type WebContext } from '../context';
import { html } from '../html';
import { acceptMultipart, type MultipartFields } from '../multipart';
import { storyboardsPage } from '../pages/storyboards';
import { MAX_STORYBOARD_BYTES } from '../../domain/storyboards';

type StaffAccess = (
  req: FastifyRequest<{ Params: { slug: string } }>,
  reply: FastifyReply,
  roles?: Role[],
) => Promise<{ user: User; doc: CollaborativeDoc; roles: Role[] } | undefined>;
type TeamAccess = (
  purpose: 'team',
  token: string,
  reply: FastifyReply,
) => Promise<
  { claims: LinkClaims & { c: string; s: string }; doc: CollaborativeDoc; siteName: string } | undefined
>;

/** `attachment`, with an ASCII fallback name and the exact one (RFC 6266 / 5987). */
const disposition = (filename: string) =>
  `attachment; filename="${filename.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(filename)}`;

export function registerStoryboards(
  app: FastifyInstance,
  ctx: WebContext,
  access: { staff: StaffAccess; team: TeamAccess },
) {
  const { db, key, now, send, checkCsrf, limit, limits } = ctx;

  async function download(
    reply: FastifyReply,
    doc: CollaborativeDoc,
    siteId: string,
    session: string,
    user?: User,
  ) {
    try {
      const f = await ops.storyboardFile(db, doc, siteId, /^\d{1,3}$/.test(session) ? Number(session) : NaN);
      return reply
        .code(200)
        .type(f.contentType)
        .header('content-disposition', disposition(f.filename))
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .send(f.bytes);
    } catch (err) {
      const p = problemsOf(err);
      return send(reply, p.status, 'Not found', html`<p class="errors">${p.problems.join(' ')}</p>`, user);
    }
  }

  // ---- staff: the gallery and the downloads ------------------------------------------------------
  app.get<{ Params: { slug: string } }>('/c/:slug/storyboards', async (req, reply) => {
    const a = await access.staff(req, reply);
    if (!a) return;
    const base = `/c/${a.doc.slug}/storyboards`;
    return send(
      reply,
      200,
      `Storyboards: ${a.doc.config.title}`,
      storyboardsPage({
        doc: a.doc,
        gallery: await ops.storyboardGallery(db, a.doc),
        back: { href: `/c/${a.doc.slug}`, label: `Back to ${a.doc.config.title}` },
        fileHref: (siteId, session) => `${base}/${siteId}/${session}`,
        flash: {},
        now: now(),
      }),
      a.user,
    );
  });
  app.get<{ Params: { slug: string; siteId: string; session: string } }>(
    '/c/:slug/storyboards/:siteId/:session',
    async (req, reply) => {
      const a = await access.staff(req, reply);
      if (a) return download(reply, a.doc, req.params.siteId, req.params.session, a.user);
    },
  );

  // ---- a team, through its signed link -------------------------------------------------------------
  const galleryPath = (token: string) => `/team/${token}/storyboards`;
  app.get<{ Params: { token: string } }>(
    '/team/:token/storyboards',
    { config: limit(limits.links) },
    async (req, reply) => {
      const l = await access.team('team', req.params.token, reply);
      if (!l) return;
      const path = galleryPath(req.params.token);
      const flash = await ctx.flash.take(req, reply, path);
      return send(
        reply,
        200,
        `Storyboards: ${l.doc.config.title}`,
        storyboardsPage({
          doc: l.doc,
          gallery: await ops.storyboardGallery(db, l.doc),
          back: { href: `/team/${req.params.token}`, label: "Back to the team's page" },
          fileHref: (siteId, session) => `${path}/${siteId}/${session}`,
          team: {
            siteId: l.claims.s,
            siteName: l.siteName,
            action: path,
            csrf: csrfToken(key, req.params.token),
            over: !!ops.windowsOf(l.doc, l.doc.phase, now()).over,
          },
          flash,
          now: now(),
        }),
      );
    },
  );
  app.get<{ Params: { token: string; siteId: string; session: string } }>(
    '/team/:token/storyboards/:siteId/:session',
    { config: limit(limits.links) },
    async (req, reply) => {
      const l = await access.team('team', req.params.token, reply);
      if (l) return download(reply, l.doc, req.params.siteId, req.params.session);
    },
  );

  // The upload form is multipart: its parser lives in this context only (the body a little above
  // the file limit, so that a file too large is told beside its field rather than refused whole).
  app.register(async (upload) => {
    acceptMultipart(upload, MAX_STORYBOARD_BYTES + 2 * 1024 * 1024);
    upload.post<{ Params: { token: string } }>(
      '/team/:token/storyboards',
      { config: limit(limits.links) },
      async (req, reply) => {
        const l = await access.team('team', req.params.token, reply);
        if (!l) return;
        const path = galleryPath(req.params.token);
        if (!checkCsrf(req, req.params.token))
          return send(
            reply,
            403,
            'Form expired',
            html`<div class="errors" role="alert">${FORM_EXPIRED}</div>
              <p><a href="${path}">Back to the storyboards</a></p>`,
          );
        const body = (req.body ?? {}) as MultipartFields;
        const text = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : undefined);
        const file = body.file && typeof body.file !== 'string' ? body.file : undefined;
        const request = text('_request');
        try {
          const s = await ops.shareStoryboard(
            db,
            l.doc,
            l.claims.s,
            { session: text('session'), link: text('link'), file },
            l.claims.e,
            new Date(now()),
            request && request.length <= 200 ? request : undefined,
          );
          return ctx.flash.redirect(
            reply,
            path,
            { done: `Your storyboard for learning session ${s.session + 1} is shared.` },
            `#session-${s.session + 1}`,
          );
        } catch (err) {
          const p = problemsOf(err);
          const values: Form = { session: text('session') ?? '', link: text('link') ?? '' };
          return ctx.flash.redirect(reply, path, { form: 'storyboard', problems: p.problems, values });
        }
      },
    );
  });
}
