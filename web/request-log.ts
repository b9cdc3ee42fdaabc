/**
 * The request log: one JSON line per request, written by Fastify's pino logger when the request
 * ends — method, the route's pattern (`/team/:token`, never the address asked for, whose path may
 * hold a signed link's token), status, milliseconds, and who asked (the signed-in person's email,
 * or the kind of signed link). Headers, cookies and bodies are never logged; pino's redaction
 * blanks them should anything log a request object anyway.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { User } from './auth';

/** Fastify's logger options for the request log: stdout (`true`), a stream, or none. */
export function loggerOptions(logger: boolean | { stream: NodeJS.WritableStream } | undefined) {
  if (!logger) return false;
  return {
    level: 'info',
    ...(typeof logger === 'object' ? { stream: logger.stream } : {}),
    redact: {
      paths: ['req.url', 'req.headers', 'req.query', 'req.params', 'req.body', 'url', 'headers'],
      censor: '[redacted]',
    },
    // What a logged request is, should anything log one: its method and route, not its address.
    serializers: {
      req: (r: { method?: string; routeOptions?: { url?: string } }) => ({
        method: r.method,
        route: r.routeOptions?.url ?? '(no route)',
      }),
    },
  };
}

/** Who holds a signed link, by the route it reached (the link's own claims stay out of the log). */
const LINK_ROLES: [string, string][] = [
  ['/apply/', 'pi (signed link)'],
  ['/api/apply/', 'pi (signed link)'],
  ['/team/', 'team member (signed link)'],
  ['/api/team/', 'team member (signed link)'],
  ['/join/', 'community member (signed link)'],
  ['/signin/', 'signing in (signed link)'],
];

/** The request's line. */
export function logRequest(
  req: FastifyRequest,
  reply: FastifyReply,
  userOf: (req: FastifyRequest) => User | undefined,
): void {
  const route = req.routeOptions?.url ?? '(no route)';
  const who =
    userOf(req)?.email ?? LINK_ROLES.find(([prefix]) => route.startsWith(prefix))?.[1] ?? 'anonymous';
  req.log.info(
    { method: req.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime), user: who },
    'request',
  );
}

export function registerRequestLog(app: FastifyInstance, userOf: (req: FastifyRequest) => User | undefined) {
  app.addHook('onResponse', async (req, reply) => logRequest(req, reply, userOf));
}
