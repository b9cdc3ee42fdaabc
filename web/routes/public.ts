/**
 * The public pages, no sign-in: /programmes (the collaboratives being announced or open for
 * applications), /programmes/<slug> (one of them) and /programmes/<slug>.ics (its calendar feed).
 * An unknown slug, or one not public now, is the app's 404 (which does not repeat the address).
 * And /feeds/<token>.ics: a person's own calendar, behind a signed URL (no sign-in: calendar apps
 * fetch it by themselves).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as ops from '../../app';
import { verifyLink } from '../../security/links';
import type { WebContext } from '../context';
import { html } from '../html';
import { programmePage, programmesPage } from '../pages/public';

/** Pages may be cached a minute; a feed five (calendar apps poll it). */
const PAGE_CACHE = 'public, max-age=60';
const FEED_CACHE = 'public, max-age=300';

export function registerPublic(app: FastifyInstance, ctx: WebContext) {
  const { db, now, send, userOf, key } = ctx;
  const notFound = (req: FastifyRequest, reply: FastifyReply) => reply.callNotFound();

  app.get('/programmes', async (req, reply) => {
    const list = await ops.publicCollaboratives(db, now());
    reply.header('cache-control', userOf(req) ? 'private, no-store' : PAGE_CACHE);
    return send(
      reply,
      200,
      'Learning Collaboratives open for applications',
      programmesPage(list),
      userOf(req),
    );
  });

  app.get<{ Params: { name: string } }>('/programmes/:name', async (req, reply) => {
    const { name } = req.params;
    const feed = /^(.+)\.ics$/.exec(name);
    if (feed) {
      const ics = await ops.collaborativeFeed(db, feed[1]!);
      if (ics === undefined) return notFound(req, reply);
      return reply
        .code(200)
        .type('text/calendar; charset=utf-8')
        .header('cache-control', FEED_CACHE)
        .header('content-disposition', `inline; filename="${feed[1]}.ics"`)
        .send(ics);
    }
    const c = await ops.publicCollaborative(db, name, now());
    if (!c) return notFound(req, reply);
    reply.header('cache-control', userOf(req) ? 'private, no-store' : PAGE_CACHE);
    return send(reply, 200, c.title, programmePage(c), userOf(req));
  });

  app.get<{ Params: { name: string } }>('/feeds/:name', async (req, reply) => {
    const token = /^(.+)\.ics$/.exec(req.params.name)?.[1];
    const check = token ? verifyLink(key, token, 'feed', now()) : undefined;
    if (!check?.ok)
      return send(
        reply,
        403,
        'Calendar address not valid',
        html`<div class="errors" role="alert">
          This calendar address is not valid${check?.reason === 'expired' ? ' any more' : ''}. Take the
          current one from your team page or your collaboratives page.
        </div>`,
        userOf(req),
      );
    const ics = await ops.personalFeed(db, check.claims.e);
    return reply
      .code(200)
      .type('text/calendar; charset=utf-8')
      .header('cache-control', 'private, max-age=300')
      .header('content-disposition', 'inline; filename="my-collaboratives.ics"')
      .send(ics);
  });
}
