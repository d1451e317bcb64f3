import type { BaseContext } from '@p2p/kit';
import type { Addresses } from './services/addresses.js';
import type { Blocks } from './services/blocks.js';
import type { Preferences } from './services/preferences.js';
import type { Profiles } from './services/profiles.js';
import type { Statistics } from './services/statistics.js';

export interface UsersServices {
  profiles: Profiles;
  addresses: Addresses;
  preferences: Preferences;
  statistics: Statistics;
  blocks: Blocks;
}

export interface UsersContext extends BaseContext {
  users: UsersServices;
}

/** The user themself, or support staff. */
export const isSelfOrSupport = (ctx: BaseContext, userId: string): boolean =>
  ctx.viewer?.id === userId || Boolean(ctx.viewer?.scopes.some((s) => s === 'admin' || s === 'support'));
