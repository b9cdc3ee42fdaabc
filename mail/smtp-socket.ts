/**
 * TCP_NODELAY on the SMTP pool's sockets (createTransport in outbox.ts). nodemailer leaves Nagle's
 * algorithm on, so each message's closing "." line, a few bytes written after the body, waits
 * until the server has ACKed the body, which it delays (~40 ms on Linux): about 20 messages per
 * second per connection, whatever the server could take (bench/README.md, fan-out).
 *
 * nodemailer 8 has no socket option for it. Its pool's `getSocket` hook may hand it a connected
 * socket ({connection}); nodemailer then runs the session on it as on its own: TLS (at once for
 * smtps://, by STARTTLS when offered), greeting, socket timeouts and close are nodemailer's. Only
 * the TCP connect is ours, with the pool's connection timeout. (A socket handed over unconnected,
 * {socket}, is ignored by the pool.)
 */
import net from 'node:net';
import type SMTPPool from 'nodemailer/lib/smtp-pool';

export function noDelaySocket(
  o: SMTPPool.Options,
  done: (err: Error | null, socketOptions?: { connection: net.Socket } | false) => void,
): void {
  let settled = false;
  const socket = net.connect({
    host: o.host || 'localhost',
    // nodemailer's defaults when the URL names no port.
    port: Number(o.port) || (o.secure ? 465 : 587),
    ...(o.localAddress ? { localAddress: o.localAddress } : {}),
    noDelay: true,
  });
  const settle = (err: Error | null) => {
    if (settled) return;
    settled = true;
    socket.off('error', settle).off('timeout', timedOut).setTimeout(0);
    if (err) {
      socket.destroy();
      // nodemailer then connects by itself, and reports the failure through its own 'error' path.
      // Handing the error back instead would wedge the pool: nodemailer 8 drops a pool resource
      // only on that event, so after maxConnections refused connects no message is ever sent.
      return done(null);
    }
    done(null, { connection: socket });
  };
  const timedOut = () => settle(Object.assign(new Error('Connection timeout'), { code: 'ETIMEDOUT' }));
  socket.setTimeout(o.connectionTimeout ?? 120_000);
  socket
    .once('error', settle)
    .once('timeout', timedOut)
    .once('connect', () => settle(null));
}
