import { badInput } from '@p2p/kit';
import type { Preference, PrismaClient } from '../generated/prisma/client.js';
import { CHANNELS, KINDS, type ChannelName, type Kind } from '../kinds.js';

type Db = Pick<PrismaClient, 'preference'>;
export type Choices = Partial<Record<Kind, ChannelName[]>>;

/** A user's preferences as used (the defaults for a user without a row). */
export interface PreferenceView {
  userId: string;
  locale: string;
  timezone: string;
  quietStart: number | null;
  quietEnd: number | null;
  choices: Choices;
}

export interface PreferencesInput {
  locale?: string | null;
  timezone?: string | null;
  /** `null` clears them; absent keeps them. */
  quietHours?: { start: string; end: string } | null;
  channels?: { kind: string; channels: string[] }[] | null;
}

const DEFAULTS = { locale: 'en', timezone: 'UTC', quietStart: null, quietEnd: null };

const viewOf = (row: Preference): PreferenceView => ({ ...row, choices: row.channels as Choices });

/** The channels a kind goes out on for this user: their choice or the default, and the required ones. */
export function channelsFor(prefs: PreferenceView, kind: Kind): ChannelName[] {
  const rule = KINDS[kind];
  const chosen = prefs.choices[kind] ?? rule.defaults;
  return CHANNELS.filter((c) => chosen.includes(c) || (rule.required as readonly string[]).includes(c));
}

/** Minutes after local midnight in `timezone` at `at`. */
function localMinutes(at: Date, timezone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: timezone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  })
    .formatToParts(at)
    .reduce<Record<string, string>>((acc, p) => ({ ...acc, [p.type]: p.value }), {});
  return Number(parts.hour) * 60 + Number(parts.minute);
}

/** How long from `at` until the user's quiet hours end (0 outside them). They may wrap midnight. */
export function quietDelayMs(prefs: PreferenceView, at: Date): number {
  const { quietStart: start, quietEnd: end } = prefs;
  if (start === null || end === null || start === end) return 0;
  const now = localMinutes(at, prefs.timezone);
  const inside = start < end ? now >= start && now < end : now >= start || now < end;
  if (!inside) return 0;
  const minutes = (end - now + 24 * 60) % (24 * 60);
  return minutes * 60_000 - at.getSeconds() * 1000 - at.getMilliseconds();
}

function minutesOf(field: string, hhmm: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!m) throw badInput(field, 'Give a time as HH:MM (24-hour), like 22:00');
  return Number(m[1]) * 60 + Number(m[2]);
}

function checkedLocale(locale: string): string {
  try {
    const [canonical] = Intl.getCanonicalLocales(locale);
    if (canonical) return canonical;
  } catch {
    // refused below
  }
  throw badInput('locale', 'Give a BCP 47 language tag, like en-GB or fr');
}

function checkedTimezone(timezone: string): string {
  try {
    return new Intl.DateTimeFormat('en', { timeZone: timezone }).resolvedOptions().timeZone;
  } catch {
    throw badInput('timezone', 'Give an IANA time zone, like Europe/Paris');
  }
}

/** Every kind named once, every channel one of CHANNELS: the whole input is checked before a write. */
function checkedChoices(current: Choices, entries: { kind: string; channels: string[] }[]): Choices {
  const next: Choices = { ...current };
  for (const [i, entry] of entries.entries()) {
    if (!Object.hasOwn(KINDS, entry.kind)) throw badInput(`channels.${i}.kind`, `No notification kind ${entry.kind}`);
    const unknown = entry.channels.filter((c) => !(CHANNELS as readonly string[]).includes(c));
    if (unknown.length > 0)
      throw badInput(`channels.${i}.channels`, `No channel ${unknown.join(', ')}; channels are ${CHANNELS.join(', ')}`);
    next[entry.kind as Kind] = [...new Set(entry.channels as ChannelName[])];
  }
  return next;
}

/** Each user's channels per kind, quiet hours and locale. */
export class Preferences {
  constructor(private readonly prisma: PrismaClient) {}

  async get(userId: string, db: Db = this.prisma): Promise<PreferenceView> {
    const row = await db.preference.findUnique({ where: { userId } });
    return row ? viewOf(row) : { userId, ...DEFAULTS, choices: {} };
  }

  /** From `user.registered`: the language and zone they signed up with; an existing row stays. */
  async start(db: Db, userId: string, locale: string, timezone: string): Promise<void> {
    const safe = { locale: safely(checkedLocale, locale, 'en'), timezone: safely(checkedTimezone, timezone, 'UTC') };
    await db.preference.upsert({ where: { userId }, create: { userId, ...safe }, update: {} });
  }

  async update(userId: string, input: PreferencesInput): Promise<PreferenceView> {
    const current = await this.get(userId);
    const locale = input.locale != null ? checkedLocale(input.locale) : current.locale;
    const timezone = input.timezone != null ? checkedTimezone(input.timezone) : current.timezone;
    const quiet =
      input.quietHours === undefined
        ? { quietStart: current.quietStart, quietEnd: current.quietEnd }
        : input.quietHours === null
          ? { quietStart: null, quietEnd: null }
          : {
              quietStart: minutesOf('quietHours.start', input.quietHours.start),
              quietEnd: minutesOf('quietHours.end', input.quietHours.end),
            };
    const channels = checkedChoices(current.choices, input.channels ?? []);
    const data = { locale, timezone, ...quiet, channels };
    const row = await this.prisma.preference.upsert({ where: { userId }, create: { userId, ...data }, update: data });
    return viewOf(row);
  }
}

function safely(check: (v: string) => string, value: string, fallback: string): string {
  try {
    return check(value);
  } catch {
    return fallback;
  }
}
