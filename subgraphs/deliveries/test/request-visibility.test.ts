import { describe, expect, it } from 'vitest';
import { placeIn, requestView, type ViewFacts } from '../src/services/request-visibility.js';

const facts = (over: Partial<ViewFacts>): ViewFacts => ({
  viewerId: 'viewer',
  service: false,
  customerId: 'customer',
  carrierId: null,
  open: true,
  offered: async () => false,
  ...over,
});

describe('requestView', () => {
  it.each([
    ['a service', { service: true, viewerId: null, open: false }, 'FULL'],
    ['the customer', { viewerId: 'customer', open: false }, 'FULL'],
    ['the booked traveler', { viewerId: 'carrier', carrierId: 'carrier', open: false }, 'FULL'],
    ['a traveler, while open', {}, 'AREA'],
    ['a traveler who offered, once booked', { open: false, carrierId: 'carrier', offered: async () => true }, 'AREA'],
    ['a traveler who did not, once booked', { open: false, carrierId: 'carrier' }, null],
    ['anyone signed out, even while open', { viewerId: null }, null],
  ] as const)('%s', async (_who, over, expected) => {
    expect(await requestView(facts(over))).toBe(expected);
  });

  it('asks whether the viewer offered only when nothing else decides', async () => {
    let asked = 0;
    const offered = async () => (asked++, true);
    await requestView(facts({ viewerId: 'customer', open: false, offered }));
    await requestView(facts({ open: true, offered }));
    expect(asked).toBe(0);
  });
});

describe('placeIn', () => {
  const place = { address: '10 Rue de Rivoli', city: 'Paris', country: 'FR', lat: 48.85564, lng: 2.35222 };

  it('shows the whole place, or its area without the street and with the point to two decimals', () => {
    expect(placeIn('FULL', place)).toEqual({
      address: '10 Rue de Rivoli',
      city: 'Paris',
      country: 'FR',
      point: { lat: 48.85564, lng: 2.35222 },
    });
    expect(placeIn('AREA', place)).toEqual({
      address: null,
      city: 'Paris',
      country: 'FR',
      point: { lat: 48.86, lng: 2.35 },
    });
  });
});
