import { formatIssues } from '../../domain/errors';
import {
  cycleOpen,
  measureProblems,
  pdsaAnswerSchema,
  pdsaCycleSchema,
  resourceSchema,
  sessionProblems,
} from '../../domain/pdsa';
import { renderPdsaAnswer } from '../../templates/pdsa';
import { renderNotice, type PreparedNotice } from '../../templates/notices';
import { sampleInput } from '../../templates/samples';

const problems = (r: { success: boolean; error?: unknown }) =>
  r.success ? [] : formatIssues(r.error as never);

describe('PDSA cycle schema', () => {
  const planned = {
    measure: 'fidelity',
    change: 'Daily 10-minute huddle before clinic',
    prediction: 'Fidelity rises above 80% within two months',
    by: 'Carla.Diaz@Bayview.example.org',
  };

  it('takes a planned cycle: open, blanks of what is not known yet left out', () => {
    const c = pdsaCycleSchema.parse({ ...planned, observed: '  ', learned: '', decision: '' });
    expect(c).toEqual({ ...planned, by: 'carla.diaz@bayview.example.org' });
    expect(cycleOpen(c)).toBe(true);
  });

  it('names every missing part of the plan beside its field', () => {
    const r = pdsaCycleSchema.safeParse({ measure: '', change: ' ', by: 'x@example.org' });
    expect(problems(r)).toEqual([
      'measure: choose the measure',
      'change: describe the change you are testing',
      'prediction: describe what you predict will happen',
    ]);
  });

  it('refuses a decision before what happened and what was learned are told', () => {
    const r = pdsaCycleSchema.safeParse({ ...planned, decision: 'adopt', observed: 'Fidelity 84%' });
    expect(problems(r)).toEqual(['learned: say what you learned before deciding']);
    const s = pdsaCycleSchema.safeParse({ ...planned, decision: 'abandon' });
    expect(problems(s)).toEqual([
      'observed: say what happened before deciding',
      'learned: say what you learned before deciding',
    ]);
  });

  it('closes the cycle once decided', () => {
    const c = pdsaCycleSchema.parse({
      ...planned,
      observed: 'Fidelity 84% in month 2',
      learned: 'Huddles work when the supervisor leads them',
      decision: 'adapt',
    });
    expect(c.decision).toBe('adapt');
    expect(cycleOpen(c)).toBe(false);
  });

  it('refuses an unknown decision, unknown fields and overlong text', () => {
    const r = pdsaCycleSchema.safeParse({ ...planned, decision: 'keep', extra: 1, change: 'x'.repeat(4001) });
    expect(problems(r)).toEqual(
      expect.arrayContaining([
        'decision: choose adopt, adapt or abandon (or leave it open)',
        'change: keep the change you are testing under 4000 characters',
      ]),
    );
    expect(problems(r).some((p) => p.includes('extra'))).toBe(true);
  });

  it('checks the measure against the collaborative’s', () => {
    expect(measureProblems('fidelity', ['fidelity', 'children_served'])).toEqual([]);
    expect(measureProblems('wellbeing', ['fidelity'])).toEqual([
      "measure: choose one of the collaborative's measures",
    ]);
  });
});

describe('answer schema', () => {
  it('takes an answer and refuses an empty one', () => {
    expect(
      pdsaAnswerSchema.parse({ text: ' Try it with the evening clinic too. ', by: 'f@example.org' }).text,
    ).toBe('Try it with the evening clinic too.');
    expect(problems(pdsaAnswerSchema.safeParse({ text: ' ok ', by: 'f@example.org' }))).toEqual([
      'text: write the answer (at least 3 characters)',
    ]);
  });
});

describe('resource schema', () => {
  const r = {
    title: 'TF-CBT fidelity checklist',
    kind: 'document',
    url: 'https://example.org/c.pdf',
    by: 'f@example.org',
  };

  it('takes a resource with or without its session', () => {
    expect(resourceSchema.parse({ ...r, session: '' }).session).toBeUndefined();
    expect(resourceSchema.parse({ ...r, session: 1 }).session).toBe(1);
  });

  it('refuses addresses that are not web addresses, and unknown kinds', () => {
    for (const url of ['javascript:alert(1)', 'example.org', 'ftp://example.org/x', ''])
      expect(problems(resourceSchema.safeParse({ ...r, url }))).toEqual([
        'url: give a web address starting with https:// or http://',
      ]);
    expect(problems(resourceSchema.safeParse({ ...r, kind: 'video' }))).toEqual([
      'kind: choose a document, a recording or a web link',
    ]);
    expect(problems(resourceSchema.safeParse({ ...r, title: ' ' }))).toEqual([
      'title: describe the resource',
    ]);
  });

  it('checks the session against the schedule', () => {
    expect(sessionProblems(undefined, 3)).toEqual([]);
    expect(sessionProblems(2, 3)).toEqual([]);
    expect(sessionProblems(3, 3)).toEqual(['session: choose one of the 3 learning sessions, or none']);
  });
});

describe('emails', () => {
  it('the answer email carries the answer, the cycle and the team link', () => {
    const m = renderPdsaAnswer(
      { name: 'Carla Diaz', email: 'carla@example.org', timeZone: 'America/Chicago' },
      {
        title: 'TF-CBT LC 2027',
        signer: { name: 'Dr Faculty', email: 'f@example.org' },
        siteName: 'Bayview',
        cycle: 2,
        change: 'Daily huddle',
        measure: 'Fidelity (%)',
        answer: 'Try it with the <evening> clinic too.',
        answeredBy: 'Dr Faculty (f@example.org)',
        teamUrl: 'https://lc.example.org/team/t#pdsa',
      },
    );
    expect(m.subject).toBe('An answer to your PDSA cycle 2 — TF-CBT LC 2027');
    expect(m.text).toContain('Try it with the <evening> clinic too.');
    expect(m.html).toContain('Try it with the &lt;evening&gt; clinic too.');
    expect(m.text).toContain("Open your team's page: https://lc.example.org/team/t#pdsa");
    expect(() =>
      renderPdsaAnswer(
        { name: 'C', email: 'c@example.org', timeZone: 'UTC' },
        {
          title: 'T',
          signer: { name: 'F', email: 'f@example.org' },
          siteName: 'B',
          cycle: 1,
          change: 'x',
          measure: 'm',
          answer: ' ',
          answeredBy: 'F',
        },
      ),
    ).toThrow(/missing answer/);
  });

  it('session and call emails list the resources they are given, and nothing when none', () => {
    for (const kind of ['session-reminder', 'consultation-invite'] as const) {
      const s = sampleInput(kind);
      if (!('prepared' in s) || s.template.startsWith('community-'))
        throw new Error('not a lifecycle sample');
      const plain = renderNotice(s.prepared as PreparedNotice, s.ctx as Parameters<typeof renderNotice>[1]);
      expect(plain.text).not.toContain('Resources from the faculty');
      const withList = renderNotice(
        {
          ...s.prepared,
          data: {
            ...s.prepared.data,
            resources: [{ title: 'Recording of LS1', kind: 'recording', url: 'https://example.org/ls1' }],
          },
        } as PreparedNotice,
        s.ctx as Parameters<typeof renderNotice>[1],
      );
      expect(withList.text).toContain(
        'Resources from the faculty\n  - Recording of LS1 (recording): https://example.org/ls1',
      );
      expect(withList.html).toContain('https://example.org/ls1');
    }
  });
});
