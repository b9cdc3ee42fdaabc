/**
 * The JSON API under /api: the web pages' operations for scripts and other systems, with the same
 * access rules. Authentication: the session (cookie, plus the `X-CSRF-Token` header on writes) or
 * `Authorization: Bearer <session token>`; PIs and teams use their signed link's token in the path.
 * The OpenAPI document at /api/openapi.json is generated from the same route table and zod schemas.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { zodToJsonSchema } from 'zod-to-json-schema';
import type { ApplicationDoc, CollaborativeDoc } from '../app';
import * as ops from '../app';
import { applicationSchema, callRegistrationSchema } from '../domain/inputs';
import { submissionSchema } from '../domain/metrics';
import type { LinkCheck } from '../security/links';
import {
  ACTION_BODIES,
  ACTION_PATH,
  ACTION_ROLES,
  runAction,
  submitTeamMetrics,
  TEAM_BODIES,
  type ActionName,
} from './actions';
import type { WebDeps } from './app';
import { allows, collaborativesOf, csrfValid, LAUNCHERS, mayLaunch, type Role, type User } from './auth';
import { siteSchema } from '../domain/sites';
import { EXPORT_ROLES } from './exports';
import { DIRECTORY_ADMINS } from './routes/directory';
import { REPORT_ROLES } from './routes/report';
import { nextMilestone } from './pages/home';

type Form = Record<string, unknown>;
type TeamAction = (
  c: { client: WebDeps['client']; db: WebDeps['db']; slug: string; siteId: string; by: string },
  body: Form,
  doc: CollaborativeDoc,
) => Promise<string>;

export interface ApiContext {
  deps: WebDeps;
  userOf(req: FastifyRequest): User | undefined;
  findCollaborative(slug: string): Promise<CollaborativeDoc | undefined>;
  launchFromText(text: string, user: User): Promise<string>;
  linkAccess(purpose: 'apply' | 'team', token: string): LinkCheck;
  teamActions: Record<'metrics' | 'attendance' | 'prework', TeamAction>;
  latestApplication(slug: string, siteId: string): Promise<ApplicationDoc | null>;
  problemsOf(err: unknown): { status: number; problems: string[] };
}

/** One API route: what the OpenAPI document says of it, who may call it, and its body's schema. */
interface Route {
  method: 'GET' | 'POST';
  path: string;
  summary: string;
  auth: 'public' | 'session' | 'apply-link' | 'team-link';
  roles?: Role[];
  /** Network administrators only (LC_WEB_ADMINS): the directory. */
  admin?: boolean;
  body?: z.ZodTypeAny;
  /** What a successful answer is, when not JSON: a CSV or a PDF file. */
  produces?: 'text/csv' | 'application/pdf';
  query?: string[];
}

const ACTION_SUMMARY: Partial<Record<ActionName, string>> = {
  decide: 'Record the decision on an application (the recordDecision Update)',
  addFaculty: 'Add a faculty member (name, email) to the running collaborative (the addFaculty Update)',
  addSite:
    'Announce the collaborative to one more active site of the directory until applications close (the addSite Update)',
};

export const API_ROUTES: Route[] = [
  { method: 'GET', path: '/api/openapi.json', summary: 'This document', auth: 'public' },
  {
    method: 'GET',
    path: '/api/collaboratives',
    summary: 'The collaboratives you have a role in',
    auth: 'session',
  },
  {
    method: 'POST',
    path: '/api/collaboratives',
    summary: 'Launch a collaborative (you must be one of its coordinators)',
    auth: 'session',
    body: z.object({}).passthrough(),
  },
  {
    method: 'GET',
    path: '/api/collaboratives/{slug}',
    summary: "A collaborative's status and teams",
    auth: 'session',
    roles: ['coordinator', 'faculty'],
  },
  {
    method: 'GET',
    path: '/api/collaboratives/{slug}/applications',
    summary: 'Its applications and decisions',
    auth: 'session',
    roles: ['coordinator', 'faculty'],
  },
  {
    method: 'GET',
    path: '/api/collaboratives/{slug}/compliance',
    summary: 'The metrics compliance matrix (team × period)',
    auth: 'session',
    roles: ['coordinator'],
  },
  {
    method: 'GET',
    path: '/api/collaboratives/{slug}/emails',
    summary: 'The email log (filters: status, purpose, to, limit)',
    auth: 'session',
    roles: ['coordinator'],
  },
  ...ops.EXPORT_KINDS.map((k): Route => ({
    method: 'GET',
    path: `/api/collaboratives/{slug}/exports/${k}.csv`,
    summary: `The ${ops.EXPORT_TITLES[k]} as a CSV file (UTF-8 with BOM; a cell that would run as a spreadsheet formula starts with ')`,
    auth: 'session',
    roles: EXPORT_ROLES[k],
    produces: 'text/csv',
  })),
  {
    method: 'GET',
    path: '/api/collaboratives/{slug}/report',
    summary:
      'The final report (state "final" once the collaborative ended; before that "so-far", computed from the records)',
    auth: 'session',
    roles: [...REPORT_ROLES],
  },
  {
    method: 'GET',
    path: '/api/collaboratives/{slug}/report.pdf',
    summary: 'The final report as a PDF',
    auth: 'session',
    roles: [...REPORT_ROLES],
    produces: 'application/pdf',
  },
  {
    method: 'GET',
    path: '/api/sites',
    summary:
      'The network directory, searched: q matches the id, name, PI or PI email (any case); show: active, inactive or all',
    auth: 'session',
    admin: true,
    query: ['q', 'show'],
  },
  {
    method: 'POST',
    path: '/api/sites',
    summary: 'Add a site to the network directory (201; 422 if its id is taken)',
    auth: 'session',
    admin: true,
    body: siteSchema,
  },
  {
    method: 'GET',
    path: '/api/sites/{siteId}',
    summary: 'One site of the directory, with who changed it last and when',
    auth: 'session',
    admin: true,
  },
  {
    method: 'POST',
    path: '/api/sites/{siteId}',
    summary: "Edit a site's name, PI and time zone (an absent zone removes it)",
    auth: 'session',
    admin: true,
    body: ops.siteEditSchema,
  },
  {
    method: 'POST',
    path: '/api/sites/{siteId}/active',
    summary: 'Deactivate (active: false) or reactivate (active: true) a site',
    auth: 'session',
    admin: true,
    body: ops.siteActiveSchema,
  },
  {
    method: 'POST',
    path: '/api/sites/import',
    summary:
      'Import a CSV or YAML file of sites (its text), upserting by site id: every row is checked and one bad row imports nothing (422, each problem "line N: field: message")',
    auth: 'session',
    admin: true,
    body: ops.siteImportSchema,
  },
  ...(Object.keys(ACTION_PATH) as ActionName[]).map((a): Route => ({
    method: 'POST',
    path: `/api/collaboratives/{slug}/${ACTION_PATH[a]}`,
    summary: ACTION_SUMMARY[a] ?? `Record the ${a}`,
    auth: 'session',
    roles: ACTION_ROLES[a],
    body: ACTION_BODIES[a],
  })),
  {
    method: 'POST',
    path: '/api/apply/{token}',
    summary: "Apply (or amend) with a PI's signed link",
    auth: 'apply-link',
    body: applicationSchema.omit({ siteId: true, submittedBy: true }),
  },
  {
    method: 'POST',
    path: '/api/apply/{token}/calls/{call}',
    summary:
      "Register the PI or a colleague of the PI's site for informational call {call} (numbered from 1) with the PI's signed link; they are emailed its calendar invitation once",
    auth: 'apply-link',
    body: callRegistrationSchema.omit({ call: true, siteId: true }),
  },
  {
    method: 'POST',
    path: '/api/team/{token}/metrics',
    summary: "Submit a period's metrics with a team member's signed link",
    auth: 'team-link',
    body: submissionSchema.omit({ by: true }),
  },
  {
    method: 'POST',
    path: '/api/team/{token}/attendance',
    summary: 'Record who attended a learning session',
    auth: 'team-link',
    body: TEAM_BODIES.attendance,
  },
  {
    method: 'POST',
    path: '/api/team/{token}/prework',
    summary: 'Mark a pre-work item done',
    auth: 'team-link',
    body: TEAM_BODIES.prework,
  },
];

/** A body schema as JSON Schema for the document (loosely typed: zod-to-json-schema's types recurse deeply). */
function jsonSchemaOf(schema: z.ZodTypeAny): unknown {
  return (zodToJsonSchema as (s: unknown, o: unknown) => unknown)(schema, { target: 'openApi3' });
}

export function openApiDocument(baseUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of API_ROUTES) {
    const params = [
      ...[...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
        name: m[1],
        in: 'path',
        required: true,
        schema: { type: 'string' },
      })),
      ...(r.query ?? []).map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } })),
    ];
    (paths[r.path] ??= {})[r.method.toLowerCase()] = {
      summary: r.summary,
      ...(r.roles ? { description: `Roles: ${r.roles.join(', ')}` } : {}),
      ...(r.admin ? { description: 'Network administrators only' } : {}),
      parameters: params,
      security: r.auth === 'session' ? [{ session: [] }, { bearer: [] }] : [],
      ...(r.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchemaOf(r.body) } },
            },
          }
        : {}),
      responses: {
        200: {
          description: 'Done',
          ...(r.produces
            ? { content: { [r.produces]: { schema: { type: 'string', format: 'binary' } } } }
            : {}),
        },
        401: { description: 'Not signed in' },
        403: { description: 'No role here, or a refused link' },
        422: { description: 'Invalid input: { problems: string[] }' },
      },
    };
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'lc-orchestrator',
      version: '0.1.0',
      description: 'Learning Collaboratives: the operations of the web app.',
    },
    servers: [{ url: baseUrl }],
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'lc_session' },
        bearer: { type: 'http', scheme: 'bearer', description: 'The session token from signing in' },
      },
    },
    paths,
  };
}

export function registerApi(app: FastifyInstance, ctx: ApiContext): void {
  const { deps } = ctx;
  const { db, client, key } = deps;
  const fail = (reply: FastifyReply, status: number, problems: string[]) =>
    reply.code(status).send({ problems });
  const guard = (reply: FastifyReply, err: unknown) => {
    const p = ctx.problemsOf(err);
    return fail(reply, p.status, p.problems);
  };

  /** The caller, checked: signed in, CSRF header on cookie-authenticated writes, role in the collaborative. */
  async function caller(
    req: FastifyRequest,
    reply: FastifyReply,
    roles?: Role[],
  ): Promise<{ user: User; doc?: CollaborativeDoc } | undefined> {
    const user = ctx.userOf(req);
    if (!user) return void fail(reply, 401, ['sign in first (session cookie or Authorization: Bearer)']);
    const bearer = /^Bearer /.test(req.headers.authorization ?? '');
    if (req.method !== 'GET' && !bearer && !csrfValid(key, user.nonce, req.headers['x-csrf-token']))
      return void fail(reply, 403, ['missing or wrong X-CSRF-Token header']);
    if (!roles) return { user };
    const doc = await ctx.findCollaborative((req.params as { slug?: string }).slug ?? '');
    if (!doc || !allows(user, doc, roles))
      return void fail(reply, 403, ['you have no role in this collaborative that allows this']);
    return { user, doc };
  }

  app.get('/api/openapi.json', () => openApiDocument(deps.baseUrl));

  app.get('/api/collaboratives', async (req, reply) => {
    const c = await caller(req, reply);
    if (!c) return;
    const now = (deps.now ?? Date.now)();
    return (await collaborativesOf(db, c.user)).map(({ doc, role }) => ({
      slug: doc.slug,
      title: doc.config.title,
      phase: doc.phase,
      role,
      nextMilestone: nextMilestone(doc, now),
    }));
  });

  app.post('/api/collaboratives', async (req, reply) => {
    const c = await caller(req, reply);
    if (!c) return;
    if (!mayLaunch(c.user, await collaborativesOf(db, c.user))) return fail(reply, 403, [LAUNCHERS]);
    try {
      let text: string;
      try {
        text = JSON.stringify(req.body ?? null);
      } catch {
        return fail(reply, 422, ['config: nested too deeply to read']);
      }
      const slug = await ctx.launchFromText(text, c.user);
      return reply.code(201).send({ slug, workflowId: `lc/${slug}` });
    } catch (err) {
      return guard(reply, err);
    }
  });

  app.get<{ Params: { slug: string } }>('/api/collaboratives/:slug', async (req, reply) => {
    const c = await caller(req, reply, ['coordinator', 'faculty']);
    if (!c) return;
    return ops.statusReport(client, db, c.doc!.slug).catch((err: unknown) => guard(reply, err));
  });

  app.get<{ Params: { slug: string } }>('/api/collaboratives/:slug/applications', async (req, reply) => {
    const c = await caller(req, reply, ['coordinator', 'faculty']);
    if (!c) return;
    return ops.applicationsOf(db, c.doc!.slug);
  });

  app.get<{ Params: { slug: string } }>('/api/collaboratives/:slug/compliance', async (req, reply) => {
    const c = await caller(req, reply, ['coordinator']);
    if (!c) return;
    return ops
      .complianceReport(db, c.doc!.slug, (deps.now ?? Date.now)())
      .catch((err: unknown) => guard(reply, err));
  });

  app.get<{ Params: { slug: string }; Querystring: ops.EmailLogFilter }>(
    '/api/collaboratives/:slug/emails',
    async (req, reply) => {
      const c = await caller(req, reply, ['coordinator']);
      if (!c) return;
      const q = req.query ?? {};
      const filter = Object.fromEntries(
        ['status', 'purpose', 'to', 'limit'].flatMap((k) =>
          typeof q[k as keyof typeof q] === 'string' ? [[k, q[k as keyof typeof q]]] : [],
        ),
      );
      return ops.emailLog(db, c.doc!.slug, filter).catch((err: unknown) => guard(reply, err));
    },
  );

  for (const kind of ops.EXPORT_KINDS) {
    app.get<{ Params: { slug: string } }>(
      `/api/collaboratives/:slug/exports/${kind}.csv`,
      async (req, reply) => {
        const c = await caller(req, reply, EXPORT_ROLES[kind]);
        if (!c) return;
        try {
          const f = await ops.collaborativeExport(db, c.doc!.slug, kind, (deps.now ?? Date.now)());
          return reply
            .type('text/csv; charset=utf-8')
            .header('content-disposition', `attachment; filename="${f.filename}"`)
            .header('cache-control', 'no-store')
            .send(f.text);
        } catch (err) {
          return guard(reply, err);
        }
      },
    );
  }

  app.get<{ Params: { slug: string } }>('/api/collaboratives/:slug/report', async (req, reply) => {
    const c = await caller(req, reply, [...REPORT_ROLES]);
    if (!c) return;
    try {
      const v = await ops.finalReportView(db, c.doc!.slug);
      // The charts' SVG is for pages; their numbers are in `charts[].series`.
      return { ...v, charts: v.charts.map(({ svg: _svg, ...chart }) => chart) };
    } catch (err) {
      return guard(reply, err);
    }
  });

  app.get<{ Params: { slug: string } }>('/api/collaboratives/:slug/report.pdf', async (req, reply) => {
    const c = await caller(req, reply, [...REPORT_ROLES]);
    if (!c) return;
    try {
      const f = await ops.finalReportPdfFile(db, c.doc!.slug);
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${f.filename}"`)
        .header('cache-control', 'no-store')
        .send(f.bytes);
    } catch (err) {
      return guard(reply, err);
    }
  });

  // ---- the network directory, for its administrators (the pages' rules: app/directory.ts) -------
  async function admin(req: FastifyRequest, reply: FastifyReply): Promise<User | undefined> {
    const c = await caller(req, reply);
    if (!c) return undefined;
    if (!c.user.admin) return void fail(reply, 403, [DIRECTORY_ADMINS]);
    return c.user;
  }
  const bodyOf = (req: FastifyRequest) => (req.body === undefined ? {} : req.body);

  app.get<{ Querystring: { q?: string; show?: string } }>('/api/sites', async (req, reply) => {
    if (!(await admin(req, reply))) return;
    const q = req.query ?? {};
    return ops
      .searchSites(db, {
        query: typeof q.q === 'string' ? q.q.slice(0, 200) : undefined,
        show: typeof q.show === 'string' ? q.show : undefined,
      })
      .catch((err: unknown) => guard(reply, err));
  });

  app.post('/api/sites', async (req, reply) => {
    const user = await admin(req, reply);
    if (!user) return;
    try {
      const site = await ops.addSite(db, bodyOf(req), user.email);
      return reply.code(201).send(await ops.getSite(db, site.siteId));
    } catch (err) {
      return guard(reply, err);
    }
  });

  app.post('/api/sites/import', async (req, reply) => {
    const user = await admin(req, reply);
    if (!user) return;
    return ops.importSitesRequest(db, bodyOf(req), user.email).catch((err: unknown) => guard(reply, err));
  });

  app.get<{ Params: { siteId: string } }>('/api/sites/:siteId', async (req, reply) => {
    if (!(await admin(req, reply))) return;
    return ops.getSite(db, req.params.siteId).catch((err: unknown) => guard(reply, err));
  });

  app.post<{ Params: { siteId: string } }>('/api/sites/:siteId', async (req, reply) => {
    const user = await admin(req, reply);
    if (!user) return;
    return ops
      .updateSite(db, req.params.siteId, bodyOf(req), user.email)
      .catch((err: unknown) => guard(reply, err));
  });

  app.post<{ Params: { siteId: string } }>('/api/sites/:siteId/active', async (req, reply) => {
    const user = await admin(req, reply);
    if (!user) return;
    try {
      const { active } = ops.validate(ops.siteActiveSchema, bodyOf(req), 'the change');
      return await ops.setSiteActive(db, req.params.siteId, active, user.email);
    } catch (err) {
      return guard(reply, err);
    }
  });

  for (const name of Object.keys(ACTION_PATH) as ActionName[]) {
    app.post<{ Params: { slug: string } }>(
      `/api/collaboratives/:slug/${ACTION_PATH[name]}`,
      async (req, reply) => {
        const c = await caller(req, reply, ACTION_ROLES[name]);
        if (!c) return;
        try {
          return {
            done: await runAction(name, { client, db, slug: c.doc!.slug, by: c.user.email }, req.body),
          };
        } catch (err) {
          return guard(reply, err);
        }
      },
    );
  }

  /** A signed link's claims, or the refusal (403) already sent. */
  async function link(purpose: 'apply' | 'team', token: string, reply: FastifyReply) {
    const r = ctx.linkAccess(purpose, token);
    if (!r.ok) return void fail(reply, 403, [`the link is refused (${r.reason})`]);
    const doc = r.claims.c ? await ctx.findCollaborative(r.claims.c) : undefined;
    if (!doc || !r.claims.s) return void fail(reply, 403, ['the link is refused (unknown)']);
    return { doc, siteId: r.claims.s, email: r.claims.e };
  }

  // Signed links answer at the same rate limit as their pages.
  const linkLimit = { config: { rateLimit: { max: deps.rateLimits?.links ?? 60, timeWindow: '1 minute' } } };
  app.post<{ Params: { token: string } }>('/api/apply/:token', linkLimit, async (req, reply) => {
    const l = await link('apply', req.params.token, reply);
    if (!l) return;
    const body = req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? req.body : {};
    try {
      return await ops.submitApplication(client, l.doc.slug, {
        ...body,
        siteId: l.siteId,
        submittedBy: l.email,
      });
    } catch (err) {
      return guard(reply, err);
    }
  });

  app.post<{ Params: { token: string; call: string } }>(
    '/api/apply/:token/calls/:call',
    linkLimit,
    async (req, reply) => {
      const l = await link('apply', req.params.token, reply);
      if (!l) return;
      const body = req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? req.body : {};
      const call = /^\d+$/.test(req.params.call) ? Number(req.params.call) - 1 : -1;
      try {
        return await ops.registerForCall(client, db, deps.outbox, l.doc.slug, {
          ...body,
          call,
          siteId: l.siteId,
        });
      } catch (err) {
        return guard(reply, err);
      }
    },
  );

  for (const name of ['metrics', 'attendance', 'prework'] as const) {
    app.post<{ Params: { token: string } }>(`/api/team/:token/${name}`, linkLimit, async (req, reply) => {
      const l = await link('team', req.params.token, reply);
      if (!l) return;
      const body = (
        req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? req.body : {}
      ) as Form;
      const c = { client, db, slug: l.doc.slug, siteId: l.siteId, by: l.email };
      try {
        if (name === 'metrics')
          return {
            done: await submitTeamMetrics(c, { ...body, by: l.email }, l.doc.config.metrics?.measures),
          };
        return { done: await ctx.teamActions[name](c, body, l.doc) };
      } catch (err) {
        return guard(reply, err);
      }
    });
  }
}
