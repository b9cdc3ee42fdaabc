/**
 * The web app: Fastify, server-rendered pages, a JSON API under /api with the same rules. Pages
 * and API share the actions of web/actions.ts and the access rules of web/auth.ts.
 */
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import Fastify, {
  LogController,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { withRequestKey } from '../app';
import { verifyLink } from '../security/links';
import { registerApi } from './api';
import { html, PAGE_JS, SITE_CSS } from './html';
import { loggerOptions, logRequest, registerRequestLog } from './request-log';
import { LAUNCH_JS } from './pages/home';
import { createContext, problemsOf, type WebDeps } from './context';
import { registerCommunity } from './routes/community';
import { registerCoordination } from './routes/coordination';
import { registerDirectory } from './routes/directory';
import { registerEmails } from './routes/emails';
import { registerTemplatePreviews } from './routes/template-previews';
import { registerLearning } from './routes/learning';
import { registerExports } from './routes/exports';
import { registerLinks } from './routes/links';
import { registerPublic } from './routes/public';
import { registerReport } from './routes/report';
import { registerRehearsal } from './routes/rehearsal';
import { registerSignin } from './routes/signin';
import { registerStoryboards } from './routes/storyboards';
import { registerWizard } from './routes/wizard';

export { problemsOf, type WebDeps } from './context';

/** The host (and port) of an origin, or '' for one that is not a URL ("null"). */
function hostOf(origin: string): string {
  try {
    return new URL(origin).host;
  } catch {
    return '';
  }
}

export async function buildApp(deps: WebDeps): Promise<FastifyInstance> {
  const ctx = createContext(deps);
  // Signed tokens travel in the path: allow them (Fastify's default caps a parameter at 100 characters).
  const app = Fastify({
    logger: loggerOptions(deps.logger),
    // One line per request, written when it ends (web/request-log.ts), not Fastify's two with the URL.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1_000_000,
    routerOptions: { maxParamLength: 2048 },
    // A URL that cannot be decoded, or a parameter too long: refused like any other error (below).
    // These never reach a route, nor its onResponse hook: their line is written when the answer is sent.
    frameworkErrors: (err, req, reply) => {
      reply.raw.once('finish', () => logRequest(req as FastifyRequest, reply as FastifyReply, ctx.userOf));
      return refuse(req as FastifyRequest, reply as FastifyReply, err);
    },
  });
  // Errors before or inside a route (malformed JSON, a type we do not read, a body too large, a
  // rate limit): `{ problems: [...] }` under /api, a page for people everywhere else. Neither
  // repeats the address, whose path may hold a signed link's token.
  function refuse(req: FastifyRequest, reply: FastifyReply, err: Error & { statusCode?: number }) {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) req.log.error({ err: { message: err.message, stack: err.stack } }, 'request failed');
    const message = status === 500 ? `something went wrong: ${err.message}` : err.message;
    if (req.url.startsWith('/api/')) return reply.code(status).send({ problems: [message] });
    const title =
      status === 429 ? 'Too many requests' : status === 500 ? 'Something went wrong' : 'Request refused';
    const words =
      status === 429
        ? 'Too many requests came from your address in the last minute. Wait a minute, then try again.'
        : status === 500
          ? 'Something went wrong on our side. Try again in a moment; if it happens again, tell the coordinator.'
          : err.message.replace(/\/[^\s'"]*/g, '…');
    return ctx.send(
      reply,
      status,
      title,
      html`<div class="errors" role="alert">${words}</div>
        <p><a href="/">Go to the start page</a></p>`,
      ctx.userOf(req),
    );
  }
  app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => refuse(req, reply, err));
  registerRequestLog(app, ctx.userOf);

  // HSTS and upgrade-insecure-requests only where the app is served over https: over plain http
  // they would tell browsers to reach it at an address that does not answer.
  const https = deps.baseUrl.startsWith('https:');
  await app.register(helmet, {
    strictTransportSecurity: https,
    contentSecurityPolicy: {
      directives: {
        upgradeInsecureRequests: https ? [] : null,
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
  // A state-changing request from a page of another site is refused before any route: browsers say
  // where a request comes from (Origin, Sec-Fetch-Site); API clients that send neither are unaffected.
  const ours = new URL(deps.baseUrl).origin;
  app.addHook('onRequest', async (req, reply) => {
    if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(req.method)) return;
    const origin = req.headers.origin;
    const site = req.headers['sec-fetch-site'];
    // "null" says nothing: browsers send it for the app's own forms under Referrer-Policy: no-referrer.
    const sameOrigin = !origin || origin === 'null' || origin === ours || hostOf(origin) === req.headers.host;
    if (!sameOrigin || site === 'cross-site')
      return refuse(
        req,
        reply,
        Object.assign(new Error('refused: this request comes from another site'), { statusCode: 403 }),
      );
  });
  await app.register(rateLimit, { global: false });
  // Each form carries a one-time `_request` field, an API call may send an Idempotency-Key: the
  // Updates the request sends are named by it, so a double click or a retry is applied once.
  app.addHook('preHandler', (req, _reply, done) => {
    if (req.method !== 'POST') return done();
    const field = (req.body as Record<string, unknown> | undefined)?._request;
    const header = req.headers['idempotency-key'];
    const key = typeof field === 'string' ? field : typeof header === 'string' ? header : undefined;
    if (key && key.length <= 200) withRequestKey(key, done);
    else done();
  });

  // An unknown address: a page for people, JSON for the API; neither repeats the address, whose
  // path may hold a signed link's token.
  app.setNotFoundHandler((req, reply) =>
    req.url.startsWith('/api/')
      ? reply.code(404).send({ problems: [`no such API route (${req.method}); see /api/openapi.json`] })
      : ctx.send(
          reply,
          404,
          'Page not found',
          html`<p>There is no page at this address. <a href="/">Go to the start page</a>.</p>`,
          ctx.userOf(req),
        ),
  );
  const { db, client, key, now, userOf, findCollaborative, latestApplication } = ctx;

  // ---- static, health --------------------------------------------------------------------------
  app.get('/static/site.css', (_q, r) => r.type('text/css').send(SITE_CSS));
  app.get('/static/launch.js', (_q, r) => r.type('application/javascript').send(LAUNCH_JS));
  app.get('/static/page.js', (_q, r) => r.type('application/javascript').send(PAGE_JS));
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

  registerSignin(app, ctx);
  registerPublic(app, ctx);
  const { launchFromText, access, ...launching } = registerCoordination(app, ctx);
  registerWizard(app, ctx, launching);
  const { teamActions, linkAccess } = registerLinks(app, ctx);
  registerLearning(app, ctx, { staff: access, team: linkAccess });
  registerStoryboards(app, ctx, { staff: access, team: linkAccess });
  registerExports(app, ctx);
  registerReport(app, ctx);
  registerDirectory(app, ctx);
  registerCommunity(app, ctx);
  registerRehearsal(app, ctx);
  registerEmails(app, ctx);
  registerTemplatePreviews(app, ctx);

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
