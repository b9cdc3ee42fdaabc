/**
 * Generators of bad input for property-based tests (fast-check): random JSON, wrong types, huge
 * strings, unicode, prototype-pollution keys, MongoDB operator objects, dates out of range,
 * NaN/Infinity, and mutations of a valid input that break one to three of its fields.
 *
 * Nothing here knows a schema: the same generators feed the domain schemas, the workflows' Update
 * validators, the CLI's argument vectors and (later) the web API's request bodies.
 */
import fc from 'fast-check';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Path = (string | number)[];

// ---- strings ----------------------------------------------------------------------------------

/** Strings people (or attackers) type that have broken parsers elsewhere. */
export const NASTY_STRINGS: readonly string[] = [
  '',
  ' ',
  '\t\n\r',
  '\u0000',
  '\u200b', // zero-width space
  '\u202eevil', // right-to-left override
  '\ufeff', // byte-order mark
  'null',
  'undefined',
  'NaN',
  'Infinity',
  'true',
  '0',
  '-1',
  '1e309',
  '0x1f',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '$gt',
  '$where',
  '{"$gt": ""}',
  '{"$where": "sleep(5000)"}',
  "'; DROP TABLE sites; --",
  '" OR "1"="1',
  '<script>alert(1)</script>',
  '{{constructor.constructor("return process")()}}',
  '${process.env.HOME}',
  '%s%s%s%n',
  '../../../../etc/passwd',
  'C:\\Windows\\system32',
  'file:///etc/passwd',
  'javascript:alert(1)',
  '𝕿𝖊𝖘𝖙',
  'Zoë Ångström-Øster',
  '👩‍👩‍👧‍👦🏳️‍🌈',
  'ﷺ',
  'ا​ل​ع​ر​ب​ي​ة',
  '\ud800', // a lone surrogate
  'a@b',
  'a@b.c',
  '@example.org',
  'user@@example.org',
  'user@example.org\n',
  'USER@EXAMPLE.ORG',
  '-',
  '--',
  '--help',
  '-h',
  'lc/demo',
];

/** Long strings of one character or a repeated unicode sequence, 1,000 to `max` UTF-16 units. */
export function hugeStringUpTo(max: number): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom('a', 'é', '𝕏', '$', ' ', '\u0000', 'ab-'), fc.integer({ min: 1_000, max }))
    .map(([unit, n]) => unit.repeat(Math.ceil(n / unit.length)));
}

/** Long strings: a kibibyte to ~200 kB. */
export const hugeString: fc.Arbitrary<string> = hugeStringUpTo(200_000);

/** Any string, from plain ASCII to lone surrogates, nasty constants and huge strings. */
export const adversarialString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string() },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 1, arbitrary: hugeString },
);

// ---- MongoDB operators and prototype keys -------------------------------------------------------

export const MONGO_OPERATORS: readonly string[] = [
  '$gt',
  '$gte',
  '$lt',
  '$ne',
  '$nin',
  '$in',
  '$exists',
  '$regex',
  '$where',
  '$expr',
  '$function',
  '$or',
  '$and',
  '$not',
  '$elemMatch',
  '$set',
  '$unset',
  '$rename',
  '$type',
  '$size',
  '$jsonSchema',
];

/** An object a MongoDB driver would read as a query operator: `{"$gt": ""}`, `{"$where": "…"}`, … */
export const mongoOperator: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.constantFrom<Record<string, unknown>>(
    { $gt: '' },
    { $ne: null },
    { $ne: 'x' },
    { $where: 'sleep(5000) || true' },
    { $where: 'function () { return true; }' },
    { $regex: '.*' },
    { $regex: '^', $options: 'i' },
    { $in: ['bayview', 'cedar-hill'] },
    { $exists: true },
    { $expr: { $eq: [1, 1] } },
    { $function: { body: 'return true', args: [], lang: 'js' } },
    { $or: [{ a: 1 }, { b: { $gt: '' } }] },
    { $set: { admin: true } },
  ),
  fc
    .tuple(fc.constantFrom(...MONGO_OPERATORS), fc.jsonValue({ maxDepth: 2 }))
    .map(([op, v]) => ({ [op]: v })),
);

export const PROTOTYPE_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

/** Sets an own, enumerable property (`__proto__` included, as JSON.parse would), never the prototype. */
export function defineOwn(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
}

/** Objects whose keys try to pollute prototypes: `{"__proto__": {"isAdmin": true}}` as JSON.parse makes it. */
export const pollutingObject: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(
    fc.constantFrom(...PROTOTYPE_KEYS),
    fc.oneof(
      fc.constant<unknown>({ isAdmin: true, polluted: 'yes' }),
      fc.constant<unknown>({ prototype: { polluted: 'yes' } }),
      fc.jsonValue({ maxDepth: 1 }),
    ),
  )
  .map(([key, value]) => {
    const o: Record<string, unknown> = {};
    defineOwn(o, key, value);
    return o;
  });

// ---- numbers and dates ------------------------------------------------------------------------

export const badNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    -0,
    -1,
    0.5,
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER + 2,
    Number.MIN_VALUE,
    2 ** 31,
    -(2 ** 31) - 1,
  ),
  fc.double(),
  fc.integer(),
);

/** Dates out of range or impossible, as strings, numbers and Date objects. */
export const badDate: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    '275760-09-14',
    '+275761-01-01',
    '-271822-01-01',
    '0000-00-00',
    '0000-01-01',
    '2027-02-30',
    '2027-13-01',
    '2027-00-10',
    '2027-04-31T09:00',
    '2027-01-01T24:01',
    '2027-01-01T09:60',
    '2027-01-01T09:00+25:00',
    '2027-01-01T09:00Z+01:00',
    '9999-12-31T23:59:59.999Z',
    '1970-01-01',
    '1900-01-01',
    '2027-W01',
    '2027-001',
    'tomorrow',
    'next tuesday',
    '1e10',
    '1700000000000',
    8.64e15 + 1,
    -8.64e15 - 1,
    1_700_000_000_000,
    new Date(Number.NaN),
    new Date(8.64e15),
    new Date(-8.64e15),
  ),
  fc.date({ noInvalidDate: false }),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.integer({ min: -400_000, max: 400_000 }).map((y) => `${y}-06-15`),
);

// ---- values of any type -------------------------------------------------------------------------

/** A value of the wrong kind for any field: every JSON type, operators, prototype keys, odd numbers and dates. */
export const badValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: adversarialString },
  { weight: 3, arbitrary: mongoOperator },
  { weight: 1, arbitrary: pollutingObject },
  { weight: 2, arbitrary: badNumber },
  { weight: 2, arbitrary: badDate },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, undefined, true, false, [], {}, [[]], [{}]) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.array(adversarialString, { maxLength: 5 }) },
  { weight: 1, arbitrary: fc.array(mongoOperator, { minLength: 1, maxLength: 3 }) },
);

/** Random JSON documents, objects with random keys (operators and prototype keys among them), and anything. */
export const randomJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue(),
  fc.dictionary(
    fc.oneof(fc.string(), fc.constantFrom(...MONGO_OPERATORS, ...PROTOTYPE_KEYS)),
    fc.jsonValue({ maxDepth: 2 }),
  ),
  fc.anything({ withBoxedValues: true, withMap: true, withSet: true, withDate: true, withTypedArray: true }),
  badValue,
);

// ---- mutations of a valid input -------------------------------------------------------------------

/** Every path in `value`: objects, arrays and their leaves (the root excluded). */
export function allPaths(value: unknown, base: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [];
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value as Record<string, unknown>);
  return entries.flatMap(([k, v]) => [[...base, k], ...allPaths(v, [...base, k])]);
}

/** The paths of the string leaves of `value`: where a MongoDB operator would try to slip in. */
export function stringPaths(value: unknown): Path[] {
  return allPaths(value).filter((p) => typeof getAt(value, p) === 'string');
}

/** The paths of the objects (root included) of `value`: where extra keys may be added. */
export function objectPaths(value: unknown): Path[] {
  return [[], ...allPaths(value)].filter((p) => {
    const v = getAt(value, p);
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  });
}

export function getAt(value: unknown, path: Path): unknown {
  return path.reduce<unknown>(
    (v, k) => (v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[k] : undefined),
    value,
  );
}

/** A deep copy of plain data (Dates kept); `undefined` stays where it was. */
export function clone<T>(value: T): T {
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (Array.isArray(value)) return value.map(clone) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) defineOwn(out, k, clone(v));
    return out as T;
  }
  return value;
}

/** A copy of `root` with the value at `path` replaced (or deleted, when `value` is `DELETE`). */
export const DELETE = Symbol('delete');
export function setAt<T>(root: T, path: Path, value: unknown): T {
  if (!path.length) return value as T;
  const copy = clone(root);
  const parent = getAt(copy, path.slice(0, -1)) as Record<string | number, unknown>;
  // An earlier mutation replaced an object on the way with something else: nothing left to change.
  if (parent === null || typeof parent !== 'object' || parent instanceof Date) return copy;
  const key = path[path.length - 1]!;
  if (value === DELETE) {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else if (Array.isArray(parent)) parent[key as number] = value;
  else defineOwn(parent, String(key), value);
  return copy;
}

export type Mutation =
  | { kind: 'replace'; path: Path; value: unknown }
  | { kind: 'delete'; path: Path }
  | { kind: 'add-key'; path: Path; key: string; value: unknown };

export function applyMutation<T>(root: T, m: Mutation): T {
  if (m.kind === 'replace') return setAt(root, m.path, m.value);
  if (m.kind === 'delete') return setAt(root, m.path, DELETE);
  return setAt(root, [...m.path, m.key], m.value);
}

/** One change to `valid`: a field replaced by a bad value or an operator, a field removed, a key added. */
export function mutation(valid: unknown): fc.Arbitrary<Mutation> {
  const paths = allPaths(valid);
  const strings = stringPaths(valid);
  const objects = objectPaths(valid);
  const options: fc.Arbitrary<Mutation>[] = [
    fc.record({
      kind: fc.constant('add-key' as const),
      path: fc.constantFrom(...objects),
      key: extraKey,
      value: badValue,
    }),
  ];
  if (paths.length)
    options.push(
      fc.record({ kind: fc.constant('replace' as const), path: fc.constantFrom(...paths), value: badValue }),
      fc.record({ kind: fc.constant('delete' as const), path: fc.constantFrom(...paths) }),
    );
  if (strings.length)
    options.push(
      fc.record({
        kind: fc.constant('replace' as const),
        path: fc.constantFrom(...strings),
        value: mongoOperator,
      }),
      fc.record({
        kind: fc.constant('replace' as const),
        path: fc.constantFrom(...strings),
        value: adversarialString,
      }),
    );
  return fc.oneof(...options);
}

/** Keys nobody expects: operators, prototype keys, random and near-miss ones. */
export const extraKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...MONGO_OPERATORS, ...PROTOTYPE_KEYS, '', ' ', 'id', '_id', 'a.b', 'siteID', 'by '),
  fc.string({ minLength: 1, maxLength: 20 }),
);

/** `valid` with one to three mutations: near-misses that exercise every field's rules. */
export function mutated<T>(valid: T, maxChanges = 3): fc.Arbitrary<unknown> {
  return fc
    .array(mutation(valid), { minLength: 1, maxLength: maxChanges })
    .map((ms) => ms.reduce<unknown>((v, m) => applyMutation(v, m), valid));
}

/** Bad inputs for a schema whose valid example is `valid`: mostly near-misses, some random JSON. */
export function badInputsLike<T>(valid: T): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 4, arbitrary: mutated(valid) }, { weight: 1, arbitrary: randomJson });
}

/** `valid` with the string at each string path replaced by an operator object: one input per (path, operator). */
export function operatorInEveryStringField(valid: unknown): { path: Path; input: unknown }[] {
  const operators: Record<string, unknown>[] = [
    { $gt: '' },
    { $ne: null },
    { $where: 'sleep(5000) || true' },
    { $regex: '.*' },
    { $in: ['x'] },
  ];
  return stringPaths(valid).flatMap((path) =>
    operators.map((op) => ({ path, input: setAt(valid, path, op) })),
  );
}

// ---- command lines ------------------------------------------------------------------------------

/** One argument on a command line: plausible values, nasty strings, option-looking words. */
export const cliWord: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: adversarialString.filter((s) => s.length < 5_000) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'demo',
      'bayview',
      'accept',
      'maybe',
      'LS1',
      'LS0',
      'learningSessions[1]',
      '2027-05-20',
      '2027-05-20T09:30-04:00',
      'checklist',
      'jcohen@faculty.example.org',
      'a@x.org,b@y.org',
      '1',
      '0',
      '-1',
      '999999999999999999999',
      'examples/application.yaml',
      'examples/metrics.yaml',
      'does-not-exist.yaml',
      '.',
    ),
  },
  { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom('-', '-', 'a', 'b', '=', ' '), maxLength: 8 }) },
);

/** Random argument vectors (without the `node lc` prefix). */
export const randomArgv: fc.Arbitrary<string[]> = fc.array(cliWord, { maxLength: 8 });
