/**
 * The final report's PDF layout, read back with pdf-parse: a teams' table longer than a page goes
 * on over the next with its header repeated, every page is numbered, text outside the built-in
 * font's WinAnsi is replaced rather than garbled, and a chart's numbers come with it.
 */
import { finalReportPdf, printable, type FinalReportPdfInput } from '../../reports/final-report-pdf';
import { pdfText } from '../helpers/pdf-text';

const HEADER = ['Team', 'Status', 'Sessions attended', 'Pre-work done', 'Feedback', 'Metrics (on time)'];
const periods = ['2027-01', '2027-02', '2027-03', '2027-04'];

function input(teams: number): FinalReportPdfInput {
  return {
    title: 'Trauma-Focused CBT 2027',
    subtitle: 'TF-CBT · lc/tf-cbt-2027',
    status: 'Report so far, as of 2027-03-04 09:00 (America/New_York)',
    summary: ['Trauma-Focused CBT 2027: 40 applications; 40 accepted.', 'Checked ✓ by 王 — done'],
    teams: {
      header: HEADER,
      rows: Array.from({ length: teams }, (_, i) => [
        `Team ${String(i + 1).padStart(2, '0')} of a long name that wraps in its cell`,
        'accepted',
        '2 of 3 (missed LS3)',
        '1 of 3',
        '0',
        '4 (3 on time)',
      ]),
    },
    signalSections: [{ heading: 'Signals of improvement', items: ['Team 01 — Fidelity (%): a trend up'] }],
    charts: [
      {
        title: 'Fidelity (%): each team',
        unit: 'percentage',
        periods,
        series: [{ name: 'Team 01', points: periods.map((period, i) => ({ period, value: 50 + 10 * i })) }],
        median: 65,
        target: null,
      },
    ],
  };
}

describe('the final report as a PDF', () => {
  it('goes on over pages with the table header repeated, every page numbered', async () => {
    const bytes = await finalReportPdf(input(60));
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const t = await pdfText(bytes);
    expect(t.total).toBeGreaterThanOrEqual(3);
    t.pages.forEach((p, i) =>
      expect(p.replace(/\s+/g, ' ')).toContain(`Trauma-Focused CBT 2027 — page ${i + 1} of ${t.total}`),
    );
    // Each page holding team rows starts its table with the header.
    const withRows = t.pages.map((p) => p.replace(/\s+/g, ' ')).filter((p) => /Team \d\d of a long/.test(p));
    expect(withRows.length).toBeGreaterThanOrEqual(2);
    for (const p of withRows)
      expect(p).toMatch(/Team Status Sessions attended Pre-work done Feedback Metrics \(on time\)/);
    // No row lost or repeated across the breaks.
    expect(t.text.match(/Team \d\d of a long/g)).toHaveLength(60);
    expect(t.text).toContain('Checked ? by ? — done');
    expect(t.text).toMatch(/2027-04 80%/);
    expect(t.text).not.toMatch(/target (—|\d)/); // no target: none in the legend
  });

  it('keeps to the characters the built-in font has', () => {
    expect(printable('Clínica “Niños” — 5 € ✓ 王')).toBe('Clínica “Niños” — 5 € ? ?');
  });
});
