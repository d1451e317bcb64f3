/** What a channel's provider is asked to send; `id` is the dispatch's (the same on every retry). */
export interface OutgoingMessage {
  id: string;
  title: string;
  body: string;
  data: Record<string, string>;
}

export interface Mail extends OutgoingMessage {
  to: string;
  html: string;
}

/** A provider's refusal that no retry can change (a rejected address): the dispatch is dead. */
export class PermanentSendError extends Error {
  override name = 'PermanentSendError';
}

export interface EmailProvider {
  /** Resolves with the provider's id for the message once the server accepted it. */
  send(mail: Mail): Promise<string>;
  close(): Promise<void>;
}

/** Per token: sent (with the provider's id) or no longer registered (to be pruned). */
export type PushResult = { token: string; ok: true; ref: string } | { token: string; ok: false; unregistered: true };

export interface PushProvider {
  send(tokens: readonly string[], message: OutgoingMessage): Promise<PushResult[]>;
}

export interface SmsProvider {
  send(to: string, message: OutgoingMessage): Promise<string>;
}
