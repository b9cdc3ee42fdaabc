/**
 * The top of a collaborative's page: the sections to jump between, what needs attention now
 * (app/attention.ts decides), and every targeted site with its stage.
 */
import type { AttentionItem, SiteLine, SiteStage } from '../../app';
import { html, scroll, type Html } from '../html';

/** The page's sections; Emails is a page of its own (the email centre). */
export function sectionsNav(slug: string, coordinator: boolean, metrics: boolean): Html {
  const links: [string, string][] = [
    ...(coordinator
      ? ([
          ['#overview', 'Overview'],
          ['#sites', 'Sites'],
        ] as [string, string][])
      : []),
    ['#applications', 'Applications'],
    ['#teams', 'Teams'],
    ...(coordinator && metrics ? ([['#compliance', 'Metrics']] as [string, string][]) : []),
    ...(coordinator ? ([[`/c/${slug}/emails`, 'Emails']] as [string, string][]) : []),
    ['#timeline', 'Settings'],
  ];
  return html`<nav class="sections" aria-label="Sections of this collaborative">
    <ul>
      ${links.map(([href, label]) => html`<li><a href="${href}">${label}</a></li>`)}
    </ul>
  </nav>`;
}

export function overviewSection(items: AttentionItem[], name: (s: string) => string): Html {
  return html`<section id="overview">
    <h2>Needs attention now (${items.length})</h2>
    ${
      items.length
        ? html`<ul class="attention">
            ${items.map(
              (i) =>
                html`<li data-kind="${i.kind}" data-site="${i.siteId ?? ''}">
                  ${i.siteId ? html`<strong>${name(i.siteId)}</strong>: ` : ''}${i.what} —
                  <a href="${i.action.href}">${i.action.label}</a>
                </li>`,
            )}
          </ul>`
        : html`<p>Nothing needs your attention now.</p>`
    }
  </section>`;
}

const STAGE_WORDS: Record<SiteStage, string> = {
  announced: 'announced, has not applied',
  applied: 'applied, not decided',
  accepted: 'accepted',
  waitlisted: 'on the waiting list',
  declined: 'declined',
  withdrawn: 'withdrawn',
  promoted: 'promoted from the waiting list',
  completed: 'completed',
  cancelled: 'cancelled',
};

export function sitesSection(sites: SiteLine[], name: (s: string) => string): Html {
  const counts = new Map<SiteStage, number>();
  for (const s of sites) counts.set(s.stage, (counts.get(s.stage) ?? 0) + 1);
  return html`<section id="sites">
    <h2>Sites (${sites.length})</h2>
    <p>${[...counts].map(([stage, n]) => `${STAGE_WORDS[stage]}: ${n}`).join(' · ')}</p>
    ${scroll(
      'Sites',
      html`<table>
        <tr>
          <th scope="col">Site</th>
          <th scope="col">Status</th>
        </tr>
        ${sites.map(
          (s) =>
            html`<tr data-site="${s.siteId}" data-stage="${s.stage}">
              <td>${name(s.siteId)}</td>
              <td>${STAGE_WORDS[s.stage]}</td>
            </tr>`,
        )}
      </table>`,
    )}
  </section>`;
}
