import { randomUUID } from 'node:crypto';
import type { Channel, PrismaClient } from '../generated/prisma/client.js';
import type { OutgoingMessage, PushProvider, PushResult, SmsProvider } from './provider.js';

/**
 * The development push and SMS providers: they send nothing and record what they would have
 * sent in `recorded_message`, once per dispatch and address (a retried send records nothing new).
 * Tokens can be marked unregistered, as a push service reports an uninstalled app's token.
 */
export class DevelopmentProviders {
  private readonly unregistered = new Set<string>();

  constructor(private readonly prisma: PrismaClient) {}

  readonly push: PushProvider = {
    send: async (tokens, message) => {
      const results: PushResult[] = [];
      for (const token of tokens) {
        if (this.unregistered.has(token)) results.push({ token, ok: false, unregistered: true });
        else results.push({ token, ok: true, ref: await this.record('PUSH', token, message) });
      }
      return results;
    },
  };

  readonly sms: SmsProvider = { send: (to, message) => this.record('SMS', to, message) };

  /** The push service no longer knows this token (the app was uninstalled). */
  unregister(token: string): void {
    this.unregistered.add(token);
  }

  private async record(channel: Channel, address: string, m: OutgoingMessage): Promise<string> {
    const row = await this.prisma.recordedMessage.upsert({
      where: { dispatchId_address: { dispatchId: m.id, address } },
      create: { id: randomUUID(), dispatchId: m.id, channel, address, title: m.title, body: m.body, data: m.data },
      update: {},
    });
    return `dev:${row.id}`;
  }
}
