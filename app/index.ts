/** The use cases that the CLI and the web app call: the application layer, the only one that talks to Temporal's client. */
export * from './collaborative';
export * from './community';
export * from './compliance';
export * from './directory';
export * from './email-log';
export * from './errors';
export * from './gateway';
export * from './previews';
export * from './reading';
export * from './validate';
export * from './database';
export * from './records';
export * from './charts';
export * from './windows';
export * from './csv';
export * from './exports';
