import type { BaseContext } from '@p2p/kit';
import type { DevelopmentProviders } from './providers/development.js';
import type { Devices } from './services/devices.js';
import type { Dispatcher } from './services/dispatcher.js';
import type { Inbox } from './services/inbox.js';
import type { Links } from './services/links.js';
import type { DispatchQueue, Notifier } from './services/notifier.js';
import type { Preferences } from './services/preferences.js';
import type { Templates } from './services/templates.js';
import type { EmailProvider } from './providers/provider.js';

export interface NotificationsServices {
  notifier: Notifier;
  preferences: Preferences;
  templates: Templates;
  inbox: Inbox;
  devices: Devices;
  dispatcher: Dispatcher;
  links: Links;
  email: EmailProvider;
  /** The development push and SMS providers (what they would have sent is in `recorded_message`). */
  development: DevelopmentProviders;
  alertEmail: string;
  /** The dispatch queue when this process runs the workers (otherwise their reconciler finds new rows). */
  queue(): DispatchQueue | null;
  useQueue(queue: DispatchQueue | null): void;
}

export interface NotificationsContext extends BaseContext {
  notifications: NotificationsServices;
}
