import { z } from 'zod';
import type { Viewer } from '../internal-auth.js';
import { field } from '../outbox/events.js';

/**
 * An action taken with an admin scope, as every domain publishes it for the audit log (each on
 * a topic of its own; the admin domain will keep them all): who, in which session, did what to what.
 */
export const adminActionPayload = () =>
  z.strictObject({
    actorId: field.id(),
    sessionId: field.id(),
    action: z.string(),
    targetType: z.string(),
    targetId: z.string(),
    details: z.record(z.string(), z.unknown()),
  });

export type AdminAction = z.output<ReturnType<typeof adminActionPayload>>;

export function adminAction(
  actor: Pick<Viewer, 'id' | 'sessionId'>,
  action: string,
  target: { type: string; id: string },
  details: Record<string, unknown> = {},
): AdminAction {
  return {
    actorId: actor.id,
    sessionId: actor.sessionId,
    action,
    targetType: target.type,
    targetId: target.id,
    details,
  };
}
