import { DateTime, defineSubgraph, sendJson, type SubgraphDeps } from '@p2p/kit';
import { PrismaClient } from './generated/prisma/client.js';
import type { Resolvers } from './generated/graphql.js';
import { loadAuthConfig, type AuthConfig } from './config.js';
import type { AuthServices } from './context.js';
import { events } from './events.js';
import { Mutation } from './resolvers/Mutation.js';
import { Query } from './resolvers/Query.js';
import { Session } from './resolvers/Session.js';
import { User } from './resolvers/User.js';
import { Accounts } from './services/accounts.js';
import { ActionTokens } from './services/action-tokens.js';
import { SecretBox } from '@p2p/kit';
import { Login } from './services/login.js';
import { PasswordHasher } from './services/passwords.js';
import { Sessions } from './services/sessions.js';
import { SigningKeys } from './services/signing-keys.js';
import { LoginThrottle } from './services/throttle.js';
import { TwoFactor } from './services/two-factor.js';

export const JWKS_PATH = '/.well-known/jwks.json';

const resolvers: Resolvers = {
  DateTime,
  Query,
  Mutation,
  User,
  Session,
  LoginResult: { __resolveType: (v) => ('accessToken' in v ? 'AuthPayload' : 'TwoFactorChallenge') },
};

type Deps = SubgraphDeps<AuthConfig, PrismaClient, typeof events.publishes>;

function sessionServices({ config, prisma, redis, outbox, log }: Deps) {
  const box = new SecretBox(config.AUTH_ENCRYPTION_SECRET, 'auth');
  const accessTtlSeconds = config.ACCESS_TOKEN_TTL_SECONDS;
  const keys = new SigningKeys(prisma, box, outbox, {
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    accessTtlSeconds,
  });
  const lifetimes = { refreshTtlDays: config.REFRESH_TOKEN_TTL_DAYS, sessionMaxDays: config.SESSION_MAX_DAYS };
  const sessions = new Sessions(
    prisma,
    redis,
    config.REDIS_PREFIX,
    keys,
    { ...lifetimes, accessTtlSeconds },
    log,
    outbox,
  );
  return { box, keys, sessions, twoFactor: new TwoFactor(prisma, box, outbox) };
}

function buildServices(deps: Deps): AuthServices {
  const { config, prisma, redis, outbox, calls } = deps;
  const { keys, sessions, twoFactor } = sessionServices(deps);
  const hasher = new PasswordHasher({ memoryKib: config.ARGON2_MEMORY_KIB, iterations: config.ARGON2_ITERATIONS });
  const throttle = new LoginThrottle(redis, config.REDIS_PREFIX, {
    perAccount: config.LOGIN_MAX_FAILURES_PER_ACCOUNT,
    perIp: config.LOGIN_MAX_FAILURES_PER_IP,
    windowSeconds: config.LOGIN_THROTTLE_WINDOW_SECONDS,
  });
  const tokens = new ActionTokens(prisma, redis, outbox, hasher, sessions, {
    emailTtlHours: config.EMAIL_TOKEN_TTL_HOURS,
    resetTtlMinutes: config.RESET_TOKEN_TTL_MINUTES,
    redisPrefix: config.REDIS_PREFIX,
  });
  return {
    keys,
    sessions,
    twoFactor,
    tokens,
    accounts: new Accounts(prisma, hasher, outbox, calls, tokens),
    login: new Login(prisma, hasher, throttle, sessions, twoFactor, outbox),
  };
}

export default defineSubgraph({
  name: 'auth',
  config: loadAuthConfig,
  prisma: PrismaClient,
  resolvers,
  events,
  services: buildServices,
  context: (base, auth) => ({ ...base, auth }),
  routes: (auth) => ({
    [JWKS_PATH]: async (_req, res) =>
      sendJson(res, 200, await auth.keys.jwks(), { 'cache-control': 'public, max-age=60' }),
  }),
});
