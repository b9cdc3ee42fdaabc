/**
 * The pages reached by signed links: a PI's application, a team's page, a Learning Community's join form.
 */
import { type FastifyInstance, type FastifyReply } from 'fastify';
import type { CollaborativeDoc } from '../../app';
import * as ops from '../../app';
import { verifyLink, type LinkClaims } from '../../security/links';
import { completeTeamPrework, recordTeamAttendance, submitTeamMetrics } from '../actions';
import { csrfToken } from '../auth';
import {
  applicationFromForm,
  applicationPage,
  formFromApplication,
  joinPage,
  linkProblemPage,
  submissionFromForm,
  teamPage,
} from '../pages/links';

import { FORM_EXPIRED, problemsOf, type Form, type WebContext } from '../context';

export function registerLinks(app: FastifyInstance, ctx: WebContext) {
  const {
    now,
    db,
    client,
    key,
    limits,
    limit,
    send,
    checkCsrf,
    withoutCsrf,
    findCollaborative,
    latestApplication,
  } = ctx;
  async function linkAccess(
    purpose: 'apply' | 'team',
    token: string,
    reply: FastifyReply,
  ): Promise<
    { claims: LinkClaims & { c: string; s: string }; doc: CollaborativeDoc; siteName: string } | undefined
  > {
    const r = verifyLink(key, token, purpose, now());
    const doc = r.ok && r.claims.c ? await findCollaborative(r.claims.c) : undefined;
    if (!r.ok || !doc || !r.claims.s) {
      await send(reply, r.ok ? 404 : 403, 'Link refused', linkProblemPage(r.ok ? 'unknown' : r.reason));
      return undefined;
    }
    const site = (await ops.getSites(db, [r.claims.s]))[0];
    return {
      claims: r.claims as LinkClaims & { c: string; s: string },
      doc,
      siteName: site?.name ?? r.claims.s,
    };
  }

  /** The application form of the link's site, with the given values and outcome. */
  const showApplication = (
    reply: FastifyReply,
    l: NonNullable<Awaited<ReturnType<typeof linkAccess>>>,
    token: string,
    status: number,
    form: Form,
    extra: { problems?: string[]; done?: string; version?: number },
  ) =>
    send(
      reply,
      status,
      `Apply: ${l.doc.config.title}`,
      applicationPage({
        doc: l.doc,
        siteName: l.siteName,
        email: l.claims.e,
        action: `/apply/${token}`,
        csrf: csrfToken(key, token),
        form,
        ...extra,
      }),
    );

  app.get<{ Params: { token: string } }>(
    '/apply/:token',
    { config: limit(limits.links) },
    async (req, reply) => {
      const l = await linkAccess('apply', req.params.token, reply);
      if (!l) return;
      const prev = await latestApplication(l.doc.slug, l.claims.s);
      return showApplication(reply, l, req.params.token, 200, formFromApplication(prev), {
        version: prev?.version,
      });
    },
  );
  app.post<{ Params: { token: string } }>(
    '/apply/:token',
    { config: limit(limits.links) },
    async (req, reply) => {
      const l = await linkAccess('apply', req.params.token, reply);
      if (!l) return;
      const form = withoutCsrf(req.body);
      const show = (status: number, extra: { problems?: string[]; done?: string; version?: number }) =>
        showApplication(reply, l, req.params.token, status, form, extra);
      if (!checkCsrf(req, req.params.token))
        return show(403, {
          problems: [FORM_EXPIRED],
        });
      try {
        const r = await ops.submitApplication(
          client,
          l.doc.slug,
          applicationFromForm(form, l.claims.s, l.claims.e),
        );
        return show(200, {
          done: `Thank you: the application of ${l.siteName} is recorded (version ${r.version}).`,
          version: r.version,
        });
      } catch (err) {
        const p = problemsOf(err);
        return show(p.status, { problems: p.problems });
      }
    },
  );

  async function teamView(
    l: NonNullable<Awaited<ReturnType<typeof linkAccess>>>,
    token: string,
    extra: Partial<Parameters<typeof teamPage>[0]>,
  ) {
    const [team, app] = await Promise.all([
      ops.teamStatus(client, l.doc.slug, l.claims.s).then(
        (t) => ({ t, e: undefined }),
        (e: Error) => ({ t: undefined, e: `The team's status is unavailable: ${e.message}` }),
      ),
      latestApplication(l.doc.slug, l.claims.s),
    ]);
    return teamPage({
      doc: l.doc,
      siteName: l.siteName,
      email: l.claims.e,
      base: `/team/${token}`,
      csrf: csrfToken(key, token),
      team: team.t,
      teamError: team.e,
      roster: app?.coreTeam.members ?? [],
      now: now(),
      ...extra,
    });
  }

  app.get<{ Params: { token: string }; Querystring: { period?: string } }>(
    '/team/:token',
    { config: limit(limits.links) },
    async (req, reply) => {
      const l = await linkAccess('team', req.params.token, reply);
      if (!l) return;
      return send(
        reply,
        200,
        `Team: ${l.doc.config.title}`,
        await teamView(l, req.params.token, { period: String(req.query.period ?? '') }),
      );
    },
  );

  const teamActions = {
    metrics: (c: Parameters<typeof submitTeamMetrics>[0], form: Form, doc: CollaborativeDoc) =>
      submitTeamMetrics(c, submissionFromForm(form, doc.config.metrics?.measures ?? [], c.by)),
    attendance: async (c: Parameters<typeof submitTeamMetrics>[0], form: Form) =>
      recordTeamAttendance(
        c,
        ((await latestApplication(c.slug, c.siteId))?.coreTeam.members ?? []).map((m) => m.email),
        form,
      ),
    prework: (c: Parameters<typeof submitTeamMetrics>[0], form: Form) => completeTeamPrework(c, form),
  };
  for (const [name, act] of Object.entries(teamActions)) {
    app.post<{ Params: { token: string } }>(
      `/team/:token/${name}`,
      { config: limit(limits.links) },
      async (req, reply) => {
        const l = await linkAccess('team', req.params.token, reply);
        if (!l) return;
        const title = `Team: ${l.doc.config.title}`;
        if (!checkCsrf(req, req.params.token))
          return send(
            reply,
            403,
            title,
            await teamView(l, req.params.token, {
              form: name,
              problems: [FORM_EXPIRED],
            }),
          );
        const c = { client, db, slug: l.doc.slug, siteId: l.claims.s, by: l.claims.e };
        try {
          const done = await act(c, withoutCsrf(req.body), l.doc);
          return send(reply, 200, title, await teamView(l, req.params.token, { done }));
        } catch (err) {
          const p = problemsOf(err);
          return send(
            reply,
            p.status,
            title,
            await teamView(l, req.params.token, { form: name, problems: p.problems }),
          );
        }
      },
    );
  }

  // ---- a Learning Community's join link (from the PI's announcement, passed on to the site's people) ----
  async function joinAccess(token: string, reply: FastifyReply) {
    const r = verifyLink(key, token, 'join', now());
    const doc = r.ok && r.claims.c ? await ops.findCommunity(db, r.claims.c) : undefined;
    if (!r.ok || !doc || !r.claims.s) {
      await send(reply, r.ok ? 404 : 403, 'Link refused', linkProblemPage(r.ok ? 'unknown' : r.reason));
      return undefined;
    }
    const site = (await ops.getSites(db, [r.claims.s]))[0];
    return { doc, siteId: r.claims.s, siteName: site?.name ?? r.claims.s };
  }
  const showJoin = (
    reply: FastifyReply,
    token: string,
    j: NonNullable<Awaited<ReturnType<typeof joinAccess>>>,
    status: number,
    form: Form,
    extra: { problems?: string[]; done?: string } = {},
  ) =>
    send(
      reply,
      status,
      `Join: ${j.doc.config.title}`,
      joinPage({
        title: j.doc.config.title,
        topic: j.doc.config.topic,
        siteName: j.siteName,
        action: `/join/${token}`,
        csrf: csrfToken(key, token),
        form,
        ...extra,
      }),
    );
  app.get<{ Params: { token: string } }>(
    '/join/:token',
    { config: limit(limits.links) },
    async (req, reply) => {
      const j = await joinAccess(req.params.token, reply);
      if (j) return showJoin(reply, req.params.token, j, 200, {});
    },
  );
  app.post<{ Params: { token: string } }>(
    '/join/:token',
    { config: limit(limits.links) },
    async (req, reply) => {
      const j = await joinAccess(req.params.token, reply);
      if (!j) return;
      const form = withoutCsrf(req.body);
      if (!checkCsrf(req, req.params.token))
        return showJoin(reply, req.params.token, j, 403, form, { problems: [FORM_EXPIRED] });
      try {
        await ops.joinCommunity(client, j.doc.slug, { name: form.name, email: form.email, siteId: j.siteId });
        return showJoin(reply, req.params.token, j, 200, form, {
          done: `Welcome: you have joined the ${j.doc.config.title}. A welcome email with the meetings is on its way.`,
        });
      } catch (err) {
        const p = problemsOf(err);
        return showJoin(reply, req.params.token, j, p.status, form, { problems: p.problems });
      }
    },
  );
  return { teamActions };
}
