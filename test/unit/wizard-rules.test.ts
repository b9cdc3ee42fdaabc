/**
 * The launch wizard's consultation rules (app/launch-draft.ts, domain/recurrence.ts): plain choices
 * → the config's readable form or RRULE, problems beside their fields, the calls in the
 * collaborative's zone across DST, copies that keep their rules, and the own dates.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  configFromFields,
  draftFromFields,
  draftProblems,
  exampleFields,
  fieldsFromConfig,
  seriesPreviews,
  shiftedCopy,
  withScheduleDefaults,
  type DraftFields,
} from '../../app/launch-draft';
import { choicesFromRrule, instantToLocal, ruleFromChoices } from '../../domain/recurrence';

const EXAMPLE = fs.readFileSync(path.join(__dirname, '../../examples/collaborative.yaml'), 'utf8');
const ZONE = 'America/New_York';
const S0 = 'schedule.consultation[0]';
const S1 = 'schedule.consultation[1]';

/** The example with its two series as rules: "2nd Tuesday 14:00, 60 min" and "1st and 3rd Thursday 12:00". */
function withRules(extra: DraftFields = {}): DraftFields {
  return {
    ...exampleFields(EXAMPLE),
    [`${S0}.repeat`]: 'weekday-of-month',
    [`${S0}.weeks`]: ['2'],
    [`${S0}.weekday`]: 'TU',
    [`${S0}.time`]: '14:00',
    [`${S0}.durationMinutes`]: '60',
    [`${S0}.from`]: '2027-06',
    [`${S0}.first`]: '',
    [`${S0}.everyDays`]: '',
    [`${S1}.repeat`]: 'weekday-of-month',
    [`${S1}.weeks`]: ['1', '3'],
    [`${S1}.weekday`]: 'TH',
    [`${S1}.time`]: '12:00',
    [`${S1}.from`]: '2027-06',
    [`${S1}.skip`]: '2027-07-01',
    [`${S1}.first`]: '',
    [`${S1}.everyDays`]: '',
    ...extra,
  };
}
const localCalls = (calls: string[]) => calls.map((c) => instantToLocal(c, ZONE));

describe('the wizard builds consultation series from plain choices', () => {
  it('maps each pattern to the readable form (or the expert rule)', () => {
    expect(ruleFromChoices({ pattern: 'weekday-of-month', weeks: ['2'], weekday: 'TU' })).toEqual({
      every: '2nd Tuesday',
      problems: [],
    });
    expect(ruleFromChoices({ pattern: 'weekday-of-month', weeks: ['3', '1'], weekday: 'TH' }).every).toBe(
      '1st and 3rd Thursday',
    );
    expect(
      ruleFromChoices({ pattern: 'weekday-of-month', weeks: ['1', '2', '-1'], weekday: 'FR' }).every,
    ).toBe('1st, 2nd and last Friday');
    expect(ruleFromChoices({ pattern: 'month-day', monthDay: '10' }).every).toBe('month on day 10');
    expect(ruleFromChoices({ pattern: 'weekly', weekdays: ['WE', 'MO'] }).every).toBe('Monday and Wednesday');
    expect(ruleFromChoices({ pattern: 'rrule', rrule: ' FREQ=MONTHLY;BYDAY=2TU ' })).toEqual({
      rrule: 'FREQ=MONTHLY;BYDAY=2TU',
      problems: [],
    });
  });

  it('says in plain words what cannot be, under the field to change', () => {
    expect(ruleFromChoices({ pattern: 'weekday-of-month', weeks: ['5'], weekday: 'TU' }).problems).toEqual([
      { field: 'weeks', message: 'a 5th Tuesday does not happen every month; choose 1st–4th or last' },
    ]);
    expect(
      ruleFromChoices({ pattern: 'weekday-of-month', weeks: [], weekday: 'TU' }).problems[0]?.field,
    ).toBe('weeks');
    expect(ruleFromChoices({ pattern: 'month-day', monthDay: '31' }).problems[0]?.message).toMatch(
      /not in every month.*1 to 28/,
    );
    expect(ruleFromChoices({ pattern: 'weekly', weekdays: [] }).problems[0]?.field).toBe('weekdays');
  });

  it('reads a launched rule back as the same choices', () => {
    expect(choicesFromRrule('FREQ=MONTHLY;BYDAY=1TH,3TH;UNTIL=20280401T040000Z').choices).toEqual({
      pattern: 'weekday-of-month',
      weekday: 'TH',
      weeks: ['1', '3'],
    });
    expect(choicesFromRrule('FREQ=MONTHLY;BYMONTHDAY=10;COUNT=5')).toEqual({
      choices: { pattern: 'month-day', monthDay: '10' },
      count: 5,
    });
    expect(choicesFromRrule('FREQ=WEEKLY;BYDAY=MO,WE').choices).toEqual({
      pattern: 'weekly',
      weekdays: ['MO', 'WE'],
    });
    expect(choicesFromRrule('FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;COUNT=4').choices).toEqual({
      pattern: 'rrule',
      rrule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO',
    });
  });

  it('the form → the config: readable rules with time, first month and holidays, calls at local time across DST', () => {
    const f = withRules();
    expect(draftProblems(f)).toEqual([]);
    const series = (draftFromFields(f).input.schedule as { consultation: unknown[] }).consultation;
    expect(series).toEqual([
      expect.objectContaining({
        every: '2nd Tuesday',
        time: '14:00',
        durationMinutes: 60,
        from: '2027-06-01',
      }),
      expect.objectContaining({ every: '1st and 3rd Thursday', time: '12:00', skip: ['2027-07-01'] }),
    ]);
    const c = configFromFields(f).schedule.consultation;
    expect(localCalls(c[0]!.calls)).toEqual([
      '2027-06-08T14:00',
      '2027-07-13T14:00',
      '2027-08-10T14:00',
      '2027-09-14T14:00',
      '2027-10-12T14:00',
      '2027-11-09T14:00', // after the clocks go back on 7 November
      '2027-12-14T14:00',
      '2028-01-11T14:00',
      '2028-02-08T14:00',
      '2028-03-14T14:00', // after the clocks go forward on 12 March
    ]);
    expect(c[0]!.calls[4]).toBe('2027-10-12T18:00:00Z');
    expect(c[0]!.calls[5]).toBe('2027-11-09T19:00:00Z');
    expect(c[0]!.calls[9]).toBe('2028-03-14T18:00:00Z');
    expect(localCalls(c[1]!.calls).slice(0, 4)).toEqual([
      '2027-06-03T12:00',
      '2027-06-17T12:00',
      '2027-07-15T12:00', // 1 July skipped
      '2027-08-05T12:00',
    ]);
    expect(c[1]!.recurrence?.skipped).toEqual(['2027-07-01T16:00:00Z']);
    expect(c[1]!.recurrence?.rrule).toMatch(/^FREQ=MONTHLY;BYDAY=\+1TH,\+3TH|^FREQ=MONTHLY;BYDAY=1TH,3TH/);
    // The preview beside each series: its first calls.
    expect(localCalls(seriesPreviews(f, 3)[S0]!)).toEqual([
      '2027-06-08T14:00',
      '2027-07-13T14:00',
      '2027-08-10T14:00',
    ]);
  });

  it('puts every problem beside its field, the rule and the schedule together', () => {
    const f = withRules({
      [`${S0}.weeks`]: ['5'],
      [`${S1}.skip`]: '2027-07-02\n2027-13-01',
      [`${S1}.time`]: '25:00',
      [`${S1}.from`]: 'June',
    });
    const problems = draftProblems(f);
    expect(problems).toEqual(
      expect.arrayContaining([
        `${S0}.weeks: a 5th Tuesday does not happen every month; choose 1st–4th or last`,
        `${S1}.skip: "2027-13-01" is not a date; write each as 2027-11-25, one a line`,
        `${S1}.from: choose a month, such as 2027-06`,
      ]),
    );
    const fixedSkip = draftProblems(withRules({ [`${S1}.skip`]: '2027-07-02' }));
    expect(fixedSkip).toEqual([`${S1}.skip: "2027-07-02" is not a date of this series`]);
    expect(draftProblems(withRules({ [`${S1}.time`]: '25:00' }))).toEqual([
      `${S1}.time: "25:00" is not a time of day (e.g. 14:00)`,
    ]);
    // A raw rule's problem sits beside the rule field.
    expect(draftProblems(withRules({ [`${S0}.repeat`]: 'rrule', [`${S0}.rrule`]: 'FREQ=HOURLY' }))).toEqual([
      `${S0}.rrule: calls repeat daily, weekly, monthly or yearly (FREQ=DAILY, WEEKLY, MONTHLY or YEARLY)`,
    ]);
  });

  it('moves a call of a rule series to another day (same time) or another time, its problems beside the field', () => {
    const f = withRules({ [`${S1}.move`]: '2027-09-16 to 2027-09-23\n2027-10-07 → 2027-10-07T15:00' });
    expect(draftProblems(f)).toEqual([]);
    const series = (draftFromFields(f).input.schedule as { consultation: Record<string, unknown>[] })
      .consultation;
    expect(series[1]!.move).toEqual([
      { from: '2027-09-16', to: '2027-09-23' },
      { from: '2027-10-07', to: '2027-10-07T15:00' },
    ]);
    const calls = localCalls(configFromFields(f).schedule.consultation[1]!.calls);
    expect(calls).toEqual(expect.arrayContaining(['2027-09-23T12:00', '2027-10-07T15:00']));
    expect(calls).not.toContain('2027-09-16T12:00');
    expect(calls).not.toContain('2027-10-07T12:00');
    // Beside the field: a line that is not a move, and a date that is not one of the series'.
    expect(draftProblems(withRules({ [`${S1}.move`]: 'next Thursday' }))).toEqual([
      `${S1}.move: "next Thursday" is not a move; write each as 2027-09-16 to 2027-09-23 (or 2027-09-23T15:00), one a line`,
    ]);
    expect(draftProblems(withRules({ [`${S1}.move`]: '2027-09-17 to 2027-09-23' }))).toEqual([
      `${S1}.move: "2027-09-17" is not a date of this series`,
    ]);
    // A copy starts without them: they were that run's own events, as a launched one's are.
    expect(shiftedCopy(f, '2028-01-10T09:00')[`${S1}.move`]).toBe('');
  });

  it('a skipped row in front still puts a rule problem beside its own row', () => {
    const f = withRules();
    const moved: DraftFields = { ...f };
    for (const k of Object.keys(f).filter((k) => k.startsWith(S1)))
      moved[k.replace(S1, 'schedule.consultation[2]')] = f[k];
    for (const k of Object.keys(f).filter((k) => k.startsWith(S1))) delete moved[k];
    moved[`${S1}.repeat`] = 'days';
    moved['schedule.consultation[2].time'] = '99:00';
    expect(draftProblems(moved)).toEqual([
      'schedule.consultation[2].time: "99:00" is not a time of day (e.g. 14:00)',
    ]);
  });

  it('a rule filled in under "every few days" is not dropped: the choice is asked for', () => {
    const problems = draftProblems(withRules({ [`${S0}.repeat`]: 'days' }));
    expect(problems).toEqual([
      `${S0}.repeat: the parts of a rule are filled in: choose which kind of rule (such as “on weekdays of the month”), or give a first call`,
    ]);
  });

  it('a rule chosen with its parts missing is not dropped: the parts are asked for beside their fields', () => {
    const f = withRules();
    for (const x of ['weeks', 'time', 'from', 'skip']) delete f[`${S1}.${x}`];
    const problems = draftProblems(f);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.startsWith(`${S1}.`))).toBe(true);
    expect(problems.some((p) => p.startsWith(`${S1}.weeks:`))).toBe(true);
  });

  it('ends a series at a date or after a number of calls', () => {
    const byDate = configFromFields(withRules({ [`${S0}.until`]: '2027-09-14' })).schedule.consultation[0]!;
    expect(localCalls(byDate.calls).at(-1)).toBe('2027-09-14T14:00');
    const byCount = configFromFields(withRules({ [`${S0}.count`]: '3' })).schedule.consultation[0]!;
    expect(byCount.calls).toHaveLength(3);
  });

  it('a copy keeps its rules, its dates moved by whole days and its months by whole months', () => {
    const launched = configFromFields(withRules({ [`${S0}.until`]: '2028-02-08' }));
    const fields = fieldsFromConfig(launched);
    expect(fields[`${S0}.repeat`]).toBe('weekday-of-month');
    expect(fields[`${S0}.weeks`]).toEqual(['2']);
    expect(fields[`${S0}.until`]).toBe('2028-02-08');
    expect(fields[`${S1}.skip`]).toBe('2027-07-01');
    // Read back unchanged, it is the same config.
    expect(configFromFields(fields)).toEqual(launched);
    const copy = shiftedCopy(fields, '2028-01-10T09:00'); // 364 days on
    expect(copy[`${S0}.weekday`]).toBe('TU');
    expect(copy[`${S0}.time`]).toBe('14:00');
    expect(copy[`${S0}.from`]).toBe('2028-06');
    expect(copy[`${S0}.until`]).toBe('2029-02-06');
    expect(copy[`${S1}.skip`]).toBe('2028-06-29');
    // Holidays typed with commas or semicolons move too, each one.
    const listed = shiftedCopy(
      { ...fields, [`${S1}.skip`]: '2027-07-01, 2027-08-05;2027-09-02' },
      '2028-01-10T09:00',
    );
    expect(listed[`${S1}.skip`]).toBe('2028-06-29\n2028-08-03\n2028-08-31');
    const again = configFromFields({ ...copy, slug: 'tf-cbt-2028', [`${S1}.skip`]: '2028-07-06' });
    expect(localCalls(again.schedule.consultation[0]!.calls).slice(0, 2)).toEqual([
      '2028-06-13T14:00',
      '2028-07-11T14:00',
    ]);
  });

  it('fills no first call for a rule series from the announcement', () => {
    const f = withRules({ 'schedule.decisionsDue': '' });
    const filled = withScheduleDefaults(f);
    expect(filled[`${S0}.first`]).toBe('');
    expect(filled['schedule.decisionsDue']).not.toBe('');
  });

  it('sets the own dates: notification, pre-work end, reporting months', () => {
    const f: DraftFields = {
      ...exampleFields(EXAMPLE),
      'schedule.notification': '2027-03-25T09:00',
      'schedule.preworkEnd': '2027-05-10T17:00',
      'schedule.reporting.firstMonth': '2027-06',
      'schedule.reporting.lastMonth': '2028-01',
    };
    expect(draftProblems(f)).toEqual([]);
    const c = configFromFields(f);
    expect(c.schedule.notification).toBe('2027-03-25T13:00:00Z');
    expect(c.schedule.preworkEnd).toBe('2027-05-10T21:00:00Z');
    expect(c.schedule.periods.map((p) => p.id)[0]).toBe('2027-06');
    expect(c.schedule.periods.map((p) => p.id).at(-1)).toBe('2028-01');
    // Back to fields (a copy's starting point), the own dates are kept.
    const back = fieldsFromConfig(c);
    expect(back['schedule.notification']).toBe('2027-03-25T09:00');
    expect(back['schedule.reporting.firstMonth']).toBe('2027-06');
    expect(configFromFields(back)).toEqual(c);
    expect(
      draftProblems({
        ...f,
        'schedule.reporting.firstMonth': '2028-02',
        'schedule.reporting.lastMonth': '2027-09',
      }),
    ).toEqual(['schedule.reporting.lastMonth: the last month (2027-09) comes before the first (2028-02)']);
  });
});
