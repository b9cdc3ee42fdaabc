import type { LaunchConfig } from '../domain/config';
import { renderLayout, requireValues, type RenderedEmail } from './layout';
import { timelineRows } from './timeline';

export interface AnnouncementVars {
  config: Pick<
    LaunchConfig,
    'title' | 'practice' | 'description' | 'timeZone' | 'schedule' | 'coordinators' | 'faculty'
  >;
  siteName: string;
  piName: string;
  /** The PI's own time zone when the directory knows it. */
  timeZone?: string;
  /** The PI's signed link to the application form. */
  applicationUrl?: string;
}

export function renderAnnouncement(v: AnnouncementVars): RenderedEmail {
  requireValues('announcement', {
    title: v.config.title,
    practice: v.config.practice,
    siteName: v.siteName,
    piName: v.piName,
  });
  const tz = v.timeZone ?? v.config.timeZone;
  const coordinator = v.config.coordinators[0]!;
  return renderLayout({
    subject: `Announcing the ${v.config.title}`,
    heading: v.config.title,
    greeting: `Dear ${v.piName},`,
    paragraphs: [
      `We are pleased to announce a Learning Collaborative on ${v.config.practice}, open to ${v.siteName} and the other sites of the network.`,
      ...(v.config.description ? [v.config.description] : []),
      `Faculty: ${v.config.faculty.map((f) => f.name).join(', ')}.`,
      ...(v.applicationUrl && v.config.schedule.informationalCalls.length
        ? [
            `To register for the informational call${v.config.schedule.informationalCalls.length > 1 ? 's' : ''} (yourself or colleagues of ${v.siteName}), open ${v.applicationUrl} — the same link holds the application form.`,
          ]
        : []),
      'To apply, a site commits to adopting the practice, to using the Core Data Set and submitting metrics every month, and to sending a core team (a senior leader, a clinical supervisor and clinicians) to all the learning sessions.',
    ],
    table: { caption: `Timeline (${tz})`, rows: timelineRows(v.config.schedule, tz) },
    action: v.applicationUrl ? { label: `Apply for ${v.siteName}`, url: v.applicationUrl } : undefined,
    signature: [
      'With best regards,',
      coordinator.name,
      `${v.config.title} coordinator — ${coordinator.email}`,
    ],
  });
}
