import { randomUUID } from 'node:crypto';
import { formatMoney, type HandledEvent, type LivePublisher, type Transaction } from '@p2p/kit';
import type { Channel, Notification, PrismaClient } from '../generated/prisma/client.js';
import { KINDS, languageOf, type ChannelName, type Kind } from '../kinds.js';
import { render, type Vars } from '../templates/render.js';
import { channelsFor, quietDelayMs, type PreferenceView, type Preferences } from './preferences.js';
import type { Templates } from './templates.js';

type Tx = Transaction<PrismaClient>;

/** Who hears of it: a user (their preferences decide the channels), or an address alone (an alert). */
export type Recipient = { userId: string; email?: string } | { userId?: undefined; email: string };

export interface NotifyInput {
  kind: Kind;
  to: Recipient;
  /** Template variables; instants and amounts are written in the recipient's locale (and zone). */
  vars: Record<string, string | Date | Money>;
  /** What it is about: ids the app links to (`deliveryId`, `requestId`…). */
  data?: Record<string, string>;
  /** The language the event asks for (registration comes before the preferences exist). */
  locale?: string;
}

export interface Money {
  amountMinor: number;
  currency: string;
}

export interface DispatchQueue {
  enqueue(ids: readonly string[], delayMs?: number): Promise<void>;
  /** One reconciler pass now. */
  flush(): Promise<number>;
}

/** Date formatters are costly to make (a tenth of a millisecond each): one per locale and zone. */
const dateFormats = new Map<string, Intl.DateTimeFormat>();
function dateIn(locale: string, timeZone: string): Intl.DateTimeFormat {
  const key = `${locale}:${timeZone}`;
  let found = dateFormats.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone });
    dateFormats.set(key, found);
  }
  return found;
}

/** Dates and amounts as the recipient reads them. */
function written(vars: NotifyInput['vars'], locale: string, timeZone: string): Vars {
  const write = (v: string | Date | Money) =>
    typeof v === 'string'
      ? v
      : v instanceof Date
        ? dateIn(locale, timeZone).format(v)
        : formatMoney(v.amountMinor, v.currency, locale);
  return Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, write(v)]));
}

export const notificationsChannel = (userId: string): string => `notifications:${userId}`;

/** The live event of `notificationAdded`: the notification's row. */
export type NotificationLive = Notification;

/**
 * Makes the notifications an event calls for, in the transaction that records the event as
 * handled: one notification per event, kind and recipient, rendered from the template in the
 * recipient's language, shown in the app when they chose it, and one dispatch per other channel
 * they chose, held until their quiet hours end unless the kind is urgent. Once the transaction
 * commits the dispatches get their jobs and the app hears of it live.
 */
export class Notifier {
  private queue: DispatchQueue | null = null;

  constructor(
    private readonly templates: Templates,
    private readonly preferences: Preferences,
    private readonly live: LivePublisher,
    private readonly appUrl: string,
  ) {}

  /** The workers' queue, once they run in this process; without it the reconciler finds the rows. */
  useQueue(queue: DispatchQueue | null): void {
    this.queue = queue;
  }

  dispatchQueue(): DispatchQueue | null {
    return this.queue;
  }

  async notify(tx: Tx, event: HandledEvent<unknown>, input: NotifyInput): Promise<void> {
    const { to, kind } = input;
    const prefs = to.userId ? await this.preferences.get(to.userId, tx) : null;
    const channels: ChannelName[] = prefs ? channelsFor(prefs, kind) : ['EMAIL'];
    const locale = input.locale ?? prefs?.locale ?? 'en';
    const language = languageOf(locale);
    const template = await this.templates.effective(tx, kind, language);
    const vars: Vars = { appUrl: this.appUrl, ...written(input.vars, locale, prefs?.timezone ?? 'UTC') };
    const notification = await tx.notification.create({
      data: {
        id: randomUUID(),
        userId: to.userId ?? null,
        kind,
        language,
        title: render(template.subject, vars),
        body: render(template.text, vars),
        html: channels.includes('EMAIL') ? render(template.html, vars, true) : null,
        data: { ...input.data, ...(vars.link ? { link: vars.link } : {}) },
        eventId: event.id,
        recipient: to.userId ?? to.email!,
        inApp: channels.includes('IN_APP'),
      },
    });
    const delayMs = prefs && !KINDS[kind].urgent ? quietDelayMs(prefs, new Date()) : 0;
    const dispatchIds = await this.dispatch(tx, notification, channels, to.email ?? null, delayMs);
    event.afterCommit(() => this.afterCommit(notification, dispatchIds, delayMs, prefs));
  }

  /** A dispatch per channel beside the app, held `delayMs` (quiet hours). */
  private async dispatch(tx: Tx, n: Notification, channels: ChannelName[], email: string | null, delayMs: number) {
    const rows = (channels.filter((c) => c !== 'IN_APP') as Channel[]).map((channel) => ({
      id: randomUUID(),
      notificationId: n.id,
      channel,
      address: channel === 'EMAIL' ? email : null,
      notBefore: new Date(Date.now() + delayMs),
    }));
    if (rows.length > 0) await tx.dispatch.createMany({ data: rows });
    return rows.map((r) => r.id);
  }

  private async afterCommit(n: Notification, dispatchIds: string[], delayMs: number, prefs: PreferenceView | null) {
    if (n.inApp && prefs) await this.live.publish(notificationsChannel(prefs.userId), n);
    // A failed enqueue is the reconciler's to mend; the notification is already recorded.
    await this.queue?.enqueue(dispatchIds, delayMs).catch(() => undefined);
  }
}
