import type { CreateDeliveryRequestMutationVariables } from '@p2p/sdk';

const hours = (n: number) => new Date(Date.now() + n * 3_600_000).toISOString();

/** Paris → Lyon, 2 kg of books, pickup from tomorrow for two days, due within five. */
export function requestInput(overrides: Partial<CreateDeliveryRequestMutationVariables['input']> = {}): CreateDeliveryRequestMutationVariables['input'] {
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
    pickupFrom: hours(24),
    pickupUntil: hours(72),
    deliverBy: hours(120),
    urgency: 'STANDARD',
    maxPrice: { amountMinor: 4000, currency: 'EUR' },
    ...overrides,
  };
}

export { hours };
