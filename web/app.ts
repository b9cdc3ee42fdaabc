/**
 * The web app: Fastify, server-rendered pages, a JSON API under /api with the same rules. Pages
 * and API share the actions of web/actions.ts and the access rules of web/auth.ts.
 */
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { verifyLink } from '../security/links';
import { registerApi } from './api';
import { html, SITE_CSS } from './html';
import { LAUNCH_JS } from './pages/home';
import { createContext, problemsOf, type WebDeps } from './context';
import { registerCoordination } from './routes/coordination';
import { registerLinks } from './routes/links';
import { registerSignin } from './routes/signin';

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
      return reply.code(403).send({ problems: ['refused: this request comes from another site'] });
  });
  await app.register(rateLimit, { global: false });
  const ctx = createContext(deps);
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
  const { launchFromText } = registerCoordination(app, ctx);
  const { teamActions } = registerLinks(app, ctx);

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
