/** The channels a notification can go out on (the Prisma enum's values). */
export const CHANNELS = ['IN_APP', 'EMAIL', 'PUSH', 'SMS'] as const;
export type ChannelName = (typeof CHANNELS)[number];

export interface KindRule {
  /** The variables its templates may use (`{{name}}`); `appUrl` and `firstName`-free by design. */
  variables: readonly string[];
  /** Channels when the user chose none for the kind. */
  defaults: readonly ChannelName[];
  /** Channels the user cannot turn off (a reset link must arrive; a security alert must be seen). */
  required: readonly ChannelName[];
  /** Sent during quiet hours too (security, the mails a user just asked for). */
  urgent: boolean;
}

const COMMON = ['appUrl'] as const;
const vars = (...names: string[]) => [...COMMON, ...names];
const security = (...names: string[]): KindRule => ({
  variables: vars(...names),
  defaults: ['IN_APP', 'EMAIL', 'PUSH'],
  required: ['EMAIL'],
  urgent: true,
});
const activity = (defaults: readonly ChannelName[], ...names: string[]): KindRule => ({
  variables: vars(...names),
  defaults,
  required: [],
  urgent: false,
});
const ACTIVE: readonly ChannelName[] = ['IN_APP', 'EMAIL', 'PUSH'];

/**
 * Every kind of notification, what its templates may say and where it goes by default. A kind
 * is a closed set: preferences and templates naming another are refused.
 */
export const KINDS = {
  EMAIL_VERIFICATION: { variables: vars('link', 'expiresAt'), defaults: ['EMAIL'], required: ['EMAIL'], urgent: true },
  PASSWORD_RESET: { variables: vars('link', 'expiresAt'), defaults: ['EMAIL'], required: ['EMAIL'], urgent: true },
  PASSWORD_CHANGED: security(),
  NEW_SIGN_IN: security('device', 'ip', 'at'),
  TWO_FACTOR_CHANGED: security('state'),
  REFRESH_TOKEN_REUSED: security('at'),
  OFFER_RECEIVED: activity(ACTIVE, 'price', 'link'),
  OFFER_COUNTERED: activity(ACTIVE, 'price', 'link'),
  OFFER_ACCEPTED: activity(ACTIVE, 'price', 'number', 'link'),
  OFFER_DECLINED: activity(['IN_APP', 'PUSH'], 'link'),
  OFFER_WITHDRAWN: activity(['IN_APP', 'PUSH'], 'link'),
  PICKED_UP: activity(['IN_APP', 'PUSH', 'SMS'], 'link'),
  DELIVERED: activity(ACTIVE, 'link'),
  PAYOUT_SENT: activity(['IN_APP', 'EMAIL'], 'amount', 'link'),
  PAYOUT_FAILED: activity(['IN_APP', 'EMAIL'], 'amount', 'payoutId', 'attempts', 'error', 'link'),
  PAYOUT_MISMATCH: activity(['EMAIL'], 'mismatch', 'payoutId', 'providerRef', 'details', 'link'),
} as const satisfies Record<string, KindRule>;

export type Kind = keyof typeof KINDS;

export const isKind = (value: string): value is Kind => Object.hasOwn(KINDS, value);

/** Languages every kind has a default template in; others fall back to English. */
export const LANGUAGES = ['en', 'fr'] as const;
export type Language = (typeof LANGUAGES)[number];

/** The template language for a BCP 47 tag: its primary subtag when there are templates in it. */
export function languageOf(locale: string | null | undefined): Language {
  const primary = (locale ?? 'en').toLowerCase().split(/[-_]/)[0];
  return (LANGUAGES as readonly string[]).includes(primary ?? '') ? (primary as Language) : 'en';
}
