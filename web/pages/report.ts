/**
 * The final report as a printable page: the summary, the teams' table, the run-chart signals and
 * the run charts (drawn as the collaborative's page draws them, their numbers shown). The print
 * style drops the page's header and links and keeps figures and table rows whole.
 */
import type { FinalReportView } from '../../app';
import { chartFigure } from '../charts';
import { html, scroll, trusted, type Html } from '../html';

/** Printing: no site header or links, no scroll boxes, no cards; a figure or a table row never split. */
const PRINT_CSS = `@media print{
body{background:#fff;font-size:11pt}header,.report-links{display:none}main{max-width:none;padding:0}
section{border:0;padding:0;margin:12pt 0}.scroll{overflow:visible}
h2,h3{break-after:avoid}figure,tr{break-inside:avoid}summary{display:none}
table{width:100%}}`;

export const reportPath = (slug: string) => `/c/${slug}/report`;
export const reportPdfPath = (slug: string) => `/c/${slug}/report.pdf`;

export function reportPage(v: FinalReportView): Html {
  return html`<style>
      ${trusted(PRINT_CSS)}
    </style>
    <p>${v.practice} · <code>lc/${v.slug}</code></p>
    <p class="notice" data-testid="report-state" data-state="${v.state}">${v.status}</p>
    <ul class="report-links">
      <li><a href="${reportPdfPath(v.slug)}" download>Download this report as a PDF</a></li>
      <li>To print it, use your browser's Print command: the page prints without its links.</li>
      <li><a href="/c/${v.slug}">Back to the collaborative</a></li>
    </ul>
    <section id="summary">
      <h2>Summary</h2>
      ${v.report.summary.map((line) => html`<p>${line}</p>`)}
    </section>
    <section id="teams">
      <h2>Teams</h2>
      ${
        v.teamTable.rows.length
          ? scroll(
              'Teams',
              html`<table>
                <tr>
                  ${v.teamTable.header.map((h) => html`<th scope="col">${h}</th>`)}
                </tr>
                ${v.teamTable.rows.map(
                  (r) =>
                    html`<tr>
                      <th scope="row">${r[0]}</th>
                      ${r.slice(1).map((c) => html`<td>${c}</td>`)}
                    </tr>`,
                )}
              </table>`,
            )
          : html`<p>No team took part.</p>`
      }
    </section>
    ${
      v.report.signalSections.length
        ? html`<section id="signals">
            <h2>Run-chart signals</h2>
            ${v.report.signalSections.map(
              (s) =>
                html`<h3>${s.heading}</h3>
                  <ul>
                    ${s.items.map((i) => html`<li>${i}</li>`)}
                  </ul>`,
            )}
          </section>`
        : ''
    }
    ${
      v.charts.length
        ? html`<section id="charts">
            <h2>Run charts</h2>
            <p>
              Each month's value per team, and the mean of the teams; the dashed line is the median, the green
              one the target.
            </p>
            ${v.charts.map((c, i) => chartFigure(c, `chart-${i}`, { open: true }))}
          </section>`
        : ''
    }`;
}
