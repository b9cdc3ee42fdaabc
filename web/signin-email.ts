/** The sign-in email: one link, valid once for 15 minutes. */
import { renderLayout, type RenderedEmail } from '../templates/layout';
import { SIGNIN_MINUTES } from './auth';

export function renderSignin(url: string): RenderedEmail {
  return renderLayout({
    subject: 'Your sign-in link — Learning Collaboratives',
    heading: 'Sign in',
    greeting: 'Hello,',
    paragraphs: [
      `Use the link below to sign in. It works once, for ${SIGNIN_MINUTES} minutes.`,
      'If you did not ask to sign in, ignore this email: nothing happens without the link.',
    ],
    action: { label: 'Sign in', url },
    signature: ['Learning Collaboratives'],
  });
}
