/**
 * How every process reaches Temporal: the address plus TLS (mTLS client certificate, a private CA,
 * a server name override) or a Temporal Cloud API key, from the settings. The same options serve
 * the client's `Connection.connect` (CLI, web app, start script, health check) and the worker's
 * `NativeConnection.connect`. The files are read here, once, at start; one that cannot be read
 * stops the process with the variable that names it.
 */
import fs from 'node:fs';
import { ValidationError } from '../domain/errors';
import type { Settings } from '../domain/settings';

export type TemporalSettings = Pick<Settings, 'TEMPORAL_ADDRESS'> &
  Partial<
    Pick<
      Settings,
      | 'TEMPORAL_TLS'
      | 'TEMPORAL_TLS_CERT'
      | 'TEMPORAL_TLS_KEY'
      | 'TEMPORAL_TLS_CA'
      | 'TEMPORAL_TLS_SERVER_NAME'
      | 'TEMPORAL_API_KEY'
    >
  >;

/** What both Connection.connect and NativeConnection.connect accept. */
export interface TemporalConnectionOptions {
  address: string;
  /** Absent: plaintext. `false`: plaintext even with an API key (which turns TLS on by default). */
  tls?:
    | {
        serverNameOverride?: string;
        serverRootCACertificate?: Buffer;
        clientCertPair?: { crt: Buffer; key: Buffer };
      }
    | false;
  apiKey?: string;
}

export function temporalConnectionOptions(
  s: TemporalSettings,
  readFile: (file: string) => Buffer = (file) => fs.readFileSync(file),
): TemporalConnectionOptions {
  const problems: string[] = [];
  const read = (name: keyof TemporalSettings): Buffer | undefined => {
    const file = s[name] as string | undefined;
    if (!file) return undefined;
    try {
      const data = readFile(file);
      if (!/-----BEGIN [A-Z ]+-----/.test(data.toString('latin1')))
        problems.push(`${name}: ${file} is not a PEM file (no -----BEGIN …----- line)`);
      return data;
    } catch (err) {
      problems.push(
        `${name}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      );
      return undefined;
    }
  };
  const crt = read('TEMPORAL_TLS_CERT');
  const key = read('TEMPORAL_TLS_KEY');
  const ca = read('TEMPORAL_TLS_CA');
  if (problems.length) throw new ValidationError('the environment', problems);

  const tls = {
    ...(s.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: s.TEMPORAL_TLS_SERVER_NAME } : {}),
    ...(ca ? { serverRootCACertificate: ca } : {}),
    ...(crt && key ? { clientCertPair: { crt, key } } : {}),
  };
  // TLS is on when asked for, when anything TLS is configured, and with an API key (Temporal
  // Cloud only takes API keys over TLS), unless TEMPORAL_TLS=false says otherwise.
  const on = s.TEMPORAL_TLS ?? (Object.keys(tls).length > 0 || s.TEMPORAL_API_KEY !== undefined);
  return {
    address: s.TEMPORAL_ADDRESS,
    ...(on ? { tls } : s.TEMPORAL_API_KEY ? { tls: false as const } : {}),
    ...(s.TEMPORAL_API_KEY ? { apiKey: s.TEMPORAL_API_KEY } : {}),
  };
}

/** One line for logs: where and how, never the secrets. */
export function describeTemporalConnection(o: TemporalConnectionOptions): string {
  const how = [
    o.tls ? (o.tls.clientCertPair ? 'mTLS' : 'TLS') : 'plaintext',
    ...(o.apiKey ? ['API key'] : []),
  ].join(' + ');
  return `${o.address} (${how})`;
}
