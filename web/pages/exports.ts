/** The downloads section of a collaborative's page: a link per CSV export the viewer may take. */
import { EXPORT_KINDS, EXPORT_TITLES, exportApplies, type CollaborativeDoc } from '../../app';
import type { Role } from '../auth';
import { html, type Html } from '../html';
import { EXPORT_ROLES, exportPath } from '../exports';

export function downloadsSection(doc: CollaborativeDoc, roles: Role[]): Html {
  const kinds = EXPORT_KINDS.filter(
    (k) => exportApplies(doc, k) && EXPORT_ROLES[k].some((r) => roles.includes(r)),
  );
  if (!kinds.length) return html``;
  return html`<section id="downloads">
    <h2>Downloads</h2>
    <p>Spreadsheet files (CSV, UTF-8) of this collaborative's records as they are now.</p>
    <ul>
      ${kinds.map(
        (k) =>
          html`<li>
            <a href="${exportPath(doc.slug, k)}" download data-export="${k}"
              >Download ${EXPORT_TITLES[k]} (CSV)</a
            >
          </li>`,
      )}
    </ul>
  </section>`;
}
