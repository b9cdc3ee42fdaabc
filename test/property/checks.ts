/** What the property tests check of a parsed value and of a rejection, and how they report counts. */
import { ValidationError } from '../../domain/errors';

/**
 * Every key starting with `$` anywhere in `value` (own keys, enumerable or not, in objects, arrays
 * and Maps), as paths: `values.$gt`, `coreTeam.members[0].$where`. A parsed value must have none.
 */
export function dollarKeys(value: unknown): string[] {
  return keysWhere(value, (k) => k.startsWith('$'));
}

/**
 * Every own `__proto__` key anywhere in `value`: the key that replaces an object's prototype when a
 * parsed value is copied or merged. (`constructor` and `prototype` as own data keys are harmless;
 * a measure may even be called so. Object.prototype itself is checked by prototypeSnapshot.)
 */
export function prototypeKeys(value: unknown): string[] {
  return keysWhere(value, (k) => k === '__proto__');
}

function keysWhere(value: unknown, bad: (key: string) => boolean): string[] {
  const found: string[] = [];
  const seen = new Set<object>();
  const walk = (v: unknown, path: string) => {
    if (v === null || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (v instanceof Map) {
      for (const [k, x] of v) {
        if (typeof k === 'string' && bad(k)) found.push(`${path}<${k}>`);
        walk(k, `${path}<key>`);
        walk(x, `${path}<${String(k)}>`);
      }
      return;
    }
    if (v instanceof Set) {
      for (const x of v) walk(x, `${path}{}`);
      return;
    }
    for (const k of Object.getOwnPropertyNames(v)) {
      const at = Array.isArray(v) && /^\d+$/.test(k) ? `${path}[${k}]` : path ? `${path}.${k}` : k;
      if (bad(k)) found.push(at);
      if (Array.isArray(v) && k === 'length') continue;
      walk((v as Record<string, unknown>)[k], at);
    }
  };
  walk(value, '');
  return found;
}

/** Every string anywhere in `value` (keys included): what a message may quote back. */
export function strings(value: unknown): string[] {
  const out: string[] = [];
  const seen = new Set<object>();
  const walk = (v: unknown) => {
    if (typeof v === 'string') out.push(v);
    else if (v !== null && typeof v === 'object' && !seen.has(v)) {
      seen.add(v);
      const pairs: [unknown, unknown][] =
        v instanceof Map
          ? [...v]
          : v instanceof Set
            ? [...v].map((x) => [undefined, x])
            : Object.getOwnPropertyNames(v).map((k) => [k, (v as Record<string, unknown>)[k]]);
      for (const [k, x] of pairs) {
        walk(k);
        walk(x);
      }
    }
  };
  walk(value);
  return out;
}

/** How long a problem may be beyond what it quotes of the input. */
export const MAX_PROBLEM_LENGTH = 600;

/** zod's own words when no message was written for a rule: not what people should read. */
const MACHINE_WORDS =
  /\b(invalid_type|invalid_union|invalid_literal|too_small|too_big|unrecognized_keys|custom)\b/;

/**
 * Why `problem` (one line of a rejection) is not a clear message a person can act on, or
 * undefined when it is: it must name the field (`coreTeam.members[1].email: …`) unless it is about
 * the whole input, carry no stack trace, no `[object Object]`, no `undefined`, no zod codes, and
 * not be longer than what it quotes plus MAX_PROBLEM_LENGTH.
 */
export function unclear(
  problem: string,
  input: unknown,
  opts: { fieldRequired?: boolean } = {},
): string | undefined {
  const given = strings(input);
  const quoted = given.reduce((n, s) => Math.max(n, s.length), 0);
  // Words the input itself held may be quoted back; otherwise they betray a bug.
  const said = (word: string) => given.some((s) => s.includes(word));
  if (!problem.trim()) return 'empty message';
  if (/\n\s+at |\bat [\w.<>]+ \(.*:\d+:\d+\)/.test(problem)) return 'stack trace';
  if (problem.includes('[object Object]') && !said('[object Object]')) return '[object Object]';
  if (/\bundefined\b/.test(problem) && !said('undefined')) return '"undefined" in the message';
  if (MACHINE_WORDS.test(problem)) return 'a zod code instead of words';
  if (/(^|: )Invalid input$/.test(problem)) return 'zod\'s generic "Invalid input"';
  if (problem.length > MAX_PROBLEM_LENGTH + quoted) return `${problem.length} characters long`;
  if (opts.fieldRequired !== false && !namesField(problem)) return 'names no field';
  return undefined;
}

/** `field.path[0].x: message`, or a message about the input as a whole that says what is wrong with it. */
export function namesField(problem: string): boolean {
  // A key may be anything (`values. : …` names the key " "), but a path starts with a field name.
  if (/^(line \d+: )?[A-Za-z_$][\w$]*(?:[.[][^\n]*?)?: \S/u.test(problem)) return true;
  return WHOLE_INPUT.some((re) => re.test(problem));
}

/** Problems about the input as a whole, which therefore carry no field path. */
const WHOLE_INPUT: RegExp[] = [
  /^(line \d+: )?Required$/,
  /^(line \d+: )?Expected object, received \w+$/,
  /^(line \d+: )?Unrecognized key\(s\) in object: .+$/s,
  // A file that cannot be read as rows: where it breaks, as the YAML or CSV parser reports it.
  /\bline \d+/,
  /^the file has no sites$/,
  /^expected a list of sites \(or `sites:` with a list\)$/,
];

/** The problems of a ValidationError, each checked by `unclear`; other errors are rethrown. */
export function clearProblems(err: unknown, input: unknown): { problems: string[]; unclear: string[] } {
  if (!(err instanceof ValidationError)) throw err;
  const bad = err.problems
    .map((p) => [p, unclear(p, input)] as const)
    .filter(([, why]) => why)
    .map(([p, why]) => `${why}: ${p.slice(0, 300)}`);
  if (!err.problems.length) bad.push('a ValidationError without problems');
  return { problems: err.problems, unclear: bad };
}

/** Counts what a property tried, for the line it prints. */
export class Tally {
  inputs = 0;
  rejected = 0;
  accepted = 0;
  readonly notes = new Map<string, number>();
  constructor(readonly name: string) {}
  note(what: string): void {
    this.notes.set(what, (this.notes.get(what) ?? 0) + 1);
  }
  line(): string {
    const extra = [...this.notes].map(([k, n]) => `, ${n} ${k}`).join('');
    return `[property] ${this.name}: ${this.inputs} inputs, ${this.rejected} rejected with a message, ${this.accepted} accepted${extra}`;
  }
  /** Printed straight to stdout: one plain line per property, without jest's console decoration. */
  print(): void {
    process.stdout.write(`${this.line()}\n`);
  }
}

/** Object.prototype's own keys: a run that pollutes it adds one. */
export function prototypeSnapshot(): string[] {
  return Object.getOwnPropertyNames(Object.prototype).sort();
}

/** The text of every payload in a history (Signal inputs, Update inputs, activity inputs, …). */
export function payloadTexts(history: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (v === null || typeof v !== 'object') return;
    if (v instanceof Uint8Array) return;
    const o = v as Record<string, unknown>;
    if (o.data instanceof Uint8Array && 'metadata' in o) out.push(Buffer.from(o.data).toString('utf8'));
    for (const x of Object.values(o)) walk(x);
  };
  walk(history);
  return out;
}
