/**
 * Which of a collaborative's windows are open now, read from its schedule and phase: what the web
 * pages show (a form, or a sentence saying when it opens or that it closed). The workflow's own
 * checks stay the rule; this says the same ahead of a submit, so nobody fills in a form that
 * would be refused.
 */
import { currentSchedule, type CollaborativeDoc } from '../store/collaboratives';
import { PHASES, type Phase } from '../domain/phases';
import { ms } from '../domain/schedule';

export interface Windows {
  /** Cancelled, or ended (closing, completed): nothing more is taken. */
  over: 'cancelled' | 'ended' | undefined;
  applications: { state: 'not-yet-open' | 'open' | 'closed'; opens: string; closes: string };
  /** Decisions are made after applications close, until they are sent to the sites (the notification). */
  decisions: { state: 'not-yet' | 'open' | 'sent'; from: string; due: string };
  /** Learning sessions that have begun (their index), for attendance. */
  sessionsBegun: number[];
}

const after = (phase: Phase, than: Phase) => PHASES.indexOf(phase) > PHASES.indexOf(than);

export function windowsOf(doc: CollaborativeDoc, phase: Phase, now: number): Windows {
  const s = currentSchedule(doc);
  const over =
    phase === 'cancelled' ? 'cancelled' : phase === 'closing' || phase === 'completed' ? 'ended' : undefined;
  const open = ms(s.applicationsOpen);
  const close = ms(s.applicationsClose);
  return {
    over,
    applications: {
      state: now < open ? 'not-yet-open' : now < close && !over ? 'open' : 'closed',
      opens: s.applicationsOpen,
      closes: s.applicationsClose,
    },
    decisions: {
      state: now < close ? 'not-yet' : over || after(phase, 'review') ? 'sent' : 'open',
      from: s.applicationsClose,
      due: s.decisionsDue,
    },
    sessionsBegun: s.learningSessions.flatMap((ls, i) => (ms(ls.start) <= now ? [i] : [])),
  };
}
