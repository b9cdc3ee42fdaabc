/**
 * The final report as a PDF (pdfkit): headings, the summary, the teams' table, the run-chart
 * signals, and each run chart drawn with its legend and its numbers as a table; every page
 * numbered. Pure apart from the stream: it is given what to print and returns the bytes.
 * The built-in Helvetica keeps it free of font files; it encodes WinAnsi only, so other
 * characters are replaced (see `printable`).
 */
import PDFDocument from 'pdfkit';
import type { RunChartSeries } from './charts';

export interface PdfChart {
  title: string;
  unit: 'count' | 'percentage';
  periods: string[];
  series: RunChartSeries[];
  median: number | null;
  /** null or absent: no target (a chart read back from MongoDB has null) */
  target?: number | null;
  signals?: { text: string }[];
}

export interface FinalReportPdfInput {
  title: string;
  /** e.g. 'TF-CBT · lc/tf-cbt-2027' */
  subtitle: string;
  /** Whether this is the report sent at the end, or one of the records so far; and when. */
  status: string;
  summary: string[];
  teams: { header: string[]; rows: string[][] };
  signalSections: { heading: string; items: string[] }[];
  charts: PdfChart[];
}

/** Vega-Lite's tableau10, as the page's charts colour their series. */
const COLOURS = [
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
const MARGIN = 50;
const CHART_HEIGHT = 150;
const FOOTER = 30;
const FONT = 'Helvetica';
const BOLD = 'Helvetica-Bold';

/** Text the built-in fonts can show: Latin-1 and common punctuation; anything else becomes '?'. */
export function printable(text: string): string {
  return text.replace(/[^\t\n\x20-\x7e\xa0-\xff–—‘’“”•…€]/g, '?');
}

export function finalReportPdf(input: FinalReportPdfInput): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
    bufferPages: true,
    info: { Title: printable(`Final report — ${input.title}`), Creator: 'lc-orchestrator' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  doc
    .font(BOLD)
    .fontSize(20)
    .text(printable(`Final report: ${input.title}`));
  doc.font(FONT).fontSize(11).fillColor('#444').text(printable(input.subtitle)).text(printable(input.status));
  doc.fillColor('black');
  heading(doc, 'Summary');
  for (const line of input.summary) doc.font(FONT).fontSize(11).text(printable(line), { paragraphGap: 4 });
  heading(doc, 'Teams');
  if (input.teams.rows.length) table(doc, input.teams.header, input.teams.rows);
  else doc.font(FONT).fontSize(11).text('No team took part.');
  if (input.signalSections.length) {
    heading(doc, 'Run-chart signals');
    for (const s of input.signalSections) {
      doc.font(BOLD).fontSize(12).text(printable(s.heading), { paragraphGap: 2 });
      for (const item of s.items)
        doc
          .font(FONT)
          .fontSize(10)
          .text(printable(`• ${item}`), { indent: 8, paragraphGap: 2 });
      doc.moveDown(0.5);
    }
  }
  if (input.charts.length) {
    heading(doc, 'Run charts', CHART_HEIGHT + 130);
    doc
      .font(FONT)
      .fontSize(10)
      .text(
        "Each month's value per team, and the mean of the teams; the dashed line is the median, the green one the target.",
      );
    for (const c of input.charts) chart(doc, c);
  }
  numberPages(doc, input.title);
  doc.end();
  return done;
}

const width = (doc: PDFKit.PDFDocument) => doc.page.width - MARGIN * 2;
const bottom = (doc: PDFKit.PDFDocument) => doc.page.height - MARGIN - FOOTER;

/** A new page when fewer than `h` points are left on this one. */
function room(doc: PDFKit.PDFDocument, h: number) {
  if (doc.y + h > bottom(doc)) doc.addPage();
}

/** A heading with at least `need` points below it on its page (never alone at the foot of one). */
function heading(doc: PDFKit.PDFDocument, text: string, need = 60) {
  doc.moveDown(0.8);
  room(doc, need);
  doc.x = MARGIN;
  doc.font(BOLD).fontSize(15).fillColor('black').text(printable(text), { paragraphGap: 6 });
}

/**
 * A table as wide as the page: the columns share the width (the first twice as wide), cells
 * wrap, a row that does not fit starts a new page, and the header repeats there.
 */
function table(doc: PDFKit.PDFDocument, header: string[], rows: string[][], size = 9) {
  const w = width(doc);
  const weights = header.map((_, i) => (i === 0 ? 2 : 1));
  const unit = w / weights.reduce((a, b) => a + b, 0);
  const cols = weights.map((k) => k * unit);
  const pad = 3;
  const rowHeight = (cells: string[], font: string) => {
    doc.font(font).fontSize(size);
    return (
      Math.max(...cells.map((c, i) => doc.heightOfString(printable(c), { width: cols[i]! - 2 * pad }))) +
      2 * pad
    );
  };
  const draw = (cells: string[], font: string, shade: boolean) => {
    const h = rowHeight(cells, font);
    const y = doc.y;
    if (shade) doc.rect(MARGIN, y, w, h).fill('#eeeeee');
    doc.fillColor('black').font(font).fontSize(size);
    let x = MARGIN;
    cells.forEach((c, i) => {
      doc.text(printable(c), x + pad, y + pad, { width: cols[i]! - 2 * pad });
      x += cols[i]!;
    });
    doc
      .moveTo(MARGIN, y + h)
      .lineTo(MARGIN + w, y + h)
      .lineWidth(0.5)
      .strokeColor('#999999')
      .stroke();
    doc.x = MARGIN;
    doc.y = y + h;
  };
  room(doc, rowHeight(header, BOLD) + rowHeight(rows[0] ?? header, FONT));
  draw(header, BOLD, true);
  for (const r of rows) {
    if (doc.y + rowHeight(r, FONT) > bottom(doc)) {
      doc.addPage();
      draw(header, BOLD, true);
    }
    draw(r, FONT, false);
  }
  doc.moveDown(0.5);
}

const fmt = (v: number | null, unit: PdfChart['unit']) =>
  v === null ? '—' : `${String(Number(v.toPrecision(6)))}${unit === 'percentage' ? '%' : ''}`;

/** A run chart drawn with lines (the page's is SVG): axes, a line per series, median and target; then its numbers. */
function chart(doc: PDFKit.PDFDocument, c: PdfChart) {
  const plotH = CHART_HEIGHT;
  doc.moveDown(0.8);
  room(doc, plotH + 90);
  doc.x = MARGIN;
  doc.font(BOLD).fontSize(12).fillColor('black').text(printable(c.title), { paragraphGap: 4 });
  const target = c.target ?? undefined;
  const values = c.series.flatMap((s) => s.points.map((p) => p.value)).filter((v): v is number => v !== null);
  const lo = Math.min(0, ...values);
  // Four steps of a round size (1, 2, 2.5 or 5 × a power of ten) from the lowest value or 0.
  const step = roundStep((Math.max(c.unit === 'percentage' ? 100 : 1, ...values, target ?? 0) - lo) / 4);
  const hi = lo + 4 * step;
  const left = MARGIN + 36;
  const w = width(doc) - 36;
  const top = doc.y + 4;
  const yOf = (v: number) => top + plotH - ((v - lo) / (hi - lo || 1)) * plotH;
  const n = c.periods.length;
  const xOf = (i: number) => left + (n === 1 ? w / 2 : (i * w) / (n - 1));
  // axes and y ticks
  doc.lineWidth(0.5).strokeColor('#666666');
  doc
    .moveTo(left, top)
    .lineTo(left, top + plotH)
    .lineTo(left + w, top + plotH)
    .stroke();
  doc.font(FONT).fontSize(7).fillColor('#444444');
  for (let k = 0; k <= 4; k++) {
    const v = lo + step * k;
    doc.text(fmt(v, c.unit), MARGIN, yOf(v) - 3, { width: 32, align: 'right' });
  }
  const every = Math.ceil(n / 8); // at most eight month labels
  c.periods.forEach((p, i) => {
    if (i % every === 0) doc.text(p, xOf(i) - 20, top + plotH + 3, { width: 40, align: 'center' });
  });
  const line = (v: number, colour: string, dashed: boolean) => {
    doc.lineWidth(1).strokeColor(colour);
    if (dashed) doc.dash(4, { space: 3 });
    doc
      .moveTo(left, yOf(v))
      .lineTo(left + w, yOf(v))
      .stroke();
    doc.undash();
  };
  if (c.median !== null) line(c.median, '#888888', true);
  if (target !== undefined) line(target, '#2e7d32', false);
  c.series.forEach((s, k) => {
    const colour = COLOURS[k % COLOURS.length]!;
    doc.lineWidth(1.5).strokeColor(colour).fillColor(colour);
    let drawing = false;
    s.points.forEach((p, i) => {
      if (p.value === null) return void (drawing = false);
      if (drawing) doc.lineTo(xOf(i), yOf(p.value));
      else doc.moveTo(xOf(i), yOf(p.value));
      drawing = true;
    });
    doc.stroke();
    s.points.forEach((p, i) => {
      if (p.value !== null) doc.circle(xOf(i), yOf(p.value), 2).fill(colour);
    });
  });
  // legend
  doc.y = top + plotH + 16;
  let x = MARGIN;
  doc.font(FONT).fontSize(8);
  const legend = [
    ...c.series.map((s, k) => ({ name: s.name, colour: COLOURS[k % COLOURS.length]! })),
    ...(c.median !== null ? [{ name: `median ${fmt(c.median, c.unit)}`, colour: '#888888' }] : []),
    ...(target !== undefined ? [{ name: `target ${fmt(target, c.unit)}`, colour: '#2e7d32' }] : []),
  ];
  for (const item of legend) {
    const label = printable(item.name);
    const wide = doc.widthOfString(label) + 18;
    if (x + wide > MARGIN + width(doc)) {
      x = MARGIN;
      doc.y += 12;
    }
    const y = doc.y;
    doc.rect(x, y + 1, 8, 8).fill(item.colour);
    doc.fillColor('black').text(label, x + 11, y, { lineBreak: false });
    doc.y = y;
    x += wide;
  }
  doc.x = MARGIN;
  doc.y += 16;
  if (c.signals)
    doc
      .font(FONT)
      .fontSize(9)
      .fillColor('black')
      .text(
        printable(
          c.signals.length
            ? `Signals: ${c.signals.map((s) => `${s.text}.`).join(' ')}`
            : 'No signal on this run chart: no shift, trend or unusual point.',
        ),
        { paragraphGap: 4 },
      );
  table(
    doc,
    ['Month', ...c.series.map((s) => s.name)],
    c.periods.map((p) => [
      p,
      ...c.series.map((s) => fmt(s.points.find((x) => x.period === p)?.value ?? null, c.unit)),
    ]),
    8,
  );
}

/** The smallest of 1, 2, 2.5 and 5 times a power of ten that is at least `raw`. */
function roundStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 2.5, 5, 10].map((k) => k * power).find((s) => s >= raw - 1e-9)!;
}

/** 'Page i of n' and the title at the foot of every page (written once all pages exist). */
function numberPages(doc: PDFKit.PDFDocument, title: string) {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Writing into the bottom margin: lift it so pdfkit does not start a new page.
    const margin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font(FONT)
      .fontSize(8)
      .fillColor('#444444')
      .text(
        printable(`${title} — page ${i - range.start + 1} of ${range.count}`),
        MARGIN,
        doc.page.height - MARGIN + 10,
        { width: width(doc), align: 'center', lineBreak: false },
      );
    doc.page.margins.bottom = margin;
  }
}
