import { DomainError, ErrorCode, adminAction, ident, notFound, type Logger, type Viewer } from '@p2p/kit';
import type { NotificationsOutbox } from '../events.js';
import type { Dispatch, Notification, PrismaClient } from '../generated/prisma/client.js';
import { escapeHtml } from '../templates/render.js';
import { PermanentSendError, type EmailProvider, type PushProvider, type SmsProvider } from '../providers/provider.js';
import type { Contacts } from './contacts.js';
import type { Devices } from './devices.js';

export interface DispatcherDeps {
  email: EmailProvider;
  push: PushProvider;
  sms: SmsProvider;
  contacts: Contacts;
  devices: Devices;
  log: Logger;
  outbox: NotificationsOutbox;
  /** The domain's PostgreSQL schema (raw statements name it). */
  schema: string;
  maxAttempts: number;
  lockMs: number;
}

type Claimed = Dispatch & { notification: Notification };

/** Waiting, failed, or claimed by a worker that died (its claim lapsed). */
const CLAIMABLE = `status IN ('QUEUED', 'FAILED') OR (status = 'SENDING' AND claimed_until < now())`;

/** Nothing to send to (no address, no device): dead at once, with why. */
class Undeliverable extends Error {}

/**
 * Sends one channel of one notification (its job's attempt), or several at once (the jobs a
 * worker gathered). A send is claimed on its row first
 * (SENDING until `lockMs` from now), so two workers never send it at once and a dispatch that is
 * SENT is never sent again; a worker that died mid-send leaves a claim that lapses, and the next
 * attempt sends it (the same Message-ID for mail). The row then says SENT, FAILED (retried with
 * backoff) or DEAD (attempts spent, or nothing to send to).
 */
export class Dispatcher {
  private readonly table: string;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly deps: DispatcherDeps,
  ) {
    this.table = `${ident(deps.schema)}.dispatch`;
  }

  /** Dispatches that should have a job now: waiting, failed, or claimed by a worker that died. */
  async due(limit: number): Promise<string[]> {
    const rows = await this.prisma.$queryRawUnsafe<{ id: string }[]>(
      `SELECT id FROM ${this.table}
        WHERE not_before <= now() AND (${CLAIMABLE})
        ORDER BY not_before LIMIT $1::int`,
      limit,
    );
    return rows.map((r) => r.id);
  }

  /** One attempt at one dispatch: `attemptMany` with one. */
  async attempt(id: string): Promise<void> {
    const [result] = await this.attemptMany([id]);
    if (result!.status === 'rejected') throw result!.reason;
  }

  /**
   * One attempt at each of these dispatches (their jobs'): claimed in one statement and read in
   * one, sent at once, then the sent ones marked SENT in one statement and the refused ones
   * FAILED in one (each retried by its own job) or DEAD. A dispatch another worker holds, or one
   * already sent, is skipped.
   */
  async attemptMany(ids: readonly string[]): Promise<PromiseSettledResult<void>[]> {
    const claimed = await this.claim(ids);
    const spent = claimed.filter((c) => c.attempts > this.deps.maxAttempts);
    for (const c of spent) await this.fail(c.id, c.lastError ?? 'attempts spent');
    const live = claimed.filter((c) => c.attempts <= this.deps.maxAttempts);
    const sent = await Promise.allSettled(live.map((c) => this.send(c)));
    const done: { id: string; ref: string }[] = [];
    const refused: { id: string; error: Error }[] = [];
    for (const [i, c] of live.entries()) {
      const outcome = sent[i]!;
      if (outcome.status === 'fulfilled') done.push({ id: c.id, ref: outcome.value });
      else refused.push({ id: c.id, error: outcome.reason as Error });
    }
    await this.markSent(done);
    const retried = new Map((await this.markRefused(refused)).map((r) => [r.id, r.error]));
    return ids.map((id) =>
      retried.has(id) ? { status: 'rejected', reason: retried.get(id) } : { status: 'fulfilled', value: undefined },
    );
  }

  private async markSent(done: readonly { id: string; ref: string }[]): Promise<void> {
    if (done.length === 0) return;
    await this.prisma.$executeRawUnsafe(
      `UPDATE ${this.table} d SET status = 'SENT', provider_ref = u.ref, sent_at = now(), claimed_until = NULL,
              last_error = NULL, updated_at = now()
         FROM unnest($1::uuid[], $2::text[]) AS u(id, ref) WHERE d.id = u.id`,
      done.map((d) => d.id),
      done.map((d) => d.ref),
    );
  }

  /** Nothing to send to, or refused for good: DEAD. Else FAILED in one statement; returns those (their jobs retry). */
  private async markRefused(refused: readonly { id: string; error: Error }[]) {
    const permanent = (e: Error) => e instanceof Undeliverable || e instanceof PermanentSendError;
    for (const { id, error } of refused.filter((r) => permanent(r.error))) await this.fail(id, error.message);
    const failed = refused.filter((r) => !permanent(r.error));
    if (failed.length === 0) return failed;
    await this.prisma.$executeRawUnsafe(
      `UPDATE ${this.table} d SET status = 'FAILED', last_error = u.error, claimed_until = NULL, updated_at = now()
         FROM unnest($1::uuid[], $2::text[]) AS u(id, error) WHERE d.id = u.id`,
      failed.map((f) => f.id),
      failed.map((f) => f.error.message.slice(0, 1000)),
    );
    return failed;
  }

  /** The attempts ran out (or it cannot be sent): DEAD, the dead-letter state an admin can retry from. */
  async fail(id: string, reason: string): Promise<void> {
    await this.prisma.dispatch.updateMany({
      where: { id, status: { not: 'SENT' } },
      data: { status: 'DEAD', lastError: reason.slice(0, 1000), claimedUntil: null },
    });
    this.deps.log.warn({ dispatchId: id, reason }, 'notification dispatch dead-lettered');
  }

  /** A dead dispatch goes back to the queue with fresh attempts (an admin's retry, audited). */
  async revive(actor: Viewer, id: string): Promise<Dispatch> {
    const revived = await this.prisma.$transaction(async (tx) => {
      const done = await tx.dispatch.updateMany({
        where: { id, status: 'DEAD' },
        data: { status: 'QUEUED', attempts: 0, notBefore: new Date(), lastError: null },
      });
      if (done.count === 0) return null;
      const target = { type: 'NotificationDispatch', id };
      await this.deps.outbox.write(
        tx,
        'notifications.admin_action',
        adminAction(actor, 'notifications.retry_dispatch', target),
      );
      return tx.dispatch.findUniqueOrThrow({ where: { id } });
    });
    if (revived) return revived;
    const found = await this.prisma.dispatch.findUnique({ where: { id } });
    if (!found) throw notFound('Notification dispatch');
    throw new DomainError(ErrorCode.INVALID_TRANSITION, `The dispatch is ${found.status}, not DEAD`);
  }

  dead(first: number): Promise<Dispatch[]> {
    return this.prisma.dispatch.findMany({ where: { status: 'DEAD' }, orderBy: { updatedAt: 'desc' }, take: first });
  }

  /** The claimable ones of these dispatches, claimed (SENDING for `lockMs`) in one statement, with notifications. */
  private async claim(ids: readonly string[]): Promise<Claimed[]> {
    const lease = new Date(Date.now() + this.deps.lockMs);
    const taken = await this.prisma.$queryRawUnsafe<{ id: string }[]>(
      `UPDATE ${this.table} SET status = 'SENDING', attempts = attempts + 1, claimed_until = $2, updated_at = now()
        WHERE id = ANY($1::uuid[]) AND not_before <= now() AND (${CLAIMABLE})
        RETURNING id`,
      ids,
      lease,
    );
    if (taken.length === 0) return [];
    return this.prisma.dispatch.findMany({
      where: { id: { in: taken.map((t) => t.id) } },
      include: { notification: true },
    });
  }

  private async send(d: Claimed): Promise<string> {
    const n = d.notification;
    const message = { id: d.id, title: n.title, body: n.body, data: n.data as Record<string, string> };
    if (d.channel === 'EMAIL') {
      const to = d.address ?? (n.userId ? await this.deps.contacts.email(n.userId) : null);
      if (!to) throw new Undeliverable('no email address for the recipient');
      return this.deps.email.send({ ...message, to, html: n.html ?? `<p>${escapeHtml(n.body)}</p>` });
    }
    if (d.channel === 'SMS') {
      const to = n.userId ? await this.deps.contacts.phone(n.userId) : null;
      if (!to) throw new Undeliverable('no phone number for the recipient');
      return this.deps.sms.send(to, message);
    }
    return this.push(n, message);
  }

  private async push(n: Notification, message: Parameters<PushProvider['send']>[1]): Promise<string> {
    const tokens = n.userId ? await this.deps.devices.tokensOf(n.userId) : [];
    if (tokens.length === 0) throw new Undeliverable('no device registered for push');
    const results = await this.deps.push.send(tokens, message);
    const gone = results.filter((r) => !r.ok).map((r) => r.token);
    if (gone.length > 0) await this.deps.devices.prune(gone);
    const sent = results.flatMap((r) => (r.ok ? [r.ref] : []));
    if (sent.length === 0) throw new Undeliverable('every device token was unregistered (pruned)');
    return sent.join(',');
  }
}
