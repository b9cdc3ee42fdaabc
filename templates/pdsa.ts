/** The email that carries a faculty member's answer to a team's PDSA cycle. Pure rendering. */
import { letterTo, requireValues, type Recipient, type RenderedEmail } from './layout';

export interface PdsaAnswerEmail {
  title: string;
  signer: { name: string; email: string };
  siteName: string;
  cycle: number;
  change: string;
  measure: string;
  answer: string;
  answeredBy: string;
  /** The recipient's own link to the team's page, when the app can sign one. */
  teamUrl?: string;
}

export function renderPdsaAnswer(r: Recipient, d: PdsaAnswerEmail): RenderedEmail {
  requireValues('pdsa-answer', { change: d.change, answer: d.answer, by: d.answeredBy });
  const { letter } = letterTo('pdsa-answer', r, { title: d.title, signer: d.signer });
  return letter({
    subject: `An answer to your PDSA cycle ${d.cycle} — ${d.title}`,
    paragraphs: [
      `${d.answeredBy} has answered PDSA cycle ${d.cycle} of ${d.siteName} (“${d.change}”, measure: ${d.measure}):`,
      d.answer,
    ],
    ...(d.teamUrl ? { action: { label: "Open your team's page", url: d.teamUrl } } : {}),
  });
}
