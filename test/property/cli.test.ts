/**
 * Issue #8, bad input at the command line: random and adversarial argument vectors through the
 * commander program of cli/lc.ts, in-process and without services (connecting "succeeds",
 * using a service throws SERVICE_REACHED; writing a file is recorded, never done). Nothing crashes
 * with a stack trace, every refusal is a message, and a command with one bad argument names it
 * and never gets as far as a service.
 */
import { CommanderError, type Command } from 'commander';
import fc from 'fast-check';
import path from 'node:path';
import * as ops from '../../app';
import { program } from '../../cli/lc';
import { emailSchema, siteIdSchema } from '../../domain/common';
import { slugSchema } from '../../domain/config';
import { ValidationError } from '../../domain/errors';
import { DECISIONS, PREWORK_ITEMS, SHARE_KINDS } from '../../domain/inputs';
import { adversarialString, cliWord, randomArgv } from './arbitraries';
import { Tally, unclear } from './checks';
import { SERVICE_REACHED } from './unreachable';

jest.mock('../../store/db', () => {
  const { unreachable } = jest.requireActual('./unreachable');
  return {
    ...jest.requireActual('../../store/db'),
    connectDb: jest.fn(async () => ({
      client: { close: async () => undefined },
      db: unreachable('MongoDB'),
    })),
    ensureIndexes: jest.fn(async () => undefined),
  };
});
jest.mock('../../app', () => {
  const { unreachable } = jest.requireActual('./unreachable');
  return {
    ...jest.requireActual('../../app'),
    connectClient: jest.fn(async () => unreachable('Temporal')),
    // Never write what random arguments name (the tests run as whoever runs them): record it.
    writeFileOrFail: jest.fn((file: string) => path.resolve(file)),
  };
});

const ROOT = path.join(__dirname, '../..');
const EX = (file: string) => path.join(ROOT, 'examples', file);
const FACULTY = 'jcohen@faculty.example.org';
const COORDINATOR = 'sam.rivera@network.example.org';

type Kind = 'ok' | 'help' | 'commander' | 'invalid' | 'refused' | 'reached';
interface Outcome {
  kind: Kind;
  message: string;
}

let buffer = { out: '', err: '' };
function capture(cmd: Command): void {
  cmd.exitOverride();
  cmd.configureOutput({
    writeOut: (s) => void (buffer.out += s),
    writeErr: (s) => void (buffer.err += s),
  });
  for (const sub of cmd.commands) capture(sub);
}
capture(program);

/** Runs `lc <argv>` in-process and says how it ended; anything main() would print as a stack trace throws. */
async function lc(argv: string[]): Promise<Outcome> {
  buffer = { out: '', err: '' };
  const spies = [
    jest
      .spyOn(console, 'log')
      .mockImplementation((...a: unknown[]) => void (buffer.out += `${a.join(' ')}\n`)),
    jest
      .spyOn(console, 'error')
      .mockImplementation((...a: unknown[]) => void (buffer.err += `${a.join(' ')}\n`)),
    jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
      buffer.out += String(s);
      return true;
    }),
  ];
  try {
    await program.parseAsync(argv, { from: 'user' });
    return { kind: 'ok', message: buffer.out };
  } catch (err) {
    const message = (err as Error)?.message ?? String(err);
    if (message.includes(SERVICE_REACHED)) return { kind: 'reached', message };
    if (err instanceof CommanderError) {
      if (['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(err.code))
        return { kind: 'help', message: buffer.out + buffer.err };
      // commander wrote its message ("error: …") where people read it.
      if (!buffer.err.includes(message))
        throw new Error(`commander refused ${JSON.stringify(argv)} silently`);
      return { kind: 'commander', message };
    }
    if (err instanceof ValidationError) return { kind: 'invalid', message };
    if (err instanceof ops.OperationError && err.kind !== 'unavailable') return { kind: 'refused', message };
    // main() would print this with console.error(err): a stack trace.
    throw new Error(
      `lc ${JSON.stringify(argv).slice(0, 500)} crashed: ${(err as Error)?.stack ?? String(err)}`,
    );
  } finally {
    for (const s of spies) s.mockRestore();
  }
}

/** A refusal people can read: no stack trace, no [object Object], nothing unreasonably long. */
function expectClear(argv: string[], o: Outcome): void {
  if (o.kind === 'ok' || o.kind === 'reached' || o.kind === 'help') return;
  const lines = o.message.split('\n').filter((l) => l.trim());
  expect(lines.length).toBeGreaterThan(0);
  const why = lines.map((l) => unclear(l, argv, { fieldRequired: false })).filter(Boolean);
  expect({ argv, why }).toEqual({ argv, why: [] });
}

// ---- valid command lines: each reaches a service (or, for preview, succeeds alone) -----------------

interface Slot {
  /** Where the value is in the argv. */
  at: number;
  /** What a message about it names (any of). */
  names: string[];
  /** A value refused for this slot. */
  bad: fc.Arbitrary<string>;
}
interface Base {
  argv: string[];
  expect: 'reached' | 'ok';
  slots: Slot[];
  /** Options that must be given: dropping one is refused, naming it. */
  required?: { option: string; names: string[] }[];
}

const value = adversarialString.filter((s) => s.length < 5_000 && !s.startsWith('-'));
const refused = (ok: (s: string) => boolean) => value.filter((s) => !ok(s));
const parses = (schema: { safeParse: (x: unknown) => { success: boolean } }) => (s: string) =>
  schema.safeParse(s).success;
const tooLong = (max: number) => fc.integer({ min: max + 1, max: max + 500 }).map((n) => 'x'.repeat(n));
const lengthOutside = (min: number, max: number) =>
  fc.oneof(
    refused((s) => s.trim().length >= min),
    tooLong(max),
  );
const emails = (s: string, atLeastOne: boolean) => {
  const list = ops.splitList(s);
  return (!atLeastOne || list.length > 0) && list.every((e) => emailSchema.safeParse(e).success);
};
const numbered = (prefix: string) => (s: string) => {
  const t = s.trim();
  return new RegExp(`^(${prefix})?\\d+$`, 'i').test(t) && Number(t.replace(/^\D+/, '')) >= 1;
};

const SLUG = { names: ['slug'], bad: refused(parses(slugSchema)) };
const SITE = { names: ['siteId', 'site'], bad: refused(parses(siteIdSchema)) };
const EMAIL = (...names: string[]) => ({ names, bad: refused(parses(emailSchema)) });
const FILES = [
  path.join(ROOT, 'does-not-exist.yaml'),
  path.join(ROOT, 'examples'),
  path.join(ROOT, 'package.json'),
];
const SITES_FILE = { names: [], bad: fc.constantFrom(...FILES) };
// A CSV is read as YAML (one string) by the commands that take a structured file.
const FILE = { names: [], bad: fc.constantFrom(...FILES, EX('sites.csv')) };

const BASES: Base[] = [
  { argv: ['sites', 'import', EX('sites.csv')], expect: 'reached', slots: [{ at: 2, ...SITES_FILE }] },
  { argv: ['sites', 'list', '--active'], expect: 'reached', slots: [] },
  { argv: ['launch', EX('collaborative.yaml')], expect: 'reached', slots: [{ at: 1, ...FILE }] },
  {
    argv: ['apply', 'demo', EX('application.yaml')],
    expect: 'reached',
    slots: [
      { at: 1, ...SLUG },
      { at: 2, ...FILE },
    ],
  },
  {
    argv: ['decide', 'demo', 'bayview', 'accept', '--by', FACULTY, '--notes', 'A strong team.'],
    expect: 'reached',
    slots: [
      { at: 1, ...SLUG },
      { at: 2, ...SITE },
      { at: 3, names: ['decision'], bad: refused((s) => (DECISIONS as readonly string[]).includes(s)) },
      { at: 5, ...EMAIL('by') },
      { at: 7, names: ['notes'], bad: tooLong(4000) },
    ],
    required: [{ option: '--by', names: ['by'] }],
  },
  {
    argv: [
      'attend',
      'demo',
      'bayview',
      '--session',
      '1',
      '--present',
      'a@bayview.example.org,b@bayview.example.org',
      '--absent',
      'c@bayview.example.org',
      '--by',
      COORDINATOR,
    ],
    expect: 'reached',
    slots: [
      { at: 1, ...SLUG },
      { at: 2, ...SITE },
      { at: 4, names: ['session'], bad: refused(numbered('ls')) },
      { at: 6, names: ['present'], bad: refused((s) => emails(s, false)) },
      { at: 8, names: ['absent'], bad: refused((s) => emails(s, false)) },
      { at: 10, ...EMAIL('by') },
    ],
    required: [
      { option: '--session', names: ['session'] },
      { option: '--by', names: ['by'] },
    ],
  },
  // The milestone, the date and --by are read against the collaborative's record (its schedule
  // and time zone), so only the slug is refused before MongoDB is asked.
  {
    argv: ['reschedule', 'demo', 'LS2', '2027-09-20', '--by', COORDINATOR],
    expect: 'reached',
    slots: [{ at: 1, ...SLUG }],
  },
  {
    argv: ['withdraw', 'demo', 'bayview', '--reason', 'lost its clinical supervisor', '--by', COORDINATOR],
    expect: 'reached',
    slots: [
      { at: 1, ...SLUG },
      { at: 2, ...SITE },
      { at: 4, names: ['reason'], bad: lengthOutside(3, 2000) },
      { at: 6, ...EMAIL('by') },
    ],
    required: [{ option: '--reason', names: ['reason'] }],
  },
  {
    argv: ['cancel', 'demo', '--reason', 'funding withdrawn', '--by', COORDINATOR],
    expect: 'reached',
    slots: [
      { at: 1, ...SLUG },
      { at: 3, names: ['reason'], bad: lengthOutside(3, 2000) },
      { at: 5, ...EMAIL('by') },
    ],
    required: [
      { option: '--reason', names: ['reason'] },
      { option: '--by', names: ['by'] },
    ],
  },
  {
    argv: ['feedback', 'demo', 'bayview', '--by', FACULTY, '--text', 'Good progress on the narrative.'],
    expect: 'reached',
    slots: [
      { at: 1, ...SLUG },
      { at: 2, ...SITE },
      { at: 4, ...EMAIL('by') },
      { at: 6, names: ['text'], bad: lengthOutside(3, 10_000) },
    ],
    required: [
      { option: '--by', names: ['by'] },
      { option: '--text', names: ['text'] },
    ],
  },
  {
    argv: ['prework', 'demo', 'bayview', 'checklist', '--by', 'ana.ruiz@bayview.example.org'],
    expect: 'reached',
    slots: [
      { at: 1, ...SLUG },
      { at: 2, ...SITE },
      { at: 3, names: ['item'], bad: refused((s) => (PREWORK_ITEMS as readonly string[]).includes(s)) },
      { at: 5, ...EMAIL('by') },
    ],
    required: [{ option: '--by', names: ['by'] }],
  },
  { argv: ['status', 'demo', '--json'], expect: 'reached', slots: [{ at: 1, ...SLUG }] },
  { argv: ['lcom', 'launch', EX('community.yaml')], expect: 'reached', slots: [{ at: 2, ...FILE }] },
  {
    argv: [
      'lcom',
      'join',
      'tis-2027',
      '--name',
      'Priya Shah',
      '--email',
      'priya@harbor.example.org',
      '--site',
      'harbor',
    ],
    expect: 'reached',
    slots: [
      { at: 2, ...SLUG },
      { at: 4, names: ['name'], bad: lengthOutside(1, 200) },
      { at: 6, ...EMAIL('email') },
      { at: 8, ...SITE },
    ],
    required: [
      { option: '--name', names: ['name'] },
      { option: '--email', names: ['email'] },
    ],
  },
  {
    argv: ['lcom', 'leave', 'tis-2027', '--email', 'priya@harbor.example.org'],
    expect: 'reached',
    slots: [
      { at: 2, ...SLUG },
      { at: 4, ...EMAIL('email') },
    ],
    required: [{ option: '--email', names: ['email'] }],
  },
  {
    argv: [
      'lcom',
      'share',
      'tis-2027',
      '--kind',
      'barrier',
      '--title',
      'Consent forms',
      '--text',
      'Parents do not return them.',
      '--by',
      'priya@harbor.example.org',
    ],
    expect: 'reached',
    slots: [
      { at: 2, ...SLUG },
      { at: 4, names: ['kind'], bad: refused((s) => (SHARE_KINDS as readonly string[]).includes(s)) },
      { at: 6, names: ['title'], bad: lengthOutside(3, 200) },
      { at: 8, names: ['text'], bad: lengthOutside(3, 10_000) },
      { at: 10, ...EMAIL('by') },
    ],
    required: [
      { option: '--kind', names: ['kind'] },
      { option: '--by', names: ['by'] },
    ],
  },
  {
    argv: [
      'lcom',
      'attend',
      'tis-2027',
      '--meeting',
      '1',
      '--present',
      'priya@harbor.example.org',
      '--by',
      FACULTY,
    ],
    expect: 'reached',
    slots: [
      { at: 2, ...SLUG },
      { at: 4, names: ['meeting'], bad: refused(numbered('m')) },
      { at: 6, names: ['emails', 'present'], bad: refused((s) => emails(s, true)) },
      { at: 8, ...EMAIL('by') },
    ],
    required: [
      { option: '--meeting', names: ['meeting'] },
      { option: '--by', names: ['by'] },
    ],
  },
  {
    argv: [
      'lcom',
      'summary',
      'tis-2027',
      '--meeting',
      '2',
      '--text',
      'We mapped referral pathways.',
      '--by',
      FACULTY,
    ],
    expect: 'reached',
    slots: [
      { at: 2, ...SLUG },
      { at: 4, names: ['meeting'], bad: refused(numbered('m')) },
      { at: 6, names: ['text'], bad: lengthOutside(3, 20_000) },
      { at: 8, ...EMAIL('by') },
    ],
    required: [{ option: '--text', names: ['text'] }],
  },
  { argv: ['lcom', 'status', 'tis-2027'], expect: 'reached', slots: [{ at: 2, ...SLUG }] },
  {
    argv: [
      'submit-metrics',
      'tf-cbt-2027',
      'bayview',
      '2027-06',
      EX('metrics.yaml'),
      '--by',
      'lena@bayview.example.org',
    ],
    expect: 'reached',
    slots: [
      { at: 1, ...SLUG },
      { at: 2, ...SITE },
      { at: 3, names: ['period'], bad: refused((s) => /^\d{4}-(0[1-9]|1[0-2])$/.test(s.trim())) },
      { at: 4, ...FILE },
      { at: 6, ...EMAIL('by') },
    ],
    required: [{ option: '--by', names: ['by'] }],
  },
  { argv: ['compliance', 'tf-cbt-2027'], expect: 'reached', slots: [{ at: 1, ...SLUG }] },
  {
    argv: ['emails', 'demo', '--status', 'failed', '--to', 'ana.ruiz@bayview.example.org', '--limit', '20'],
    expect: 'reached',
    slots: [
      { at: 1, ...SLUG },
      {
        at: 3,
        names: ['status'],
        bad: refused((s) => (ops.EMAIL_STATUSES as readonly string[]).includes(s)),
      },
      { at: 5, ...EMAIL('to') },
      { at: 7, names: ['limit'], bad: refused((s) => Number.isInteger(Number(s)) && Number(s) >= 1) },
    ],
  },
  {
    argv: ['preview', 'decision', '--text'],
    expect: 'ok',
    slots: [
      { at: 1, names: ['template'], bad: refused((s) => ops.templateList().some((t) => t.name === s)) },
    ],
  },
];

/** Whether `message` names the slot: one of its names, or the bad value itself. */
function names(message: string, slot: { names: string[] }, bad: string): boolean {
  const v = bad.trim();
  if (slot.names.some((n) => new RegExp(`\\b${n}\\b`).test(message))) return true;
  return v.length > 0 && message.includes(v.length > 60 ? v.slice(0, 60) : v);
}

describe('lc command line, without services', () => {
  it('runs every valid example as far as a service (the control)', async () => {
    for (const b of BASES)
      expect({ argv: b.argv, kind: (await lc(b.argv)).kind }).toEqual({ argv: b.argv, kind: b.expect });
  });

  it('refuses one bad argument by name, before any service', async () => {
    const tally = new Tally('CLI, one bad argument');
    const withSlots = BASES.filter((b) => b.slots.length);
    const oneBad = fc.oneof(
      ...withSlots.flatMap((b) =>
        b.slots.map((slot) =>
          slot.bad.map((bad) => ({ argv: b.argv.map((a, i) => (i === slot.at ? bad : a)), slot, bad })),
        ),
      ),
    );
    await fc.assert(
      fc.asyncProperty(oneBad, async ({ argv, slot, bad }) => {
        tally.inputs++;
        const o = await lc(argv);
        expect({ argv, kind: o.kind }).toEqual({
          argv,
          kind: expect.stringMatching(/^(invalid|refused|commander)$/),
        });
        expectClear(argv, o);
        if (slot.names.length)
          expect({ argv, message: o.message, named: names(o.message, slot, bad) }).toMatchObject({
            named: true,
          });
        // A file: its path when it cannot be read, or what is wrong inside it.
        else if (o.kind !== 'invalid') expect(o.message).toContain(bad);
        tally.rejected++;
      }),
      { numRuns: 1500 },
    );
    tally.print();
  });

  it('refuses a missing required option by name, and an unknown option or argument', async () => {
    const tally = new Tally('CLI, missing option / unknown option / extra argument');
    for (const b of BASES) {
      const cases: { argv: string[]; names: string[] }[] = (b.required ?? []).map((r) => {
        const i = b.argv.indexOf(r.option);
        return { argv: [...b.argv.slice(0, i), ...b.argv.slice(i + 2)], names: r.names };
      });
      cases.push({ argv: [...b.argv, '--$where', 'sleep(5000)'], names: ['--$where'] });
      cases.push({ argv: [...b.argv, '--__proto__'], names: ['--__proto__'] });
      cases.push({ argv: [...b.argv, 'one-too-many', 'and-another'], names: ['one-too-many', 'argument'] });
      for (const c of cases) {
        tally.inputs++;
        const o = await lc(c.argv);
        expect({ argv: c.argv, kind: o.kind }).toEqual({
          argv: c.argv,
          kind: expect.stringMatching(/^(invalid|commander)$/),
        });
        expectClear(c.argv, o);
        expect({
          argv: c.argv,
          message: o.message,
          named: c.names.some((n) => o.message.includes(n)),
        }).toMatchObject({
          named: true,
        });
        tally.rejected++;
      }
    }
    tally.print();
  });

  it('survives random argument vectors: a message for each refusal, never a stack trace', async () => {
    const tally = new Tally('CLI, random argument vectors');
    const prefixes = [
      ...new Set(
        BASES.map((b) =>
          b.argv[0] === 'lcom' || b.argv[0] === 'sites' ? b.argv.slice(0, 2) : b.argv.slice(0, 1),
        ).map((p) => p.join(' ')),
      ),
    ].map((p) => p.split(' '));
    const argv = fc.oneof(
      fc.tuple(fc.constantFrom(...prefixes), randomArgv).map(([p, rest]) => [...p, ...rest]),
      // A valid command line with a word replaced, or random words spliced in (most of the runs).
      ...[0, 1, 2].map(() =>
        fc
          .tuple(
            fc.constantFrom(...BASES.map((b) => b.argv)),
            fc.nat(),
            fc.boolean(),
            fc.array(cliWord, { minLength: 1, maxLength: 3 }),
          )
          .map(([base, at, replace, words]) => {
            const i = at % (base.length + 1);
            return [
              ...base.slice(0, i),
              ...(replace ? words.slice(0, 1) : words),
              ...base.slice(replace ? i + 1 : i),
            ];
          }),
      ),
      randomArgv,
    );
    await fc.assert(
      fc.asyncProperty(argv, async (a) => {
        tally.inputs++;
        const o = await lc(a);
        expectClear(a, o);
        if (o.kind === 'reached' || o.kind === 'ok' || o.kind === 'help') tally.accepted++;
        else tally.rejected++;
        tally.note(`ended ${o.kind}`);
      }),
      { numRuns: 2500 },
    );
    tally.print();
    expect(tally.rejected).toBeGreaterThan(tally.inputs / 2);
  });
});
