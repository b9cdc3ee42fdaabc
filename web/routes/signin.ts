/**
 * Sign-in by emailed one-time link, and sign-out: the session cookie's life.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { emailSchema } from '../../domain/common';
import { readCookie, sessionCookie } from '../cookies';
import {
  checkSignin,
  csrfToken,
  csrfValid,
  issueSignin,
  maySignIn,
  newSession,
  spendSignin,
  SESSION_COOKIE,
  SESSION_HOURS,
} from '../auth';
import { signinConfirmPage, signinPage } from '../pages/home';
import { linkProblemPage } from '../pages/links';
import { renderSignin } from '../signin-email';
import { type Form, type WebContext } from '../context';

/**
 * Binds the sign-in button to the browser that opened the link: a random value in a cookie of its
 * own (SameSite=Strict, only under /signin), and a form token derived from it. A page elsewhere
 * that posts someone's link (a login CSRF) has neither.
 */
export const SIGNIN_COOKIE = 'lc_signin';
const SIGNIN_COOKIE_SECONDS = 15 * 60;
const bound = (value: string) => `signin:${value}`;

export function registerSignin(app: FastifyInstance, ctx: WebContext) {
  const { deps, now, db, key, secure, limits, limit, send } = ctx;
  app.get('/signin', async (req, reply) => {
    const flash = await ctx.flash.take(req, reply, '/signin');
    return send(
      reply,
      200,
      'Sign in',
      signinPage({ sent: flash.done === 'sent', problems: flash.problems, email: flash.values?.email }),
    );
  });
  app.post('/signin', { config: limit(limits.signin) }, async (req, reply) => {
    const given = (req.body as Form | undefined)?.email;
    const email = emailSchema.safeParse(given);
    if (!email.success)
      return ctx.flash.redirect(reply, '/signin', {
        form: 'signin',
        problems: ['email: enter a valid email address, such as name@example.org'],
        values: { email: typeof given === 'string' ? given : '' },
      });
    // The same answer, as fast, whether the address is known or not: the email goes out behind it.
    void (async () => {
      if (!(await maySignIn(db, email.data, deps.admins))) return;
      const token = await issueSignin(db, key, email.data, now());
      await deps.outbox.deliver({
        key: `signin:${token.split('.')[1]}`,
        collaborative: '-',
        purpose: 'signin',
        template: 'signin',
        to: email.data,
        ...renderSignin(`${deps.baseUrl.replace(/\/$/, '')}/signin/${token}`),
      });
    })().catch((err: Error) => req.log.error({ err }, 'the sign-in email was not sent'));
    return ctx.flash.redirect(reply, '/signin', { done: 'sent' });
  });
  // Opening the link shows a button; only pressing it spends the link. Mail scanners that fetch
  // links (Safe Links, previews) would otherwise use it up before the person does.
  app.get<{ Params: { token: string } }>(
    '/signin/:token',
    { config: limit(limits.signin) },
    async (req, reply) => {
      const r = await checkSignin(db, key, req.params.token, now());
      if (!r.ok) return send(reply, 403, 'Sign-in link refused', linkProblemPage(r.reason));
      const browser = randomBytes(18).toString('base64url');
      reply.header(
        'set-cookie',
        [
          `${SIGNIN_COOKIE}=${browser}`,
          'Path=/signin',
          'HttpOnly',
          'SameSite=Strict',
          `Max-Age=${SIGNIN_COOKIE_SECONDS}`,
          ...(secure ? ['Secure'] : []),
        ].join('; '),
      );
      return send(
        reply,
        200,
        'Sign in',
        signinConfirmPage(r.email, `/signin/${req.params.token}`, csrfToken(key, bound(browser))),
      );
    },
  );
  app.post<{ Params: { token: string } }>(
    '/signin/:token',
    { config: limit(limits.signin) },
    async (req, reply) => {
      const browser = readCookie(req.headers.cookie, SIGNIN_COOKIE);
      if (!browser || !csrfValid(key, bound(browser), (req.body as Form | undefined)?._csrf))
        return send(reply, 403, 'Sign-in not confirmed', linkProblemPage('unconfirmed'));
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
  app.post('/signout', (req, reply) => {
    const user = ctx.userOf(req);
    // Only this site's own sign-out button signs out (it carries the session's CSRF token).
    if (user && !ctx.checkCsrf(req, user.nonce)) return reply.redirect('/');
    return reply
      .header('set-cookie', sessionCookie(SESSION_COOKIE, '', { secure, maxAgeSeconds: 0 }))
      .redirect('/signin');
  });
}
