/**
 * What operators watch: structured JSON logs (pino), Prometheus metrics of the app's own work
 * (emails by purpose and outcome), and /healthz + /readyz for orchestrators. Temporal's own
 * runtime metrics are exported by the SDK on TEMPORAL_METRICS_PORT when set.
 */
import http from 'node:http';
import pino from 'pino';
import { Counter, collectDefaultMetrics, Registry } from 'prom-client';

export const logger = pino({ base: { service: 'lc-worker' }, timestamp: pino.stdTimeFunctions.isoTime });

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'lc_process_' });
  const emails = new Counter({
    name: 'lc_emails_total',
    help: 'Emails handled by the outbox, by purpose and outcome (sent, already-sent, failed)',
    labelNames: ['purpose', 'outcome'] as const,
    registers: [registry],
  });
  const reminders = new Counter({
    name: 'lc_reminders_sent_total',
    help: 'Reminder emails sent (informational calls, applications, pre-work, sessions, metrics ladder, consultation)',
    labelNames: ['purpose'] as const,
    registers: [registry],
  });
  const overdue = new Counter({
    name: 'lc_overdue_metrics_reminders_total',
    help: 'Metrics-ladder reminders sent for overdue data',
    registers: [registry],
  });
  return {
    registry,
    count(e: { purpose: string; outcome: 'sent' | 'already-sent' | 'failed' }) {
      emails.inc({ purpose: e.purpose, outcome: e.outcome });
      if (e.outcome !== 'sent') return;
      if (/reminder|closing/.test(e.purpose)) reminders.inc({ purpose: e.purpose });
      if (e.purpose === 'metrics-reminder') overdue.inc();
    },
  };
}

export function startHealthServer(o: {
  port: number;
  host: string;
  registry: Registry;
  ready: () => boolean;
}): http.Server {
  const server = http.createServer(async (req, res) => {
    if (req.url === '/healthz') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    if (req.url === '/readyz') {
      const ready = o.ready();
      return void res
        .writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' })
        .end(ready ? 'ready' : 'not ready');
    }
    if (req.url === '/metrics') {
      return void res
        .writeHead(200, { 'content-type': o.registry.contentType })
        .end(await o.registry.metrics());
    }
    res.writeHead(404).end();
  });
  server.listen(o.port, o.host);
  return server;
}
