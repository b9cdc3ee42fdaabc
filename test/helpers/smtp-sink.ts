/**
 * A real SMTP server (the `smtp-server` package) on a free loopback port, keeping what it
 * receives, parsed with `mailparser`. It can be told to refuse mail, to test failures.
 */
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from '../../tools/services';

export interface ReceivedMail {
  envelopeTo: string[];
  raw: string;
  parsed: ParsedMail;
  receivedAt: Date;
}

export class SmtpSink {
  readonly received: ReceivedMail[] = [];
  /** When set, every RCPT TO is answered with this SMTP code (e.g. 550 or 451). */
  rejectWith?: { code: number; message: string };
  /** Addresses refused with 550 (a mailbox that does not exist). */
  readonly refuse = new Set<string>();
  private server?: SMTPServer;
  /** Connection errors (a client killed mid-session resets its socket): kept, never thrown. */
  readonly errors: Error[] = [];
  /** Parse only when `parseAll` is called: keeps a long run's CPU for the code under test. */
  deferParsing = false;

  async parseAll(): Promise<void> {
    for (const m of this.received) if (!m.parsed) m.parsed = await simpleParser(m.raw);
  }
  port = 0;

  async start(): Promise<this> {
    this.port = await freePort();
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo: (address, _session, cb) => {
        if (this.refuse.has(address.address.toLowerCase())) {
          const err = new Error(`5.1.1 <${address.address}>: no such mailbox`) as Error & {
            responseCode: number;
          };
          err.responseCode = 550;
          return cb(err);
        }
        if (!this.rejectWith) return cb();
        const err = new Error(this.rejectWith.message) as Error & { responseCode: number };
        err.responseCode = this.rejectWith.code;
        cb(err);
      },
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', async () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const mail = {
            envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            raw,
            parsed: undefined as unknown as ParsedMail,
            receivedAt: new Date(),
          };
          if (!this.deferParsing) mail.parsed = await simpleParser(raw);
          this.received.push(mail);
          cb();
        });
      },
    });
    // Without a listener, an 'error' (ECONNRESET from a killed client) would be uncaught.
    this.server.on('error', (err) => this.errors.push(err));
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  to(address: string): ReceivedMail[] {
    return this.received.filter((m) => m.envelopeTo.includes(address.toLowerCase()));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
