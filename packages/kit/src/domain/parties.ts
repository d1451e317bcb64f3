import type { BaseContext } from '../context.js';

/** The two people a delivery belongs to; its payment, codes, tracking and chat belong to them too. */
export interface Parties {
  customerId: string;
  travelerId: string;
}

export type Party = 'CUSTOMER' | 'TRAVELER';

/** Which of the two the viewer is, or null for anyone else. */
export function partyOf(parties: Parties, viewerId: string | null | undefined): Party | null {
  if (!viewerId) return null;
  if (viewerId === parties.customerId) return 'CUSTOMER';
  return viewerId === parties.travelerId ? 'TRAVELER' : null;
}

export const isParty = (parties: Parties, viewerId: string | null | undefined): boolean =>
  partyOf(parties, viewerId) !== null;

/**
 * The one rule for what belongs to a delivery's parties: the customer and the traveler see it,
 * and so do other services (which ask on the platform's behalf); nobody else learns it exists.
 */
export function canSeePartyData(ctx: BaseContext, parties: Parties): boolean {
  return ctx.caller.kind === 'service' || isParty(parties, ctx.viewer?.id);
}
