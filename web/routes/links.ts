/**
 * The pages reached by signed links: a PI's application, a team's page, a Learning Community's join form.
 */
import { type FastifyInstance, type FastifyReply } from 'fastify';
import type { CollaborativeDoc } from '../../app';
import * as ops from '../../app';
import { verifyLink, type LinkClaims } from '../../security/links';
import { completeTeamPrework, recordTeamAttendance, submitTeamMetrics } from '../actions';
import { csrfToken } from '../auth';
import type { Flash } from '../flash';
import { html } from '../html';
import {
  applicationFromForm,
  applicationPage,
  compactMembers,
  formFromApplication,
  joinPage,
  linkProblemPage,
  submissionFromForm,
  teamPage,
} from '../pages/links';
import { teamPdsaSection, teamPdsaSummary } from '../pages/pdsa';
import { teamResourcesSection } from '../pages/resources';
import { teamStoryboardsSection } from '../pages/storyboards';

import { FORM_EXPIRED, problemsOf, type Form, type WebContext } from '../context';
import { calendarSection } from '../pages/feed';
import { callFormId, callsSection } from '../pages/call-registration';

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

  /** The phase the pages read: the workflow's record of it (the team page asks the team's workflow too). */
  const windows = (doc: CollaborativeDoc) => ops.windowsOf(doc, doc.phase, now());
  const expired = (reply: FastifyReply, back: string) =>
    send(
      reply,
      403,
      'Form expired',
      html`<div class="errors" role="alert">${FORM_EXPIRED}</div>
        <p><a href="${back}">Back to the form</a></p>`,
    );

  app.get<{ Params: { token: string } }>(
    '/apply/:token',
    { config: limit(limits.links) },
    async (req, reply) => {
      const l = await linkAccess('apply', req.params.token, reply);
      if (!l) return;
      const path = `/apply/${req.params.token}`;
      const flash = await ctx.flash.take(req, reply, path);
      const prev = await latestApplication(l.doc.slug, l.claims.s);
      const csrf = csrfToken(key, req.params.token);
      // A call's registration form keeps its own problems and values; the application's are its own.
      const call = flash.form?.startsWith('call-');
      const [site] = await ops.getSites(db, [l.claims.s]);
      const registered = (await ops.callRegistrations(db, l.doc.slug)).filter((r) => r.siteId === l.claims.s);
      return send(
        reply,
        200,
        `Apply: ${l.doc.config.title}`,
        html`${applicationPage({
          doc: l.doc,
          siteName: l.siteName,
          email: l.claims.e,
          action: path,
          csrf,
          form: (!call && flash.values) || formFromApplication(prev),
          windows: windows(l.doc),
          version: prev?.version,
          problems: call ? undefined : flash.problems,
          done: flash.done,
        })}
        ${callsSection({
          doc: l.doc,
          now: now(),
          siteName: l.siteName,
          pi: { name: site?.piEmail === l.claims.e ? site.piName : '', email: l.claims.e },
          action: (n) => `${path}/calls/${n + 1}`,
          csrf,
          flash,
          registered,
        })}`,
      );
    },
  );
  app.post<{ Params: { token: string } }>(
    '/apply/:token',
    { config: limit(limits.links) },
    async (req, reply) => {
      const l = await linkAccess('apply', req.params.token, reply);
      if (!l) return;
      const path = `/apply/${req.params.token}`;
      if (!checkCsrf(req, req.params.token)) return expired(reply, path);
      const form = withoutCsrf(req.body);
      try {
        const r = await ops.submitApplication(
          client,
          l.doc.slug,
          applicationFromForm(form, l.claims.s, l.claims.e),
        );
        return ctx.flash.redirect(reply, path, {
          done: `Thank you: the application of ${l.siteName} is recorded (version ${r.version}).`,
        });
      } catch (err) {
        const p = problemsOf(err);
        return ctx.flash.redirect(reply, path, {
          form: 'application',
          problems: p.problems,
          values: compactMembers(form),
        });
      }
    },
  );

  app.post<{ Params: { token: string; call: string } }>(
    '/apply/:token/calls/:call',
    { config: limit(limits.links) },
    async (req, reply) => {
      const l = await linkAccess('apply', req.params.token, reply);
      if (!l) return;
      const path = `/apply/${req.params.token}`;
      if (!checkCsrf(req, req.params.token)) return expired(reply, path);
      const form = withoutCsrf(req.body);
      // Calls are numbered from 1 in the path, as people read them.
      const call = /^\d+$/.test(req.params.call) ? Number(req.params.call) - 1 : -1;
      const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
      try {
        const r = await ops.registerForCall(client, db, ctx.deps.outbox, l.doc.slug, {
          call,
          siteId: l.claims.s,
          name: str(form.name),
          email: str(form.email),
        });
        return await ctx.flash.redirect(
          reply,
          path,
          {
            done: `${r.email} is registered for informational call ${r.call + 1}${r.invitation === 'sent' ? ': the calendar invitation is on its way' : ''}.`,
          },
          '#calls',
        );
      } catch (err) {
        return ctx.flash.redirect(
          reply,
          path,
          { form: callFormId(call), problems: problemsOf(err).problems, values: form },
          `#info-call-${Math.max(call, 0)}`,
        );
      }
    },
  );

  async function teamView(
    l: NonNullable<Awaited<ReturnType<typeof linkAccess>>>,
    token: string,
    period: string,
    flash: Flash,
    edit?: number,
  ) {
    const [team, app, submissions, charts, cycles, resources] = await Promise.all([
      ops.teamStatus(client, l.doc.slug, l.claims.s).then(
        (t) => ({ t, e: undefined }),
        (e: Error) => ({ t: undefined, e: `The team's status is unavailable: ${e.message}` }),
      ),
      latestApplication(l.doc.slug, l.claims.s),
      ops.teamSubmissions(db, l.doc.slug, l.claims.s),
      ops.teamCharts(db, l.doc, l.claims.s, l.siteName).catch(() => []),
      ops.pdsaCycles(db, l.doc, { siteId: l.claims.s }),
      ops.pdsaResources(db, l.doc.slug),
    ]);
    const roster = app?.coreTeam.members ?? [];
    const over = !!windows(l.doc).over || (!!team.t?.state && team.t.state !== 'active');
    const base = `/team/${token}`;
    const learning = html`${teamPdsaSection({ doc: l.doc, base, csrf: csrfToken(key, token), cycles, edit, over, flash })}
    ${teamResourcesSection(l.doc, resources)} ${teamStoryboardsSection(base)}`;
    return html`${teamPdsaSummary(flash)}${teamPage({
      doc: l.doc,
      siteName: l.siteName,
      email: l.claims.e,
      base: `/team/${token}`,
      csrf: csrfToken(key, token),
      team: team.t,
      teamError: team.e,
      roster,
      submissions,
      charts,
      windows: windows(l.doc),
      now: now(),
      period,
      // The PDSA form's problems are shown by its own section.
      flash: flash.form?.startsWith('pdsa') ? { ...flash, form: undefined, problems: undefined } : flash,
    })}
    ${learning} ${calendarSection(ctx.feedUrl(l.claims.e))}`;
  }

  app.get<{ Params: { token: string }; Querystring: { period?: string; edit?: string } }>(
    '/team/:token',
    { config: limit(limits.links) },
    async (req, reply) => {
      const l = await linkAccess('team', req.params.token, reply);
      if (!l) return;
      const flash = await ctx.flash.take(req, reply, `/team/${req.params.token}`);
      return send(
        reply,
        200,
        `Team: ${l.doc.config.title}`,
        await teamView(
          l,
          req.params.token,
          String(req.query.period ?? ''),
          flash,
          /^\d{1,6}$/.test(String(req.query.edit ?? '')) ? Number(req.query.edit) : undefined,
        ),
      );
    },
  );

  const teamActions = {
    metrics: (c: Parameters<typeof submitTeamMetrics>[0], form: Form, doc: CollaborativeDoc) =>
      submitTeamMetrics(
        c,
        submissionFromForm(form, doc.config.metrics?.measures ?? [], c.by),
        doc.config.metrics?.measures,
      ),
    attendance: async (c: Parameters<typeof submitTeamMetrics>[0], form: Form) =>
      recordTeamAttendance(
        c,
        ((await latestApplication(c.slug, c.siteId))?.coreTeam.members ?? []).map((m) => m.email),
        form,
      ),
    prework: (c: Parameters<typeof submitTeamMetrics>[0], form: Form) => completeTeamPrework(c, form),
  };
  for (const [name, act] of Object.entries(teamActions)) {
    // A GET of the action's address (a bookmark, a reload of an old tab) shows the team page.
    app.get<{ Params: { token: string } }>(`/team/:token/${name}`, (req, reply) =>
      reply.redirect(`/team/${req.params.token}#${name}`, 303),
    );
    app.post<{ Params: { token: string } }>(
      `/team/:token/${name}`,
      { config: limit(limits.links) },
      async (req, reply) => {
        const l = await linkAccess('team', req.params.token, reply);
        if (!l) return;
        const path = `/team/${req.params.token}`;
        if (!checkCsrf(req, req.params.token)) return expired(reply, path);
        const c = { client, db, slug: l.doc.slug, siteId: l.claims.s, by: l.claims.e };
        const form = withoutCsrf(req.body);
        try {
          const done = await act(c, form, l.doc);
          return ctx.flash.redirect(reply, path, { done }, `#${name}`);
        } catch (err) {
          const p = problemsOf(err);
          return ctx.flash.redirect(reply, path, { form: name, problems: p.problems, values: form });
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
    flash: Flash,
  ) =>
    send(
      reply,
      200,
      `Join: ${j.doc.config.title}`,
      joinPage({
        title: j.doc.config.title,
        topic: j.doc.config.topic,
        siteName: j.siteName,
        action: `/join/${token}`,
        csrf: csrfToken(key, token),
        form: flash.values ?? {},
        problems: flash.problems,
        done: flash.done,
      }),
    );
  app.get<{ Params: { token: string } }>(
    '/join/:token',
    { config: limit(limits.links) },
    async (req, reply) => {
      const j = await joinAccess(req.params.token, reply);
      if (j)
        return showJoin(
          reply,
          req.params.token,
          j,
          await ctx.flash.take(req, reply, `/join/${req.params.token}`),
        );
    },
  );
  app.post<{ Params: { token: string } }>(
    '/join/:token',
    { config: limit(limits.links) },
    async (req, reply) => {
      const j = await joinAccess(req.params.token, reply);
      if (!j) return;
      const path = `/join/${req.params.token}`;
      if (!checkCsrf(req, req.params.token)) return expired(reply, path);
      const form = withoutCsrf(req.body);
      try {
        await ops.joinCommunity(client, j.doc.slug, { name: form.name, email: form.email, siteId: j.siteId });
        return ctx.flash.redirect(reply, path, {
          done: `Welcome: you have joined the ${j.doc.config.title}. A welcome email with the meetings is on its way.`,
        });
      } catch (err) {
        const p = problemsOf(err);
        return ctx.flash.redirect(reply, path, { form: 'join', problems: p.problems, values: form });
      }
    },
  );
  return { teamActions, linkAccess };
}
