/**
 * Who may download which of a collaborative's CSV exports (app/exports.ts), and where: the same
 * people who see those records on its page. Applications, decisions, teams and attendance: its
 * coordinators and faculty; the metrics compliance and submissions: its coordinators.
 */
import type { ExportKind } from '../app';
import type { Role } from './auth';

export const EXPORT_ROLES: Record<ExportKind, Role[]> = {
  applications: ['coordinator', 'faculty'],
  decisions: ['coordinator', 'faculty'],
  teams: ['coordinator', 'faculty'],
  attendance: ['coordinator', 'faculty'],
  compliance: ['coordinator'],
  metrics: ['coordinator'],
};

/** The address of an export's download. */
export const exportPath = (slug: string, kind: ExportKind) => `/c/${slug}/exports/${kind}.csv`;
