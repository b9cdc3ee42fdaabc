/**
 * The emails of what teams share (#21): the request for each team's storyboard before a learning
 * session and its reminder, and the monthly digest of what was shared. Pure rendering, called
 * from renderNotice (templates/notices.ts) with the data mail/notice-data.ts loaded.
 */
import { PDSA_DECISION_WORDS, RESOURCE_KIND_WORDS } from '../domain/pdsa';
import type { LetterBody, RenderedEmail, SectionItem } from './layout';
import type { NoticeContext, NoticeData } from './notice-data';

const SESSION = (i: number) => `Learning Session ${i + 1}`;
const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

interface Letter {
  when: (iso: string) => string;
  day: (iso: string) => string;
  letter: (b: LetterBody) => RenderedEmail;
}

export function renderStoryboardAsk(
  n: { kind: 'storyboard-request' | 'storyboard-reminder'; session: number },
  data: NoticeData<'storyboard-request'>,
  site: string,
  ctx: Pick<NoticeContext, 'config' | 'schedule'>,
  { when, day, letter }: Letter,
): RenderedEmail {
  const ls = ctx.schedule.learningSessions[n.session];
  if (!ls) throw new Error(`template ${n.kind}: no learning session ${n.session + 1}`);
  const title = ctx.config.title;
  const request = n.kind === 'storyboard-request';
  return letter({
    subject: request
      ? `Your storyboard for ${SESSION(n.session)}, ${day(ls.start)} — ${title}`
      : `Reminder: the storyboard of ${site} for ${SESSION(n.session)} — ${title}`,
    paragraphs: [
      request
        ? `Before ${SESSION(n.session)} (${when(ls.start)}), please share the storyboard of ${site}: one page on your aim, the changes you tested and what your data show.`
        : `We have not yet received the storyboard of ${site} for ${SESSION(n.session)}, which starts ${when(ls.start)}.`,
      'A PDF, a PowerPoint file or an image of up to 5 MB, or a link to it. Every team of the collaborative sees the storyboards in the gallery; a new one replaces the one before.',
    ],
    action: data.storyboardsUrl
      ? { label: 'Share your storyboard', url: `${data.storyboardsUrl}#share` }
      : undefined,
  });
}

/** The digest of what was shared in [from, to): one headed list per kind, each item linked to where it is seen. */
export function renderSharedDigest(
  n: { n: number; from: string; to: string },
  data: NoticeData<'shared-digest'>,
  ctx: Pick<NoticeContext, 'config'>,
  { day, letter }: Letter,
): RenderedEmail {
  const { cycles, storyboards, resources } = data;
  if (!cycles.length && !storyboards.length && !resources.length)
    throw new Error('template shared-digest: nothing shared');
  const title = ctx.config.title;
  const staff = data.staffUrl;
  // A team's people see their own cycles on their page (where they edit them), the other teams'
  // on the page of every team's cycles, every storyboard in the gallery and the library on their
  // page; the staff see all of it on the collaborative's pages.
  const cycleLink = (c: (typeof cycles)[number]) => {
    const at = `siteId=${encodeURIComponent(c.siteId)}#cycle-${c.siteId}-${c.n}`;
    if (staff) return `${staff}/pdsa?${at}`;
    if (!data.teamUrl) return undefined;
    return c.siteId === data.teamSiteId
      ? `${data.teamUrl}#cycle-${c.siteId}-${c.n}`
      : `${data.teamUrl}/cycles?${at}`;
  };
  const galleryLink = staff ? `${staff}/storyboards` : data.storyboardsUrl;
  const libraryLink = staff ? `${staff}/resources` : data.teamUrl && `${data.teamUrl}#resources`;
  const linked = (text: string, label: string, url: string | undefined): SectionItem =>
    url ? { text, link: { label, url } } : text;
  const sections = [
    {
      heading: 'PDSA cycles',
      items: cycles.map((c) =>
        linked(
          `${c.team}, cycle ${c.n}: “${c.change}” (measure: ${c.measure}) — ${
            c.decision
              ? `${c.news === 'decided' ? 'decided: ' : ''}${PDSA_DECISION_WORDS[c.decision]}`
              : 'still testing'
          }.`,
          'Read the cycle',
          cycleLink(c),
        ),
      ),
    },
    {
      heading: 'Storyboards',
      items: storyboards.map((b) =>
        linked(
          `${b.team}, for ${SESSION(b.session)}: ${b.name}${b.replaced ? ' (a new version)' : ''}.`,
          'See it in the gallery',
          galleryLink && `${galleryLink}#session-${b.session + 1}`,
        ),
      ),
    },
    {
      heading: 'Resources from the faculty',
      items: resources.map((r) =>
        linked(
          `${r.title} (${RESOURCE_KIND_WORDS[r.kind].toLowerCase()}${r.session === undefined ? '' : `, for ${SESSION(r.session)}`}): ${r.url}`,
          'See the library',
          libraryLink,
        ),
      ),
    },
  ].filter((s) => s.items.length);
  const shared = [
    cycles.length ? count(cycles.length, 'PDSA cycle') : '',
    storyboards.length ? count(storyboards.length, 'storyboard') : '',
    resources.length ? count(resources.length, 'resource') : '',
  ].filter(Boolean);
  return letter({
    subject: `Shared this month: ${shared.join(', ')} — ${title}`,
    paragraphs: [
      n.n === 0
        ? `What the teams and the faculty of the ${title} have shared up to ${day(n.to)}.`
        : `What the teams and the faculty of the ${title} shared from ${day(n.from)} to ${day(n.to)}.`,
      'Learn from what other teams tried: a change one team adopted may be worth testing in yours.',
    ],
    sections,
    action: staff
      ? { label: 'Open the PDSA cycles', url: `${staff}/pdsa` }
      : data.teamUrl
        ? { label: "Open your team's page", url: data.teamUrl }
        : undefined,
  });
}
