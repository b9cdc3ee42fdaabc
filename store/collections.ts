/** The collections, named here once (db.ts re-exports them). */
export const COLLECTIONS = {
  sites: 'sites',
  collaboratives: 'collaboratives',
  outbox: 'outbox',
  /** Each email's subject and body as sent (personal links masked), by the outbox key. */
  emailBodies: 'emailBodies',
  applications: 'applications',
  teams: 'teams',
  attendance: 'attendance',
  prework: 'prework',
  feedback: 'feedback',
  callRegistrations: 'callRegistrations',
  callAttendance: 'callAttendance',
  reports: 'reports',
  metrics: 'metrics',
  /** Addresses that the SMTP server refused permanently. */
  bounces: 'bounces',
  /** Learning Communities: their config and phase, their members, what they share, their meetings. */
  communities: 'communities',
  members: 'communityMembers',
  shares: 'communityShares',
  meetingAttendance: 'communityMeetingAttendance',
  meetingSummaries: 'communityMeetingSummaries',
  /** What a collaborative's teams share: their PDSA cycles, the faculty's answers, the resource library. */
  pdsaCycles: 'pdsaCycles',
  pdsaAnswers: 'pdsaAnswers',
  resources: 'resources',
  /** Each team's current storyboard per learning session, and the GridFS bucket of their files
   * (its collections are `storyboardFiles.files` and `storyboardFiles.chunks`). */
  storyboards: 'storyboards',
  storyboardFiles: 'storyboardFiles',
  /** The web app's one-time sign-in links, and the flash a form leaves for the page after it. */
  signins: 'signins',
  webFlash: 'webFlash',
  /** Rendered run charts, by page, with the stamp of the data they plot (store/chart-cache.ts). */
  chartCache: 'chartCache',
  /** The store's own bookkeeping: which one-time migrations ran, and any one left midway. */
  migrations: 'migrations',
} as const;
