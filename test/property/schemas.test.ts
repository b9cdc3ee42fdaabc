/**
 * Issue #8, bad input: thousands of random and adversarial inputs at every zod schema of domain/.
 * Nothing throws anything but a ValidationError; every problem it lists is a clear message naming
 * its field; whatever parses carries no key starting with "$" (a MongoDB operator) and no
 * prototype key, and Object.prototype is never polluted.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import YAML from 'yaml';
import { parseLaunchConfig } from '../../domain/config';
import { parseCommunityConfig } from '../../domain/community';
import { issuePath, parseOrThrow, ValidationError } from '../../domain/errors';
import * as inputs from '../../domain/inputs';
import { measureSchema, parseSubmission, submissionSchema, valuesSchema } from '../../domain/metrics';
import { readSettings } from '../../domain/settings';
import { parseSitesFile } from '../../domain/sites';
import { exampleCommunity, exampleConfig } from '../helpers/configs';
import { MEASURES } from '../helpers/measures';
import {
  adversarialString,
  badInputsLike,
  badValue,
  defineOwn,
  extraKey,
  hugeStringUpTo,
  mongoOperator,
  mutated,
  operatorInEveryStringField,
  randomJson,
  stringPaths,
  type Path,
} from './arbitraries';
import { clearProblems, dollarKeys, prototypeKeys, prototypeSnapshot, Tally, unclear } from './checks';

const ROOT = path.join(__dirname, '../..');
const example = (file: string) => YAML.parse(fs.readFileSync(path.join(ROOT, 'examples', file), 'utf8'));
const FACULTY = 'jcohen@faculty.example.org';
const COORDINATOR = 'sam.rivera@network.example.org';
const measures = MEASURES.map((m) => measureSchema.parse(m));

interface SchemaCase {
  name: string;
  parse: (input: unknown) => unknown;
  valid: unknown;
  runs: number;
}

const schema =
  <T>(s: Parameters<typeof parseOrThrow<T>>[0], what: string) =>
  (input: unknown) =>
    parseOrThrow(s, input, what);

const application = example('application.yaml');
const metricValues = example('metrics.yaml');

const CASES: SchemaCase[] = [
  { name: 'launch config', parse: parseLaunchConfig, valid: exampleConfig(), runs: 4000 },
  { name: 'community config', parse: parseCommunityConfig, valid: exampleCommunity(), runs: 3000 },
  {
    name: 'application',
    parse: schema(inputs.applicationSchema, 'the application'),
    valid: application,
    runs: 3000,
  },
  {
    name: 'core team',
    parse: schema(inputs.coreTeamSchema, 'the core team'),
    valid: application.coreTeam,
    runs: 1500,
  },
  {
    name: 'decision',
    parse: schema(inputs.decisionSchema, 'the decision'),
    valid: { siteId: 'bayview', decision: 'accept', notes: 'A strong team.', by: FACULTY },
    runs: 1500,
  },
  {
    name: 'withdrawal',
    parse: schema(inputs.withdrawalSchema, 'the withdrawal'),
    valid: { siteId: 'bayview', reason: 'lost its clinical supervisor', by: COORDINATOR },
    runs: 1500,
  },
  {
    name: 'reschedule',
    parse: schema(inputs.rescheduleSchema, 'the reschedule'),
    valid: { milestone: 'learningSessions[1]', at: '2027-09-20T13:30:00Z', by: COORDINATOR },
    runs: 1500,
  },
  {
    name: 'cancellation',
    parse: schema(inputs.cancelSchema, 'the cancellation'),
    valid: { reason: 'funding withdrawn', by: COORDINATOR },
    runs: 1500,
  },
  {
    name: 'feedback',
    parse: schema(inputs.feedbackSchema, 'the feedback'),
    valid: { siteId: 'bayview', by: FACULTY, text: 'Good progress on the trauma narrative.' },
    runs: 1500,
  },
  {
    name: 'call registration',
    parse: schema(inputs.callRegistrationSchema, 'the registration'),
    valid: { call: 0, siteId: 'bayview', name: 'Ana Ruiz', email: 'ana.ruiz@bayview.example.org' },
    runs: 1500,
  },
  {
    name: 'call attendance',
    parse: schema(inputs.callAttendanceSchema, 'the attendance'),
    valid: { call: 1, siteIds: ['bayview', 'cedar-hill'] },
    runs: 1500,
  },
  {
    name: 'session attendance',
    parse: schema(inputs.attendanceSchema, 'the attendance'),
    valid: {
      session: 0,
      attendees: [
        { email: 'ana.ruiz@bayview.example.org', present: true },
        { email: 'marcus.chen@bayview.example.org', present: false },
      ],
      by: COORDINATOR,
    },
    runs: 1500,
  },
  {
    name: 'pre-work',
    parse: schema(inputs.preworkSchema, 'the pre-work'),
    valid: { item: 'checklist', by: 'ana.ruiz@bayview.example.org' },
    runs: 1500,
  },
  {
    name: 'join',
    parse: schema(inputs.joinSchema, 'the request to join'),
    valid: { name: 'Priya Shah', email: 'priya.shah@harbor.example.org', siteId: 'harbor' },
    runs: 1500,
  },
  {
    name: 'leave',
    parse: schema(inputs.leaveSchema, 'the request to leave'),
    valid: { email: 'priya.shah@harbor.example.org' },
    runs: 1500,
  },
  {
    name: 'share',
    parse: schema(inputs.shareSchema, 'the share'),
    valid: {
      kind: 'barrier',
      title: 'Consent forms',
      text: 'Parents do not return them.',
      by: 'priya.shah@harbor.example.org',
    },
    runs: 1500,
  },
  {
    name: 'meeting attendance',
    parse: schema(inputs.meetingAttendanceSchema, 'the attendance'),
    valid: { meeting: 2, emails: ['priya.shah@harbor.example.org'], by: 'rgerson@faculty.example.org' },
    runs: 1500,
  },
  {
    name: 'meeting summary',
    parse: schema(inputs.meetingSummarySchema, 'the summary'),
    valid: { meeting: 0, text: 'We mapped the referral pathways.', by: 'rgerson@faculty.example.org' },
    runs: 1500,
  },
  {
    name: 'metrics submission',
    parse: schema(submissionSchema, 'the submission'),
    valid: { period: '2027-06', values: metricValues, by: 'lena.weiss@bayview.example.org' },
    runs: 3000,
  },
  {
    name: 'metrics values',
    parse: schema(valuesSchema(measures), 'the values'),
    valid: metricValues,
    runs: 2000,
  },
];

const prototypeBefore = prototypeSnapshot();
afterAll(() => {
  // Nothing any input did reached Object.prototype.
  expect(prototypeSnapshot()).toEqual(prototypeBefore);
  expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

/** Parses `input`: accepted values carry no "$" or prototype key; rejections are ValidationErrors with clear problems. */
function check(c: SchemaCase, tally: Tally, input: unknown): { accepted: boolean; problems: string[] } {
  tally.inputs++;
  let out: unknown;
  try {
    out = c.parse(input);
  } catch (err) {
    if (!(err instanceof ValidationError))
      throw new Error(`${c.name} threw ${(err as Error)?.name}, not a ValidationError: ${String(err)}`);
    const { problems, unclear: bad } = clearProblems(err, input);
    if (bad.length) throw new Error(`${c.name}: unclear problems:\n${bad.join('\n')}`);
    tally.rejected++;
    return { accepted: false, problems };
  }
  const dollars = dollarKeys(out);
  if (dollars.length) throw new Error(`${c.name} let through keys starting with "$": ${dollars.join(', ')}`);
  const protos = prototypeKeys(out);
  if (protos.length) throw new Error(`${c.name} let through prototype keys: ${protos.join(', ')}`);
  tally.accepted++;
  return { accepted: true, problems: [] };
}

describe.each(CASES)('$name', (c) => {
  it('takes its valid example (the control: near-misses of it are what the properties try)', () => {
    expect(() => c.parse(c.valid)).not.toThrow();
  });

  it('refuses random and near-miss input with clear messages; what it takes has no "$" key', () => {
    const tally = new Tally(c.name);
    fc.assert(
      fc.property(badInputsLike(c.valid), (input) => {
        check(c, tally, input);
      }),
      { numRuns: c.runs },
    );
    tally.print();
    // The generators reach both sides: mostly refusals, and some near-misses that are fine.
    expect(tally.rejected).toBeGreaterThan(tally.inputs / 2);
  });

  it('refuses a MongoDB operator in every string field, naming that field', () => {
    const tally = new Tally(`${c.name}, an operator in each string field`);
    const cases = operatorInEveryStringField(c.valid);
    expect(cases.length).toBeGreaterThan(0);
    for (const { path: at, input } of cases) {
      const r = check(c, tally, input);
      expect({ at, accepted: r.accepted }).toEqual({ at, accepted: false });
      const field = issuePath({ path: at } as never);
      expect({ at, named: r.problems.some((p) => p.startsWith(`${field}: `)) }).toEqual({ at, named: true });
    }
    tally.print();
  });
});

describe('settings (environment)', () => {
  const valid = {
    TEMPORAL_ADDRESS: '127.0.0.1:7233',
    TEMPORAL_NAMESPACE: 'default',
    TASK_QUEUE: 'lc-orchestrator',
    MONGODB_URI: 'mongodb://127.0.0.1:27027/',
    MONGODB_DB: 'lc',
    SMTP_URL: 'smtp://127.0.0.1:1025',
    MAIL_FROM: 'LC <lc@example.org>',
    MAIL_RATE_PER_SECOND: '5',
    LC_WEB_PORT: '3000',
    LC_WEB_BASE_URL: 'https://lc.example.org',
    LC_SIGNING_KEY: 'k'.repeat(40),
    LC_LINK_TTL_DAYS: '45',
    LC_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
    HOME: '/root',
  };
  const c: SchemaCase = { name: 'settings', parse: (env) => readSettings(env as never), valid, runs: 3000 };
  const envValue = fc.oneof(
    adversarialString,
    fc.constantFrom(
      'Infinity',
      '-Infinity',
      'NaN',
      '1e400',
      '-5',
      '0x10',
      ' 7 ',
      '3.5',
      '65536',
      '{"$gt":""}',
    ),
    fc.constant(undefined),
  );
  // An environment is text: every value a string (or unset), whatever its key.
  const env = fc.oneof(
    fc
      .tuple(fc.constantFrom(...Object.keys(valid)), envValue)
      .map(([k, v]) => ({ ...valid, [k]: v }) as Record<string, unknown>),
    fc.dictionary(fc.oneof(extraKey, fc.constantFrom(...Object.keys(valid))), envValue),
  );

  it('takes its valid example', () => {
    expect(readSettings(valid)).toMatchObject({ MAIL_RATE_PER_SECOND: 5, LC_WEB_PORT: 3000 });
  });

  it('refuses bad environments with clear messages; what it takes has no "$" key', () => {
    const tally = new Tally('settings');
    fc.assert(
      fc.property(env, (e) => {
        check(c, tally, e);
      }),
      { numRuns: c.runs },
    );
    tally.print();
    expect(tally.rejected).toBeGreaterThan(0);
    expect(tally.accepted).toBeGreaterThan(0);
  });
});

describe('sites file (CSV and YAML)', () => {
  const csvText = fs.readFileSync(path.join(ROOT, 'examples/sites.csv'), 'utf8');
  const [header, ...lines] = csvText.trim().split('\n');
  const rows = parseSitesFile(csvText, 'csv').sites.map((s) => ({ ...s, active: String(s.active) }));
  const cell = fc.oneof(
    { weight: 3, arbitrary: adversarialString.filter((s) => s.length < 2_000) },
    { weight: 1, arbitrary: fc.constantFrom('"', '""', '"a,b"', 'a"b', '\n', '\r\n', ',', '\\', "'") },
  );
  const csvFile = fc.oneof(
    // One to three lines of the example with a cell replaced by a nasty one (quotes, commas, newlines).
    fc
      .tuple(fc.array(fc.tuple(fc.nat(lines.length - 1), fc.nat(5), cell), { minLength: 1, maxLength: 3 }))
      .map(([edits]) => {
        const table = lines.map((l) => l.split(','));
        for (const [r, col, v] of edits) table[r]![col] = v;
        return [header, ...table.map((t) => t.join(','))].join('\n');
      }),
    // A header of odd columns (operators, prototype keys) over random cells.
    fc
      .tuple(
        fc.array(fc.oneof(extraKey, fc.constantFrom('siteId', 'piEmail')), { minLength: 1, maxLength: 6 }),
        fc.array(fc.array(cell, { maxLength: 7 }), { maxLength: 4 }),
      )
      .map(([cols, body]) => [cols.join(','), ...body.map((r) => r.join(','))].join('\n')),
    fc.string(),
    // csv-parse reads about a megabyte a second: 20 kB files keep the run short.
    hugeStringUpTo(20_000),
  );
  const yamlFile = fc.oneof(
    fc.array(mutated(rows[0]), { minLength: 1, maxLength: 3 }).map((list) => YAML.stringify(list)),
    fc.array(mutated(rows[0]), { minLength: 1, maxLength: 3 }).map((list) => YAML.stringify({ sites: list })),
    randomJson.map((v) => {
      try {
        return YAML.stringify(v) ?? '';
      } catch {
        return String(v);
      }
    }),
    fc.constantFrom(
      '- &a { siteId: a }\n- *a',
      '- *nowhere',
      'sites: !!binary aGVsbG8=',
      '- !!js/function "function () {}"',
      'a: &a [x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nsites: [*c, *c, *c, *c, *c, *c, *c, *c]',
      '{ sites: [ { siteId: bayview, siteId: bayview } ] }',
      '- { siteId: bayview, __proto__: { isAdmin: true }, name: B, piName: P, piEmail: p@x.org }',
      '- { siteId: { $gt: "" }, name: B, piName: P, piEmail: p@x.org }',
      '%YAML 9.9\n---\n- a',
      '\t- tabbed',
    ),
    fc.string(),
  );

  it('reads the example directory (the control)', () => {
    expect(parseSitesFile(csvText, 'csv').errors).toEqual([]);
    expect(parseSitesFile(YAML.stringify(rows), 'yaml').errors).toEqual([]);
  });

  for (const format of ['csv', 'yaml'] as const)
    it(`refuses bad ${format} rows with clear messages per line, or throws only a ValidationError`, () => {
      const tally = new Tally(`sites file (${format})`);
      fc.assert(
        fc.property(format === 'csv' ? csvFile : yamlFile, (text) => {
          tally.inputs++;
          let r: ReturnType<typeof parseSitesFile>;
          try {
            r = parseSitesFile(text, format);
          } catch (err) {
            const { unclear: bad } = clearProblems(err, text);
            if (bad.length) throw new Error(`unclear problems:\n${bad.join('\n')}`);
            tally.rejected++;
            return;
          }
          if (r.errors.length) {
            expect(r.sites).toEqual([]); // all or nothing
            const bad = r.errors.flatMap((e) =>
              e.problems.map((p) => unclear(`line ${e.line}: ${p}`, text)).filter(Boolean),
            );
            expect(bad).toEqual([]);
            for (const e of r.errors) expect(Number.isInteger(e.line) && e.line >= 1).toBe(true);
            tally.rejected++;
            return;
          }
          expect(dollarKeys(r.sites)).toEqual([]);
          expect(prototypeKeys(r.sites)).toEqual([]);
          tally.accepted++;
        }),
        { numRuns: 2000 },
      );
      tally.print();
      expect(tally.rejected).toBeGreaterThan(tally.inputs / 2);
    });
});

describe('metrics submission as the team workflow checks it (parseSubmission)', () => {
  const valid = { period: '2027-06', values: metricValues, by: 'lena.weiss@bayview.example.org' };

  it('refuses with one Error naming every bad field (values.<measure>: …); takes no "$" key', () => {
    const tally = new Tally('metrics submission (parseSubmission)');
    const paths: Path[] = stringPaths(valid);
    expect(paths.length).toBeGreaterThan(0);
    fc.assert(
      fc.property(
        fc.oneof(
          badInputsLike(valid),
          fc.record({
            period: fc.constant('2027-06'),
            values: fc.dictionary(extraKey, badValue),
            by: fc.constant(valid.by),
          }),
          mongoOperator,
        ),
        (input) => {
          tally.inputs++;
          let out: unknown;
          try {
            out = parseSubmission(measures, input);
          } catch (err) {
            expect(err).toBeInstanceOf(Error);
            const message = (err as Error).message;
            expect(message).toMatch(/^the submission is invalid: /);
            const bad = message
              .replace(/^the submission is invalid: /, '')
              // one problem per field: `period: …; values.fidelity: …; by: …`
              .split(/; (?=(?:period|values|by)\b|Required$|Expected |Unrecognized )/)
              .map((p) => unclear(p, input))
              .filter(Boolean);
            expect(bad).toEqual([]);
            tally.rejected++;
            return;
          }
          expect(dollarKeys(out)).toEqual([]);
          tally.accepted++;
        },
      ),
      { numRuns: 3000 },
    );
    tally.print();
  });
});

it('an own "__proto__" key (as JSON.parse makes it) is refused by a strict schema, not obeyed', () => {
  const input: Record<string, unknown> = { email: 'a@example.org' };
  defineOwn(input, '__proto__', { isAdmin: true });
  expect(() => parseOrThrow(inputs.leaveSchema, input, 'the request to leave')).toThrow(
    /Unrecognized key\(s\) in object: '__proto__'/,
  );
  expect(() =>
    parseOrThrow(
      inputs.leaveSchema,
      JSON.parse('{"email":"a@example.org","__proto__":{"isAdmin":true}}'),
      'x',
    ),
  ).toThrow(ValidationError);
});
