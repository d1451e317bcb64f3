import type {
  KindChannelsResolvers,
  NotificationPreferencesResolvers,
  NotificationResolvers,
} from '../generated/graphql.js';
import { KINDS, type Kind } from '../kinds.js';
import { channelsFor } from '../services/preferences.js';

const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

export const Notification: NotificationResolvers = {
  kind: (n) => n.kind as Kind,
  link: (n) => (n.data as Record<string, string> | null)?.link ?? null,
  read: (n) => n.readAt !== null,
  delivery: (n) => {
    const id = (n.data as Record<string, string> | null)?.deliveryId;
    return id ? { __typename: 'Delivery', id } : null;
  },
  // One query for the dispatches of every notification in a response.
  dispatches: async (n, _, ctx) =>
    (await ctx.loaders.load('NotificationDispatches', n.id, (ids) => ctx.notifications.inbox.dispatchesOf(ids))) ?? [],
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
