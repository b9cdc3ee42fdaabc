/**
 * The rehearsal (app/rehearsal.ts) in the browser: of a draft config from the launch page
 * (`POST /launch/rehearse` → `/launch/rehearsal`, post/redirect/get with the text in the flash,
 * and its CSV), of a running collaborative with its what-if (`/c/:slug/rehearsal`, a GET form:
 * asking changes nothing), and each template's rendered email (`/templates/:name`).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as ops from '../../app';
import { ValidationError } from '../../domain/errors';
import { collaborativesOf, csrfToken, LAUNCHERS, mayLaunch, rolesIn, type User } from '../auth';
import { problemsOf, type Form, type WebContext } from '../context';
import { html } from '../html';
import { launchPage } from '../pages/home';
import { draftRehearsalPage, noDraftPage, runningRehearsalPage } from '../pages/rehearsal';

const DRAFT = '/launch/rehearsal';

export function registerRehearsal(app: FastifyInstance, ctx: WebContext) {
  const { db, key, now, userOf, send, checkCsrf, formExpired, findCollaborative } = ctx;

  /** Someone who may launch (and so rehearse) a collaborative, or the answer that refuses them. */
  async function launcher(
    req: FastifyRequest,
    reply: FastifyReply,
    post: boolean,
  ): Promise<User | undefined> {
    const user = userOf(req);
    if (!user) {
      await reply.redirect('/signin');
      return undefined;
    }
    if (post && !checkCsrf(req, user.nonce)) {
      await formExpired(reply, user);
      return undefined;
    }
    if (!mayLaunch(user, await collaborativesOf(db, user))) {
      await send(reply, 403, 'Rehearse a collaborative', html`<p class="errors">${LAUNCHERS}</p>`, user);
      return undefined;
    }
    return user;
  }
  const textOf = (req: FastifyRequest) => {
    const v = (req.body as Form | null | undefined)?.config;
    return typeof v === 'string' ? v : '';
  };
  /** The draft's rehearsal; a YAML slip the parser throws on (rather than lists) is a problem too. */
  const rehearseText = async (text: string) => {
    let config;
    try {
      config = ops.parseConfigText(text);
    } catch (err) {
      if (err instanceof ValidationError) throw err;
      throw new ValidationError('the launch config', [`config: ${(err as Error).message}`]);
    }
    return ops.rehearse(db, config);
  };
  /** Back to the launch page, the problems beside the config and the text kept (as launch does). */
  const backToLaunch = (reply: FastifyReply, err: unknown, text: string) =>
    ctx.flash.redirect(reply, '/launch', {
      form: 'launch',
      problems: problemsOf(err).problems,
      values: { config: text },
    });

  app.post('/launch/rehearse', async (req, reply) => {
    const user = await launcher(req, reply, true);
    if (!user) return reply;
    const text = textOf(req);
    try {
      await rehearseText(text);
    } catch (err) {
      return backToLaunch(reply, err, text);
    }
    return ctx.flash.redirect(reply, DRAFT, { form: 'rehearsal', values: { config: text } });
  });

  app.get(DRAFT, async (req, reply) => {
    const user = await launcher(req, reply, false);
    if (!user) return reply;
    const flash = await ctx.flash.take(req, reply, DRAFT);
    const text = typeof flash.values?.config === 'string' ? flash.values.config : '';
    const csrf = csrfToken(key, user.nonce);
    if (!text) return send(reply, 200, 'Rehearsal', noDraftPage(), user);
    try {
      const rehearsal = await rehearseText(text);
      return send(
        reply,
        200,
        `Rehearsal of ${rehearsal.slug}`,
        draftRehearsalPage({ csrf, text, rehearsal, zone: ops.parseConfigText(text).timeZone }),
        user,
      );
    } catch (err) {
      // The directory changed since the post: the launch page with what is wrong now.
      const p = problemsOf(err);
      return send(
        reply,
        p.status,
        'Launch a collaborative',
        launchPage({ csrf, text, problems: p.problems }),
        user,
      );
    }
  });

  app.post('/launch/rehearsal.csv', async (req, reply) => {
    const user = await launcher(req, reply, true);
    if (!user) return reply;
    const text = textOf(req);
    try {
      const r = await rehearseText(text);
      return csv(reply, r);
    } catch (err) {
      return backToLaunch(reply, err, text);
    }
  });

  /** The coordinator of the collaborative (or an administrator), or the 403 that tells nothing. */
  async function coordinator(req: FastifyRequest<{ Params: { slug: string } }>, reply: FastifyReply) {
    const user = userOf(req);
    if (!user) {
      await reply.redirect('/signin');
      return undefined;
    }
    const doc = await findCollaborative(req.params.slug);
    if (!doc || !rolesIn(user, doc).includes('coordinator')) {
      await send(
        reply,
        403,
        'Not yours',
        html`<p class="errors">You have no role in this collaborative that allows this.</p>`,
        user,
      );
      return undefined;
    }
    return { user, doc };
  }

  app.get<{ Params: { slug: string }; Querystring: { milestone?: string; date?: string } }>(
    '/c/:slug/rehearsal',
    async (req, reply) => {
      const who = await coordinator(req, reply);
      if (!who) return reply;
      const { doc, user } = who;
      const asked = { milestone: req.query.milestone, date: req.query.date };
      let whatIf;
      let problems: string[] | undefined;
      if (asked.milestone !== undefined || asked.date !== undefined) {
        try {
          whatIf = await ops.whatIf(db, doc.slug, asked, now());
        } catch (err) {
          problems = problemsOf(err).problems;
        }
      }
      const [rehearsal, choices] = await Promise.all([
        ops.rehearseRunning(db, doc.slug),
        ops.whatIfChoices(db, doc.slug, now()),
      ]);
      return send(
        reply,
        problems ? 422 : 200,
        `Rehearsal: ${doc.config.title}`,
        runningRehearsalPage({
          slug: doc.slug,
          zone: doc.config.timeZone,
          rehearsal,
          now: now(),
          choices,
          asked,
          whatIf,
          problems,
        }),
        user,
      );
    },
  );

  app.get<{ Params: { slug: string } }>('/c/:slug/rehearsal.csv', async (req, reply) => {
    const who = await coordinator(req, reply);
    if (!who) return reply;
    return csv(reply, await ops.rehearseRunning(db, who.doc.slug));
  });

  /** A template's email as rendered with the sample data (app/previews.ts), for anyone signed in. */
  app.get<{ Params: { name: string } }>('/templates/:name', async (req, reply) => {
    const user = userOf(req);
    if (!user) return reply.redirect('/signin');
    try {
      const { rendered } = ops.renderPreview(req.params.name);
      return reply
        .code(200)
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(rendered.html);
    } catch {
      return send(
        reply,
        404,
        'Page not found',
        html`<p>There is no such email template. <a href="/">Back to your collaboratives</a>.</p>`,
        user,
      );
    }
  });

  const csv = (reply: FastifyReply, r: ops.Rehearsal) =>
    reply
      .code(200)
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${r.slug}-rehearsal.csv"`)
      .header('cache-control', 'no-store')
      .send(ops.rehearsalCsv(r));
}
