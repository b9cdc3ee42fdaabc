/**
 * Storyboards (#21): before each learning session a team shares its storyboard, a file (PDF, PNG,
 * JPEG or PowerPoint) or a link to one. What a file is comes from its first bytes, not from its
 * name or the browser's word, and the name's extension must agree: a download is then served as
 * that type and nothing else (never as HTML).
 */
import { z } from 'zod';

/** The largest storyboard file taken (the web form's body limit is a little above it). */
export const MAX_STORYBOARD_BYTES = 5 * 1024 * 1024;

export const STORYBOARD_TYPES = {
  pdf: { contentType: 'application/pdf', extensions: ['pdf'] },
  png: { contentType: 'image/png', extensions: ['png'] },
  jpeg: { contentType: 'image/jpeg', extensions: ['jpg', 'jpeg'] },
  pptx: {
    contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    extensions: ['pptx'],
  },
} as const;
export type StoryboardType = keyof typeof STORYBOARD_TYPES;

const starts = (bytes: Uint8Array, magic: number[]) => magic.every((b, i) => bytes[i] === b);

/** The type the bytes are, by their signature; a PowerPoint file is a ZIP holding a `ppt/` folder. */
export function sniffStoryboard(bytes: Uint8Array): StoryboardType | undefined {
  if (starts(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'pdf'; // %PDF-
  if (starts(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (starts(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (starts(bytes, [0x50, 0x4b, 0x03, 0x04]) && Buffer.from(bytes).includes('ppt/')) return 'pptx';
  return undefined;
}

/** A file name safe to store and to send back: its last path part, printable, at most 120 characters. */
export function cleanFilename(name: string): string {
  // Control characters and quotes dropped (they would break the Content-Disposition header).
  const base = [...name.replace(/^.*[\\/]/, '')]
    .filter((c) => c.charCodeAt(0) >= 0x20 && c !== '\u007f' && c !== '"')
    .join('')
    .trim();
  return base.slice(-120) || 'storyboard';
}

/** A file's problems (`file: …`), or its type. */
export function checkStoryboardFile(
  filename: string,
  bytes: Uint8Array,
): { type: StoryboardType; contentType: string } | { problems: string[] } {
  if (bytes.length === 0) return { problems: ['file: the file is empty'] };
  if (bytes.length > MAX_STORYBOARD_BYTES)
    return {
      problems: [
        `file: the file is ${(bytes.length / 1024 / 1024).toFixed(1)} MB; a storyboard can be at most ${MAX_STORYBOARD_BYTES / 1024 / 1024} MB`,
      ],
    };
  const type = sniffStoryboard(bytes);
  const ext = /\.([a-z0-9]+)$/i.exec(filename)?.[1]?.toLowerCase() ?? '';
  if (!type || !(STORYBOARD_TYPES[type].extensions as readonly string[]).includes(ext))
    return { problems: ['file: choose a PDF, PNG, JPEG or PowerPoint (.pptx) file'] };
  return { type, contentType: STORYBOARD_TYPES[type].contentType };
}

export const storyboardLinkSchema = z
  .string()
  .trim()
  .max(2000, 'keep the address under 2000 characters')
  .refine((u) => {
    try {
      return ['https:', 'http:'].includes(new URL(u).protocol);
    } catch {
      return false;
    }
  }, 'give a web address starting with https:// or http://');

/** The learning session (0-based) a storyboard is for: the problem, or none. */
export function storyboardSessionProblems(raw: unknown, sessions: number): string[] {
  const s = typeof raw === 'string' && /^\d{1,3}$/.test(raw) ? Number(raw) : NaN;
  return Number.isInteger(s) && s < sessions
    ? []
    : [`session: choose one of the ${sessions} learning sessions`];
}
