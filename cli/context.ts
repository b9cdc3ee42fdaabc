/** What the commands share: the settings and the connections, opened on first use and closed by main. */
import type { Client } from '@temporalio/client';
import type { Db } from 'mongodb';
import type { Outbox } from '../app';
import type { Settings } from '../domain/settings';

export interface CliContext {
  config(): Settings;
  db(): Promise<Db>;
  temporal(): Promise<Client>;
  /** The outbox over SMTP_URL, for the emails a command sends itself (a registrant's invitation). */
  outbox(): Promise<Outbox>;
}
