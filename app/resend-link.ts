/**
 * Resends a person's lost link: a newly signed link to what they use in this collaborative (a
 * team member's team page, a PI's application form), emailed to them. The old link is left as it
 * was: links are not stored, so it keeps whatever validity it had.
 */
import type { Db } from 'mongodb';
import { emailSchema } from '../domain/common';
import { ValidationError } from '../domain/errors';
import type { Outbox } from '../mail/outbox';
import { personalLink, type LinkMaker } from '../security/links';
import { COLLECTIONS } from '../store/db';
import type { TeamDoc } from '../store/lifecycle';
import { getSites } from '../store/sites';
import { renderLayout } from '../templates/layout';
import { collaborativeRecord } from './collaborative';
import { OperationError } from './errors';
import { applicationsOf } from './records';
import { checkSlug } from './validate';

export interface ResentLink {
  to: string;
  purpose: 'team' | 'apply';
  siteId: string;
  /** The outbox key of the email that carried it. */
  key: string;
}

/** Which link a person has in the collaborative: a team's roster first, then a site's PI. */
export async function linkOf(
  db: Db,
  slug: string,
  email: string,
): Promise<{ purpose: 'team' | 'apply'; siteId: string } | undefined> {
  const doc = await collaborativeRecord(db, slug);
  const same = (a: string) => a.toLowerCase() === email.toLowerCase();
  const [apps, teams] = await Promise.all([
    applicationsOf(db, slug),
    // A rare path (a coordinator's request): the collaborative's teams, a handful of records.
    db
      .collection<TeamDoc>(COLLECTIONS.teams)
      .find({ collaborative: slug }, { projection: { _id: 0, siteId: 1, status: 1 } })
      .toArray(),
  ]);
  const onTeams = new Set(teams.filter((t) => t.status === 'accepted').map((t) => t.siteId));
  for (const a of apps) {
    if (!onTeams.has(a.siteId)) continue;
    const roster = [...a.coreTeam.members, a.coreTeam.dataManager, a.coreTeam.contactPerson];
    if (roster.some((m) => same(m.email))) return { purpose: 'team', siteId: a.siteId };
  }
  const sites = await getSites(db, doc.announcedTo ?? []);
  const pi = sites.find((s) => same(s.piEmail));
  return pi ? { purpose: 'apply', siteId: pi.siteId } : undefined;
}

export async function resendLink(
  db: Db,
  outbox: Outbox,
  links: LinkMaker,
  slug: string,
  input: { email?: unknown },
  now: number,
): Promise<ResentLink> {
  checkSlug(slug);
  const parsed = emailSchema.safeParse(input.email);
  if (!parsed.success)
    throw new ValidationError('the link', ['email: enter a valid email address, such as name@example.org']);
  const email = parsed.data;
  const doc = await collaborativeRecord(db, slug);
  const link = await linkOf(db, slug, email);
  if (!link)
    throw new ValidationError('the link', [
      `email: ${email} has no link in this collaborative: they are on no team's roster and are not the PI of a site it was announced to`,
    ]);
  const url = personalLink(links, link.purpose, { email, slug, siteId: link.siteId }, now);
  const what = link.purpose === 'team' ? "your team's page" : "your site's application form";
  const rendered = renderLayout({
    subject: `Your new link — ${doc.config.title}`,
    heading: doc.config.title,
    greeting: 'Hello,',
    paragraphs: [
      `The coordinator sent you a new link to ${what}, in case the one you had is lost.`,
      `It works for ${links.ttlDays} days.`,
    ],
    action: { label: link.purpose === 'team' ? 'Open the team page' : 'Open the application', url },
    signature: ['Learning Collaboratives'],
  });
  // Each request is its own email: the instant is in the key, so a retry of the same one is not.
  const key = `${slug}:link-resent:${email}:${now}`;
  const outcome = await outbox.deliver({
    key,
    collaborative: slug,
    purpose: 'link-resent',
    template: 'link-resent',
    to: email,
    ...rendered,
  });
  if (outcome === 'failed')
    throw new OperationError(`the email to ${email} was refused by the mail server`, 'unavailable');
  return { to: email, purpose: link.purpose, siteId: link.siteId, key };
}
