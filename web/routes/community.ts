/**
 * A Learning Community's pages for its coordinators and facilitators: launch it from a form, then
 * its members, meetings (attendance and summary) and shares. Every form posts to a use case of
 * app/community.ts, which sends it to the running workflow as `lc lcom …` does, and is answered
 * with a redirect (post/redirect/get, web/flash.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as ops from '../../app';
import type { CommunityDoc, CommunityRole } from '../../app';
import { collaborativesOf, csrfToken, mayLaunch, type User } from '../auth';
import { problemsOf, type Form, type WebContext } from '../context';
import { html } from '../html';
import {
  communityConfigFromForm,
  communityLaunchPage,
  communityPage,
  compactLaunchForm,
  meetingPage,
  plural,
} from '../pages/community';

export const COMMUNITY_LAUNCHERS =
  'Learning Communities are launched by network administrators and by coordinators of a programme.';

type Slugged = FastifyRequest<{ Params: { slug: string } }>;
/** An action's address: the community, and for a meeting's forms the meeting (from 1). */
type Params = { slug: string; n?: string };

export function registerCommunity(app: FastifyInstance, ctx: WebContext) {
  const { deps, now, db, client, key, userOf, send, checkCsrf, formExpired, withoutCsrf } = ctx;

  /** Administrators, and whoever coordinates a collaborative or a community. */
  async function mayLaunchCommunity(user: User): Promise<boolean> {
    if (mayLaunch(user, await collaborativesOf(db, user))) return true;
    const mine = await ops.communitiesNaming(db, user.email);
    return mine.some((d) => ops.communityRoles(d, user).includes('coordinator'));
  }

  /** The signed-in user and their roles in the community, or the page that refuses them. */
  async function access(
    req: Slugged,
    reply: FastifyReply,
    post = false,
  ): Promise<{ user: User; doc: CommunityDoc; roles: CommunityRole[] } | undefined> {
    const user = userOf(req);
    if (!user) {
      await reply.redirect('/signin');
      return undefined;
    }
    const doc = await ops.findCommunity(db, req.params.slug);
    const roles = doc ? ops.communityRoles(doc, user) : [];
    if (!doc || !roles.length) {
      // The same answer whether it exists or not.
      await send(
        reply,
        403,
        'Not yours',
        html`<p class="errors">You have no role in this community.</p>`,
        user,
      );
      return undefined;
    }
    if (post && !checkCsrf(req, user.nonce)) {
      await formExpired(reply, user);
      return undefined;
    }
    return { user, doc, roles };
  }

  // ---- launch ------------------------------------------------------------------------------------
  const refuseLaunch = (reply: FastifyReply, user: User) =>
    send(reply, 403, 'Launch a Learning Community', html`<p class="errors">${COMMUNITY_LAUNCHERS}</p>`, user);

  app.get('/communities/new', async (req, reply) => {
    const user = userOf(req);
    if (!user) return reply.redirect('/signin');
    if (!(await mayLaunchCommunity(user))) return refuseLaunch(reply, user);
    const flash = await ctx.flash.take(req, reply, '/communities/new');
    const { sites } = await ops.searchSites(db, { show: 'active' });
    return send(
      reply,
      200,
      'Launch a Learning Community',
      communityLaunchPage({
        csrf: csrfToken(key, user.nonce),
        sites,
        values: flash.values ?? { 'coordinators[0].email': user.email, timeZone: 'America/Chicago' },
        problems: flash.problems,
      }),
      user,
    );
  });

  app.post('/communities/new', async (req, reply) => {
    const user = userOf(req);
    if (!user) return reply.redirect('/signin');
    if (!checkCsrf(req, user.nonce)) return formExpired(reply, user);
    if (!(await mayLaunchCommunity(user))) return refuseLaunch(reply, user);
    const form = compactLaunchForm(withoutCsrf(req.body));
    const input = communityConfigFromForm(form);
    try {
      await ops.launchCommunityBy(client, db, deps.taskQueue, input, user);
      const slug = (input as { slug: string }).slug;
      return ctx.flash.redirect(reply, `/communities/${slug}`, {
        done: 'Launched: the community is running.',
      });
    } catch (err) {
      return ctx.flash.redirect(reply, '/communities/new', {
        form: 'launch-community',
        problems: problemsOf(err).problems,
        values: form,
      });
    }
  });

  // ---- the community and its meetings ------------------------------------------------------------
  app.get<{ Params: { slug: string } }>('/communities/:slug', async (req, reply) => {
    const a = await access(req, reply);
    if (!a) return;
    const flash = await ctx.flash.take(req, reply, `/communities/${a.doc.slug}`);
    const view = await ops.communityView(db, a.doc, now());
    return send(
      reply,
      200,
      a.doc.config.title,
      communityPage(view, a.roles, csrfToken(key, a.user.nonce), flash),
      a.user,
    );
  });

  /** The meeting a path names (numbered from 1, as people count), or undefined. */
  const meetingOf = (view: ops.CommunityView, n: string) =>
    /^\d{1,4}$/.test(n) ? view.meetings[Number(n) - 1] : undefined;

  app.get<{ Params: { slug: string; n: string } }>('/communities/:slug/meetings/:n', async (req, reply) => {
    const a = await access(req, reply);
    if (!a) return;
    const view = await ops.communityView(db, a.doc, now());
    const m = meetingOf(view, req.params.n);
    if (!m)
      return send(
        reply,
        404,
        'Meeting not found',
        html`<p class="errors">This community has no such meeting.</p>
          <p><a href="/communities/${a.doc.slug}#meetings">Back to the community</a></p>`,
        a.user,
      );
    const path = `/communities/${a.doc.slug}/meetings/${m.n + 1}`;
    const flash = await ctx.flash.take(req, reply, path);
    return send(
      reply,
      200,
      `${a.doc.config.title}: meeting ${m.n + 1}`,
      meetingPage(view, m, a.roles, csrfToken(key, a.user.nonce), flash),
      a.user,
    );
  });

  /**
   * One form's post: the use case with the signed-in person's email, then back to `page` with what
   * it did, or with its problems and what was typed.
   */
  function action(
    url: string,
    form: string,
    page: (slug: string, params: Params) => string,
    run: (slug: string, body: Form, by: string, params: Params) => Promise<string>,
  ) {
    // A GET of the action's address (a bookmark, a reload of an old tab) shows its page.
    app.get<{ Params: Params }>(url, (req, reply) =>
      reply.redirect(page(encodeURIComponent(req.params.slug), req.params), 303),
    );
    app.post<{ Params: Params }>(url, async (req, reply) => {
      const a = await access(req, reply, true);
      if (!a) return;
      const body = withoutCsrf(req.body);
      const path = page(a.doc.slug, req.params);
      try {
        const done = await run(a.doc.slug, body, a.user.email, req.params);
        return ctx.flash.redirect(reply, path, { done });
      } catch (err) {
        const p = problemsOf(err);
        return ctx.flash.redirect(reply, path, { form, problems: p.problems, values: body });
      }
    });
  }
  const home = (slug: string) => `/communities/${slug}`;
  const meeting = (slug: string, p: Params) => `/communities/${slug}/meetings/${p.n ?? ''}`;
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  const listOf = (v: unknown) => (Array.isArray(v) ? v : typeof v === 'string' ? [v] : []);
  /** The meeting as the workflow numbers it (from 0); a path that is no number reads as none. */
  const index = (n = '') => (/^\d{1,4}$/.test(n) ? Number(n) - 1 : -1);

  action('/communities/:slug/members', 'join', home, async (slug, b) => {
    const r = await ops.joinCommunity(client, slug, {
      name: text(b.name),
      email: text(b.email).trim(),
      ...(text(b.siteId) ? { siteId: text(b.siteId) } : {}),
    });
    return `Added ${r.email}: they are sent a welcome email. ${plural(r.members, 'member')} now.`;
  });
  action('/communities/:slug/members/leave', 'leave', home, async (slug, b) => {
    const r = await ops.leaveCommunity(client, slug, { email: text(b.email) });
    return `Removed ${r.email}: they hear nothing more from the community. ${plural(r.members, 'member')} now.`;
  });
  action('/communities/:slug/shares', 'share', home, async (slug, b) => {
    const r = await ops.shareWithCommunity(client, slug, {
      kind: text(b.kind),
      title: text(b.title),
      text: text(b.text),
      by: text(b.by),
    });
    return `Shared (${r.kind} #${r.n}): it goes out in the next digest.`;
  });
  action('/communities/:slug/meetings/:n/attendance', 'attendance', meeting, async (slug, b, by, p) => {
    const r = await ops.recordMeetingAttendance(client, slug, {
      meeting: index(p.n),
      emails: listOf(b.emails),
      by,
    });
    return `Attendance of meeting ${r.meeting + 1} recorded: ${r.present} present.`;
  });
  action('/communities/:slug/meetings/:n/summary', 'summary', meeting, async (slug, b, by, p) => {
    const r = await ops.recordMeetingSummary(client, slug, { meeting: index(p.n), text: text(b.text), by });
    return `Summary of meeting ${r.meeting + 1} sent to ${plural(r.sentTo, 'member')}.`;
  });
}
