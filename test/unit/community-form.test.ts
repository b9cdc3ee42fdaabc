/**
 * The launch form of a Learning Community read into the config `lc lcom launch` reads from a file:
 * blank rows left out (and the rest moved up, so a problem's row is the row shown again), numbers
 * as numbers, the venue or link that goes with the kind; the example config read back from its form.
 */
import { parseCommunityConfig } from '../../domain/community';
import { communityConfigFromForm, compactLaunchForm } from '../../web/pages/community';
import { formErrors } from '../../web/problems';
import { exampleCommunity } from '../helpers/configs';
import { problemsOf } from '../helpers/problems';

/** The example config as a person fills the form in (facilitators in rows 1 and 3, row 2 blank). */
function filledForm(): Record<string, unknown> {
  const c = exampleCommunity();
  const f: Record<string, unknown> = {
    slug: c.slug,
    title: c.title,
    topic: c.topic,
    description: c.description,
    timeZone: c.timeZone,
    'coordinators[0].name': c.coordinators[0].name,
    'coordinators[0].email': c.coordinators[0].email,
    'facilitators[0].name': c.facilitators[0].name,
    'facilitators[0].email': c.facilitators[0].email,
    'facilitators[1].name': '',
    'facilitators[1].email': '',
    'facilitators[2].name': c.facilitators[1].name,
    'facilitators[2].email': c.facilitators[1].email,
    sitesMode: 'all',
    sites: ['harbor'], // ticked, then "every site" chosen: every site it is
    announcement: '2027-02-01T09:00',
    start: '2027-03-01T09:00',
    end: '2028-02-28T09:00',
    digestEveryDays: '14',
  };
  c.meetings.forEach((m: Record<string, unknown>, i: number) => {
    for (const [k, v] of Object.entries(m)) f[`meetings[${i}].${k}`] = String(v);
  });
  f['meetings[0].link'] = 'https://left.example.org/over'; // an in-person series keeps no link
  return f;
}

describe("a Learning Community's launch form", () => {
  it('reads into the config the CLI launches from the example file', () => {
    const fromForm = parseCommunityConfig(communityConfigFromForm(compactLaunchForm(filledForm())));
    const fromFile = parseCommunityConfig(exampleCommunity());
    expect(fromForm).toEqual(fromFile);
  });

  it('moves rows up past blank ones, so the problems name the rows shown again; blank numbers take defaults', () => {
    const f = filledForm();
    f['facilitators[2].email'] = 'not-an-email';
    f['meetings[1].everyDays'] = 'four';
    f['meetings[0].durationMinutes'] = '';
    f.digestEveryDays = '';
    f.sitesMode = 'some';
    const compact = compactLaunchForm(f);
    expect(compact['facilitators[1].email']).toBe('not-an-email');
    expect(compact['facilitators[2].email']).toBeUndefined();
    const input = communityConfigFromForm(compact) as Record<string, any>;
    expect(input.sites).toEqual(['harbor']);
    expect(input.meetings[0].durationMinutes).toBeUndefined();
    expect(input.digestEveryDays).toBeUndefined();
    expect(problemsOf(parseCommunityConfig, input)).toEqual([
      'facilitators[1].email: not a valid email address',
      'meetings[1].everyDays: Expected number, received string',
    ]);
  });
});

describe('the words beside a number field', () => {
  it('say to write a number, not which type zod expected', () => {
    const e = formErrors(
      'f',
      ['meetings[1].everyDays: Expected number, received string'],
      [{ name: 'meetings[1].everyDays', label: 'Meeting series 2: every how many days' }],
    );
    expect(e.of('meetings[1].everyDays')).toEqual(['write a number']);
  });
});
