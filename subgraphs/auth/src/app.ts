import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { DateTime, ServiceClient, createPrismaClient, createSubgraphApp, sendJson } from '@p2p/kit';
import { PrismaClient } from './generated/prisma/client.js';
import type { AuthConfig } from './config.js';
import type { Resolvers } from './generated/graphql.js';
import type { AuthContext, AuthServices } from './context.js';
import { Accounts } from './services/accounts.js';
import { ActionTokens } from './services/action-tokens.js';
import { SecretBox } from './services/crypto.js';
import { Login } from './services/login.js';
import { PasswordHasher } from './services/passwords.js';
import { Sessions } from './services/sessions.js';
import { SigningKeys } from './services/signing-keys.js';
import { LoginThrottle } from './services/throttle.js';
import { TwoFactor } from './services/two-factor.js';
import { Mutation } from './resolvers/Mutation.js';
import { Query } from './resolvers/Query.js';
import { Session } from './resolvers/Session.js';
import { User } from './resolvers/User.js';

export const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

export const JWKS_PATH = '/.well-known/jwks.json';

const resolvers: Resolvers = {
  DateTime,
  Query,
  Mutation,
  User,
  Session,
  LoginResult: { __resolveType: (v) => ('accessToken' in v ? 'AuthPayload' : 'TwoFactorChallenge') },
};

export function createAuthApp(config: AuthConfig, options: { workers?: boolean } = {}) {
  const prisma = createPrismaClient(PrismaClient, config.databaseUrl);
  return createSubgraphApp<AuthContext, PrismaClient, AuthServices, never>({
    name: 'auth',
    config,
    typeDefs,
    resolvers,
    prisma,
    workers: options.workers,
    services: ({ redis, outbox, log }) => {
      const box = new SecretBox(config.AUTH_ENCRYPTION_SECRET);
      const hasher = new PasswordHasher({ memoryKib: config.ARGON2_MEMORY_KIB, iterations: config.ARGON2_ITERATIONS });
      const keys = new SigningKeys(prisma, box, outbox, {
        issuer: config.JWT_ISSUER,
        audience: config.JWT_AUDIENCE,
        accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
      });
      const sessions = new Sessions(
        prisma,
        redis,
        config.REDIS_PREFIX,
        keys,
        {
          refreshTtlDays: config.REFRESH_TOKEN_TTL_DAYS,
          sessionMaxDays: config.SESSION_MAX_DAYS,
          accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
        },
        log,
      );
      const throttle = new LoginThrottle(redis, config.REDIS_PREFIX, {
        perAccount: config.LOGIN_MAX_FAILURES_PER_ACCOUNT,
        perIp: config.LOGIN_MAX_FAILURES_PER_IP,
        windowSeconds: config.LOGIN_THROTTLE_WINDOW_SECONDS,
      });
      const twoFactor = new TwoFactor(prisma, box, outbox);
      const tokens = new ActionTokens(prisma, redis, outbox, hasher, sessions, {
        emailTtlHours: config.EMAIL_TOKEN_TTL_HOURS,
        resetTtlMinutes: config.RESET_TOKEN_TTL_MINUTES,
        redisPrefix: config.REDIS_PREFIX,
      });
      const services = new ServiceClient({
        service: 'auth',
        internalSecret: config.INTERNAL_JWT_SECRET,
        urls: config.subgraphUrls,
      });
      return {
        keys,
        sessions,
        twoFactor,
        tokens,
        accounts: new Accounts(prisma, hasher, outbox, services, tokens),
        login: new Login(prisma, hasher, throttle, sessions, twoFactor, outbox),
      };
    },
    context: (base, auth) => ({ ...base, auth }),
    routes: (auth) => ({
      [JWKS_PATH]: async (_req, res) =>
        sendJson(res, 200, await auth.keys.jwks(), { 'cache-control': 'public, max-age=60' }),
    }),
  });
}
