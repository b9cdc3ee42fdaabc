/**
 * What teams share (#21): a team's PDSA cycles, posted from its page (reached by its signed link);
 * the faculty's page of every team's cycles, where they answer; the resource library kept by
 * faculty and coordinators. Every form posts and redirects (web/flash.ts); the rules are app/pdsa.ts's.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as ops from '../../app';
import type { CollaborativeDoc } from '../../app';
import type { LinkClaims } from '../../security/links';
import { csrfToken, type Role, type User } from '../auth';
import { FORM_EXPIRED, problemsOf, type Form, type WebContext } from '../context';
import { html } from '../html';
import { pdsaPage } from '../pages/pdsa';
import { resourcesPage } from '../pages/resources';

type StaffAccess = (
  req: FastifyRequest<{ Params: { slug: string } }>,
  reply: FastifyReply,
  roles?: Role[],
) => Promise<{ user: User; doc: CollaborativeDoc; roles: Role[] } | undefined>;
type TeamAccess = (
  purpose: 'team',
  token: string,
  reply: FastifyReply,
) => Promise<{ claims: LinkClaims & { c: string; s: string }; doc: CollaborativeDoc } | undefined>;

const requestOf = (req: FastifyRequest) => {
  const r = (req.body as Form | undefined)?._request;
  return typeof r === 'string' && r.length <= 200 ? r : undefined;
};
const numberOf = (s: string) => (/^\d{1,6}$/.test(s) ? Number(s) : NaN);
/** The cycles page's filter, from its query (a team, a measure; empty for all). */
const filterOf = (q: { siteId?: unknown; measure?: unknown }) => ({
  siteId: typeof q.siteId === 'string' ? q.siteId.slice(0, 100) : '',
  measure: typeof q.measure === 'string' ? q.measure.slice(0, 100) : '',
});

export function registerLearning(
  app: FastifyInstance,
  ctx: WebContext,
  access: { staff: StaffAccess; team: TeamAccess },
) {
  const { db, key, now, send, checkCsrf, formExpired, withoutCsrf, limit, limits } = ctx;
  const mail = {
    outbox: ctx.deps.outbox,
    links: { baseUrl: ctx.deps.baseUrl, key, ttlDays: ctx.deps.linkTtlDays ?? 45 },
  };

  // ---- a team's cycles, from its page ----------------------------------------------------------
  const teamPath = (token: string) => `/team/${token}`;
  app.get<{ Params: { token: string } }>('/team/:token/pdsa', (req, reply) =>
    reply.redirect(`${teamPath(req.params.token)}#pdsa`, 303),
  );
  app.get<{ Params: { token: string; n: string } }>('/team/:token/pdsa/:n', (req, reply) =>
    reply.redirect(`${teamPath(req.params.token)}?edit=${encodeURIComponent(req.params.n)}#pdsa-form`, 303),
  );
  app.post<{ Params: { token: string; n?: string } }>(
    '/team/:token/pdsa/:n?',
    { config: limit(limits.links) },
    async (req, reply) => {
      const l = await access.team('team', req.params.token, reply);
      if (!l) return;
      const path = teamPath(req.params.token);
      if (!checkCsrf(req, req.params.token))
        return send(
          reply,
          403,
          'Form expired',
          html`<div class="errors" role="alert">${FORM_EXPIRED}</div>
            <p><a href="${path}">Back to the team's page</a></p>`,
        );
      const form = withoutCsrf(req.body);
      const n = req.params.n === undefined ? undefined : numberOf(req.params.n);
      try {
        const c =
          n === undefined
            ? await ops.logPdsaCycle(db, l.doc, l.claims.s, form, l.claims.e, new Date(now()), requestOf(req))
            : await ops.editPdsaCycle(db, l.doc, l.claims.s, n, form, l.claims.e, new Date(now()));
        return ctx.flash.redirect(
          reply,
          path,
          { done: n === undefined ? `Cycle ${c.n} is logged.` : `Cycle ${c.n} is saved.` },
          `#cycle-${c.siteId}-${c.n}`,
        );
      } catch (err) {
        const p = problemsOf(err);
        const again = n === undefined || p.status === 409 || p.status === 404;
        return ctx.flash.redirect(
          reply,
          path,
          {
            form: again ? 'pdsa' : `pdsa:${n}`,
            problems: p.problems,
            values: again && n !== undefined ? {} : form,
          },
          // No fragment with problems: the error summary takes the focus (a fragment would move it).
          again ? '' : `?edit=${n}`,
        );
      }
    },
  );

  // ---- every team's cycles, read by a team: learning from the others' tests ----------------------
  app.get<{ Params: { token: string }; Querystring: { siteId?: string; measure?: string } }>(
    '/team/:token/cycles',
    { config: limit(limits.links) },
    async (req, reply) => {
      const l = await access.team('team', req.params.token, reply);
      if (!l) return;
      const filter = filterOf(req.query);
      const { cycles, teams } = await ops.pdsaBoard(db, l.doc, filter);
      return send(
        reply,
        200,
        `Every team's PDSA cycles: ${l.doc.config.title}`,
        pdsaPage({
          doc: l.doc,
          cycles,
          teams,
          filter,
          mayAnswer: false,
          csrf: '',
          flash: {},
          team: { base: `${teamPath(req.params.token)}/cycles`, back: teamPath(req.params.token) },
        }),
      );
    },
  );

  // ---- the faculty's page of every team's cycles -------------------------------------------------
  app.get<{ Params: { slug: string }; Querystring: { siteId?: string; measure?: string } }>(
    '/c/:slug/pdsa',
    async (req, reply) => {
      const a = await access.staff(req, reply);
      if (!a) return;
      const path = `/c/${a.doc.slug}/pdsa`;
      const flash = await ctx.flash.take(req, reply, path);
      const filter = filterOf(req.query);
      const { cycles, teams } = await ops.pdsaBoard(db, a.doc, filter);
      return send(
        reply,
        200,
        `PDSA cycles: ${a.doc.config.title}`,
        pdsaPage({
          doc: a.doc,
          cycles,
          teams,
          filter,
          mayAnswer: a.roles.includes('faculty'),
          csrf: csrfToken(key, a.user.nonce),
          flash,
        }),
        a.user,
      );
    },
  );
  app.get<{ Params: { slug: string } }>('/c/:slug/pdsa/:siteId/:n/answer', (req, reply) =>
    reply.redirect(`/c/${encodeURIComponent(req.params.slug)}/pdsa`, 303),
  );
  app.post<{
    Params: { slug: string; siteId: string; n: string };
    Querystring: { siteId?: string; measure?: string };
  }>('/c/:slug/pdsa/:siteId/:n/answer', async (req, reply) => {
    const a = await access.staff(req, reply, ['faculty']);
    if (!a) return;
    if (!checkCsrf(req, a.user.nonce)) return formExpired(reply, a.user);
    const { siteId } = req.params;
    const n = numberOf(req.params.n);
    const back = new URLSearchParams(
      Object.entries(req.query).filter(([, v]) => typeof v === 'string' && v) as [string, string][],
    ).toString();
    const path = `/c/${a.doc.slug}/pdsa`;
    const form = withoutCsrf(req.body);
    const suffix = `${back ? `?${back}` : ''}#cycle-${siteId}-${n}`;
    try {
      const r = await ops.answerPdsaCycle(db, mail, a.doc, siteId, n, form, a.user.email, new Date(now()));
      const emailed = r.sent + r.alreadySent;
      const words = [
        `Your answer to cycle ${n} is recorded and emailed to ${emailed} ${emailed === 1 ? 'person' : 'people'} of the team.`,
        ...(r.failed ? [`${r.failed} address(es) refused it (see the email log).`] : []),
        ...(r.notYet.length
          ? [`It could not be sent yet to ${r.notYet.join(', ')}: the mail server did not answer.`]
          : []),
      ];
      return ctx.flash.redirect(reply, path, { done: words.join(' ') }, suffix);
    } catch (err) {
      const p = problemsOf(err);
      return ctx.flash.redirect(
        reply,
        path,
        { form: `answer:${siteId}:${n}`, problems: p.problems, values: form },
        back ? `?${back}` : '',
      );
    }
  });

  // ---- the resource library ----------------------------------------------------------------------
  app.get<{ Params: { slug: string } }>('/c/:slug/resources', async (req, reply) => {
    const a = await access.staff(req, reply);
    if (!a) return;
    const flash = await ctx.flash.take(req, reply, `/c/${a.doc.slug}/resources`);
    return send(
      reply,
      200,
      `Resources: ${a.doc.config.title}`,
      resourcesPage({
        doc: a.doc,
        resources: await ops.pdsaResources(db, a.doc.slug),
        csrf: csrfToken(key, a.user.nonce),
        flash,
      }),
      a.user,
    );
  });
  app.post<{ Params: { slug: string } }>('/c/:slug/resources', async (req, reply) => {
    const a = await access.staff(req, reply);
    if (!a) return;
    if (!checkCsrf(req, a.user.nonce)) return formExpired(reply, a.user);
    const path = `/c/${a.doc.slug}/resources`;
    const form = withoutCsrf(req.body);
    try {
      const r = await ops.addResource(db, a.doc, form, a.user.email, new Date(now()));
      return ctx.flash.redirect(reply, path, { done: `Added “${r.title}”.` }, '#library');
    } catch (err) {
      const p = problemsOf(err);
      return ctx.flash.redirect(reply, path, { form: 'resource', problems: p.problems, values: form });
    }
  });
  app.get<{ Params: { slug: string } }>('/c/:slug/resources/:n/remove', (req, reply) =>
    reply.redirect(`/c/${encodeURIComponent(req.params.slug)}/resources`, 303),
  );
  app.post<{ Params: { slug: string; n: string } }>('/c/:slug/resources/:n/remove', async (req, reply) => {
    const a = await access.staff(req, reply);
    if (!a) return;
    if (!checkCsrf(req, a.user.nonce)) return formExpired(reply, a.user);
    const path = `/c/${a.doc.slug}/resources`;
    try {
      const r = await ops.removeResource(db, a.doc, numberOf(req.params.n));
      return ctx.flash.redirect(reply, path, { done: `Removed “${r.title}”.` }, '#library');
    } catch (err) {
      return ctx.flash.redirect(reply, path, { form: 'remove', problems: problemsOf(err).problems });
    }
  });
}
