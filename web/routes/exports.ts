/**
 * CSV downloads of a collaborative's records (`/c/:slug/exports/<kind>.csv`), for the people who
 * may see those records on its page: applications, decisions, teams and attendance for its
 * coordinators and faculty; the metrics compliance and submissions for its coordinators (as the
 * page and the API show them). The files are written by app/exports.ts.
 */
import type { FastifyInstance } from 'fastify';
import * as ops from '../../app';
import { rolesIn, type Role } from '../auth';
import { EXPORT_ROLES } from '../exports';
import { problemsOf, type WebContext } from '../context';
import { errorList, html } from '../html';

export function registerExports(app: FastifyInstance, ctx: WebContext) {
  const { db, now, userOf, send, findCollaborative } = ctx;
  app.get<{ Params: { slug: string; file: string } }>('/c/:slug/exports/:file', async (req, reply) => {
    const user = userOf(req);
    if (!user) return reply.redirect('/signin');
    const kind = req.params.file.replace(/\.csv$/, '');
    const doc = await findCollaborative(req.params.slug);
    const held = doc ? rolesIn(user, doc) : [];
    const allowed: Role[] = ops.isExportKind(kind) ? EXPORT_ROLES[kind] : ['coordinator', 'faculty'];
    // The same refusal whether the collaborative exists or not (as its page answers).
    if (!doc || !held.some((r) => allowed.includes(r)))
      return send(
        reply,
        403,
        'Not yours',
        html`<p class="errors">You have no role in this collaborative that allows this download.</p>`,
        user,
      );
    if (!ops.isExportKind(kind) || !req.params.file.endsWith('.csv'))
      return send(
        reply,
        404,
        'Page not found',
        html`<p>There is no such download. <a href="/c/${doc.slug}">Back to the collaborative</a>.</p>`,
        user,
      );
    try {
      const f = await ops.collaborativeExport(db, doc.slug, kind, now());
      return reply
        .code(200)
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${f.filename}"`)
        .header('cache-control', 'no-store')
        .send(f.text);
    } catch (err) {
      const p = problemsOf(err);
      return send(
        reply,
        p.status,
        'Cannot make this file',
        html`${errorList(p.problems)}
          <p><a href="/c/${doc.slug}">Back to the collaborative</a></p>`,
        user,
      );
    }
  });
}
