import { createTransport, type Transporter } from 'nodemailer';
import type { EmailProvider, Mail } from './provider.js';
import { PermanentSendError } from './provider.js';

/**
 * Mail over SMTP with nodemailer (a pooled transport). The Message-ID is the dispatch's, so the
 * same notification resent after a crash carries the same id for the receiving side to collapse.
 */
export class SmtpProvider implements EmailProvider {
  private readonly transport: Transporter;

  constructor(
    url: string,
    private readonly from: string,
    timeoutMs: number,
    connections: number,
  ) {
    this.transport = createTransport({
      url,
      pool: true,
      maxConnections: connections,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    } as Parameters<typeof createTransport>[0]);
  }

  async send(mail: Mail): Promise<string> {
    try {
      const info = await this.transport.sendMail({
        from: this.from,
        to: mail.to,
        subject: mail.title,
        text: mail.body,
        html: mail.html,
        messageId: `<${mail.id}@p2p.notifications>`,
        headers: { 'X-P2P-Notification': mail.id },
      });
      return String(info.messageId);
    } catch (err) {
      const code = (err as { responseCode?: number }).responseCode;
      // 5xx: the server refused for good (unknown mailbox, policy); 4xx and network errors are retried.
      if (code !== undefined && code >= 500) throw new PermanentSendError((err as Error).message);
      throw err;
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}
