import type { CreateDeliveryRequestMutationVariables, CreateTripMutationVariables } from '@p2p/sdk';

/** Inputs that tests of several subgraphs build the same way (a subgraph's tests never import another's). */

/** An ISO timestamp `n` hours from now. */
export const inHours = (n: number): string => new Date(Date.now() + n * 3_600_000).toISOString();

/** Paris → Lyon, 2 kg of books, pickup from tomorrow for two days, due within five; in EUR. */
export function requestInput(
  overrides: Partial<CreateDeliveryRequestMutationVariables['input']> = {},
): CreateDeliveryRequestMutationVariables['input'] {
  return {
    title: 'Box of books',
    description: 'Six paperbacks, well wrapped',
    category: 'BOOKS',
    weightKg: 2,
    dimensions: { lengthCm: 30, widthCm: 20, heightCm: 10 },
    declaredValue: { amountMinor: 6000, currency: 'EUR' },
    quantity: 1,
    pickup: { address: '10 Rue de Rivoli', city: 'Paris', country: 'FR', lat: 48.8556, lng: 2.3522 },
    pickupContact: { name: 'Ada', phone: '+33612345678' },
    dropoff: { address: '5 Place Bellecour', city: 'Lyon', country: 'FR', lat: 45.7578, lng: 4.832 },
    dropoffContact: { name: 'Grace', phone: '+33698765432' },
    pickupFrom: inHours(24),
    pickupUntil: inHours(72),
    deliverBy: inHours(120),
    urgency: 'STANDARD',
    maxPrice: { amountMinor: 4000, currency: 'EUR' },
    ...overrides,
  };
}

/** Paris → Lyon by car, tomorrow, 20 kg of room: a trip that fits requestInput(). */
export function tripInput(
  overrides: Partial<CreateTripMutationVariables['input']> = {},
): CreateTripMutationVariables['input'] {
  return {
    mode: 'CAR',
    origin: { address: 'Gare de Lyon', city: 'Paris', country: 'FR', lat: 48.8443, lng: 2.3744 },
    destination: { address: 'Part-Dieu', city: 'Lyon', country: 'FR', lat: 45.7606, lng: 4.8593 },
    departureAt: inHours(36),
    arrivalAt: inHours(42),
    capacity: { weightKg: 20, volumeL: 200, items: 10 },
    acceptedCategories: ['BOOKS', 'CLOTHING', 'DOCUMENTS'],
    basePrice: { amountMinor: 1000, currency: 'EUR' },
    pricePerKg: { amountMinor: 200, currency: 'EUR' },
    ...overrides,
  };
}
