/**
 * The SMTP pool (createTransport) sends on sockets with TCP_NODELAY set: nodemailer leaves Nagle's
 * algorithm on, and each message's closing "." then waits for the server's delayed ACK.
 *
 * Node has no getter for the option, so the kernel is asked: this process's TCP connections to
 * the test's SMTP server are found in /proc/net/tcp and /proc/self/fd, and each socket is handed
 * to a `python3` child (as its fd 3, the same socket) that reads TCP_NODELAY with getsockopt.
 * nodemailer's own pool, beside it, shows that the check can tell the difference. Plain SMTP,
 * STARTTLS and implicit TLS (smtps://) each go through the same socket, with TLS done by
 * nodemailer. Real SMTP servers (`smtp-server`, its built-in self-signed certificate), no mocks.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import nodemailer, { type Transporter } from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { createTransport } from '../../mail/outbox';
import { freePort } from '../../tools/services';

const FROM = 'LC Tests <lc@tests.example.org>';

/** A real SMTP server on a free loopback port that records whether each message came over TLS. */
async function smtpServer(o: { secure?: boolean; starttls?: boolean; port?: number } = {}) {
  const port = o.port ?? (await freePort());
  const received: { secure: boolean }[] = [];
  const server = new SMTPServer({
    secure: !!o.secure,
    authOptional: true,
    disabledCommands: o.starttls ? [] : ['STARTTLS'],
    logger: false,
    onData(stream, session, cb) {
      stream.resume();
      stream.on('end', () => {
        received.push({ secure: !!session.secure });
        cb();
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { port, received, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/**
 * TCP_NODELAY (0 or 1, as getsockopt reports it) of each of this process's established TCP
 * connections to 127.0.0.1:`port`, the client ends only.
 */
function noDelayOfConnectionsTo(port: number): number[] {
  const remote = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const inodes = new Set<string | undefined>(
    fs
      .readFileSync('/proc/net/tcp', 'utf8')
      .split('\n')
      .slice(1)
      .map((l) => l.trim().split(/\s+/))
      // sl local rem st … inode: established (01) connections whose remote end is the server
      .filter((f) => f[2] === remote && f[3] === '01')
      .map((f) => f[9]),
  );
  const fds = fs.readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return inodes.has(/^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/self/fd/${fd}`))?.[1]);
    } catch {
      return false; // closed since the listing
    }
  });
  return fds.map((fd) => {
    const r = spawnSync(
      'python3',
      [
        '-c',
        'import socket; s = socket.socket(fileno=3); ' +
          'print(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)); s.detach()',
      ],
      { stdio: ['ignore', 'pipe', 'pipe', Number(fd)], encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`python3 getsockopt failed: ${r.stderr || r.error?.message}`);
    return Number(r.stdout.trim()) ? 1 : 0;
  });
}

/** Sends `n` messages at once through the transport (a pool opens up to its maxConnections). */
async function sendSome(transport: Transporter, n: number): Promise<void> {
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      transport.sendMail({ from: FROM, to: `pi${i}@site.example.org`, subject: `s${i}`, text: 'hello' }),
    ),
  );
}

describe('the SMTP pool sets TCP_NODELAY on its sockets', () => {
  const stops: (() => unknown)[] = [];
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  });

  it('on plain SMTP connections, where nodemailer alone leaves Nagle on', async () => {
    const ours = await smtpServer();
    const theirs = await smtpServer();
    stops.push(ours.stop, theirs.stop);
    const transport = createTransport({
      smtpUrl: `smtp://127.0.0.1:${ours.port}`,
      from: FROM,
      maxConnections: 3,
    });
    const plain = nodemailer.createTransport({
      host: '127.0.0.1',
      port: theirs.port,
      pool: true,
      maxConnections: 3,
    });
    stops.push(
      () => transport.close(),
      () => plain.close(),
    );
    await sendSome(transport, 6);
    await sendSome(plain, 6);
    expect([ours.received.length, theirs.received.length]).toEqual([6, 6]);
    // The pools keep their connections open after sending.
    const [withOption, without] = [noDelayOfConnectionsTo(ours.port), noDelayOfConnectionsTo(theirs.port)];
    expect(withOption.length).toBeGreaterThan(0);
    expect(without.length).toBeGreaterThan(0);
    expect({ withOption, without }).toEqual({
      withOption: withOption.map(() => 1),
      without: without.map(() => 0),
    });
  });

  it('over STARTTLS and over implicit TLS (smtps://), with nodemailer doing the TLS', async () => {
    const starttls = await smtpServer({ starttls: true });
    const implicit = await smtpServer({ secure: true });
    stops.push(starttls.stop, implicit.stop);
    // The servers' certificate is smtp-server's self-signed one.
    const overStarttls = createTransport({
      smtpUrl: `smtp://127.0.0.1:${starttls.port}/?tls.rejectUnauthorized=false`,
      from: FROM,
    });
    const overTls = createTransport({
      smtpUrl: `smtps://127.0.0.1:${implicit.port}/?tls.rejectUnauthorized=false`,
      from: FROM,
    });
    stops.push(
      () => overStarttls.close(),
      () => overTls.close(),
    );
    await sendSome(overStarttls, 3);
    await sendSome(overTls, 3);
    expect({ starttls: starttls.received, implicit: implicit.received }).toEqual({
      starttls: Array(3).fill({ secure: true }),
      implicit: Array(3).fill({ secure: true }),
    });
    const sockets = [...noDelayOfConnectionsTo(starttls.port), ...noDelayOfConnectionsTo(implicit.port)];
    expect(sockets.length).toBeGreaterThanOrEqual(2);
    expect(sockets).toEqual(sockets.map(() => 1));
  });

  it('reports a server that is not there as nodemailer does (connection refused), and does not hang', async () => {
    const transport = createTransport({ smtpUrl: `smtp://127.0.0.1:${await freePort()}`, from: FROM });
    stops.push(() => transport.close());
    await expect(sendSome(transport, 1)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('keeps the pool working through an outage: every send refused while the server is down, all sent once it is back', async () => {
    // More sends than the pool has connections (3): a refused connect must not leave a dead slot.
    const port = await freePort();
    const transport = createTransport({ smtpUrl: `smtp://127.0.0.1:${port}`, from: FROM });
    stops.push(() => transport.close());
    const down = await Promise.allSettled(
      Array.from({ length: 7 }, (_, i) => sendSome(transport, 1).then(() => i)),
    );
    expect(down.map((r) => r.status)).toEqual(Array(7).fill('rejected'));
    const server = await smtpServer({ port });
    stops.push(server.stop);
    await sendSome(transport, 7);
    expect(server.received).toHaveLength(7);
    expect(noDelayOfConnectionsTo(port).every((v) => v === 1)).toBe(true);
  });
});
