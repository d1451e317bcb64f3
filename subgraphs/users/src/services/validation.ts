import { badInput } from '@p2p/kit';

export function text(field: string, raw: string | null | undefined, max: number, required = false): string | null {
  if (raw === null || raw === undefined) {
    if (required) throw badInput(field, 'This field is required');
    return null;
  }
  const value = raw.trim().replace(/\s+/g, ' ');
  if (required && value.length === 0) throw badInput(field, 'This field is required');
  if (value.length > max) throw badInput(field, `Use at most ${max} characters`);
  return value.length === 0 ? null : value;
}

export const requiredText = (field: string, raw: string | null | undefined, max: number): string =>
  text(field, raw, max, true)!;

export function httpsUrl(field: string, raw: string | null | undefined): string | null {
  const value = text(field, raw, 2048);
  if (value === null) return null;
  try {
    if (new URL(value).protocol === 'https:') return value;
  } catch {
    // falls through to the error below
  }
  throw badInput(field, 'Use an https:// URL');
}

export function phone(raw: string | null | undefined): string | null {
  const value = text('phone', raw, 20);
  if (value !== null && !/^\+[1-9]\d{6,14}$/.test(value.replace(/[\s-]/g, '')))
    throw badInput('phone', 'Use international format, e.g. +33612345678');
  return value?.replace(/[\s-]/g, '') ?? null;
}

export function country(raw: string): string {
  const value = raw.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(value)) throw badInput('country', 'Use a two-letter ISO country code');
  return value;
}

export function coordinate(field: 'latitude' | 'longitude', raw: number | null | undefined): number | null {
  if (raw === null || raw === undefined) return null;
  const limit = field === 'latitude' ? 90 : 180;
  if (!Number.isFinite(raw) || Math.abs(raw) > limit)
    throw badInput(field, `${field} must be between -${limit} and ${limit}`);
  return raw;
}

export function currency(raw: string): string {
  const value = raw.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(value) || !Intl.supportedValuesOf('currency').includes(value))
    throw badInput('currency', 'Use an ISO 4217 currency code');
  return value;
}

export function language(raw: string): string {
  if (!/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/.test(raw))
    throw badInput('language', 'Use a BCP 47 language tag such as en or fr-CA');
  return raw;
}

export function timezone(raw: string): string {
  try {
    new Intl.DateTimeFormat('en', { timeZone: raw });
    return raw;
  } catch {
    throw badInput('timezone', 'Use an IANA time zone such as Europe/Paris');
  }
}

/** "Ada Lovelace" → "Ada L." */
export const defaultDisplayName = (firstName: string, lastName: string): string =>
  lastName ? `${firstName} ${lastName.charAt(0).toUpperCase()}.` : firstName;
