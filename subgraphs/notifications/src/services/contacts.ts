import DataLoader from 'dataloader';
import type { ServiceClient } from '@p2p/kit';

const EMAILS = /* GraphQL */ `
  query EmailAddresses($userIds: [ID!]!) {
    _emailAddresses(userIds: $userIds) {
      userId
      email
    }
  }
`;

const PHONES = /* GraphQL */ `
  query PhoneNumbers($userIds: [ID!]!) {
    _phoneNumbers(userIds: $userIds) {
      userId
      phone
    }
  }
`;

interface Contact {
  userId: string;
  email?: string | null;
  phone?: string | null;
}

/**
 * Where to reach a user, asked of the domains that own it when a message goes out (auth keeps
 * the email address, users the phone number); never copied here. The sends of one moment share
 * one call per domain.
 */
export class Contacts {
  private readonly emails: DataLoader<string, string | null>;
  private readonly phones: DataLoader<string, string | null>;

  constructor(calls: ServiceClient) {
    const batch =
      (subgraph: string, query: string, field: '_emailAddresses' | '_phoneNumbers', key: 'email' | 'phone') =>
      async (ids: readonly string[]) => {
        const data = await calls.request<Record<string, Contact[]>>(subgraph, query, { userIds: [...ids] });
        const found = new Map((data[field] ?? []).map((c) => [c.userId, c[key] ?? null]));
        return ids.map((id) => found.get(id) ?? null);
      };
    this.emails = new DataLoader(batch('auth', EMAILS, '_emailAddresses', 'email'), { cache: false });
    this.phones = new DataLoader(batch('users', PHONES, '_phoneNumbers', 'phone'), { cache: false });
  }

  email(userId: string): Promise<string | null> {
    return this.emails.load(userId);
  }

  phone(userId: string): Promise<string | null> {
    return this.phones.load(userId);
  }
}
