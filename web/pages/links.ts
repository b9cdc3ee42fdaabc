/**
 * The pages behind signed links that are neither the application nor the team's home: a refused
 * link, and the Learning Community's join page. The application and team pages are re-exported.
 */
import { csrfField, errorList, errorSummary, html, textField, type Html } from '../html';
import { formErrors, type FieldSpec } from '../problems';

type Form = Record<string, unknown>;

export * from './apply';
export * from './team';

/** A refused or expired link: says what happened and what to do, and shows nothing else. */
export function linkProblemPage(reason: string): Html {
  const text: Record<string, string> = {
    expired:
      'This link has expired. Ask the collaborative’s coordinator for a new one (reply to the email you received).',
    tampered:
      'This link is not valid: it may have been changed or cut short when it was copied. Open it again from the email.',
    malformed:
      'This link is not valid: it may have been cut short when it was copied. Open it again from the email.',
    'wrong-purpose': 'This link is meant for another page. Open it again from the email.',
    used: 'This sign-in link was used already. Ask for a new one.',
    unknown: 'This link does not lead to anything we know. Open it again from the email.',
    unconfirmed:
      'This sign-in was not confirmed from the page your link opened. Open the link from your email again and press “Sign in” there.',
  };
  return html`<div class="errors" role="alert" data-reason="${reason}">${text[reason] ?? text.unknown}</div>`;
}

export const JOIN_FIELDS: FieldSpec[] = [
  { name: 'name', label: 'Your name' },
  { name: 'email', label: 'Your email' },
];

/** A Learning Community's join form, reached from the link its announcement gave the site's PI. */
export function joinPage(o: {
  title: string;
  topic: string;
  siteName: string;
  action: string;
  csrf: string;
  form: Form;
  problems?: string[];
  done?: string;
}): Html {
  if (o.done) return html`<div class="ok" role="status">${o.done}</div>`;
  const e = formErrors('join', o.problems, JOIN_FIELDS);
  return html`<p>
      A Learning Community on ${o.topic}, open to the people of ${o.siteName}. Anyone interested joins, and
      may leave at any time.
    </p>
    ${errorSummary(e)}
    <form method="post" action="${o.action}" id="join" novalidate>
      ${csrfField(o.csrf)}
      ${textField({ name: 'name', label: 'Your name', value: o.form.name, errors: e, autocomplete: 'name' })}
      ${textField({ name: 'email', label: 'Your email', type: 'email', value: o.form.email, errors: e, autocomplete: 'email' })}
      <button>Join the community</button>
    </form>`;
}

export { errorList };
