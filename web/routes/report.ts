/**
 * The final report of a collaborative, for its coordinators and faculty (to whom it is emailed):
 * a printable page (`/c/:slug/report`) and its PDF (`/c/:slug/report.pdf`), both from app/final-report.ts.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as ops from '../../app';
import { rolesIn, type User } from '../auth';
import { problemsOf, type WebContext } from '../context';
import { errorList, html } from '../html';
import { reportPage } from '../pages/report';

/** Who may read the final report: those it is emailed to. */
export const REPORT_ROLES = ['coordinator', 'faculty'] as const;

export function registerReport(app: FastifyInstance, ctx: WebContext) {
  const { db, userOf, send, findCollaborative } = ctx;

  /** The signed-in reader and the collaborative, or the redirect / refusal already sent. */
  async function reader(
    req: FastifyRequest<{ Params: { slug: string } }>,
    reply: FastifyReply,
  ): Promise<{ user: User; slug: string } | undefined> {
    const user = userOf(req);
    if (!user) return void (await reply.redirect('/signin'));
    const doc = await findCollaborative(req.params.slug);
    // The same refusal whether the collaborative exists or not (as its page answers).
    if (!doc || !rolesIn(user, doc).some((r) => (REPORT_ROLES as readonly string[]).includes(r)))
      return void (await send(
        reply,
        403,
        'Not yours',
        html`<p class="errors">You have no role in this collaborative that allows this.</p>`,
        user,
      ));
    return { user, slug: doc.slug };
  }
  const cannot = (reply: FastifyReply, user: User, slug: string, err: unknown) => {
    const p = problemsOf(err);
    return send(
      reply,
      p.status,
      'Cannot make the report',
      html`${errorList(p.problems)}
        <p><a href="/c/${slug}">Back to the collaborative</a></p>`,
      user,
    );
  };

  app.get<{ Params: { slug: string } }>('/c/:slug/report', async (req, reply) => {
    const r = await reader(req, reply);
    if (!r) return;
    try {
      const v = await ops.finalReportView(db, r.slug);
      return send(reply, 200, `Final report: ${v.title}`, reportPage(v), r.user);
    } catch (err) {
      return cannot(reply, r.user, r.slug, err);
    }
  });

  app.get<{ Params: { slug: string } }>('/c/:slug/report.pdf', async (req, reply) => {
    const r = await reader(req, reply);
    if (!r) return;
    try {
      const f = await ops.finalReportPdfFile(db, r.slug);
      return reply
        .code(200)
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${f.filename}"`)
        .header('cache-control', 'no-store')
        .send(f.bytes);
    } catch (err) {
      return cannot(reply, r.user, r.slug, err);
    }
  });
}
