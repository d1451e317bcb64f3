import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { waitFor } from './wait.js';

export interface ReceivedMail {
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  headers: ParsedMail['headers'];
}

export interface LocalSmtp {
  /** `smtp://127.0.0.1:<port>`, for SMTP_URL. */
  url: string;
  /** Every message the server accepted (answered 250 to), in order. */
  accepted: ReceivedMail[];
  /** Answers RCPT TO for `address` with `code` (4xx: try later; 5xx: refused for good) until unrefused. */
  refuse(address: string, code?: number): void;
  unrefuse(address: string): void;
  /** Until released, messages are held after their data arrived, before the server answers. */
  hold(): { held: () => number; abandoned: () => boolean; release: () => void };
  /** Waits for `n` accepted messages to `to` (all recipients when left out). */
  waitFor(predicate: (m: ReceivedMail) => boolean, n?: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

/**
 * A real SMTP server in the test (the `smtp-server` package), answering on a free port. A
 * message counts once the server accepted it; one whose client went away before the answer (a
 * killed worker) is not accepted, as SMTP has it.
 */
interface Gate {
  promise: Promise<void>;
  release: () => void;
  count: number;
  /** The sessions whose message is held. */
  sessions: string[];
}

/** The server's state: what it accepted, what it refuses, the gate that holds answers. */
class SmtpState {
  readonly accepted: ReceivedMail[] = [];
  readonly refused = new Map<string, number>();
  readonly closed = new Set<string>();
  gate: Gate | null = null;

  server(): SMTPServer {
    return new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onClose: (session: SMTPServerSession) => void this.closed.add(session.id),
      onRcptTo: (address, _session, callback) => {
        const code = this.refused.get(address.address.toLowerCase());
        if (!code) return callback();
        callback(Object.assign(new Error(`mailbox ${address.address} unavailable`), { responseCode: code }));
      },
      onData: (stream, session, callback) => {
        simpleParser(stream)
          .then(async (mail) => {
            if (this.gate) {
              this.gate.count++;
              this.gate.sessions.push(session.id);
              await this.gate.promise;
            }
            if (this.closed.has(session.id)) return callback(new Error('client went away'));
            this.accepted.push(received(mail, session));
            callback();
          })
          .catch((err: Error) => callback(err));
      },
    });
  }

  hold() {
    let release!: () => void;
    const promise = new Promise<void>((r) => (release = r));
    const current: Gate = { promise, release, count: 0, sessions: [] };
    this.gate = current;
    return {
      held: () => current.count,
      /** Every held message's client has hung up (the server saw its connection close). */
      abandoned: () => current.sessions.length > 0 && current.sessions.every((id) => this.closed.has(id)),
      release: () => {
        if (this.gate === current) this.gate = null;
        release();
      },
    };
  }
}

/**
 * A real SMTP server in the test (the `smtp-server` package), answering on a free port. A
 * message counts once the server accepted it; one whose client went away before the answer (a
 * killed worker) is not accepted, as SMTP has it.
 */
export async function startLocalSmtp(): Promise<LocalSmtp> {
  const state = new SmtpState();
  const server = state.server();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as { port: number };
  return {
    url: `smtp://127.0.0.1:${port}`,
    accepted: state.accepted,
    refuse: (address, code = 451) => void state.refused.set(address.toLowerCase(), code),
    unrefuse: (address) => void state.refused.delete(address.toLowerCase()),
    hold: () => state.hold(),
    waitFor: (predicate, n = 1, timeoutMs = 15_000) =>
      waitFor(
        async () => {
          const found = state.accepted.filter(predicate);
          return found.length >= n ? found : null;
        },
        timeoutMs,
        `${n} mail(s) at the SMTP server`,
      ),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function received(mail: ParsedMail, session: SMTPServerSession): ReceivedMail {
  return {
    to: session.envelope.rcptTo.map((r) => r.address),
    from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
    subject: mail.subject ?? '',
    text: mail.text ?? '',
    html: typeof mail.html === 'string' ? mail.html : '',
    messageId: mail.messageId ?? '',
    headers: mail.headers,
  };
}
