/**
 * The storyboard gallery, session by session: what every team shared (a file to download or a
 * link), and, on a team's own view, the form to share its storyboard for a session.
 */
import { currentSchedule, type CollaborativeDoc, type GallerySession } from '../../app';
import { MAX_STORYBOARD_BYTES } from '../../domain/storyboards';
import { formatInZone } from '../../domain/time';
import type { Flash } from '../flash';
import { csrfField, errorSummary, field, html, selectField, textField, type Html } from '../html';
import { formErrors, NO_ERRORS, type FieldSpec } from '../problems';

export const STORYBOARD_FIELDS: FieldSpec[] = [
  { name: 'session', label: 'Learning session' },
  { name: 'file', label: 'Storyboard file' },
  { name: 'link', label: 'Or a link to it' },
];

const sessionName = (doc: CollaborativeDoc, i: number, start: string) =>
  `Learning session ${i + 1} (${formatInZone(start, doc.config.timeZone, false)})`;

const size = (bytes: number) =>
  bytes < 1024 * 1024
    ? `${Math.max(1, Math.round(bytes / 1024))} KB`
    : `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** One session's storyboards; `fileHref` gives a file's download address. */
function sessionSection(
  doc: CollaborativeDoc,
  s: GallerySession,
  fileHref: (siteId: string, session: number) => string,
  mine?: string,
): Html {
  return html`<section id="session-${s.session + 1}" aria-labelledby="session-${s.session + 1}-h">
    <h2 id="session-${s.session + 1}-h">${sessionName(doc, s.session, s.start)}</h2>
    ${
      s.storyboards.length
        ? html`<ul class="storyboards">
            ${s.storyboards.map(
              (b) =>
                html`<li data-storyboard="${b.siteId}:${b.session}">
                  <strong>${b.siteName}</strong>${b.siteId === mine ? ' (your team)' : ''}:
                  ${
                    b.file
                      ? html`<a href="${fileHref(b.siteId, b.session)}" download
                            >${b.file.filename}<span class="visually-hidden">
                              (storyboard of ${b.siteName})</span
                            ></a
                          >
                          <small>· ${size(b.file.size)}</small>`
                      : html`<a href="${b.link ?? ''}" rel="noopener noreferrer"
                          >${b.link}<span class="visually-hidden"> (storyboard of ${b.siteName})</span></a
                        >`
                  }
                  <small>· shared ${formatInZone(b.at.toISOString(), doc.config.timeZone)}</small>
                </li>`,
            )}
          </ul>`
        : html`<p>No storyboards shared for this session yet.</p>`
    }
  </section>`;
}

export function storyboardsPage(o: {
  doc: CollaborativeDoc;
  gallery: GallerySession[];
  back: { href: string; label: string };
  fileHref: (siteId: string, session: number) => string;
  /** A team's own view: its site and the form to share its storyboard. */
  team?: { siteId: string; siteName: string; action: string; csrf: string; over: boolean };
  flash: Flash;
  now: number;
}): Html {
  const { doc, flash, team } = o;
  const e =
    flash.form === 'storyboard' ? formErrors('storyboard', flash.problems, STORYBOARD_FIELDS) : NO_ERRORS;
  const values = flash.form === 'storyboard' ? (flash.values ?? {}) : {};
  const sessions = currentSchedule(doc).learningSessions;
  const next = sessions.findIndex((s) => Date.parse(s.end) > o.now);
  const form = team
    ? team.over
      ? html`<p>The collaborative is over: storyboards can no longer be shared.</p>`
      : html`<section id="share" aria-labelledby="share-h">
          <h2 id="share-h">Share the storyboard of ${team.siteName}</h2>
          <p>
            One storyboard per session: sharing again for the same session replaces the one before. Every team
            of the collaborative and its faculty can see it.
          </p>
          <form
            method="post"
            action="${team.action}"
            enctype="multipart/form-data"
            id="storyboard-form"
            novalidate
          >
            ${csrfField(team.csrf)}
            ${selectField({
              name: 'session',
              label: 'Learning session',
              value: values.session ?? String(Math.max(0, next)),
              errors: e,
              options: sessions.map((s, i) => ({ value: String(i), label: sessionName(doc, i, s.start) })),
            })}
            ${field({
              name: 'file',
              label: 'Storyboard file',
              hint: `A PDF, PNG, JPEG or PowerPoint (.pptx) file, at most ${MAX_STORYBOARD_BYTES / 1024 / 1024} MB.`,
              errors: e,
              control: (a) =>
                html`<input
                  type="file"
                  ${a}
                  accept=".pdf,.png,.jpg,.jpeg,.pptx,application/pdf,image/png,image/jpeg"
                />`,
            })}
            ${textField({
              name: 'link',
              label: 'Or a link to it',
              hint: 'Only when you choose no file: where the storyboard is online, starting with https://',
              type: 'url',
              value: values.link,
              errors: e,
              autocomplete: 'off',
            })}
            <button>Share the storyboard</button>
          </form>
        </section>`
    : '';
  return html`<p><a href="${o.back.href}">${o.back.label}</a></p>
    ${errorSummary(e)} ${flash.done ? html`<div class="ok" role="status">${flash.done}</div>` : ''}
    <p>The storyboards the teams of ${doc.config.title} shared, session by session.</p>
    ${form} ${o.gallery.map((s) => sessionSection(doc, s, o.fileHref, team?.siteId))}`;
}

/** On the team page: where the gallery and the team's own storyboard are. */
export function teamStoryboardsSection(base: string): Html {
  return html`<section id="storyboards">
    <h2>Storyboards</h2>
    <p>
      Before each learning session, share your team's storyboard and see the other teams':
      <a href="${base}/storyboards">the storyboard gallery</a>.
    </p>
  </section>`;
}
