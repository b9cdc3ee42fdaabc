/**
 * PDSA cycles: the team's section of its page (its cycles with the faculty's answers, the form to
 * log one or edit an open one) and the faculty's page of every team's cycles, filtered by team or
 * measure, with a form to answer each.
 */
import type { CollaborativeDoc, CycleView } from '../../app';
import { PDSA_DECISION_WORDS, PDSA_DECISIONS, cycleOpen } from '../../domain/pdsa';
import { formatInZone } from '../../domain/time';
import type { Flash } from '../flash';
import { csrfField, errorSummary, html, selectField, textareaField, type Html } from '../html';
import { formErrors, NO_ERRORS, type FieldSpec } from '../problems';

export const CYCLE_FIELDS: FieldSpec[] = [
  { name: 'measure', label: 'Measure' },
  { name: 'change', label: 'The change' },
  { name: 'prediction', label: 'Prediction' },
  { name: 'observed', label: 'What happened' },
  { name: 'learned', label: 'What we learned' },
  { name: 'decision', label: 'Decision' },
];
export const ANSWER_FIELDS: FieldSpec[] = [{ name: 'text', label: 'Your answer' }];

const at = (d: Date | string, tz: string) => formatInZone(new Date(d).toISOString(), tz);
const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** Where the cycle stands, in words. */
function stateOf(c: CycleView): string {
  return c.decision ? PDSA_DECISION_WORDS[c.decision] : 'Open: still testing';
}

/**
 * One cycle as read by the team, the faculty or another team; `extra` goes at its end (an edit
 * link, an answer form). Another team reads who logged it by team only, not by address.
 */
function cycleArticle(
  c: CycleView,
  tz: string,
  extra: Html | string,
  showTeam: boolean,
  showBy = true,
): Html {
  const id = `cycle-${c.siteId}-${c.n}`;
  return html`<article class="cycle" id="${id}" data-cycle="${c.siteId}:${c.n}" aria-labelledby="${id}-h">
    <h3 id="${id}-h">${showTeam ? html`${c.siteName}: cycle` : 'Cycle'} ${c.n} · ${c.measureName}</h3>
    <p>
      <strong data-testid="state">${stateOf(c)}</strong> · logged
      ${showBy ? `by ${c.by}, ` : ''}${at(c.createdAt, tz)}
    </p>
    <dl class="explain">
      <dt>The change</dt>
      <dd>${c.change}</dd>
      <dt>Prediction</dt>
      <dd>${c.prediction}</dd>
      <dt>What happened</dt>
      <dd>${c.observed ?? 'not yet'}</dd>
      <dt>What we learned</dt>
      <dd>${c.learned ?? 'not yet'}</dd>
    </dl>
    ${
      c.answers.length
        ? html`<h4>Answers from the faculty</h4>
            ${c.answers.map(
              (a) =>
                html`<blockquote class="answer" data-answer="${a.n}">
                  <p>${a.text}</p>
                  <footer>${a.by}, ${at(a.at, tz)}</footer>
                </blockquote>`,
            )}`
        : ''
    }
    ${extra}
  </article>`;
}

export function teamPdsaSection(o: {
  doc: CollaborativeDoc;
  base: string;
  csrf: string;
  cycles: CycleView[];
  /** The cycle asked for editing (?edit=), when it is the team's and open. */
  edit?: number;
  over: boolean;
  flash: Flash;
}): Html {
  const tz = o.doc.config.timeZone;
  const measures = o.doc.config.metrics?.measures ?? [];
  const editing = o.cycles.find((c) => c.n === o.edit && cycleOpen(c));
  // The form's problems: of a new cycle ('pdsa') or of an edit ('pdsa:<n>').
  const formId = editing ? `pdsa:${editing.n}` : 'pdsa';
  const posted = o.flash.form === 'pdsa' || o.flash.form?.startsWith('pdsa:');
  const e = posted ? formErrors(o.flash.form!, o.flash.problems, CYCLE_FIELDS) : NO_ERRORS;
  const values: Record<string, unknown> =
    posted && o.flash.form === formId && o.flash.values
      ? o.flash.values
      : editing
        ? { ...editing }
        : { measure: measures[0]?.key };
  const form =
    o.over || !measures.length
      ? ''
      : html`<form
          method="post"
          action="${o.base}/pdsa${editing ? `/${editing.n}` : ''}"
          id="pdsa-form"
          novalidate
        >
          <h3>${editing ? `Edit cycle ${editing.n}` : 'Log a test of change'}</h3>
          ${csrfField(o.csrf)}
          ${selectField({
            name: 'measure',
            label: 'Measure',
            hint: 'The measure this change should move.',
            value: str(values.measure),
            errors: e,
            options: measures.map((m) => ({ value: m.key, label: m.name })),
          })}
          ${textareaField({ name: 'change', label: 'The change (Plan)', value: values.change, errors: e })}
          ${textareaField({
            name: 'prediction',
            label: 'Prediction: what you expect to happen',
            value: values.prediction,
            errors: e,
          })}
          ${textareaField({
            name: 'observed',
            label: 'What happened (Do, Study; optional until you decide)',
            value: values.observed,
            errors: e,
          })}
          ${textareaField({
            name: 'learned',
            label: 'What we learned (optional until you decide)',
            value: values.learned,
            errors: e,
          })}
          ${selectField({
            name: 'decision',
            label: 'Decision (Act)',
            hint: 'Leave it open while you are still testing; once decided, the cycle can no longer be edited.',
            value: str(values.decision),
            errors: e,
            options: [
              { value: '', label: 'Open: still testing' },
              ...PDSA_DECISIONS.map((d) => ({ value: d, label: PDSA_DECISION_WORDS[d] })),
            ],
          })}
          <button>${editing ? `Save cycle ${editing.n}` : 'Log the cycle'}</button>
          ${editing ? html`<a href="${o.base}#pdsa">Cancel the edit</a>` : ''}
        </form>`;
  return html`<section id="pdsa">
    <h2>Tests of change (PDSA cycles)</h2>
    <p>
      Each test of change your team runs: plan the change and predict its effect, try it, study what happened,
      then adopt, adapt or abandon it. The faculty read every team's cycles and answer them;
      <a href="${o.base}/cycles">every team's cycles</a> are yours to read too.
    </p>
    ${
      o.cycles.length
        ? o.cycles.map((c) =>
            cycleArticle(
              c,
              tz,
              !o.over && cycleOpen(c)
                ? html`<p>
                    <a href="${o.base}?edit=${c.n}#pdsa-form"
                      >Edit cycle ${c.n}<span class="visually-hidden">: ${c.change}</span></a
                    >
                  </p>`
                : '',
              false,
            ),
          )
        : html`<p>No cycles logged yet.</p>`
    }
    ${form}
  </section>`;
}

/** The error summary of the team's PDSA form, for the top of the team's page. */
export function teamPdsaSummary(flash: Flash): Html {
  const posted = flash.form === 'pdsa' || flash.form?.startsWith('pdsa:');
  return posted ? errorSummary(formErrors(flash.form!, flash.problems, CYCLE_FIELDS)) : html``;
}

export interface PdsaFilter {
  siteId: string;
  measure: string;
}

/**
 * Every team's cycles: the faculty's (and coordinators') page, where the faculty answer them, or a
 * team's read-only view through its signed link (`team`), to learn from the others' tests.
 */
export function pdsaPage(o: {
  doc: CollaborativeDoc;
  cycles: CycleView[];
  teams: { siteId: string; name: string }[];
  filter: PdsaFilter;
  mayAnswer: boolean;
  csrf: string;
  flash: Flash;
  /** A team's view: the page's own address and the way back to the team's page. */
  team?: { base: string; back: string };
}): Html {
  const { doc, flash } = o;
  const tz = doc.config.timeZone;
  const measures = doc.config.metrics?.measures ?? [];
  const base = o.team?.base ?? `/c/${doc.slug}/pdsa`;
  const mayAnswer = o.mayAnswer && !o.team;
  const posted = flash.form?.startsWith('answer:') ? flash.form : undefined;
  const query = new URLSearchParams(
    Object.entries(o.filter).filter(([, v]) => v) as [string, string][],
  ).toString();
  const answerForm = (c: CycleView) => {
    const form = `answer:${c.siteId}:${c.n}`;
    const suffix = `${c.siteId}-${c.n}`;
    const e = posted === form ? formErrors(form, flash.problems, ANSWER_FIELDS, suffix) : NO_ERRORS;
    return html`<form
      method="post"
      action="${base}/${c.siteId}/${c.n}/answer${query ? `?${query}` : ''}"
      novalidate
    >
      ${csrfField(o.csrf)}
      ${textareaField({
        name: 'text',
        label: html`Your answer<span class="visually-hidden"> to ${c.siteName}, cycle ${c.n}</span>`,
        hint: "It is emailed to the team's people and shown on their page.",
        value: posted === form ? flash.values?.text : '',
        errors: e,
        idSuffix: suffix,
      })}
      <button>Send the answer<span class="visually-hidden"> to ${c.siteName}, cycle ${c.n}</span></button>
    </form>`;
  };
  const summary = posted
    ? formErrors(posted, flash.problems, ANSWER_FIELDS, posted.slice('answer:'.length).replace(':', '-'))
    : undefined;
  const intro = o.team
    ? html`<p><a href="${o.team.back}">Back to the team's page</a></p>
        <p>
          Every team's tests of change in the ${doc.config.title}: what they tried, what they predicted, what
          happened, what they decided and what the faculty answered. Your team logs its own on
          <a href="${o.team.back}#pdsa">its page</a>.
        </p>`
    : html`<p><a href="/c/${doc.slug}">Back to ${doc.config.title}</a></p>
        ${errorSummary(summary)} ${flash.done ? html`<div class="ok" role="status">${flash.done}</div>` : ''}
        <p>
          Every team's tests of change, with what they predicted, what happened and what they decided.
          ${mayAnswer ? 'Your answer is emailed to the team.' : 'The faculty answer them.'}
        </p>`;
  return html`${intro}
    <form method="get" action="${base}" role="search" class="search">
      ${selectField({
        name: 'siteId',
        label: 'Team',
        value: o.filter.siteId,
        errors: NO_ERRORS,
        options: [
          { value: '', label: 'All teams' },
          ...o.teams.map((t) => ({ value: t.siteId, label: t.name })),
        ],
      })}
      ${selectField({
        name: 'measure',
        label: 'Measure',
        value: o.filter.measure,
        errors: NO_ERRORS,
        options: [
          { value: '', label: 'All measures' },
          ...measures.map((m) => ({ value: m.key, label: m.name })),
        ],
      })}
      <button>Show</button>
    </form>
    <section id="cycles" aria-label="Cycles">
      <h2>Cycles (${o.cycles.length})</h2>
      ${
        o.cycles.length
          ? o.cycles.map((c) => cycleArticle(c, tz, mayAnswer ? answerForm(c) : '', true, !o.team))
          : html`<p>No cycles ${o.filter.siteId || o.filter.measure ? 'match the filter' : 'logged yet'}.</p>`
      }
    </section>`;
}

/** The links from the collaborative's page to what its teams share. */
export function learningNav(slug: string): Html {
  return html`<nav aria-label="What the teams share" class="learning">
    <a href="/c/${slug}/pdsa">PDSA cycles of the teams</a> ·
    <a href="/c/${slug}/resources">Resource library</a> ·
    <a href="/c/${slug}/storyboards">Storyboards</a>
  </nav>`;
}
