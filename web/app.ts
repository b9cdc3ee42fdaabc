/**
 * The web app: Fastify, server-rendered pages, a JSON API under /api with the same rules. Pages
 * and API share the actions of web/actions.ts and the access rules of web/auth.ts.
 */
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { Client } from '@temporalio/client';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Db } from 'mongodb';
import { collaboratives, recordProgramme, type CollaborativeDoc } from '../activities/collaboratives';
import { COLLECTIONS } from '../activities/db';
import type { CommunityDoc } from '../activities/community';
import type { ApplicationDoc } from '../activities/lifecycle';
import type { Outbox } from '../activities/outbox';
import { getSites } from '../activities/sites';
import { ValidationError } from '../domain/errors';
import { emailSchema } from '../domain/common';
import { launchConfigSchema, workflowIdFor } from '../domain/config';
import { verifyLink, type LinkClaims } from '../security/links';
import * as ops from '../scripts/operations';
import { teamStatusQuery, teamWorkflowId } from '../workflows';
import {
  completeTeamPrework,
  recordTeamAttendance,
  runAction,
  submitTeamMetrics,
  ACTION_ROLES,
  type ActionName,
} from './actions';
import { registerApi } from './api';
import { readCookie, sessionCookie } from './cookies';
import {
  collaborativesOf,
  csrfToken,
  csrfValid,
  issueSignin,
  maySignIn,
  newSession,
  roleIn,
  sessionUser,
  spendSignin,
  SESSION_COOKIE,
  SESSION_HOURS,
  type Role,
  type User,
} from './auth';
import { html, page, SITE_CSS, type Html } from './html';
import { collaborativePage, loadCollaborative, type FormState } from './pages/collaborative';
import { dashboardPage, launchPage, signinPage, LAUNCH_JS } from './pages/home';
import {
  applicationFromForm,
  applicationPage,
  formFromApplication,
  joinPage,
  linkProblemPage,
  submissionFromForm,
  teamPage,
} from './pages/links';
import { renderSignin } from './signin-email';

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
  now?: () => number;
  /** Requests per minute per client on sign-in and on signed links. */
  rateLimits?: { signin: number; links: number };
  logger?: boolean;
}

type Form = Record<string, unknown>;

/** An error turned into what people read: the problems of a form, or a page with a status. */
export function problemsOf(err: unknown): { status: number; problems: string[] } {
  if (err instanceof ValidationError) return { status: 422, problems: err.problems };
  if (err instanceof ops.OperationError) {
    const status = { refused: 422, input: 422, 'not-found': 404, conflict: 409, unavailable: 503 }[err.kind];
    return { status, problems: [err.message] };
  }
  return { status: 500, problems: [`something went wrong: ${(err as Error).message}`] };
}

export async function buildApp(deps: WebDeps): Promise<FastifyInstance> {
  const now = deps.now ?? Date.now;
  const { db, client, key } = deps;
  const secure = deps.baseUrl.startsWith('https:');
  const limits = deps.rateLimits ?? { signin: 10, links: 60 };
  // Signed tokens travel in the path: allow them (Fastify's default caps a parameter at 100 characters).
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: 1_000_000,
    routerOptions: { maxParamLength: 2048 },
    // A URL that cannot be decoded, or a parameter too long: refused with the same `problems` list.
    frameworkErrors: (err, _req, reply) =>
      (reply as FastifyReply).code(err.statusCode ?? 400).send({ problems: [err.message] }),
  });
  // Bodies refused before any route (malformed JSON, a type we do not read, too large) and unknown
  // addresses answer like the API's other refusals: `{ problems: [...] }`.
  app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) req.log.error(err);
    return reply
      .code(status)
      .send({ problems: [status === 500 ? `something went wrong: ${err.message}` : err.message] });
  });
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ problems: [`nothing at ${req.method} ${req.url.slice(0, 200)}`] }),
  );

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"], // style attributes of the charts' SVG
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
  });
  await app.register(formbody);
  await app.register(rateLimit, { global: false });
  const limit = (max: number) => ({ rateLimit: { max, timeWindow: '1 minute' } });

  // ---- helpers ---------------------------------------------------------------------------------
  const userOf = (req: FastifyRequest): User | undefined => {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    return sessionUser(key, bearer ?? readCookie(req.headers.cookie, SESSION_COOKIE), deps.admins, now());
  };
  const send = (reply: FastifyReply, status: number, title: string, body: Html, user?: User) =>
    reply
      .code(status)
      .type('text/html; charset=utf-8')
      .send(page(title, body, user));
  const checkCsrf = (req: FastifyRequest, boundTo: string): boolean =>
    csrfValid(key, boundTo, (req.body as Form | undefined)?._csrf ?? req.headers['x-csrf-token']);
  const FORM_EXPIRED = 'This form has expired or did not come from this site. Reload the page and try again.';
  const formExpired = (reply: FastifyReply, user: User) =>
    send(reply, 403, 'Form expired', html`<p class="errors">${FORM_EXPIRED}</p>`, user);
  const withoutCsrf = (b: unknown): Form => {
    const { _csrf, ...rest } = (b ?? {}) as Form;
    void _csrf;
    return rest;
  };
  const findCollaborative = async (slug: string): Promise<CollaborativeDoc | undefined> => {
    if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(slug)) return undefined;
    return (await collaboratives(db).findOne({ slug }, { projection: { _id: 0 } })) ?? undefined;
  };

  /** The signed-in user and their role in the collaborative, or the page/status that refuses them. */
  async function access(
    req: FastifyRequest<{ Params: { slug: string } }>,
    reply: FastifyReply,
    roles: Role[] = ['coordinator', 'faculty'],
  ): Promise<{ user: User; doc: CollaborativeDoc; role: Role } | undefined> {
    const user = userOf(req);
    if (!user) {
      await reply.redirect(`/signin`);
      return undefined;
    }
    const doc = await findCollaborative(req.params.slug);
    const role = doc && roleIn(user, doc);
    if (!doc || !role || !roles.includes(role)) {
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
    return { user, doc, role };
  }

  // ---- static, health --------------------------------------------------------------------------
  app.get('/static/site.css', (_q, r) => r.type('text/css').send(SITE_CSS));
  app.get('/static/launch.js', (_q, r) => r.type('application/javascript').send(LAUNCH_JS));
  app.get('/healthz', () => ({ ok: true }));
  app.get('/readyz', async (_q, reply) => {
    try {
      await db.command({ ping: 1 });
      await client.workflowService.getSystemInfo({});
      return { ready: true };
    } catch (err) {
      return reply.code(503).send({ ready: false, error: (err as Error).message });
    }
  });

  // ---- sign-in ---------------------------------------------------------------------------------
  app.get('/signin', (_q, reply) => send(reply, 200, 'Sign in', signinPage({})));
  app.post('/signin', { config: limit(limits.signin) }, async (req, reply) => {
    const email = emailSchema.safeParse((req.body as Form | undefined)?.email);
    if (!email.success)
      return send(reply, 422, 'Sign in', signinPage({ problems: ['email: enter a valid email address'] }));
    if (await maySignIn(db, email.data, deps.admins)) {
      const token = await issueSignin(db, key, email.data, now());
      const url = `${deps.baseUrl.replace(/\/$/, '')}/signin/${token}`;
      await deps.outbox.deliver({
        key: `signin:${token.split('.')[1]}`,
        collaborative: '-',
        purpose: 'signin',
        template: 'signin',
        to: email.data,
        ...renderSignin(url),
      });
    }
    return send(reply, 200, 'Sign in', signinPage({ sent: true }));
  });
  app.get<{ Params: { token: string } }>(
    '/signin/:token',
    { config: limit(limits.signin) },
    async (req, reply) => {
      const r = await spendSignin(db, key, req.params.token, now());
      if (!r.ok) return send(reply, 403, 'Sign-in link refused', linkProblemPage(r.reason));
      reply.header(
        'set-cookie',
        sessionCookie(SESSION_COOKIE, newSession(key, r.email, now()), {
          secure,
          maxAgeSeconds: SESSION_HOURS * 3600,
        }),
      );
      return reply.redirect('/');
    },
  );
  app.post('/signout', (_q, reply) =>
    reply
      .header('set-cookie', sessionCookie(SESSION_COOKIE, '', { secure, maxAgeSeconds: 0 }))
      .redirect('/signin'),
  );

  // ---- coordinators and faculty ----------------------------------------------------------------
  app.get('/', async (req, reply) => {
    const user = userOf(req);
    if (!user) return reply.redirect('/signin');
    const mine = await collaborativesOf(db, user);
    const rows = await Promise.all(
      mine.map(async ({ doc, role }) => {
        const apps = await db
          .collection<ApplicationDoc>(COLLECTIONS.applications)
          .find({ collaborative: doc.slug }, { projection: { decision: 1 } })
          .toArray();
        return {
          doc,
          role,
          applications: apps.length,
          accepted: apps.filter((a) => a.decision?.decision === 'accept').length,
        };
      }),
    );
    return send(reply, 200, 'Your collaboratives', dashboardPage(rows, now(), true), user);
  });

  app.get('/launch', async (req, reply) => {
    const user = userOf(req);
    if (!user) return reply.redirect('/signin');
    return send(reply, 200, 'Launch a collaborative', launchPage({ csrf: csrfToken(key, user.nonce) }), user);
  });
  app.post('/launch', async (req, reply) => {
    const user = userOf(req);
    if (!user) return reply.redirect('/signin');
    if (!checkCsrf(req, user.nonce)) return formExpired(reply, user);
    const config = (req.body as Form | null | undefined)?.config;
    const text = typeof config === 'string' ? config : '';
    try {
      const slug = await launchFromText(text, user);
      return reply.redirect(`/c/${slug}?done=launched`);
    } catch (err) {
      const p = problemsOf(err);
      return send(
        reply,
        p.status,
        'Launch a collaborative',
        launchPage({ csrf: csrfToken(key, user.nonce), text, problems: p.problems }),
        user,
      );
    }
  });

  /** Parses and checks a pasted config, then launches it; the user must coordinate it (or administer). */
  async function launchFromText(text: string, user: User): Promise<string> {
    if (!text.trim())
      throw new ValidationError('the launch config', ['config: paste the config or choose its file']);
    let input: unknown;
    try {
      input = ops.parseStructuredText(text, 'the launch config');
    } catch (err) {
      // The YAML parser throws (rather than lists) on an alias bomb or an unresolved alias.
      if (err instanceof ValidationError) throw err;
      throw new ValidationError('the launch config', [`config: ${(err as Error).message}`]);
    }
    const config = ops.validate(launchConfigSchema, input, 'the launch config');
    if (!user.admin && !config.coordinators.some((c) => c.email === user.email))
      throw new ValidationError('the launch config', [
        `coordinators: add yourself (${user.email}) as a coordinator to launch it`,
      ]);
    await ops.launch(client, db, deps.taskQueue, input);
    // The workflow records itself in its first activity; recording here too (the same idempotent
    // upsert) lets the coordinator land on its page at once.
    await recordProgramme(db, COLLECTIONS.collaboratives, config, workflowIdFor(config.slug));
    return config.slug;
  }

  app.get<{ Params: { slug: string }; Querystring: { done?: string } }>('/c/:slug', async (req, reply) => {
    const a = await access(req, reply);
    if (!a) return;
    const view = await loadCollaborative(db, client, a.doc, a.role, now());
    const done = req.query.done === 'launched' ? 'Launched: the workflow is running.' : undefined;
    return send(
      reply,
      200,
      a.doc.config.title,
      collaborativePage(view, csrfToken(key, a.user.nonce), now(), { done }),
      a.user,
    );
  });

  for (const name of Object.keys(ACTION_ROLES) as ActionName[]) {
    app.post<{ Params: { slug: string } }>(
      `/c/:slug/${name === 'decide' ? 'decisions' : name}`,
      async (req, reply) => {
        const a = await access(req, reply, ACTION_ROLES[name]);
        if (!a) return;
        if (!checkCsrf(req, a.user.nonce)) return formExpired(reply, a.user);
        const body = withoutCsrf(req.body);
        const form = ['decide', 'attendance', 'feedback'].includes(name)
          ? `${name === 'decide' ? 'decision' : name}:${typeof body.siteId === 'string' ? body.siteId : ''}`
          : name;
        let state: FormState;
        let status = 200;
        try {
          state = { done: await runAction(name, { client, db, slug: a.doc.slug, by: a.user.email }, body) };
        } catch (err) {
          const p = problemsOf(err);
          status = p.status;
          state = { form, problems: p.problems };
        }
        const fresh = (await findCollaborative(a.doc.slug)) ?? a.doc;
        const view = await loadCollaborative(db, client, fresh, a.role, now());
        return send(
          reply,
          status,
          fresh.config.title,
          collaborativePage(view, csrfToken(key, a.user.nonce), now(), state),
          a.user,
        );
      },
    );
  }

  // ---- PIs and teams, through their signed links -----------------------------------------------
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
    const site = (await getSites(db, [r.claims.s]))[0];
    return {
      claims: r.claims as LinkClaims & { c: string; s: string },
      doc,
      siteName: site?.name ?? r.claims.s,
    };
  }

  const latestApplication = (slug: string, siteId: string) =>
    db
      .collection<ApplicationDoc>(COLLECTIONS.applications)
      .findOne({ collaborative: slug, siteId }, { projection: { _id: 0 } });

  app.get<{ Params: { token: string } }>(
    '/apply/:token',
    { config: limit(limits.links) },
    async (req, reply) => {
      const l = await linkAccess('apply', req.params.token, reply);
      if (!l) return;
      const prev = await latestApplication(l.doc.slug, l.claims.s);
      return send(
        reply,
        200,
        `Apply: ${l.doc.config.title}`,
        applicationPage({
          doc: l.doc,
          siteName: l.siteName,
          email: l.claims.e,
          action: `/apply/${req.params.token}`,
          csrf: csrfToken(key, req.params.token),
          form: formFromApplication(prev),
          version: prev?.version,
        }),
      );
    },
  );
  app.post<{ Params: { token: string } }>(
    '/apply/:token',
    { config: limit(limits.links) },
    async (req, reply) => {
      const l = await linkAccess('apply', req.params.token, reply);
      if (!l) return;
      const title = `Apply: ${l.doc.config.title}`;
      const form = withoutCsrf(req.body);
      const show = (status: number, extra: { problems?: string[]; done?: string; version?: number }) =>
        send(
          reply,
          status,
          title,
          applicationPage({
            doc: l.doc,
            siteName: l.siteName,
            email: l.claims.e,
            action: `/apply/${req.params.token}`,
            csrf: csrfToken(key, req.params.token),
            form,
            ...extra,
          }),
        );
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
      client.workflow
        .getHandle(teamWorkflowId(l.doc.slug, l.claims.s))
        .query(teamStatusQuery)
        .then(
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
    const doc =
      r.ok && r.claims.c && /^[a-z0-9][a-z0-9-]{1,62}$/.test(r.claims.c)
        ? await db
            .collection<CommunityDoc>(COLLECTIONS.communities)
            .findOne({ slug: r.claims.c }, { projection: { _id: 0 } })
        : null;
    if (!r.ok || !doc || !r.claims.s) {
      await send(reply, r.ok ? 404 : 403, 'Link refused', linkProblemPage(r.ok ? 'unknown' : r.reason));
      return undefined;
    }
    const site = (await getSites(db, [r.claims.s]))[0];
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

  registerApi(app, {
    deps,
    userOf,
    findCollaborative,
    launchFromText,
    linkAccess: (p, t) => verifyLink(key, t, p, now()),
    teamActions,
    latestApplication,
    problemsOf,
  });
  return app;
}
