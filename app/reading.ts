/** Reading what people type or upload: structured files and text (YAML or JSON), comma-separated lists. */
import fs from 'node:fs';
import YAML from 'yaml';
import { ValidationError } from '../domain/errors';
import { OperationError } from './errors';

/** A text file's content, or an `input` error that names the file once. */
export function readTextFile(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    // Node's message repeats the path ("ENOENT: …, open '<file>'"): say it once.
    const why = (err as Error).message.replace(/, \w+ '.*'$/s, '');
    throw new OperationError(`cannot read ${file}: ${why}`, 'input');
  }
}

export function readStructuredFile(file: string): unknown {
  return parseStructuredText(readTextFile(file), file, /\.json$/i.test(file) ? 'json' : 'yaml');
}

/** YAML (a superset of JSON) or strict JSON text → a value; unreadable text is a ValidationError. */
export function parseStructuredText(text: string, what: string, format: 'json' | 'yaml' = 'yaml'): unknown {
  if (format === 'json') {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new ValidationError(what, [`not valid JSON: ${(err as Error).message}`]);
    }
  }
  const doc = YAML.parseDocument(text);
  if (doc.errors.length)
    throw new ValidationError(
      what,
      doc.errors.map((e) => e.message),
    );
  return doc.toJSON();
}

/** `a@x, b@y` → [`a@x`, `b@y`]. */
export function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
