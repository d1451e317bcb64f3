/** Resolver parents for codegen (root codegen.ts): what each type's resolvers receive. */
export const mappers = {
  Notification: './prisma/client.js#Notification as NotificationRow',
  NotificationDispatch: './prisma/client.js#Dispatch as DispatchRow',
  DeviceToken: './prisma/client.js#DeviceToken as DeviceTokenRow',
  NotificationPreferences: '../services/preferences.js#PreferenceView',
  NotificationTemplate: '../services/templates.js#TemplateView',
};
