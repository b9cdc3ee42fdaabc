/**
 * A run chart on a page: a figure with a human caption, the SVG with a title and a description
 * (what screen readers announce), a legend naming each series in its colour, and the same numbers
 * as a table for those who cannot read the picture.
 */
import type { PageChart } from '../app';
import { html, scroll, trusted, type Html } from './html';

/** Vega-Lite's tableau10, in the order it gives colours to the series. */
const TABLEAU10 = [
  '#4c78a8',
  '#f58518',
  '#e45756',
  '#72b7b2',
  '#54a24b',
  '#eeca3b',
  '#b279a2',
  '#ff9da6',
  '#9d755d',
  '#bab0ac',
];

const fmt = (v: number | null, unit: PageChart['unit']) =>
  v === null ? '—' : `${String(Number(v.toPrecision(6)))}${unit === 'percentage' ? '%' : ''}`;

function described(c: PageChart): string {
  const points = c.series.reduce((n, s) => n + s.points.filter((p) => p.value !== null).length, 0);
  return [
    `${c.series.length === 1 ? c.series[0]!.name : `${c.series.length} teams`}, ${points} ${points === 1 ? 'value' : 'values'} from ${c.periods[0]} to ${c.periods[c.periods.length - 1]}.`,
    c.median === null ? '' : `Median ${fmt(c.median, c.unit)}.`,
    c.target === undefined ? '' : `Target ${fmt(c.target, c.unit)}.`,
  ]
    .filter(Boolean)
    .join(' ');
}

/** The SVG with <title> and <desc> first, and named by them. */
function accessibleSvg(svg: string, id: string, title: string, desc: string): string {
  const at = svg.indexOf('>', svg.indexOf('<svg'));
  if (at < 0) return svg;
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const open = svg
    .slice(0, at)
    .replace(/\saria-label="[^"]*"/, '')
    .replace(/\srole="[^"]*"/, '');
  return `${open} role="img" aria-labelledby="${id}-t ${id}-d"><title id="${id}-t">${esc(title)}</title><desc id="${id}-d">${esc(desc)}</desc>${svg.slice(at + 1)}`;
}

/** `open`: the numbers shown, not folded (the printable report prints them). */
export function chartFigure(c: PageChart, id: string, o: { open?: boolean } = {}): Html {
  const desc = described(c);
  return html`<figure data-measure="${c.key}" data-scope="${c.scope}">
    <figcaption><strong>${c.title}</strong> — ${desc}</figcaption>
    ${
      c.series.length > 1
        ? html`<ul class="legend" aria-label="Teams">
            ${c.series.map(
              (s, i) =>
                html`<li>
                  <span class="swatch" style="background:${TABLEAU10[i % 10]!}" aria-hidden="true"></span
                  >${s.name}
                </li>`,
            )}
          </ul>`
        : ''
    }
    ${trusted(accessibleSvg(c.svg, id, c.title, desc))}
    ${
      c.signals
        ? html`<p class="signals">
            ${
              c.signals.length
                ? html`Signals on this run chart:
                    <span>${c.signals.map((x) => `${x.text}.`).join(' ')}</span>`
                : 'No signal on this run chart yet: no shift, trend or unusual point.'
            }
          </p>`
        : ''
    }
    ${trusted(o.open ? '<details open>' : '<details>')}
      <summary>The numbers of this chart</summary>
      ${scroll(
        `${c.title}, as a table`,
        html`<table>
          <caption>
            ${c.title}
          </caption>
          <tr>
            <th scope="col">Month</th>
            ${c.series.map((s) => html`<th scope="col">${s.name}</th>`)}
          </tr>
          ${c.periods.map(
            (p) =>
              html`<tr>
                <th scope="row">${p}</th>
                ${c.series.map((s) => html`<td>${fmt(s.points.find((x) => x.period === p)?.value ?? null, c.unit)}</td>`)}
              </tr>`,
          )}
        </table>`,
      )}
    </details>
  </figure>`;
}
