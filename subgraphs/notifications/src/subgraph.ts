import { DateTime, defineSubgraph, schemaOf, type SubgraphDeps } from '@p2p/kit';
import { PrismaClient } from './generated/prisma/client.js';
import type { Resolvers } from './generated/graphql.js';
import { loadNotificationsConfig, type NotificationsConfig } from './config.js';
import type { NotificationsServices } from './context.js';
import { events } from './events.js';
import { startDispatchWorker } from './jobs/dispatch.js';
import { eventHandlers } from './jobs/events.js';
import { DevelopmentProviders } from './providers/development.js';
import { SmtpProvider } from './providers/smtp.js';
import { Mutation } from './resolvers/Mutation.js';
import { Query } from './resolvers/Query.js';
import { Subscription } from './resolvers/Subscription.js';
import { KindChannels, Notification, NotificationPreferences } from './resolvers/types.js';
import { Contacts } from './services/contacts.js';
import { Devices } from './services/devices.js';
import { Dispatcher } from './services/dispatcher.js';
import { Inbox } from './services/inbox.js';
import { Links } from './services/links.js';
import { Notifier } from './services/notifier.js';
import { Preferences } from './services/preferences.js';
import { Templates } from './services/templates.js';

const resolvers: Resolvers = {
  DateTime,
  Query,
  Mutation,
  Subscription,
  Notification,
  NotificationPreferences,
  KindChannels,
};

type Deps = SubgraphDeps<NotificationsConfig, PrismaClient, typeof events.publishes>;

function buildServices({ config, prisma, outbox, calls, live, log }: Deps): NotificationsServices {
  const templates = new Templates(prisma, outbox);
  const preferences = new Preferences(prisma);
  const devices = new Devices(prisma, config.DEVICE_TOKEN_STALE_DAYS);
  const development = new DevelopmentProviders(prisma);
  const email = new SmtpProvider(
    config.SMTP_URL,
    config.MAIL_FROM,
    config.NOTIFICATION_SEND_TIMEOUT_MS,
    config.SMTP_CONNECTIONS,
  );
  const notifier = new Notifier(templates, preferences, live, config.APP_URL);
  const dispatcher = new Dispatcher(prisma, {
    ...{ email, push: development.push, sms: development.sms, contacts: new Contacts(calls), devices },
    ...{
      log,
      outbox,
      schema: schemaOf(config.databaseUrl),
      maxAttempts: config.NOTIFICATION_MAX_ATTEMPTS,
      lockMs: config.NOTIFICATION_LOCK_MS,
    },
  });
  return {
    ...{ notifier, preferences, templates, devices, dispatcher, email, development },
    inbox: new Inbox(prisma),
    links: new Links(config.APP_URL),
    alertEmail: config.ALERT_EMAIL,
    queue: () => notifier.dispatchQueue(),
    useQueue: (q) => notifier.useQueue(q),
  };
}

export default defineSubgraph({
  name: 'notifications',
  config: loadNotificationsConfig,
  prisma: PrismaClient,
  resolvers,
  events,
  services: buildServices,
  context: (base, notifications) => ({ ...base, notifications }),
  handlers: eventHandlers,
  scheduled: (services) => [
    { id: 'prune-stale-device-tokens', everyMs: 24 * 3600 * 1000, run: () => services.devices.pruneStale() },
  ],
  // Dispatches have their own queue and worker beside the kit's relay and consumer.
  workers: (services, { config, log, queue }) => {
    const jobs = startDispatchWorker({ dispatcher: services.dispatcher, config, queue, log });
    services.useQueue(jobs);
    return [
      {
        async close() {
          services.useQueue(null);
          await jobs.close();
          await services.email.close();
        },
      },
    ];
  },
});
