/**
 * Every email template rendered with the sample data of templates/samples.ts (what `lc preview`
 * shows): a snapshot of each subject and text part, a complete HTML document each, nothing blank
 * or unrendered — and a sample missing a value a template needs fails at render time.
 */
import {
  renderSample,
  renderSampleInput,
  SAMPLE_NOTICES,
  sampleInput,
  TEMPLATE_NAMES,
} from '../../templates/samples';

const UNRENDERED = ['undefined', 'NaN', '[object Object]', 'null'];

describe('email templates with sample data', () => {
  it('has a sample for the announcement and every kind of notice', () => {
    expect(TEMPLATE_NAMES[0]).toBe('announcement');
    expect(TEMPLATE_NAMES.slice(1)).toEqual(Object.keys(SAMPLE_NOTICES));
    expect(new Set(TEMPLATE_NAMES).size).toBe(TEMPLATE_NAMES.length);
    expect(TEMPLATE_NAMES.length).toBe(34);
  });

  it.each(TEMPLATE_NAMES)('renders %s', (name) => {
    const r = renderSample(name);
    expect({ subject: r.subject, text: r.text }).toMatchSnapshot();

    // A full HTML document whose title and body carry the subject (HTML-escaped).
    const escaped = r.subject
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/'/g, '&#39;');
    expect(r.html).toMatch(/^<!doctype html>\n<html>/i);
    expect(r.html.trimEnd()).toMatch(/<\/body><\/html>$/);
    expect(r.html).toContain(`<title>${escaped}</title>`);
    expect(r.html).toMatch(/<meta charset="utf-8">/);
    expect(r.subject.trim()).not.toBe('');
    for (const part of [r.subject, r.html, r.text])
      for (const bad of UNRENDERED) expect(part).not.toContain(bad);
    // The text part says what the HTML says: the greeting and the signature.
    expect(r.text).toMatch(/^Dear .+,$/m);
    expect(r.text).toContain('sam.rivera@network.example.org');
    for (const c of [r.calendar, ...(r.moreCalendars ?? [])].filter((c) => c !== undefined)) {
      for (const bad of UNRENDERED) expect(JSON.stringify(c)).not.toContain(bad);
      expect(Date.parse(c.end)).toBeGreaterThan(Date.parse(c.start));
    }
  });

  it('puts the timeline, the call to action and the charts where they belong', () => {
    const decision = renderSample('decision');
    expect(decision.text).toContain('Learning session 1');
    expect(decision.html).toContain('Durham Convention Center, Durham NC');
    expect(decision.text).toContain('Open your team page: https://lc.network.example.org/team/');
    expect(renderSample('metrics-reminder').html).toContain(
      'href="https://lc.network.example.org/team/signed-token-for-the-member?period=2027-06"',
    );
    const report = renderSample('final-report');
    expect(report.html).toContain('<svg');
    expect(report.attachments?.[0]).toMatchObject({ filename: 'tf-cbt-2027-metrics.csv' });
    expect(renderSample('session-invite').calendar).toMatchObject({ method: 'REQUEST', id: 'ls-0' });
    const cancelled = renderSample('cancelled');
    expect([cancelled.calendar, ...(cancelled.moreCalendars ?? [])]).toMatchObject([
      { method: 'CANCEL', id: 'ls-1' },
      { method: 'CANCEL', id: 'ls-2' },
    ]);
  });

  it("renders a community's meetings with calendar entries and its digest grouped by kind", () => {
    const invite = renderSample('community-meeting-invite');
    expect(invite.subject).toBe(
      'Invitation: Meeting 3 (in person), Thu 15 Apr 2027 — Trauma-Informed Schools Learning Community 2027',
    );
    expect(invite.calendar).toMatchObject({
      method: 'REQUEST',
      id: 'meeting-2',
      start: '2027-04-15T14:00:00Z',
      end: '2027-04-15T20:00:00Z',
      location: 'Network Training Center, Chicago IL',
    });
    expect(renderSample('community-meeting-reminder').calendar).toBeUndefined();
    const digest = renderSample('community-digest');
    expect(digest.text).toMatch(/Barriers \(2\)\n {2}- Consent forms: [^\n]+\n {2}- Substitute coverage/);
    expect(digest.text.indexOf('Barriers (2)')).toBeLessThan(digest.text.indexOf('Solutions (1)'));
    expect(digest.text.indexOf('Solutions (1)')).toBeLessThan(digest.text.indexOf('Innovations (1)'));
    expect(digest.html).toContain('<h2 style="font-size:16px;color:#1f5f8b">Innovations (1)</h2>');
    expect(renderSample('community-announcement').html).toContain(
      'href="https://lc.network.example.org/join/signed-token-for-the-pi"',
    );
  });

  it('fails loudly at render time when a sample lacks a value the template needs', () => {
    const feedback = sampleInput('feedback');
    if (feedback.template !== 'feedback') throw new Error('unreachable');
    delete (feedback.prepared.data as { feedbackText?: string }).feedbackText;
    expect(() => renderSampleInput(feedback)).toThrow('template notice feedback: missing text');

    const decision = sampleInput('decision');
    if (decision.template !== 'decision') throw new Error('unreachable');
    delete decision.prepared.data.siteName;
    expect(() => renderSampleInput(decision)).toThrow('template notice decision: missing siteName');

    const summary = sampleInput('community-meeting-summary');
    if (summary.template !== 'community-meeting-summary') throw new Error('unreachable');
    delete (summary.prepared.data as { summaryText?: string }).summaryText;
    expect(() => renderSampleInput(summary)).toThrow(
      'template notice community-meeting-summary: missing summary',
    );
    const digest = sampleInput('community-digest');
    if (digest.template !== 'community-digest') throw new Error('unreachable');
    (digest.prepared.data as { shares: unknown[] }).shares = [];
    expect(() => renderSampleInput(digest)).toThrow('template notice community-digest: nothing was shared');

    const announcement = sampleInput('announcement');
    if (announcement.template !== 'announcement') throw new Error('unreachable');
    announcement.vars.piName = ' ';
    expect(() => renderSampleInput(announcement)).toThrow('template announcement: missing piName');

    // …and the samples are fresh copies: the shared ones still render.
    expect(() => renderSample('feedback')).not.toThrow();
  });
});

describe('the emails of what teams share', () => {
  it('the digest lists each cycle, storyboard and resource with a link to where it is seen', () => {
    const r = renderSample('shared-digest');
    expect(r.subject).toBe(
      'Shared this month: 2 PDSA cycles, 1 storyboard, 1 resource — TF-CBT Learning Collaborative 2027',
    );
    // The team's own cycle links to its page; another team's to the page of every team's cycles.
    expect(r.html).toContain(
      '<a href="https://lc.network.example.org/team/signed-token-for-the-member#cycle-bayview-3">Read the cycle</a>',
    );
    expect(r.text).toContain(
      'Read the cycle: https://lc.network.example.org/team/signed-token-for-the-member/cycles?siteId=harbor#cycle-harbor-1',
    );
    expect(r.text).toContain('decided: Adapt: change it and test again.');
    expect(r.html).toContain(
      'href="https://lc.network.example.org/team/signed-token-for-the-member/storyboards#session-2"',
    );
    expect(r.text).toContain('https://docs.example.org/tfcbt/caregiver-tips.pdf');
    expect(r.text).toContain(
      'See the library: https://lc.network.example.org/team/signed-token-for-the-member#resources',
    );
  });

  it('the digest to the staff links the collaborative’s pages, every cycle included', () => {
    const input = sampleInput('shared-digest');
    if (input.template !== 'shared-digest') throw new Error('not the digest');
    input.prepared.data = {
      ...input.prepared.data,
      teamUrl: undefined,
      storyboardsUrl: undefined,
      staffUrl: 'https://lc.network.example.org/c/tf-cbt-2027',
    };
    const r = renderSampleInput(input);
    expect(r.text).toContain(
      'Read the cycle: https://lc.network.example.org/c/tf-cbt-2027/pdsa?siteId=harbor#cycle-harbor-1',
    );
    expect(r.text).toContain('https://lc.network.example.org/c/tf-cbt-2027/storyboards#session-2');
    expect(r.text).toContain('See the library: https://lc.network.example.org/c/tf-cbt-2027/resources');
  });

  it('a digest with nothing shared is not rendered (the activity sends none)', () => {
    const input = sampleInput('shared-digest');
    if (input.template !== 'shared-digest') throw new Error('not the digest');
    input.prepared.data = { ...input.prepared.data, cycles: [], storyboards: [], resources: [] };
    expect(() => renderSampleInput(input)).toThrow(/nothing shared/);
  });

  it('the storyboard request and reminder link the form to share it', () => {
    const request = renderSample('storyboard-request');
    expect(request.subject).toBe(
      'Your storyboard for Learning Session 2, Mon 13 Sep 2027 — TF-CBT Learning Collaborative 2027',
    );
    expect(request.text).toContain(
      'Share your storyboard: https://lc.network.example.org/team/signed-token-for-the-member/storyboards#share',
    );
    expect(renderSample('storyboard-reminder').text).toContain(
      'We have not yet received the storyboard of Bayview Child Trauma Center for Learning Session 2',
    );
  });
});
