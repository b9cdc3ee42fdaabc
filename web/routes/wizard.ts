/**
 * The launch wizard's pages: the form (blank, from the example, or a copy of an earlier
 * collaborative), and its one post with four actions: fill dates from the announcement, check,
 * download the config, launch. Post/redirect/get (web/flash.ts); the rules are app/'s.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as ops from '../../app';
import type { LaunchConfig } from '../../domain/config';
import { ValidationError } from '../../domain/errors';
import { collaborativesOf, csrfToken, mayLaunch, type User } from '../auth';
import { problemsOf, type Form, type WebContext } from '../context';
import { wizardPage, WIZARD_CSS, WIZARD_JS } from '../pages/wizard';

const PATH = '/launch/wizard';
const CHECKED = 'checked';

export function registerWizard(
  app: FastifyInstance,
  ctx: WebContext,
  o: {
    launchInput: (input: unknown, user: User) => Promise<string>;
    notAllowedToLaunch: (reply: FastifyReply, user: User) => unknown;
  },
) {
  const { db, key, userOf, send, checkCsrf, formExpired, withoutCsrf } = ctx;

  /** The signed-in launcher and the collaboratives they have a role in, or the redirect/403 that refuses them. */
  async function launcher(req: FastifyRequest, reply: FastifyReply) {
    const user = userOf(req);
    if (!user) {
      await reply.redirect('/signin');
      return undefined;
    }
    const mine = await collaborativesOf(db, user);
    if (!mayLaunch(user, mine)) {
      await o.notAllowedToLaunch(reply, user);
      return undefined;
    }
    const docs = mine.map((m) => m.doc);
    const known = ops.earlierPeople(docs);
    return { user, docs, known, everyone: [...known.coordinators, ...known.faculty] };
  }

  app.get('/static/wizard.js', (_q, r) => r.type('application/javascript').send(WIZARD_JS));
  app.get('/static/wizard.css', (_q, r) => r.type('text/css').send(WIZARD_CSS));

  app.get<{ Querystring: { from?: string; announcement?: string } }>(PATH, async (req, reply) => {
    const l = await launcher(req, reply);
    if (!l) return;
    const flash = await ctx.flash.take(req, reply, PATH);
    let fields: ops.DraftFields =
      (flash.values as ops.DraftFields | undefined) ?? ops.blankLaunchFields(l.user.email);
    let startProblems: string[] | undefined;
    let notice: string | undefined;
    const from = typeof req.query.from === 'string' ? req.query.from : '';
    try {
      if (from === 'example') {
        fields = ops.exampleLaunchFields();
        notice = 'The example collaborative: change what differs, then check.';
      } else if (from.startsWith('copy:')) {
        const doc = l.docs.find((d) => d.slug === from.slice(5));
        if (doc) {
          fields = ops.copiedLaunchFields(doc, String(req.query.announcement ?? ''));
          notice = `A copy of ${doc.config.title}, every date moved with its announcement. Give it a short name of its own.`;
        }
      }
    } catch (err) {
      startProblems = problemsOf(err).problems;
    }
    let review: LaunchConfig | undefined;
    if (flash.done === CHECKED) {
      try {
        review = ops.configFromFields(fields, l.everyone);
      } catch {
        review = undefined; // the flash said it checked; a change since then is checked again on the next post
      }
    }
    const { sites } = await ops.searchSites(db, { show: 'active' });
    return send(
      reply,
      200,
      'Launch a collaborative',
      wizardPage({
        csrf: csrfToken(key, l.user.nonce),
        fields,
        problems: flash.form === 'wizard' ? flash.problems : undefined,
        startProblems,
        notice,
        review,
        sites,
        known: l.known,
        earlier: l.docs.map((d) => ({ slug: d.slug, title: d.config.title })),
        previews: ops.seriesPreviews(fields),
      }),
      l.user,
    );
  });

  app.post(PATH, async (req, reply) => {
    const l = await launcher(req, reply);
    if (!l) return;
    if (!checkCsrf(req, l.user.nonce)) return formExpired(reply, l.user);
    const { _action: action, ...rest } = withoutCsrf(req.body) as Form;
    const fields = rest as ops.DraftFields;
    const back = (problems: string[], done?: string) =>
      ctx.flash.redirect(
        reply,
        PATH,
        { form: 'wizard', problems, values: fields, done },
        problems.length ? '' : '#review',
      );
    try {
      if (action === 'defaults') {
        const filled = ops.withScheduleDefaults(fields);
        return await ctx.flash.redirect(reply, PATH, { form: 'wizard', values: filled }, '#schedule');
      }
      if (action === 'download') {
        const draft = ops.draftFromFields(fields, l.everyone);
        const name = ops.slugFrom(String(draft.input.slug ?? '')) || 'collaborative';
        return await reply
          .type('application/yaml; charset=utf-8')
          .header('content-disposition', `attachment; filename="${name}.yaml"`)
          .send(ops.draftYaml(fields, l.everyone));
      }
      const problems = ops.draftProblems(fields, l.everyone);
      if (problems.length) return await back(problems);
      if (action !== 'launch') return await back([], CHECKED);
      const slug = await o.launchInput(ops.draftFromFields(fields, l.everyone).input, l.user);
      return await ctx.flash.redirect(reply, `/c/${slug}`, { done: 'Launched: the workflow is running.' });
    } catch (err) {
      if (!(err instanceof ValidationError) && !(err instanceof ops.OperationError)) throw err;
      return back(problemsOf(err).problems);
    }
  });
}
