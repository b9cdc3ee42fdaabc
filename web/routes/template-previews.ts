/**
 * Template previews with this collaborative's data (app/template-previews.ts), for its
 * coordinators and faculty: the list, one template, and its HTML alone for the sandboxed frame.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CollaborativeDoc } from '../../app';
import * as ops from '../../app';
import { rolesIn, type User } from '../auth';
import { problemsOf, type WebContext } from '../context';
import { html } from '../html';
import { templateListPage, templatePreviewPage } from '../pages/template-previews';

type Req = FastifyRequest<{ Params: { slug: string; name?: string } }>;

export function registerTemplatePreviews(app: FastifyInstance, ctx: WebContext) {
  const { deps, db, userOf, send, findCollaborative } = ctx;

  /** A signed-in coordinator or faculty member of the collaborative; anyone else is refused. */
  async function staff(
    req: Req,
    reply: FastifyReply,
  ): Promise<{ user: User; doc: CollaborativeDoc } | undefined> {
    const user = userOf(req);
    if (!user) {
      await reply.redirect('/signin');
      return undefined;
    }
    const doc = await findCollaborative(req.params.slug);
    if (!doc || !rolesIn(user, doc).length) {
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

  /** The preview, or the "no such template" page (and undefined). */
  async function preview(req: Req, reply: FastifyReply, a: { user: User; doc: CollaborativeDoc }) {
    try {
      return await ops.collaborativePreview(db, a.doc.slug, String(req.params.name ?? ''), {
        baseUrl: deps.baseUrl,
      });
    } catch (err) {
      const p = problemsOf(err);
      await send(
        reply,
        p.status,
        'Template not found',
        html`<p class="errors">${p.problems.join(' ')}</p>
          <p><a href="/c/${a.doc.slug}/templates">Every template of this collaborative</a></p>`,
        a.user,
      );
      return undefined;
    }
  }

  app.get<{ Params: { slug: string } }>('/c/:slug/templates', async (req, reply) => {
    const a = await staff(req, reply);
    if (!a) return;
    return send(
      reply,
      200,
      `Email templates: ${a.doc.config.title}`,
      templateListPage(a.doc.slug, ops.collaborativeTemplates(a.doc)),
      a.user,
    );
  });

  app.get<{ Params: { slug: string; name: string } }>('/c/:slug/templates/:name', async (req, reply) => {
    const a = await staff(req, reply);
    if (!a) return;
    const p = await preview(req, reply, a);
    if (!p) return;
    return send(reply, 200, `Preview: ${p.rendered.subject}`, templatePreviewPage(a.doc.slug, p), a.user);
  });

  // The HTML body on its own, for the sandboxed frame: nothing in it runs, nothing leaves.
  app.get<{ Params: { slug: string; name: string } }>('/c/:slug/templates/:name/body', async (req, reply) => {
    const a = await staff(req, reply);
    if (!a) return;
    const p = await preview(req, reply, a);
    if (!p) return;
    return reply
      .header(
        'content-security-policy',
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'",
      )
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(p.rendered.html);
  });
}
