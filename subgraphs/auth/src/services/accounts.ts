import { randomUUID } from 'node:crypto';
import { DomainError, ErrorCode, badInput, type ServiceClient } from '@p2p/kit';
import type { AuthOutbox } from '../events.js';
import { AuthError } from '../errors.js';
import { Prisma, type PrismaClient } from '../generated/prisma/client.js';
import type { Credential, Role } from '../generated/prisma/client.js';
import { assertStrongPassword, type PasswordHasher } from './passwords.js';
import { normaliseEmail, optionalLanguage, optionalTimezone, requireName } from './validation.js';
import type { ActionTokens } from './action-tokens.js';

export interface RegisterInput {
  email: string;
  password: string;
  firstName: string;
  lastName: string;
  roles: Role[];
  language?: string | null;
  timezone?: string | null;
}

const CREATE_PROFILE = /* GraphQL */ `
  mutation CreateProfile($input: CreateUserProfileInput!) {
    _createUserProfile(input: $input) {
      id
    }
  }
`;
const DELETE_PROFILE = /* GraphQL */ `
  mutation DeleteProfile($id: ID!) {
    _deleteUserProfile(id: $id)
  }
`;

const emailTaken = () =>
  new DomainError(AuthError.EMAIL_ALREADY_REGISTERED, 'An account with this email already exists', { field: 'email' });

/**
 * Account creation as a small saga: the profile is created in users first (idempotent by id),
 * then the credential and its events commit together; if that fails the profile is deleted again.
 */
export class Accounts {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly hasher: PasswordHasher,
    private readonly outbox: AuthOutbox,
    private readonly services: ServiceClient,
    private readonly tokens: ActionTokens,
  ) {}

  /** Internal: where each account's mail goes (accounts that do not exist are left out). */
  async emailAddresses(userIds: readonly string[]): Promise<{ userId: string; email: string; verified: boolean }[]> {
    const rows = await this.prisma.credential.findMany({
      where: { id: { in: [...userIds] } },
      select: { id: true, email: true, emailVerifiedAt: true },
    });
    return rows.map((r) => ({ userId: r.id, email: r.email, verified: r.emailVerifiedAt !== null }));
  }

  async register(input: RegisterInput, requestId: string): Promise<Credential> {
    const email = normaliseEmail(input.email);
    assertStrongPassword(input.password, email);
    const firstName = requireName('firstName', input.firstName);
    const lastName = requireName('lastName', input.lastName);
    const roles = [...new Set(input.roles)];
    if (roles.length === 0) throw badInput('roles', 'Choose customer, traveler or both');
    const language = optionalLanguage(input.language);
    const timezone = optionalTimezone(input.timezone);
    if (await this.prisma.credential.findUnique({ where: { email }, select: { id: true } })) throw emailTaken();

    const id = randomUUID();
    const passwordHash = await this.hasher.hash(input.password);
    const profile = { id, firstName, lastName, language, timezone };
    await this.services.request('users', CREATE_PROFILE, { input: profile }, requestId);
    try {
      return await this.prisma.$transaction(async (tx) => {
        const credential = await tx.credential.create({ data: { id, email, passwordHash, roles } });
        await this.outbox.write(
          tx,
          'user.registered',
          { userId: id, email, firstName, lastName, roles, language, timezone },
          id,
        );
        await this.tokens.issueEmailVerification(tx, credential, language);
        return credential;
      });
    } catch (err) {
      await this.services.request('users', DELETE_PROFILE, { id }, requestId);
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') throw emailTaken();
      throw err;
    }
  }

  async byIds(ids: readonly string[]): Promise<Map<string, Credential>> {
    const rows = await this.prisma.credential.findMany({ where: { id: { in: [...ids] } } });
    return new Map(rows.map((r) => [r.id, r]));
  }

  async get(id: string): Promise<Credential> {
    const row = await this.prisma.credential.findUnique({ where: { id } });
    if (!row) throw new DomainError(ErrorCode.NOT_FOUND, 'Account not found');
    return row;
  }
}
