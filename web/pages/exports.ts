/**
 * The downloads section of a collaborative's page: the final report (a printable page and a PDF,
 * for its coordinators and faculty) and a link per CSV export the viewer may take.
 */
import { EXPORT_KINDS, EXPORT_TITLES, exportApplies, type CollaborativeDoc } from '../../app';
import type { Role } from '../auth';
import { html, type Html } from '../html';
import { EXPORT_ROLES, exportPath } from '../exports';
import { reportPath, reportPdfPath } from './report';

export function downloadsSection(doc: CollaborativeDoc, roles: Role[]): Html {
  const kinds = EXPORT_KINDS.filter(
    (k) => exportApplies(doc, k) && EXPORT_ROLES[k].some((r) => roles.includes(r)),
  );
  if (!kinds.length) return html``;
  return html`<section id="downloads">
    <h2>Downloads</h2>
    <p>
      The final report${doc.phase === 'completed' ? '' : ' so far'}:
      <a href="${reportPath(doc.slug)}" data-testid="report-page">read or print it</a>, or
      <a href="${reportPdfPath(doc.slug)}" download data-testid="report-pdf">download it as a PDF</a>.
    </p>
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
