import { badInput, requireViewer } from '@p2p/kit';
import type { MutationResolvers } from '../generated/graphql.js';

const MAX_MARKED = 200;

export const Mutation: MutationResolvers = {
  markNotificationsRead: (_, { ids }, ctx) => {
    if (ids.length > MAX_MARKED) throw badInput('ids', `Mark up to ${MAX_MARKED} at once`);
    return ctx.notifications.inbox.markRead(requireViewer(ctx).id, ids);
  },
  markAllNotificationsRead: (_, __, ctx) => ctx.notifications.inbox.markAllRead(requireViewer(ctx).id),
  updateNotificationPreferences: (_, { input }, ctx) =>
    ctx.notifications.preferences.update(requireViewer(ctx).id, input),
  registerDeviceToken: (_, { token, platform }, ctx) =>
    ctx.notifications.devices.register(requireViewer(ctx).id, token, platform),
  removeDeviceToken: (_, { token }, ctx) => ctx.notifications.devices.remove(requireViewer(ctx).id, token),
  updateNotificationTemplate: (_, { input }, ctx) => ctx.notifications.templates.update(requireViewer(ctx), input),
  retryNotificationDispatch: async (_, { id }, ctx) => {
    const dispatch = await ctx.notifications.dispatcher.revive(requireViewer(ctx), id);
    await ctx.notifications.queue()?.enqueue([dispatch.id]);
    return dispatch;
  },
};
