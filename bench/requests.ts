import { randomUUID } from 'node:crypto';
import { allowedCategories } from '@p2p/kit';
import type { MatchCriteria } from '../subgraphs/trips/src/services/matching.js';
import { cities } from './cities.js';
import { seededRandom, weightedIndex } from './random.js';

const DAY = 86_400_000;

/**
 * Delivery requests shaped like the trips (demand follows supply): between weighted cities,
 * pickup and drop-off within ~10 km of the centre, a 1–4 day pickup window 1–80 days ahead,
 * 1–5 days more to deliver, 0.2–5 kg. Seeded: every run and every index variant sees the same set.
 */
export function sampleRequests(count: number, seed: number, customerId: string = randomUUID()): MatchCriteria[] {
  const random = seededRandom(seed);
  const weights = cities.map((c) => c.weight);
  const jitter = () => (random() - 0.5) * 0.2;
  const now = Date.now();
  return Array.from({ length: count }, () => {
    const from = weightedIndex(weights, random);
    let to = weightedIndex(weights, random);
    if (to === from) to = (from + 1) % cities.length;
    const pickupFrom = now + (1 + random() * 79) * DAY;
    const pickupUntil = pickupFrom + (1 + random() * 3) * DAY;
    const category = random() < 0.4 ? 'DOCUMENTS' : allowedCategories[Math.floor(random() * allowedCategories.length)]!;
    return {
      customerId,
      pickup: { lat: cities[from]!.lat + jitter(), lng: cities[from]!.lng + jitter() },
      dropoff: { lat: cities[to]!.lat + jitter(), lng: cities[to]!.lng + jitter() },
      pickupFrom: new Date(pickupFrom),
      pickupUntil: new Date(pickupUntil),
      deliverBy: new Date(pickupUntil + (1 + random() * 4) * DAY),
      demand: {
        weightG: Math.round((0.2 + random() * 4.8) * 1000),
        volumeMl: Math.round((1 + random() * 19) * 1000),
        items: random() < 0.8 ? 1 : 2,
      },
      category,
    };
  });
}
