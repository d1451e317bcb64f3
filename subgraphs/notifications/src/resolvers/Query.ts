import { pageSizeOf, requireViewer } from '@p2p/kit';
import type { QueryResolvers } from '../generated/graphql.js';

export const Query: QueryResolvers = {
  myNotifications: (_, args, ctx) => ctx.notifications.inbox.list(requireViewer(ctx).id, args),
  unreadNotificationCount: (_, __, ctx) => ctx.notifications.inbox.unreadCount(requireViewer(ctx).id),
  notificationPreferences: (_, __, ctx) => ctx.notifications.preferences.get(requireViewer(ctx).id),
  myDeviceTokens: (_, __, ctx) => ctx.notifications.devices.list(requireViewer(ctx).id),
  notificationTemplates: (_, { kind }, ctx) => ctx.notifications.templates.list(kind),
  deadNotificationDispatches: (_, { first }, ctx) => ctx.notifications.dispatcher.dead(pageSizeOf(first, 200, 50)),
};
