/**
 * The text of a PDF, page by page, read by pdf-parse 2.x. Read in a plain Node process: pdf.js
 * loads its worker with a dynamic import(), which jest's CommonJS sandbox refuses
 * ("A dynamic import callback was invoked without --experimental-vm-modules").
 */
import { execFile } from 'node:child_process';

const READER = `
const { PDFParse } = require('pdf-parse');
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', async () => {
  const parser = new PDFParse({ data: new Uint8Array(Buffer.concat(chunks)) });
  const r = await parser.getText();
  await parser.destroy();
  process.stdout.write(JSON.stringify({ total: r.total, pages: r.pages.map((p) => p.text) }));
});`;

export interface PdfText {
  total: number;
  /** Each page's text, first page first. */
  pages: string[];
  /** All pages' text, whitespace runs as one space. */
  text: string;
}

export function pdfText(bytes: Buffer): Promise<PdfText> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['-e', READER],
      { cwd: __dirname, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`pdf-parse failed: ${stderr || err.message}`));
        const r = JSON.parse(stdout) as { total: number; pages: string[] };
        resolve({ ...r, text: r.pages.join(' ').replace(/\s+/g, ' ') });
      },
    );
    child.stdin!.end(bytes);
  });
}
