import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { parseLaunchConfig } from '../../domain/config';
import { problemsOf as rejected } from '../helpers/problems';

const example = () =>
  YAML.parse(fs.readFileSync(path.join(__dirname, '../../examples/collaborative.yaml'), 'utf8'));

const problemsOf = (input: unknown) => rejected(parseLaunchConfig, input);

describe('launch config', () => {
  it('accepts the example and normalises dates to UTC instants in the collaborative time zone', () => {
    const c = parseLaunchConfig(example());
    expect(c.slug).toBe('tf-cbt-2027');
    // 2027-01-11 is a bare date: 09:00 in New York (EST, UTC-5) is 14:00 UTC.
    expect(c.schedule.announcement).toBe('2027-01-11T14:00:00Z');
    // 2027-05-17 09:00 EDT (UTC-4)
    expect(c.schedule.learningSessions[0]!.start).toBe('2027-05-17T13:00:00Z');
    expect(c.schedule.learningSessions).toHaveLength(3);
    expect(c.sites).toBe('all');
    expect(c.faculty[0]!.email).toBe('jcohen@faculty.example.org');
  });

  it('lists every bad field, each with its path', () => {
    const bad = example();
    bad.slug = 'Not A Slug';
    bad.timeZone = 'Mars/Olympus';
    bad.faculty = [];
    bad.coordinators[0].email = 'not-an-email';
    bad.schedule.applicationsClose = 'someday';
    const problems = problemsOf(bad);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^slug: /),
        expect.stringMatching(/^timeZone: unknown time zone "Mars\/Olympus"/),
        expect.stringMatching(/^faculty: name at least one faculty member/),
        expect.stringMatching(/^coordinators\[0\]\.email: not a valid email address/),
      ]),
    );
    expect(problems.length).toBeGreaterThanOrEqual(4);
  });

  it('rejects a schedule out of order, naming each problem', () => {
    const bad = example();
    bad.schedule.applicationsClose = '2027-01-05'; // before they open
    bad.schedule.learningSessions[1].start = '2027-05-01'; // before LS1 ends
    const problems = problemsOf(bad);
    expect(problems).toEqual(
      expect.arrayContaining([
        'schedule.applicationsClose: applications must close after they open',
        'schedule.learningSessions[1].start: learning session 2 must start after session 1 ends',
      ]),
    );
  });

  it('holds a strict collaborative to 9–18 months, and lets a compressed one through', () => {
    const short = example();
    short.schedule.end = '2028-01-31'; // ~12.7 months: fine
    expect(() => parseLaunchConfig(short)).not.toThrow();
    short.schedule.end = '2028-09-30'; // ~20.6 months
    expect(problemsOf(short)).toEqual([
      expect.stringMatching(/^schedule\.end: a collaborative spans 9 to 18 months/),
    ]);
    short.scheduleChecks = 'compressed';
    expect(() => parseLaunchConfig(short)).not.toThrow();
  });

  it('rejects unknown fields instead of ignoring a typo', () => {
    const bad = example();
    bad.schedul = bad.schedule;
    expect(problemsOf(bad)).toEqual([expect.stringContaining("Unrecognized key(s) in object: 'schedul'")]);
  });

  it('expects three learning sessions unless told otherwise', () => {
    const bad = example();
    bad.schedule.learningSessions.pop();
    expect(problemsOf(bad)).toContain(
      'schedule.learningSessions: expected 3 learning sessions, found 2 (set learningSessionCount to change this)',
    );
  });
});
