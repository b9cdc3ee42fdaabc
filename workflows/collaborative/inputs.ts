/** The collaborative's inputs: each validated against the run's state, then applied to it. */
import { getExternalWorkflowHandle, patched } from '@temporalio/workflow';
import {
  addFacultySchema,
  addSiteSchema,
  applicationSchema,
  callAttendanceSchema,
  callRegistrationSchema,
  cancelSchema,
  decisionSchema,
  feedbackSchema,
  parseInput,
  rescheduleSchema,
  withdrawalSchema,
} from '../../domain/inputs';
import { milestoneDate, milestoneNames, moveMilestone, ms, scheduleProblems } from '../../domain/schedule';
import {
  addFaculty,
  addSite,
  cancel,
  recordCallAttendance,
  recordDecision,
  recordFeedback,
  registerForCall,
  reschedule,
  scheduleChanged,
  submitApplication,
  withdraw,
} from '../definitions';
import { handleInput, refuse } from '../inputs';
import { teamWorkflowId } from '../team';
import { mail, records, signalTeam, type Run } from './run';
import { activeTeams, seriesInvited, storyboardsRequested, teamOf } from './state';

export function registerInputs(run: Run): void {
  const { s, slug, config, when, facultyEmails, coordinatorEmails } = run;
  const now = () => Date.now();
  const open = () => {
    if (s.cancelled) refuse(`the collaborative was cancelled (${s.cancelled.reason})`);
    if (s.phase === 'completed' || s.phase === 'closing') refuse('the collaborative has ended');
  };

  handleInput(
    submitApplication,
    (input) => {
      open();
      const app = parseInput(applicationSchema, input, 'the application');
      if (now() < ms(s.schedule.applicationsOpen))
        refuse(`applications open on ${when(s.schedule.applicationsOpen)}`);
      if (now() >= ms(s.schedule.applicationsClose))
        refuse(`applications closed on ${when(s.schedule.applicationsClose)}`);
      if (!s.announcedTo?.includes(app.siteId))
        refuse(
          `site "${app.siteId}" was not invited to this collaborative; ask the coordinator to add it to the network directory`,
        );
      return app;
    },
    async (app) => {
      const version = (teamOf(s, app.siteId)?.applicationVersion ?? 0) + 1;
      const summary = { siteId: app.siteId, state: 'applied' as const, applicationVersion: version };
      const at = s.teams.findIndex((t) => t.siteId === app.siteId);
      if (at >= 0) s.teams[at] = summary;
      else s.teams.push(summary);
      await records.recordApplication(slug, app, version);
      await run.effects.send({ notice: { kind: 'application-received', siteId: app.siteId, version } });
      return { siteId: app.siteId, version };
    },
    s.rejected,
  );

  handleInput(
    recordDecision,
    (input) => {
      open();
      const d = parseInput(decisionSchema, input, 'the decision');
      if (!facultyEmails.has(d.by))
        refuse(`${d.by} is not faculty of this collaborative; only its faculty decide`);
      if (!teamOf(s, d.siteId)?.applicationVersion) refuse(`site "${d.siteId}" has not applied`);
      if (now() < ms(s.schedule.applicationsClose))
        refuse(`decisions are made once applications close on ${when(s.schedule.applicationsClose)}`);
      if (s.notifiedAt)
        refuse(`decisions were sent to the sites on ${when(s.notifiedAt)}; to change a team, use withdraw`);
      return d;
    },
    async (d) => {
      teamOf(s, d.siteId)!.decision = d.decision;
      await records.recordDecision(slug, d);
      return { siteId: d.siteId, decision: d.decision };
    },
    s.rejected,
  );

  handleInput(
    withdraw,
    (input) => {
      open();
      const w = parseInput(withdrawalSchema, input, 'the withdrawal');
      if (teamOf(s, w.siteId)?.state !== 'accepted')
        refuse(`site "${w.siteId}" is not an accepted team of this collaborative`);
      return w;
    },
    async (w) => {
      teamOf(s, w.siteId)!.state = 'withdrawn';
      await records.recordTeam(slug, w.siteId, 'withdrawn', { reason: w.reason });
      await signalTeam(run, w.siteId, { reason: 'withdrawn', note: w.reason });
      // The first team on the waiting list takes the place while the sessions have not begun;
      // later only when the coordinator chooses it, and the team catches up on what it missed.
      const begun = s.schedule.learningSessions.flatMap((ls, i) => (ms(ls.start) <= now() ? [i] : []));
      const promoted = !begun.length || w.promoteLate ? s.waitlist.shift() : undefined;
      await run.effects.send({ notice: { kind: 'withdrawal', siteId: w.siteId, promoted } });
      if (promoted) {
        const team = teamOf(s, promoted)!;
        team.decision = 'accept';
        team.promoted = true;
        const note = `promoted from the waiting list when ${w.siteId} withdrew`;
        await records.recordDecision(slug, {
          siteId: promoted,
          decision: 'accept',
          notes: note,
          by: w.by ?? config.coordinators[0]!.email,
        });
        await run.effects.send({
          notice: {
            kind: 'decision',
            siteId: promoted,
            decision: 'accept',
            promoted: true,
            ...(begun.length ? { catchUp: begun } : {}),
          },
        });
        await run.effects.send({ startTeam: promoted, promoted: true });
        // The series invitations already sent to the others, for the series still to come.
        if (s.seriesInvites)
          for (const series of seriesInvited(s, now()))
            await run.effects.send({
              notice: { kind: 'consultation-series-invite', series, siteIds: [promoted] },
            });
        // The storyboard requests already sent to the others, for the sessions still to come.
        if (s.storyboardRequests && patched('promoted-storyboard-requests'))
          for (const session of storyboardsRequested(s, now()))
            await run.effects.send({
              notice: { kind: 'storyboard-request', session, siteIds: [promoted] },
            });
      }
      return { siteId: w.siteId, promoted };
    },
    s.rejected,
  );

  handleInput(
    reschedule,
    (input) => {
      open();
      const r = parseInput(rescheduleSchema, input, 'the reschedule');
      if (!coordinatorEmails.has(r.by) && !facultyEmails.has(r.by))
        refuse(`${r.by} may not change this collaborative's schedule`);
      // A run from before refuses the two own dates, as it did: the Signal twin of this input
      // validates again on replay, so what it refused then must stay refused.
      const names = milestoneNames(s.schedule).filter(
        (n) => s.ownDatesReschedulable || (n !== 'notification' && n !== 'preworkEnd'),
      );
      if (!names.includes(r.milestone as never))
        refuse(`unknown milestone "${r.milestone}"; one of: ${names.join(', ')}`);
      if (
        !/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(r.at) ||
        Number.isNaN(ms(r.at))
      )
        refuse(`"${r.at}" is not a date and time with a zone (e.g. 2027-05-17T09:00:00-04:00)`);
      const current = milestoneDate(s.schedule, r.milestone)!;
      if (ms(current) <= now()) refuse(`${r.milestone} already took place on ${when(current)}`);
      if (ms(r.at) <= now()) refuse(`the new date ${when(r.at)} has passed`);
      const moved = moveMilestone(s.schedule, r.milestone, new Date(ms(r.at)).toISOString());
      const problems = scheduleProblems(moved, {
        learningSessionCount: config.learningSessionCount,
        strictSpan: config.scheduleChecks === 'strict',
      });
      if (problems.length)
        refuse(`the new schedule does not hold: ${problems.map((p) => p.message).join('; ')}`);
      return r;
    },
    async (r) => {
      s.schedule = moveMilestone(s.schedule, r.milestone, new Date(ms(r.at)).toISOString());
      s.scheduleVersion++;
      const version = (s.milestoneVersions[r.milestone] = (s.milestoneVersions[r.milestone] ?? 0) + 1);
      await records.recordSchedule(slug, s.schedule, s.scheduleVersion);
      const tell = (siteId: string) =>
        getExternalWorkflowHandle(teamWorkflowId(slug, siteId)).signal(scheduleChanged, {
          schedule: s.schedule,
          milestone: r.milestone,
          version,
        });
      if (s.concurrentTeams) await Promise.all(activeTeams(s).map(tell));
      else for (const siteId of activeTeams(s)) await tell(siteId);
      const audience = /^(learningSessions|prework|end)/.test(r.milestone)
        ? activeTeams(s)
        : (s.announcedTo ?? []);
      if (s.announcedTo)
        await run.effects.send({
          notice: {
            kind: 'schedule-change',
            milestone: r.milestone,
            version,
            siteIds: audience,
          },
        });
      return {
        milestone: r.milestone,
        at: milestoneDate(s.schedule, r.milestone)!,
        version: s.scheduleVersion,
      };
    },
    s.rejected,
  );

  handleInput(
    cancel,
    (input) => {
      open();
      const c = parseInput(cancelSchema, input, 'the cancellation');
      if (!coordinatorEmails.has(c.by))
        refuse(`only a coordinator of this collaborative can cancel it (${c.by} is not one)`);
      return c;
    },
    async (c) => {
      s.cancelled = { reason: c.reason, by: c.by };
      return { cancelled: true as const };
    },
    s.rejected,
  );

  handleInput(
    recordFeedback,
    (input) => {
      open();
      const f = parseInput(feedbackSchema, input, 'the feedback');
      if (!facultyEmails.has(f.by)) refuse(`${f.by} is not faculty of this collaborative`);
      if (teamOf(s, f.siteId)?.state !== 'accepted') refuse(`site "${f.siteId}" is not an active team`);
      return f;
    },
    async (f) => {
      const n = (s.feedbackCount[f.siteId] ?? 0) + 1;
      s.feedbackCount[f.siteId] = n;
      await records.recordFeedback(slug, f, n);
      await run.effects.send({ notice: { kind: 'feedback', siteId: f.siteId, n } });
      return { siteId: f.siteId, n };
    },
    s.rejected,
  );

  handleInput(
    registerForCall,
    (input) => {
      open();
      const r = parseInput(callRegistrationSchema, input, 'the registration');
      const call = s.schedule.informationalCalls[r.call];
      if (!call) refuse(`there is no informational call ${r.call + 1}`);
      if (ms(call.start) <= now())
        refuse(`informational call ${r.call + 1} took place on ${when(call.start)}`);
      if (!s.announcedTo?.includes(r.siteId))
        refuse(`site "${r.siteId}" was not invited to this collaborative`);
      return r;
    },
    async (r) => {
      const registered = (s.callRegistrations[r.call] ??= []);
      if (!registered.includes(r.siteId)) registered.push(r.siteId);
      await records.recordCallRegistration(slug, r);
      return { call: r.call, siteId: r.siteId };
    },
    s.rejected,
  );

  handleInput(
    recordCallAttendance,
    (input) => {
      open();
      const a = parseInput(callAttendanceSchema, input, 'the attendance');
      const call = s.schedule.informationalCalls[a.call];
      if (!call) refuse(`there is no informational call ${a.call + 1}`);
      if (ms(call.start) > now())
        refuse(`informational call ${a.call + 1} has not taken place yet (${when(call.start)})`);
      const unknown = a.siteIds.filter((id) => !s.announcedTo?.includes(id));
      if (unknown.length) refuse(`not invited to this collaborative: ${unknown.join(', ')}`);
      return a;
    },
    async (a) => {
      await records.recordCallAttendance(slug, a);
      return { call: a.call, sites: a.siteIds.length };
    },
    s.rejected,
  );

  handleInput(
    addFaculty,
    (input) => {
      open();
      const f = parseInput(addFacultySchema, input, 'the new faculty member');
      if (!coordinatorEmails.has(f.by))
        refuse(`only a coordinator of this collaborative can add faculty (${f.by} is not one)`);
      if (facultyEmails.has(f.email)) refuse(`${f.email} is already faculty of this collaborative`);
      return f;
    },
    async (f) => {
      const person = { name: f.name, email: f.email };
      (s.addedFaculty ??= []).push(person);
      facultyEmails.add(f.email);
      await records.addFacultyMember(slug, person);
      return { email: f.email, faculty: facultyEmails.size };
    },
    s.rejected,
  );

  handleInput(
    addSite,
    (input) => {
      open();
      const a = parseInput(addSiteSchema, input, 'the late site');
      if (!coordinatorEmails.has(a.by))
        refuse(`only a coordinator of this collaborative can add a site (${a.by} is not one)`);
      if (!s.announcedTo)
        refuse(
          `the announcement goes out on ${when(s.schedule.announcement ?? s.schedule.applicationsOpen)}; sites added to the directory before then are announced with the others`,
        );
      if (now() >= ms(s.schedule.applicationsClose))
        refuse(`applications closed on ${when(s.schedule.applicationsClose)}; a site can no longer be added`);
      if (s.announcedTo.includes(a.siteId)) refuse(`site "${a.siteId}" was already announced to`);
      return a;
    },
    async (a) => {
      // The directory was checked at the edge (app/collaborative.ts addSite); the announcement
      // email is keyed by (collaborative, site) like the others, so it goes out once.
      s.announcedTo!.push(a.siteId);
      s.unknownSites = s.unknownSites.filter((id) => id !== a.siteId);
      await mail.sendAnnouncements({ slug, siteIds: [a.siteId] });
      return { siteId: a.siteId, announcedTo: s.announcedTo!.length };
    },
    s.rejected,
  );
}
