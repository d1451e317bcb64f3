import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { REPO_ROOT } from '@p2p/kit';

export const DEV_MAIL_DIR = resolve(REPO_ROOT, '.mail');

/**
 * `npm start` without SMTP_URL: a local SMTP server on 127.0.0.1:1025 (where notifications
 * sends by default) that keeps every message as an .eml file under `.mail/` and prints who it
 * was for. Returns false when the port is taken (another development mail server already there).
 */
export async function startDevMail(port = 1025): Promise<boolean> {
  mkdirSync(DEV_MAIL_DIR, { recursive: true });
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const to = session.envelope.rcptTo.map((r) => r.address).join(', ');
        const subject = /^Subject: (.*)$/im.exec(raw.toString('utf8'))?.[1] ?? '';
        const file = resolve(DEV_MAIL_DIR, `${new Date().toISOString().replace(/[:.]/g, '-')}-${session.id}.eml`);
        writeFileSync(file, raw);
        console.log(`mail to ${to}: ${subject} (${file})`);
        callback();
      });
    },
  });
  return new Promise((done) => {
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => {
      server.server.unref();
      done(true);
    });
  });
}
