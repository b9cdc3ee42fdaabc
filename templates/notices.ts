/**
 * The text of every lifecycle email, one function per notice kind. Pure: given the notice and
 * what the activity loaded for it, returns subject, HTML, text and (for calls and sessions) the
 * calendar event to attach. A missing value throws (requireValues) rather than sending a blank.
 * Long because it is one switch over every notice kind (about twenty), so the compiler checks
 * that each kind has its text and reads only the data loaded for it (notice-data.ts).
 */
import { RESOURCE_KIND_WORDS } from '../domain/pdsa';
import { letterTo, requireValues } from './layout';
import { renderSharedDigest, renderStoryboardAsk } from './sharing';
import { timelineRows } from './timeline';

import {
  calendarEntryId,
  type CalendarEntry,
  type CalendarSpec,
  type NoticeContext,
  type PreparedNotice,
  type RenderedNotice,
  type ResourceLink,
} from './notice-data';

export type { Recipient } from './layout';
export * from './notice-data';

const SESSION = (i: number) => `Learning Session ${i + 1}`;
const callName = (kind: 'all-collaborative' | 'clinical') =>
  kind === 'clinical' ? 'Clinical consultation call' : 'All-collaborative call';

/** The calendar event of a learning session or a consultation call, as invited or cancelled. */
function entrySpec(
  e: CalendarEntry,
  ctx: Pick<NoticeContext, 'config' | 'schedule'>,
  method: CalendarSpec['method'],
): CalendarSpec {
  const title = ctx.config.title;
  if (e.kind === 'session') {
    const ls = ctx.schedule.learningSessions[e.index]!;
    return {
      id: calendarEntryId(e),
      sequence: e.sequence,
      method,
      start: ls.start,
      end: ls.end,
      summary: `${SESSION(e.index)}: ${title}`,
      location: ls.venue,
    };
  }
  if (e.kind === 'info-call') {
    const call = ctx.schedule.informationalCalls[e.call]!;
    return {
      id: calendarEntryId(e),
      sequence: e.sequence,
      method,
      start: call.start,
      end: new Date(Date.parse(call.start) + call.durationMinutes * 60_000).toISOString(),
      summary: `Informational call ${e.call + 1}: ${title}`,
      url: call.link,
      location: call.link,
    };
  }
  const series = ctx.schedule.consultation[e.series]!;
  if (e.kind === 'series') {
    const first = series.recurrence!.start;
    return {
      id: calendarEntryId(e),
      sequence: e.sequence,
      method,
      start: first,
      end: new Date(Date.parse(first) + series.durationMinutes * 60_000).toISOString(),
      summary: `${callName(series.kind)}s: ${title}`,
      url: series.link,
      location: series.link,
      rule: { series, timeZone: ctx.config.timeZone },
    };
  }
  const at = series.calls[e.index]!;
  return {
    id: calendarEntryId(e),
    sequence: e.sequence,
    method,
    start: at,
    end: new Date(Date.parse(at) + series.durationMinutes * 60_000).toISOString(),
    summary: `${callName(series.kind)}: ${title}`,
    url: series.link,
    location: series.link,
  };
}

/** Cancellations of `entries`, one SEQUENCE above what was sent, and the sentence that says so. */
function cancellations(entries: CalendarEntry[], ctx: Pick<NoticeContext, 'config' | 'schedule'>) {
  const specs = entries.map((e) => entrySpec({ ...e, sequence: e.sequence + 1 }, ctx, 'CANCEL'));
  const named = specs.map((c) => c.summary.split(':')[0]);
  return {
    specs,
    sentence: specs.length
      ? `The calendar entries of what was still to come (${[...new Set(named)].join(', ')}) are cancelled with this email.`
      : undefined,
  };
}

export function renderNotice(prepared: PreparedNotice, ctx: NoticeContext): RenderedNotice {
  const { config, schedule, recipient } = ctx;
  const { kind, notice: n, data } = prepared;
  const tz = recipient.timeZone;
  const {
    when,
    day,
    letter: body,
  } = letterTo(`notice ${n.kind}`, recipient, { title: config.title, signer: config.coordinators[0]! });
  const site = () => {
    requireValues(`notice ${n.kind}`, { siteName: data.siteName });
    return data.siteName!;
  };

  switch (kind) {
    case 'info-call-invite':
    case 'info-call-reminder': {
      const call = schedule.informationalCalls[n.call]!;
      requireValues(`notice ${n.kind}`, { call: call?.start });
      const invite = n.kind === 'info-call-invite';
      return {
        ...body({
          subject: `${invite ? 'Invitation' : 'Reminder'}: informational call ${n.call + 1} on ${day(call.start)} — ${config.title}`,
          paragraphs: [
            invite
              ? `You are invited to informational call ${n.call + 1} about the ${config.title}, where faculty present the goals of the collaborative and ${config.practice}, and answer your questions about fit.`
              : `A reminder that informational call ${n.call + 1} about the ${config.title} takes place tomorrow.`,
            `When: ${when(call.start)} (${call.durationMinutes} minutes).`,
            ...(call.link ? [`Join: ${call.link}`] : []),
          ],
          ...(invite ? {} : {}),
        }),
        calendar: invite
          ? entrySpec({ kind: 'info-call', call: n.call, sequence: n.sequence }, ctx, 'REQUEST')
          : undefined,
      };
    }
    case 'applications-closing':
      return body({
        subject: `Applications close on ${day(schedule.applicationsClose)} — ${config.title}`,
        paragraphs: [
          `Applications for the ${config.title} close on ${when(schedule.applicationsClose)}, and we have not yet received one from ${site()}.`,
          'An application names the core team (a senior leader, a clinical supervisor and at least one clinician, with a data manager and a contact person) and commits the site to the Core Data Set, monthly metrics and all the learning sessions.',
        ],
        action: data.applicationUrl ? { label: 'Apply now', url: data.applicationUrl } : undefined,
      });
    case 'application-received':
      return body({
        subject: `${n.version > 1 ? 'Amended application' : 'Application'} received: ${site()} — ${config.title}`,
        paragraphs: [
          n.version > 1
            ? `We received the amended application (version ${n.version}) of ${site()}. It replaces the earlier one.`
            : `We received the application of ${site()}. Thank you.`,
          `You can amend it until applications close on ${when(schedule.applicationsClose)}. Faculty decisions are due by ${day(schedule.decisionsDue)}.`,
        ],
      });
    case 'review-reminder':
      return body({
        subject: `Decisions due ${day(schedule.decisionsDue)}: ${n.undecided.length} application(s) to review — ${config.title}`,
        paragraphs: [
          `Decisions on the applications to the ${config.title} are due by ${when(schedule.decisionsDue)}.`,
          `Still to decide: ${(data.undecidedNames ?? n.undecided).join(', ')}.`,
        ],
      });
    case 'decisions-overdue':
      return body({
        subject: `Overdue: ${n.undecided.length} application(s) undecided — ${config.title}`,
        paragraphs: [
          `Decisions were due by ${when(schedule.decisionsDue)}, but these applications are still undecided: ${(data.undecidedNames ?? n.undecided).join(', ')}.`,
          'Notification of every site waits until each application has a decision. Please follow up with the faculty.',
        ],
      });
    case 'decision': {
      const ls1 = schedule.learningSessions[0]!;
      const text: Record<typeof n.decision, string[]> = {
        accept: [
          n.promoted
            ? `Good news: a place has opened in the ${config.title}, and ${site()} has been accepted from the waiting list.`
            : `Congratulations: ${site()} has been accepted into the ${config.title}.`,
          n.catchUp?.length
            ? `The collaborative is under way: ${n.catchUp.map(SESSION).join(', ')} ${n.catchUp.length > 1 ? 'have' : 'has'} already taken place. Your team joins now and catches up with the faculty's help: please complete the pre-work (checklist, commitment forms, baseline data) as soon as you can, and ask the faculty for the materials of what you missed.`
            : `Pre-work begins ${data.preworkStart ? day(data.preworkStart) : 'now'}: a pre-work checklist, commitment forms and baseline data. ${SESSION(0)} starts ${when(ls1.start)} at ${ls1.venue}.`,
        ],
        waitlist: [
          `Thank you for applying to the ${config.title}. ${site()} has been placed on the waiting list; we will write at once if a place opens.`,
        ],
        decline: [
          `Thank you for applying to the ${config.title}. We are unable to offer ${site()} a place in this collaborative.`,
        ],
      };
      return body({
        subject: `${{ accept: 'Accepted', waitlist: 'Waiting list', decline: 'Your application' }[n.decision]}: ${site()} — ${config.title}`,
        paragraphs: [
          ...text[n.decision],
          ...(data.decisionNotes ? [`Notes from the faculty: ${data.decisionNotes}`] : []),
        ],
        table:
          n.decision === 'accept'
            ? { caption: `Timeline (${tz})`, rows: timelineRows(schedule, tz) }
            : undefined,
        action:
          n.decision === 'accept' && data.teamUrl
            ? { label: 'Open your team page', url: data.teamUrl }
            : undefined,
      });
    }
    case 'waitlist-update':
      return body({
        subject:
          n.stage === 'closed'
            ? `The waiting list is closed — ${config.title}`
            : `${SESSION(0)} has begun — ${config.title}`,
        paragraphs:
          n.stage === 'closed'
            ? [
                `The ${config.title} has ended, and with it the waiting list on which ${site()} was placed. No place opened for your team this time.`,
                'Thank you for your interest: we hope to see an application from you for a future collaborative.',
              ]
            : [
                `${SESSION(0)} of the ${config.title} began on ${day(schedule.learningSessions[0]!.start)} with the accepted teams. ${site()} remains on the waiting list.`,
                'From now on a place that opens is not filled automatically: the coordinators may still offer one, with help to catch up on what was missed. We will write at once if they do; otherwise you will hear from us when the collaborative ends.',
              ],
      });
    case 'withdrawal': {
      const cancelled = cancellations(data.cancels ?? [], ctx);
      return {
        ...body({
          subject: `Withdrawal confirmed: ${site()} — ${config.title}`,
          paragraphs: [
            `${site()} has withdrawn from the ${config.title}. No further invitations or reminders will be sent to the team.`,
            ...(cancelled.sentence ? [cancelled.sentence] : []),
            ...(data.promotedSiteName
              ? [`${data.promotedSiteName} has been offered the place from the waiting list.`]
              : []),
          ],
        }),
        calendar: cancelled.specs[0],
        moreCalendars: cancelled.specs.slice(1),
      };
    }
    case 'prework':
      return body({
        subject: `Pre-work for ${config.title}: checklist, commitment form, baseline data`,
        paragraphs: [
          `Welcome to the ${config.title}. Before ${SESSION(0)} (${day(schedule.learningSessions[0]!.start)}), ${site()} completes its pre-work:`,
          '1. the pre-work checklist; 2. the commitment form signed by the senior leader; 3. the baseline metrics (Core Data Set), submitted by the data manager.',
        ],
        action: data.preworkUrl ? { label: 'Open the pre-work', url: data.preworkUrl } : undefined,
      });
    case 'prework-reminder':
      return body({
        subject: `Reminder: pre-work still open (${n.pending.join(', ')}) — ${config.title}`,
        paragraphs: [
          `${site()} has not yet completed: ${n.pending.join(', ')}. ${SESSION(0)} starts ${when(schedule.learningSessions[0]!.start)}.`,
        ],
        action: data.preworkUrl ? { label: 'Complete the pre-work', url: data.preworkUrl } : undefined,
      });
    case 'session-invite':
    case 'session-reminder': {
      const ls = schedule.learningSessions[n.session]!;
      requireValues(`notice ${n.kind}`, { session: ls?.start, venue: ls?.venue });
      const invite = n.kind === 'session-invite';
      return {
        ...body({
          subject: invite
            ? `Invitation: ${SESSION(n.session)}, ${day(ls.start)} — ${config.title}`
            : `Reminder: ${SESSION(n.session)} in ${n.daysBefore} days — ${config.title}`,
          paragraphs: [
            invite
              ? `The core team of ${site()} is invited to ${SESSION(n.session)} of the ${config.title}. The whole core team attends.`
              : `${SESSION(n.session)} of the ${config.title} is in ${n.daysBefore} days.`,
            `When: ${when(ls.start)} to ${when(ls.end)}.`,
            `Where: ${ls.venue}.`,
          ],
          action: data.teamUrl ? { label: 'Confirm who attends', url: data.teamUrl } : undefined,
          sections: resourceSections(data.resources),
        }),
        calendar: invite
          ? entrySpec({ kind: 'session', index: n.session, sequence: n.sequence }, ctx, 'REQUEST')
          : undefined,
      };
    }
    case 'session-missed':
      return body({
        subject: `${site()} missed ${SESSION(n.session)} — ${config.title}`,
        paragraphs: [
          `No member of the core team of ${site()} was recorded as present at ${SESSION(n.session)} (${day(schedule.learningSessions[n.session]!.start)}).`,
          'If this is a recording error, record the attendance; otherwise consider reaching out to the team.',
        ],
      });
    case 'consultation-invite':
    case 'consultation-reminder': {
      const series = schedule.consultation[n.series]!;
      const at = series.calls[n.call]!;
      requireValues(`notice ${n.kind}`, { call: at });
      const name = callName(series.kind);
      const invite = n.kind === 'consultation-invite';
      return {
        ...body({
          subject: `${invite ? 'Invitation' : 'Reminder'}: ${name}, ${day(at)} — ${config.title}`,
          paragraphs: [
            invite
              ? `You are invited to the next ${name.toLowerCase()} of the ${config.title}.`
              : `The ${name.toLowerCase()} is tomorrow.`,
            `When: ${when(at)} (${series.durationMinutes} minutes).`,
            ...(series.link ? [`Join: ${series.link}`] : []),
          ],
          sections: resourceSections(data.resources),
        }),
        calendar: invite
          ? entrySpec({ kind: 'call', series: n.series, index: n.call, sequence: 0 }, ctx, 'REQUEST')
          : undefined,
      };
    }
    case 'consultation-series-invite': {
      const series = schedule.consultation[n.series]!;
      const r = series.recurrence;
      requireValues(`notice ${n.kind}`, { rule: r, first: series.calls[0], last: series.calls.at(-1) });
      const name = callName(series.kind);
      const changes = [
        ...r!.skipped.map((t) => `no call on ${day(t)}`),
        ...r!.cancelled.map((t) => `no call on ${day(t)} (cancelled)`),
        ...r!.moved.map((m) => `the call of ${day(m.from)} moves to ${when(m.to)}`),
      ];
      return {
        ...body({
          subject: `Invitation: ${name}s, from ${day(series.calls[0]!)} — ${config.title}`,
          paragraphs: [
            `You are invited to the ${name.toLowerCase()}s of the ${config.title}, one calendar entry for the whole series.`,
            `When: ${series.calls.length} calls from ${when(series.calls[0]!)} to ${day(series.calls.at(-1)!)} (${series.durationMinutes} minutes each); a reminder comes the day before each call.`,
            ...(changes.length ? [`Except: ${changes.join('; ')}.`] : []),
            ...(series.link ? [`Join: ${series.link}`] : []),
          ],
          sections: resourceSections(data.resources),
        }),
        calendar: entrySpec({ kind: 'series', series: n.series, sequence: 0 }, ctx, 'REQUEST'),
      };
    }
    case 'consultation-moved': {
      const series = schedule.consultation[n.series]!;
      const m = series.recurrence?.moved[n.moved];
      requireValues(`notice ${n.kind}`, { from: m?.from, to: m?.to });
      const name = callName(series.kind);
      const spec = entrySpec({ kind: 'series', series: n.series, sequence: 1 }, ctx, 'REQUEST');
      return {
        ...body({
          subject: `Moved: ${name}, ${day(m!.from)} is on ${day(m!.to)} — ${config.title}`,
          paragraphs: [
            `The ${name.toLowerCase()} of ${day(m!.from)} (${config.title}) moves to another date.`,
            `When: ${when(m!.to)} (${series.durationMinutes} minutes).`,
            'The entry of this call in your calendar is updated with this email; the other calls stay as they are.',
            ...(series.link ? [`Join: ${series.link}`] : []),
          ],
          sections: resourceSections(data.resources),
        }),
        calendar: { ...spec, rule: { ...spec.rule!, only: m!.from } },
      };
    }
    case 'feedback':
      requireValues('notice feedback', { text: data.feedbackText, by: data.feedbackBy });
      return body({
        subject: `Feedback from the faculty — ${config.title}`,
        paragraphs: [`${data.feedbackBy} has written to ${site()}:`, data.feedbackText!],
      });
    case 'schedule-change': {
      const m = /^(informationalCalls|learningSessions)\[(\d+)\]$/.exec(n.milestone);
      const label = m
        ? m[1] === 'learningSessions'
          ? SESSION(Number(m[2]))
          : `Informational call ${Number(m[2]) + 1}`
        : ({
            announcement: 'The announcement',
            applicationsOpen: 'The opening of applications',
            applicationsClose: 'The application deadline',
            decisionsDue: 'The decision deadline',
            notification: 'The notification of decisions',
            prework: 'The start of pre-work',
            preworkEnd: 'The end of pre-work',
            end: 'The end of the collaborative',
          }[n.milestone] ?? n.milestone);
      const session = m && m[1] === 'learningSessions' ? schedule.learningSessions[Number(m[2])] : undefined;
      const call = m && m[1] === 'informationalCalls' ? schedule.informationalCalls[Number(m[2])] : undefined;
      const date =
        session?.start ?? call?.start ?? (schedule as unknown as Record<string, string>)[n.milestone];
      return {
        ...body({
          subject: `Schedule change: ${label} moves to ${day(date!)} — ${config.title}`,
          paragraphs: [
            `${label} of the ${config.title} has moved to ${when(date!)}.`,
            'The updated timeline is below.',
          ],
          table: { caption: `Timeline (${tz})`, rows: timelineRows(schedule, tz) },
        }),
        // The update goes only to those whose calendar holds the event (the team for a session, the
        // PIs for an informational call): for anyone else it would be an update of nothing.
        calendar:
          session && data.teamMember
            ? entrySpec({ kind: 'session', index: Number(m![2]), sequence: n.version }, ctx, 'REQUEST')
            : call && data.registrant
              ? entrySpec({ kind: 'info-call', call: Number(m![2]), sequence: n.version }, ctx, 'REQUEST')
              : undefined,
      };
    }
    case 'cancelled': {
      // Sessions as the workflow lists them (team members hold them all); calls and consultation
      // series as this person was sent them.
      const sessions: CalendarSpec[] = data.teamMember
        ? (n.sessions ?? []).map(({ index, sequence }) =>
            entrySpec({ kind: 'session', index, sequence }, ctx, 'CANCEL'),
          )
        : [];
      const held = cancellations(
        (data.cancels ?? []).filter((e) => e.kind !== 'session'),
        ctx,
      );
      const cancels = [...sessions, ...held.specs];
      const named = [...new Set(cancels.map((c) => c.summary.split(':')[0]))].join(', ');
      return {
        ...body({
          subject: `Cancelled: ${config.title}`,
          paragraphs: [
            `We are sorry to tell you that the ${config.title} has been cancelled.`,
            ...(n.reason ? [`Reason: ${n.reason}`] : []),
            !cancels.length
              ? 'No further invitations or reminders will be sent.'
              : held.specs.length
                ? `The calendar entries of what was still to come (${named}) are cancelled with this email.`
                : `The calendar entries of the sessions still to come (${named}) are cancelled with this email.`,
          ],
        }),
        calendar: cancels[0],
        moreCalendars: cancels.slice(1),
      };
    }
    case 'metrics-reminder': {
      const periods = n.missing.join(', ');
      const lead = {
        1: `The metrics of ${site()} for ${n.period} are due today.`,
        2: `Second reminder: we have not yet received the metrics of ${site()}.`,
        3: `The metrics of ${site()} are overdue, and we ask for your help as senior leader.`,
      }[n.rung];
      return body({
        subject: `${n.rung === 1 ? 'Metrics due' : 'Overdue metrics'}: ${periods} — ${config.title}`,
        paragraphs: [
          lead,
          `Missing period${n.missing.length > 1 ? 's' : ''}: ${periods}.`,
          ...(data.missingMeasures?.length
            ? [`Measures to report: ${data.missingMeasures.join('; ')}.`]
            : []),
        ],
        action: data.metricsUrl ? { label: 'Submit the metrics', url: data.metricsUrl } : undefined,
      });
    }
    case 'metrics-digest': {
      const rows = data.digestRows ?? [];
      const failed = data.failedEmails ?? [];
      if (!rows.length && !failed.length) throw new Error('template metrics-digest: nothing to report');
      return body({
        subject: `Weekly digest: ${rows.length} team(s) with missing metrics${failed.length ? `, ${failed.length} undelivered email(s)` : ''} — ${config.title}`,
        paragraphs: [
          rows.length
            ? 'These teams still owe metrics for the periods listed, past the reminders of the chase ladder.'
            : 'Every team is up to date with its metrics.',
          ...(failed.length
            ? [
                `Emails that could not be delivered (fix the address in the directory or the application): ${failed.map(([to, why]) => `${to} (${why})`).join('; ')}.`,
              ]
            : []),
        ],
        table: rows.length ? { caption: 'Missing metrics', rows } : undefined,
      });
    }
    case 'storyboard-request':
    case 'storyboard-reminder':
      return renderStoryboardAsk(n, data, site(), ctx, { when, day, letter: body });
    case 'shared-digest':
      return renderSharedDigest(n, data, ctx, { when, day, letter: body });
    case 'final-report':
      requireValues('notice final-report', { report: data.reportRows });
      return {
        ...body({
          subject: `Final report — ${config.title}`,
          heading: `Final report: ${config.title}`,
          paragraphs: data.reportText ?? [],
          table: { caption: 'Teams', rows: data.reportRows! },
          sections: data.reportSections,
          figures: (data.charts ?? []).map((c) => ({ caption: c.caption, html: c.svg })),
        }),
        attachments: data.csv
          ? [
              {
                filename: `${ctx.slug}-metrics.csv`,
                content: data.csv,
                contentType: 'text/csv; charset=utf-8',
              },
            ]
          : undefined,
      };
  }
}

/** The library's resources as the email's list, each with its address; none: no list. */
function resourceSections(
  list: ResourceLink[] | undefined,
): { heading: string; items: string[] }[] | undefined {
  if (!list?.length) return undefined;
  return [
    {
      heading: 'Resources from the faculty',
      items: list.map((r) => `${r.title} (${RESOURCE_KIND_WORDS[r.kind].toLowerCase()}): ${r.url}`),
    },
  ];
}
