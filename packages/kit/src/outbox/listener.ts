import pg from 'pg';
import type { Logger } from '../logger.js';
import { ident } from '../prisma.js';

/** The channel a domain's outbox trigger notifies on every insert (its migration creates it). */
export const outboxChannel = (schema: string): string => `outbox_${schema}`;

export interface ListenerOptions {
  /** The domain's database URL (its `schema` parameter names the channel's schema, not a setting). */
  url: string;
  schema: string;
  log: Logger;
  /** Called on every notification, and once on each (re)connection for what committed unheard. */
  onNotify: () => void;
  retryMs?: number;
}

/**
 * Wakes the relay within milliseconds of an outbox row's commit: a connection of its own in
 * `LISTEN` on the domain's channel, which the `outbox_event` trigger notifies (PostgreSQL sends a
 * notification when the inserting transaction commits, never before). A lost connection is made
 * again after `retryMs`; the relay's slow poll covers the gap.
 */
export class OutboxListener {
  private client: pg.Client | null = null;
  private retry: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly connection: string;

  constructor(private readonly opts: ListenerOptions) {
    const url = new URL(opts.url);
    url.searchParams.delete('schema');
    this.connection = url.toString();
    void this.connect();
  }

  async close(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    await this.client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const c = new pg.Client({ connectionString: this.connection });
    c.on('notification', () => this.opts.onNotify());
    c.on('error', (err) => {
      this.opts.log.warn({ err }, 'outbox listener lost its connection; listening again shortly');
      void c.end().catch(() => undefined);
      this.again();
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${ident(outboxChannel(this.opts.schema))}`);
    } catch (err) {
      this.opts.log.warn({ err }, 'outbox listener could not listen; trying again shortly');
      await c.end().catch(() => undefined);
      return this.again();
    }
    if (this.stopped) return void (await c.end().catch(() => undefined));
    this.client = c;
    this.opts.onNotify();
  }

  private again(): void {
    this.client = null;
    if (this.stopped || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.connect();
    }, this.opts.retryMs ?? 1_000);
    this.retry.unref();
  }
}
