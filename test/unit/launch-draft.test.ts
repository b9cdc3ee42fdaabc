import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import {
  configFromFields,
  draftProblems,
  draftYaml,
  exampleFields,
  fieldsFromConfig,
  readLaunchText,
  rowCount,
  shiftedCopy,
  withScheduleDefaults,
  type DraftFields,
} from '../../app/launch-draft';
import { launchConfigProblems, parseLaunchConfig } from '../../domain/config';
import { ValidationError } from '../../domain/errors';

const EXAMPLE = fs.readFileSync(path.join(__dirname, '../../examples/collaborative.yaml'), 'utf8');

function problemsOfText(text: string): string[] {
  try {
    readLaunchText(text);
  } catch (err) {
    if (err instanceof ValidationError) return err.problems;
    throw err;
  }
  return [];
}

describe('the launch wizard: form fields → the launch config', () => {
  it('the example, as fields, builds the same config the YAML gives', () => {
    const fields = exampleFields(EXAMPLE);
    expect(draftProblems(fields)).toEqual([]);
    expect(configFromFields(fields)).toEqual(parseLaunchConfig(YAML.parse(EXAMPLE)));
    // The download is the YAML the CLI takes, and it reads back to the same config.
    expect(parseLaunchConfig(YAML.parse(draftYaml(fields)))).toEqual(configFromFields(fields));
  });

  it('reports every problem at once, the cross-field schedule rule beside the others', () => {
    const f: DraftFields = {
      ...exampleFields(EXAMPLE),
      title: '',
      'coordinators[0].email': 'sam.rivera@',
      'metrics.measures[1].target': 'eighty',
      'schedule.applicationsClose': '2027-01-05T17:00',
    };
    const problems = draftProblems(f);
    expect(problems).toEqual(
      expect.arrayContaining([
        'title: a title is required',
        'coordinators[0].email: not a valid email address',
        'metrics.measures[1].target: enter a number, such as 10',
        'schedule.applicationsClose: applications must close after they open',
      ]),
    );
    // The whole schema alone stops before the schedule's rules; the wizard's check does not.
    const whole = launchConfigProblems({ ...YAML.parse(EXAMPLE), title: '' });
    expect(whole).toEqual(['title: a title is required']);
  });

  it('skips blank rows and puts a problem beside the row it came from', () => {
    const f: DraftFields = {
      ...exampleFields(EXAMPLE),
      'faculty[0].name': '',
      'faculty[0].email': '',
      'faculty[1].name': 'Dr. Second',
      'faculty[1].email': 'not-an-email',
    };
    expect(draftProblems(f)).toEqual(['faculty[1].email: not a valid email address']);
  });

  it('says which required dates are missing, once each', () => {
    const f: DraftFields = { ...exampleFields(EXAMPLE), 'schedule.decisionsDue': '' };
    expect(draftProblems(f)).toEqual(['schedule.decisionsDue: choose a date']);
  });

  it('adds picked people from earlier programmes to the added ones', () => {
    const known = [{ name: 'Dr. Lucy Berliner', email: 'lberliner@faculty.example.org' }];
    const f: DraftFields = { ...exampleFields(EXAMPLE), 'faculty.picked': ['lberliner@faculty.example.org'] };
    expect(configFromFields(f, known).faculty.map((p) => p.email)).toEqual([
      'jcohen@faculty.example.org',
      'amannarino@faculty.example.org',
      'lberliner@faculty.example.org',
    ]);
  });

  it('takes all sites or the picked ones', () => {
    const f = exampleFields(EXAMPLE);
    expect(configFromFields({ ...f, sitesMode: 'picked', sites: ['a-site', 'b-site'] }).sites).toEqual([
      'a-site',
      'b-site',
    ]);
    expect(draftProblems({ ...f, sitesMode: 'picked', sites: [] })).toEqual([
      'sites: list at least one site, or use "all"',
    ]);
  });
});

describe('the launch wizard: defaults and copies', () => {
  const blank: DraftFields = {
    title: 'Spacing test',
    practice: 'TF-CBT',
    timeZone: 'America/Chicago',
    'coordinators[0].name': 'Sam',
    'coordinators[0].email': 'sam@example.org',
    'faculty[0].name': 'Jo',
    'faculty[0].email': 'jo@example.org',
    'schedule.learningSessions[0].venue': 'Venue 1',
    'schedule.learningSessions[1].venue': 'Venue 2',
    'schedule.learningSessions[2].venue': 'Venue 3',
  };

  it('fills the schedule from the announcement by typical spacing into a valid schedule', () => {
    const f = withScheduleDefaults({ ...blank, 'schedule.announcement': '2031-02-03T10:00' });
    expect(f['schedule.applicationsOpen']).toBe('2031-02-03T10:00');
    expect(f['schedule.applicationsClose']).toBe('2031-03-24T17:00');
    expect(f['schedule.learningSessions[0].start']).toBe('2031-06-09T09:00');
    expect(f['schedule.consultation[1].kind']).toBe('clinical');
    expect(draftProblems(f)).toEqual([]);
    const c = configFromFields(f);
    // 17:00 in Chicago on 24 March 2031 (CDT, UTC-5).
    expect(c.schedule.applicationsClose).toBe('2031-03-24T22:00:00Z');
  });

  it('keeps the dates already chosen', () => {
    const f = withScheduleDefaults({
      ...blank,
      'schedule.announcement': '2031-02-03T10:00',
      'schedule.decisionsDue': '2031-04-01T12:00',
    });
    expect(f['schedule.decisionsDue']).toBe('2031-04-01T12:00');
  });

  it('needs an announcement date to fill from', () => {
    expect(() => withScheduleDefaults(blank)).toThrow(ValidationError);
  });

  it('copies an earlier collaborative with every date shifted by whole days, keeping wall-clock times across DST', () => {
    const earlier = parseLaunchConfig(YAML.parse(EXAMPLE));
    const copy = shiftedCopy(fieldsFromConfig(earlier), '2029-07-02T08:30');
    expect(copy.slug).toBe('');
    expect(copy['schedule.announcement']).toBe('2029-07-02T08:30');
    // 2027-01-11 → 2029-07-02 is 903 days; 2027-03-01 17:00 (EST) moves 903 days to 2029-08-20 17:00 (EDT).
    expect(copy['schedule.applicationsClose']).toBe('2029-08-20T17:00');
    expect(copy['schedule.learningSessions[2].end']).toBe('2030-07-16T17:00');
    const shifted = configFromFields({ ...copy, slug: 'tf-cbt-2029' });
    expect(shifted.schedule.consultation[0]!.everyDays).toBe(28);
    expect(shifted.title).toBe(earlier.title);
  });
});

describe('a pasted config with a syntax slip', () => {
  it('says in words which line, without parser jargon', () => {
    const problems = problemsOfText('slug: x\ncoordinators: [ { name: Sam, email: sam@x.org }\ntitle: T\n');
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) {
      expect(p).toMatch(/^line \d+: /);
      expect(p).not.toMatch(/implicit|flow|token|scalar/i);
    }
    expect(problemsOfText('a: 1\n\tb: 2\n')[0]).toMatch(/^line 2: /);
  });

  it('reads good YAML and JSON', () => {
    expect(readLaunchText('{"a": 1}')).toEqual({ a: 1 });
    expect(readLaunchText('a: [1, 2]')).toEqual({ a: [1, 2] });
  });
});

describe('YAML slips in words', () => {
  it.each([
    ['slug: x\ncoordinators: [ { name: Sam\ntitle: T\n', 'line 3: a [ or { opened earlier is not closed'],
    ['a: "x\nb: 2\n', 'line 3: a quote opened earlier is not closed'],
    ['a: 1\n\tb: 2\n', 'line 2: a tab indents this line: use spaces'],
    ['a: 1\na: 2\n', 'line 2: this field is given twice'],
  ])('%j → %s', (source, words) => {
    expect(problemsOfText(source)[0]).toContain(words);
  });
});

describe('rows offered', () => {
  it('one blank row past the last typed in; a select alone does not fill a row', () => {
    const f: DraftFields = {
      'metrics.measures[4].name': 'Fifth',
      'metrics.measures[5].type': 'count',
      'metrics.measures[5].required': 'yes',
    };
    expect(rowCount(f, 'metrics.measures')).toBe(6);
    expect(rowCount({}, 'metrics.measures')).toBe(4);
    expect(rowCount({ 'schedule.learningSessions[2].venue': 'x' }, 'schedule.learningSessions')).toBe(3);
  });
});

describe('a config with mistakes in its fields and its schedule', () => {
  it('is refused with every problem at once, by the CLI’s parser too', () => {
    const bad = YAML.parse(EXAMPLE);
    bad.title = '';
    bad.coordinators[0].email = 'nobody@';
    bad.metrics.measures[0].type = 'number';
    bad.schedule.applicationsOpen = '2027-03-05';
    let problems: string[] = [];
    try {
      parseLaunchConfig(bad);
    } catch (err) {
      problems = (err as ValidationError).problems;
    }
    expect(problems).toEqual([
      'title: a title is required',
      'coordinators[0].email: not a valid email address',
      'metrics.measures[0].type: type is count, percentage, yesno or text',
      'schedule.applicationsClose: applications must close after they open',
    ]);
  });
});
