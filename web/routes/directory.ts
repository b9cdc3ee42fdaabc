/**
 * The network directory's pages, for network administrators (LC_WEB_ADMINS): list and search,
 * add, edit, deactivate or reactivate a site, upload a file of sites. Every form posts and is
 * answered with a redirect (post/redirect/get, web/flash.ts); the rules are app/directory.ts's.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as ops from '../../app';
import { ValidationError } from '../../domain/errors';
import type { User } from '../auth';
import { csrfToken } from '../auth';
import { problemsOf, type Form, type WebContext } from '../context';
import { html } from '../html';
import { acceptMultipart, type MultipartFields } from '../multipart';
import { directoryPage, importProblems, sitePage } from '../pages/directory';

export const DIRECTORY_ADMINS = 'The network directory is kept by the network administrators.';

export function registerDirectory(app: FastifyInstance, ctx: WebContext) {
  const { db, key, userOf, send, checkCsrf, formExpired, withoutCsrf } = ctx;

  /** The signed-in administrator, or the redirect (anonymous) or 403 page (anyone else) that refuses them. */
  async function admin(req: FastifyRequest, reply: FastifyReply): Promise<User | undefined> {
    const user = userOf(req);
    if (!user) {
      await reply.redirect('/signin');
      return undefined;
    }
    if (!user.admin) {
      await send(reply, 403, 'Network directory', html`<p class="errors">${DIRECTORY_ADMINS}</p>`, user);
      return undefined;
    }
    return user;
  }
  /** A post's administrator, with its CSRF token checked. */
  async function poster(req: FastifyRequest, reply: FastifyReply): Promise<User | undefined> {
    const user = await admin(req, reply);
    if (!user) return undefined;
    if (!checkCsrf(req, user.nonce)) {
      await formExpired(reply, user);
      return undefined;
    }
    return user;
  }
  const sitePath = (siteId: string) => `/directory/sites/${encodeURIComponent(siteId)}`;
  const notFound = (reply: FastifyReply, user: User, err: unknown) =>
    send(
      reply,
      404,
      'Site not found',
      html`<p class="errors">${problemsOf(err).problems.join(' ')}</p>
        <p><a href="/directory">Back to the directory</a></p>`,
      user,
    );

  app.get<{ Querystring: { q?: string; show?: string } }>('/directory', async (req, reply) => {
    const user = await admin(req, reply);
    if (!user) return;
    const flash = await ctx.flash.take(req, reply, '/directory');
    const query = typeof req.query.q === 'string' ? req.query.q.slice(0, 200) : '';
    const show = typeof req.query.show === 'string' ? req.query.show : 'all';
    const r = await ops.searchSites(db, { query, show });
    return send(
      reply,
      200,
      'Network directory',
      directoryPage(
        { ...r, query, show: (ops.SITE_SHOWN as readonly string[]).includes(show) ? show : 'all' },
        csrfToken(key, user.nonce),
        flash,
      ),
      user,
    );
  });

  app.post('/directory/sites', async (req, reply) => {
    const user = await poster(req, reply);
    if (!user) return;
    const body = withoutCsrf(req.body);
    try {
      const s = await ops.addSite(db, body, user.email);
      return ctx.flash.redirect(
        reply,
        '/directory',
        { done: `Added ${s.name} (${s.siteId}).` },
        `#site-${s.siteId}`,
      );
    } catch (err) {
      return ctx.flash.redirect(
        reply,
        '/directory',
        { form: 'add', problems: problemsOf(err).problems, values: body },
        '#add',
      );
    }
  });

  app.get<{ Params: { siteId: string } }>('/directory/sites/:siteId', async (req, reply) => {
    const user = await admin(req, reply);
    if (!user) return;
    let site: ops.SiteDoc;
    try {
      site = await ops.getSite(db, req.params.siteId);
    } catch (err) {
      return notFound(reply, user, err);
    }
    const flash = await ctx.flash.take(req, reply, sitePath(site.siteId));
    return send(reply, 200, site.name, sitePage(site, csrfToken(key, user.nonce), flash), user);
  });

  app.post<{ Params: { siteId: string } }>('/directory/sites/:siteId', async (req, reply) => {
    const user = await poster(req, reply);
    if (!user) return;
    const body = withoutCsrf(req.body);
    try {
      const s = await ops.updateSite(db, req.params.siteId, body, user.email);
      return ctx.flash.redirect(
        reply,
        '/directory',
        { done: `Saved ${s.name} (${s.siteId}).` },
        `#site-${s.siteId}`,
      );
    } catch (err) {
      const p = problemsOf(err);
      if (p.status === 404) return notFound(reply, user, err);
      return ctx.flash.redirect(reply, sitePath(req.params.siteId), {
        form: 'edit',
        problems: p.problems,
        values: body,
      });
    }
  });

  app.post<{ Params: { siteId: string } }>('/directory/sites/:siteId/active', async (req, reply) => {
    const user = await poster(req, reply);
    if (!user) return;
    const active = (req.body as Form | undefined)?.active;
    try {
      if (active !== 'yes' && active !== 'no')
        throw new ValidationError('the change', ['active: choose yes (reactivate) or no (deactivate)']);
      const s = await ops.setSiteActive(db, req.params.siteId, active === 'yes', user.email);
      return ctx.flash.redirect(
        reply,
        '/directory',
        { done: `${s.active ? 'Reactivated' : 'Deactivated'} ${s.name} (${s.siteId}).` },
        `#site-${s.siteId}`,
      );
    } catch (err) {
      const p = problemsOf(err);
      if (p.status === 404) return notFound(reply, user, err);
      return ctx.flash.redirect(reply, '/directory', { form: 'active', problems: p.problems });
    }
  });

  // The upload is the one multipart form: its parser lives in this context only.
  app.register(async (upload) => {
    acceptMultipart(upload);
    upload.post('/directory/import', async (req, reply) => {
      const user = await poster(req, reply);
      if (!user) return;
      const file = (req.body as MultipartFields | undefined)?.file;
      try {
        if (!file || typeof file === 'string' || (!file.filename && !file.text))
          throw new ValidationError('the upload', ['file: choose a CSV file of sites to upload']);
        const r = await ops.importUploadedSites(db, file.filename, file.text, user.email);
        return ctx.flash.redirect(reply, '/directory', {
          done: `Imported ${r.count} sites from ${file.filename}: ${r.inserted} new, ${r.updated} updated.`,
        });
      } catch (err) {
        const p = problemsOf(err);
        const problems =
          err instanceof ValidationError && err.what.includes('nothing was imported')
            ? importProblems(p.problems)
            : p.problems.map((x) => (x.startsWith('file: ') ? x : `file: ${x}`));
        return ctx.flash.redirect(reply, '/directory', { form: 'import', problems }, '#import');
      }
    });
  });
}
