import type { BaseContext } from '@p2p/kit';
import type { Accounts } from './services/accounts.js';
import type { ActionTokens } from './services/action-tokens.js';
import type { Login } from './services/login.js';
import type { Sessions } from './services/sessions.js';
import type { SigningKeys } from './services/signing-keys.js';
import type { TwoFactor } from './services/two-factor.js';

export interface AuthServices {
  accounts: Accounts;
  login: Login;
  sessions: Sessions;
  tokens: ActionTokens;
  twoFactor: TwoFactor;
  keys: SigningKeys;
}

export interface AuthContext extends BaseContext {
  auth: AuthServices;
}

export const deviceOf = (ctx: BaseContext) => ({ userAgent: ctx.userAgent, ip: ctx.ip });
