/**
 * The coordinators' and faculty's pages: their collaboratives, launch, one collaborative and its actions.
 */
import { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { CollaborativeDoc } from '../../app';
import * as ops from '../../app';
import { ValidationError } from '../../domain/errors';
import { ACTION_PATH, ACTION_ROLES, runAction, type ActionName } from '../actions';
import { collaborativesOf, csrfToken, LAUNCHERS, mayLaunch, rolesIn, type Role, type User } from '../auth';
import { problemsOf, type Form, type WebContext } from '../context';
import { html } from '../html';
import { collaborativePage, formIdOf, loadCollaborative } from '../pages/collaborative';
import { calendarSection } from '../pages/feed';
import { dashboardPage, launchPage } from '../pages/home';

export function registerCoordination(app: FastifyInstance, ctx: WebContext) {
  const { deps, now, db, client, key, userOf, send, checkCsrf, formExpired, withoutCsrf, findCollaborative } =
    ctx;
  /** The signed-in user and their role in the collaborative, or the page/status that refuses them. */
  async function access(
    req: FastifyRequest<{ Params: { slug: string } }>,
    reply: FastifyReply,
    roles: Role[] = ['coordinator', 'faculty'],
  ): Promise<{ user: User; doc: CollaborativeDoc; roles: Role[] } | undefined> {
    const user = userOf(req);
    if (!user) {
      await reply.redirect(`/signin`);
      return undefined;
    }
    const doc = await findCollaborative(req.params.slug);
    const held = doc ? rolesIn(user, doc) : [];
    if (!doc || !held.some((r) => roles.includes(r))) {
      // The same answer whether it exists or not: nobody learns of another's collaborative.
      await send(
        reply,
        403,
        'Not yours',
        html`<p class="errors">You have no role in this collaborative that allows this.</p>`,
        user,
      );
      return undefined;
    }
    return { user, doc, roles: held };
  }

  app.get('/', async (req, reply) => {
    const user = userOf(req);
    if (!user) return reply.redirect('/signin');
    const mine = await collaborativesOf(db, user);
    const rows = await Promise.all(
      mine.map(async ({ doc, role }) => {
        const apps = await ops.applicationsOf(db, doc.slug);
        return {
          doc,
          role,
          applications: apps.length,
          accepted: apps.filter((a) => a.decision?.decision === 'accept').length,
        };
      }),
    );
    return send(
      reply,
      200,
      'Your collaboratives',
      html`${dashboardPage(rows, now(), mayLaunch(user, mine), user.admin, await ops.communitiesOf(db, user, now()))}
      ${rows.length ? calendarSection(ctx.feedUrl(user.email)) : ''}`,
      user,
    );
  });

  app.get('/launch', async (req, reply) => {
    const user = userOf(req);
    if (!user) return reply.redirect('/signin');
    if (!mayLaunch(user, await collaborativesOf(db, user))) return notAllowedToLaunch(reply, user);
    const flash = await ctx.flash.take(req, reply, '/launch');
    return send(
      reply,
      200,
      'Launch a collaborative',
      launchPage({
        csrf: csrfToken(key, user.nonce),
        text: typeof flash.values?.config === 'string' ? flash.values.config : undefined,
        problems: flash.problems,
      }),
      user,
    );
  });
  app.post('/launch', async (req, reply) => {
    const user = userOf(req);
    if (!user) return reply.redirect('/signin');
    if (!checkCsrf(req, user.nonce)) return formExpired(reply, user);
    if (!mayLaunch(user, await collaborativesOf(db, user))) return notAllowedToLaunch(reply, user);
    const config = (req.body as Form | null | undefined)?.config;
    const text = typeof config === 'string' ? config : '';
    try {
      const slug = await launchFromText(text, user);
      return ctx.flash.redirect(reply, `/c/${slug}`, { done: 'Launched: the workflow is running.' });
    } catch (err) {
      const p = problemsOf(err);
      return ctx.flash.redirect(reply, '/launch', {
        form: 'launch',
        problems: p.problems,
        values: { config: text },
      });
    }
  });

  const notAllowedToLaunch = (reply: FastifyReply, user: User) =>
    send(reply, 403, 'Launch a collaborative', html`<p class="errors">${LAUNCHERS}</p>`, user);

  /** Parses and checks a pasted config, then launches it; the user must coordinate it (or administer). */
  async function launchFromText(text: string, user: User): Promise<string> {
    if (!text.trim())
      throw new ValidationError('the launch config', ['config: paste the config or choose its file']);
    return launchInput(ops.readLaunchText(text), user);
  }

  /** Checks a config (every problem at once), then launches it; the user must coordinate it (or administer). */
  async function launchInput(input: unknown, user: User): Promise<string> {
    const config = ops.checkedLaunchConfig(input);
    if (!user.admin && !config.coordinators.some((c) => c.email === user.email))
      throw new ValidationError('the launch config', [
        `coordinators: add yourself (${user.email}) as a coordinator to launch it`,
      ]);
    await ops.launch(client, db, deps.taskQueue, input);
    // The workflow records itself in its first activity; recording here too (the same idempotent
    // upsert) lets the coordinator land on its page at once.
    await ops.recordLaunched(db, config);
    return config.slug;
  }

  app.get<{ Params: { slug: string } }>('/c/:slug', async (req, reply) => {
    const a = await access(req, reply);
    if (!a) return;
    const flash = await ctx.flash.take(req, reply, `/c/${a.doc.slug}`);
    const view = await loadCollaborative(db, client, a.doc, a.roles, now());
    return send(
      reply,
      200,
      a.doc.config.title,
      collaborativePage(view, csrfToken(key, a.user.nonce), now(), flash),
      a.user,
    );
  });

  for (const name of Object.keys(ACTION_ROLES) as ActionName[]) {
    // A GET of the action's address (a bookmark, a reload of an old tab) shows the collaborative's page.
    app.get<{ Params: { slug: string } }>(`/c/:slug/${ACTION_PATH[name]}`, (req, reply) =>
      reply.redirect(`/c/${encodeURIComponent(req.params.slug)}`, 303),
    );
    app.post<{ Params: { slug: string } }>(`/c/:slug/${ACTION_PATH[name]}`, async (req, reply) => {
      const a = await access(req, reply, ACTION_ROLES[name]);
      if (!a) return;
      if (!checkCsrf(req, a.user.nonce)) return formExpired(reply, a.user);
      const body = withoutCsrf(req.body);
      const form = formIdOf(name, body);
      const path = `/c/${a.doc.slug}`;
      try {
        const done = await runAction(name, { client, db, slug: a.doc.slug, by: a.user.email }, body);
        return ctx.flash.redirect(reply, path, { done }, `#${form.replace(':', '-')}`);
      } catch (err) {
        const p = problemsOf(err);
        return ctx.flash.redirect(reply, path, { form, problems: p.problems, values: body });
      }
    });
  }
  return { launchFromText, launchInput, notAllowedToLaunch, access };
}
