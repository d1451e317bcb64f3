import { badInput } from '@p2p/kit';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;

export function normaliseEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  if (email.length > 254 || !EMAIL.test(email)) throw badInput('email', 'Enter a valid email address');
  return email;
}

export function requireName(field: string, raw: string): string {
  const name = raw.trim().replace(/\s+/g, ' ');
  if (name.length === 0) throw badInput(field, 'This field is required');
  if (name.length > 100) throw badInput(field, 'Use at most 100 characters');
  return name;
}

export function optionalLanguage(raw: string | null | undefined): string {
  if (!raw) return 'en';
  if (!/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/.test(raw))
    throw badInput('language', 'Use a BCP 47 language tag such as en or fr-CA');
  return raw;
}

export function optionalTimezone(raw: string | null | undefined): string {
  if (!raw) return 'UTC';
  try {
    new Intl.DateTimeFormat('en', { timeZone: raw });
    return raw;
  } catch {
    throw badInput('timezone', 'Use an IANA time zone such as Europe/Paris');
  }
}
