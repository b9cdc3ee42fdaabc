/**
 * CSV as spreadsheets open it: RFC 4180 (comma separated, CRLF line ends, a cell quoted when it
 * holds a comma, a quote or a line break, quotes doubled inside), UTF-8 with a byte-order mark so
 * Excel reads accents right, and no cell that a spreadsheet would run as a formula.
 *
 * Formula injection (OWASP "CSV Injection"): a text cell that begins with `=`, `+`, `-`, `@`, a
 * tab or a carriage return is a formula to Excel, LibreOffice and Google Sheets, so a site or
 * person named `=HYPERLINK(…)` would run when a coordinator opens the export. Such a cell is
 * written with a `'` in front (`'=HYPERLINK(…)`), which spreadsheets show as text. The full-width
 * forms of those signs (`＝`, `＋`, `－`, `＠`), which some spreadsheets also read as formulas, are
 * treated the same. Numbers are written as numbers (`-3` stays a number: it runs nothing).
 */

export type CsvValue = string | number | boolean | null | undefined | Date;

/** The first characters that make a spreadsheet read a cell as a formula. */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** The byte-order mark that tells Excel the file is UTF-8. */
export const CSV_BOM = '\uFEFF';

/** A text cell that a spreadsheet will not run: `'` before a leading `=`, `+`, `-`, `@`, tab or CR. */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** One cell as RFC 4180 writes it, after the formula guard. */
export function csvCell(v: CsvValue): string {
  let text: string;
  if (v === null || v === undefined) text = '';
  else if (typeof v === 'number') text = Number.isFinite(v) ? String(v) : '';
  else if (typeof v === 'boolean') text = v ? 'yes' : 'no';
  else if (v instanceof Date) text = v.toISOString();
  else text = neutraliseFormula(v);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A whole file: the header, then the rows, each line ended by CRLF; with the BOM unless `bom: false`. */
export function toCsv(header: string[], rows: CsvValue[][], o: { bom?: boolean } = {}): string {
  const lines = [header, ...rows].map((r) => r.map(csvCell).join(','));
  return `${o.bom === false ? '' : CSV_BOM}${lines.map((l) => `${l}\r\n`).join('')}`;
}

/** "2027-03-04 09:00" in `timeZone`: what a spreadsheet sorts and reads as a date and time. */
export function csvTime(at: Date | string | undefined | null, timeZone: string): string {
  if (!at) return '';
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return '';
  // Sweden's locale writes ISO-like dates: "2027-03-04 09:00".
  return new Intl.DateTimeFormat('sv-SE', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(d);
}
