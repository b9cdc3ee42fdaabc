/**
 * The public pages (no sign-in): the collaboratives being announced or open for applications, and
 * one of them. Everything shown comes from app/public.ts's public view; every value is escaped by
 * `html`, and a link is a link only when it is http(s).
 */
import type { PublicCollaborative } from '../../app';
import { formatInZone } from '../../domain/dates';
import { html, scroll, type Html } from '../html';

/** The address of a collaborative's public page and of its calendar feed. */
export const publicPath = (slug: string) => `/programmes/${encodeURIComponent(slug)}`;
export const feedPath = (slug: string) => `${publicPath(slug)}.ics`;

/** An http(s) address as a link; anything else (a `javascript:` URL in a config) as plain text. */
function link(url: string, text: string): Html {
  let ok = false;
  try {
    ok = ['http:', 'https:'].includes(new URL(url).protocol);
  } catch {
    ok = false;
  }
  return ok ? html`<a class="wrap" href="${url}">${text}</a>` : html`<span class="wrap">${text}</span>`;
}

const HOW_TO_APPLY =
  'Sites of the network apply through their principal investigator (PI): your site’s PI receives an application link in the announcement email. If you have not seen it, ask your network coordinator.';

/** One collaborative: what it is, when, its informational calls, how to apply, its calendar. */
function collaborativeBody(c: PublicCollaborative, level: 2 | 3): Html {
  const when = (iso: string) => formatInZone(iso, c.timeZone);
  const h = (id: string, text: string) =>
    level === 2 ? html`<h2 id="${id}">${text}</h2>` : html`<h3 id="${id}">${text}</h3>`;
  const id = (part: string) => `${c.slug}-${part}`;
  return html`<p><strong>Practice:</strong> ${c.practice}</p>
    ${c.description ? html`<p>${c.description}</p>` : ''}
    <p class="notice" data-applications="${c.applications.state}">
      ${
        c.applications.state === 'open'
          ? html`Applications are open until ${when(c.applications.closes)}.`
          : html`Applications open on ${when(c.applications.opens)} and close on
            ${when(c.applications.closes)}.`
      }
    </p>
    ${h(id('timeline'), 'Timeline')}
    ${scroll(
      `Timeline of ${c.title}`,
      html`<table class="timeline">
        <caption class="visually-hidden">
          Timeline of ${c.title}, in ${c.timeZone} time
        </caption>
        <tr>
          <th scope="col">Milestone</th>
          <th scope="col">When</th>
        </tr>
        ${c.timeline.map(
          (m) =>
            html`<tr>
              <td>${m.label}</td>
              <td>${when(m.at)}</td>
            </tr>`,
        )}
      </table>`,
    )}
    ${
      c.learningSessions.some((s) => s.venue)
        ? html`<ul class="sessions">
            ${c.learningSessions.map(
              (s) =>
                html`<li>
                  ${s.label}: ${when(s.start)} to ${when(s.end)}${s.venue ? html`, ${s.venue}` : ''}
                </li>`,
            )}
          </ul>`
        : ''
    }
    ${h(id('calls'), 'Informational calls')}
    ${
      c.informationalCalls.length
        ? html`<p>Faculty present the collaborative and answer questions about fit.</p>
            <ul class="calls">
              ${c.informationalCalls.map(
                (call) =>
                  html`<li>
                    ${call.label}: ${when(call.start)} (${call.durationMinutes}
                    minutes)${call.link ? html`. Join: ${link(call.link, call.link)}` : ''}
                  </li>`,
              )}
            </ul>`
        : html`<p>No informational call is planned.</p>`
    }
    ${h(id('apply'), 'How to apply')}
    <p>${HOW_TO_APPLY}</p>
    ${h(id('calendar'), 'Calendar')}
    <p>
      <a href="${feedPath(c.slug)}" data-feed="${c.slug}">Subscribe to the calendar of ${c.title}</a>
      (learning sessions and informational calls; it follows any change to the schedule).
    </p>`;
}

/** The list: every public collaborative, each in full. */
export function programmesPage(list: PublicCollaborative[]): Html {
  return html`<p>
      The network’s Learning Collaboratives being announced or open for applications. Every date is in the
      collaborative’s own time zone.
    </p>
    ${
      list.length
        ? list.map(
            (c) =>
              html`<section class="programme" aria-labelledby="${c.slug}-title" data-slug="${c.slug}">
                <h2 id="${c.slug}-title"><a href="${publicPath(c.slug)}">${c.title}</a></h2>
                ${collaborativeBody(c, 3)}
              </section>`,
          )
        : html`<p class="notice" role="status">
            No collaborative is being announced or open for applications just now.
          </p>`
    }
    <p><a href="/signin">Coordinators and faculty sign in</a></p>`;
}

/** One collaborative's page (its title is the page's heading). */
export function programmePage(c: PublicCollaborative): Html {
  return html`<div class="programme" data-slug="${c.slug}">${collaborativeBody(c, 2)}</div>
    <p><a href="/programmes">Every collaborative open for applications</a></p>`;
}
