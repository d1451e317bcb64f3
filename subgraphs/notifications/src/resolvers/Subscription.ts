import { forbidden, liveStream, requireViewer } from '@p2p/kit';
import type { SubscriptionResolvers } from '../generated/graphql.js';
import type { NotificationsContext } from '../context.js';
import { notificationsChannel, type NotificationLive } from '../services/notifier.js';

export const Subscription: SubscriptionResolvers = {
  notificationAdded: {
    subscribe: (_, __, ctx) => liveStream(notificationsChannel(requireViewer(ctx).id)) as never,
    resolve(n: NotificationLive, _: unknown, ctx: NotificationsContext) {
      if (n.userId !== ctx.viewer?.id) throw forbidden('Not your notification');
      // Dates arrive as JSON strings from the channel.
      return { ...n, createdAt: new Date(n.createdAt), readAt: n.readAt ? new Date(n.readAt) : null };
    },
  },
};
