import DataLoader from 'dataloader';
import type {
  KindChannelsResolvers,
  NotificationPreferencesResolvers,
  NotificationResolvers,
} from '../generated/graphql.js';
import type { NotificationsContext } from '../context.js';
import type { Dispatch } from '../generated/prisma/client.js';
import { KINDS, type Kind } from '../kinds.js';
import { channelsFor } from '../services/preferences.js';

const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** One query for the dispatches of every notification in a response. */
const dispatchLoaders = new WeakMap<NotificationsContext, DataLoader<string, Dispatch[]>>();
function dispatchesOf(ctx: NotificationsContext, id: string): Promise<Dispatch[]> {
  let loader = dispatchLoaders.get(ctx);
  if (!loader) {
    loader = new DataLoader(async (ids: readonly string[]) => {
      const rows = await ctx.notifications.inbox.dispatchesOf(ids);
      return ids.map((nid) => rows.filter((r) => r.notificationId === nid));
    });
    dispatchLoaders.set(ctx, loader);
  }
  return loader.load(id);
}

export const Notification: NotificationResolvers = {
  kind: (n) => n.kind as Kind,
  link: (n) => (n.data as Record<string, string> | null)?.link ?? null,
  read: (n) => n.readAt !== null,
  delivery: (n) => {
    const id = (n.data as Record<string, string> | null)?.deliveryId;
    return id ? { __typename: 'Delivery', id } : null;
  },
  dispatches: (n, _, ctx) => dispatchesOf(ctx, n.id),
};

export const NotificationPreferences: NotificationPreferencesResolvers = {
  quietHours: (p) =>
    p.quietStart === null || p.quietEnd === null ? null : { start: hhmm(p.quietStart), end: hhmm(p.quietEnd) },
  kinds: (p) =>
    (Object.keys(KINDS) as Kind[]).map((kind) => ({
      kind,
      channels: channelsFor(p, kind),
      required: [...KINDS[kind].required],
    })),
};

export const KindChannels: KindChannelsResolvers = {};
