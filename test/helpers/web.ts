/** The web app as the tests serve it: on the harness's database, outbox and task queue, over real HTTP. */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { freePort } from '../../tools/services';
import { buildApp, type WebDeps } from '../../web/app';
import { csrfToken, SESSION_COOKIE } from '../../web/auth';
import { FLASH_COOKIE } from '../../web/flash';
import { SIGNIN_COOKIE } from '../../web/routes/signin';
import type { Harness } from './env';
import { httpClient, type Reply, type Request } from './http';
import { waitFor } from './wait';

export interface ServedWeb {
  app: FastifyInstance;
  /** Where it listens, e.g. http://127.0.0.1:41234 */
  origin: string;
  call: ReturnType<typeof httpClient>;
}

/** A free port and the base URL on it: emails' links need the address before the app exists. */
export async function webAddress(): Promise<{ port: number; baseUrl: string }> {
  const port = await freePort();
  return { port, baseUrl: `http://127.0.0.1:${port}` };
}

export async function serveWeb(
  env: TestWorkflowEnvironment,
  h: Harness,
  o: Pick<WebDeps, 'key' | 'baseUrl'> &
    Partial<Pick<WebDeps, 'admins' | 'rateLimits' | 'logger'>> & { port?: number },
): Promise<ServedWeb> {
  const app = await buildApp({
    db: h.db,
    client: env.client,
    taskQueue: h.taskQueue,
    admins: [],
    outbox: h.outbox,
    ...o,
  });
  const origin = await app.listen({ port: o.port ?? 0, host: '127.0.0.1' });
  return { app, origin, call: httpClient(origin) };
}

export interface SignedIn {
  /** The session token (the cookie's value; also the Bearer token). */
  token: string;
  /** The session's CSRF token. */
  csrf: string;
  /** What opening the emailed link answered, and what pressing its button answered. */
  opened: Reply;
  landed: Reply;
}

/**
 * What the browser sends back when the person presses "Sign in" on the page the link opened: the
 * cookie that page set, and the form's token.
 */
export function signinConfirmation(opened: Reply): Pick<Request, 'cookie' | 'payload' | 'form'> {
  const cookie = opened.setCookie;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(opened.body)?.[1];
  if (!cookie || cookie.name !== SIGNIN_COOKIE || !csrf)
    throw new Error('the sign-in page set no cookie or token');
  return { cookie: { [cookie.name]: cookie.value }, payload: { _csrf: csrf }, form: true };
}

/** Signs in as a person does: asks for the link, reads it from the email, opens it and presses the button. */
export async function signInByEmail(
  web: ServedWeb,
  h: Harness,
  key: string,
  email: string,
  baseUrl: string,
): Promise<SignedIn> {
  const before = h.sink.received.length;
  expect((await web.call({ method: 'POST', url: '/signin', payload: { email } })).statusCode).toBe(303);
  const mail = await waitFor(`the sign-in email to ${email}`, async () =>
    h.sink.received.slice(before).find((m) => m.envelopeTo.includes(email)),
  );
  const at = (mail.parsed.text ?? '').indexOf(`${baseUrl}/signin/`);
  expect(at).toBeGreaterThanOrEqual(0);
  const link = /^\/signin\/[\w.-]+/.exec((mail.parsed.text ?? '').slice(at + baseUrl.length))![0];
  const opened = await web.call({ url: link });
  const landed = await web.call({ method: 'POST', url: link, ...signinConfirmation(opened) });
  expect(landed.setCookie?.name).toBe(SESSION_COOKIE);
  const token = landed.setCookie!.value;
  const nonce = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).n as string;
  return { token, csrf: csrfToken(key, nonce), opened, landed };
}

/**
 * What the browser shows after a form's post: the page its redirect (303) leads to, opened with the
 * flash cookie the redirect set (and the caller's own cookies).
 */
export async function followRedirect(
  call: ServedWeb['call'],
  posted: Reply,
  cookie: Record<string, string> = {},
): Promise<Reply> {
  expect(posted.statusCode).toBe(303);
  const location = posted.headers.get('location')!;
  const flash: Record<string, string> =
    posted.setCookie?.name === FLASH_COOKIE ? { [FLASH_COOKIE]: posted.setCookie.value } : {};
  return call({ url: location.replace(/#.*$/, ''), cookie: { ...cookie, ...flash } });
}
