import { describe, expect, it } from 'vitest';
import { distanceKm } from '@p2p/kit';
import { capacityOf, demandOf, priceMinor, weightGramsOf } from '../src/services/quantities.js';
import { pricingOf } from '../src/services/trip-input.js';
import { degreeBox, type Point } from '../src/services/route-box.js';

/** The point `km` away from `from` on bearing `bearingDeg`, on the sphere PostGIS uses. */
function travel(from: Point, km: number, bearingDeg: number): Point {
  const r = km / 6371.0088;
  const [lat1, lng1, b] = [from.lat, from.lng, bearingDeg].map((d) => (d * Math.PI) / 180) as [number, number, number];
  const lat2 = Math.asin(Math.sin(lat1) * Math.cos(r) + Math.cos(lat1) * Math.sin(r) * Math.cos(b));
  const lng2 =
    lng1 + Math.atan2(Math.sin(b) * Math.sin(r) * Math.cos(lat1), Math.cos(r) - Math.sin(lat1) * Math.sin(lat2));
  const wrap = (d: number) => (((d * 180) / Math.PI + 540) % 360) - 180;
  return { lat: (lat2 * 180) / Math.PI, lng: wrap(lng2) };
}

describe('matching box (the index condition) never misses a trip inside the radius', () => {
  const centres: Point[] = [
    { lat: 48.8566, lng: 2.3522 },
    { lat: 69.6496, lng: 18.956 },
    { lat: -33.8688, lng: 151.2093 },
    { lat: 0, lng: 0 },
    { lat: 64.8378, lng: -147.7164 },
  ];
  for (const centre of centres) {
    it(`holds every point 50 km around (${centre.lat}, ${centre.lng})`, () => {
      const box = degreeBox(centre, 50);
      for (let bearing = 0; bearing < 360; bearing += 5) {
        const p = travel(centre, 49.999, bearing);
        expect(distanceKm(centre, p)).toBeLessThan(50.01);
        expect(
          p.lng >= box.xmin && p.lng <= box.xmax && p.lat >= box.ymin && p.lat <= box.ymax,
          `bearing ${bearing}`,
        ).toBe(true);
      }
    });
  }
  it('searches every longitude near a pole or across the antimeridian', () => {
    expect(degreeBox({ lat: 89.9, lng: 10 }, 50)).toMatchObject({ xmin: -180, xmax: 180 });
    expect(degreeBox({ lat: -16.5, lng: 179.9 }, 50)).toMatchObject({ xmin: -180, xmax: 180 });
    const paris = degreeBox({ lat: 48.8566, lng: 2.3522 }, 50);
    expect(paris.xmax - paris.xmin).toBeLessThan(1.4);
    expect(paris.ymax - paris.ymin).toBeLessThan(0.91);
  });
});

describe('quantities and prices', () => {
  it('stores capacity to the nearest gram and rounds parcel demand up, without float noise', () => {
    expect(capacityOf('capacity', { weightKg: 12.5, volumeL: 40, items: 4 })).toEqual({
      weightG: 12_500,
      volumeMl: 40_000,
      items: 4,
    });
    expect(demandOf({ weightKg: 1.1, volumeL: 0.0001, items: 1 })).toEqual({ weightG: 1100, volumeMl: 1, items: 1 });
    expect(() => capacityOf('capacity', { weightKg: 0.0001, volumeL: 1, items: 1 })).toThrow(/more than 0/);
    expect(() => demandOf({ weightKg: 1, volumeL: 1, items: 1.5 })).toThrow(/whole number/);
  });

  it('prices a parcel as base + per kg × weight, rounded up to a whole step of the currency', () => {
    expect(priceMinor(500, 250, weightGramsOf('w', 2.2), 'EUR')).toBe(1050);
    expect(priceMinor(500, 250, weightGramsOf('w', 0.3333), 'EUR')).toBe(584);
    expect(priceMinor(0, 999, 1, 'EUR')).toBe(1);
    expect(priceMinor(100, 0, 5000, 'EUR')).toBe(100);
    // 1.234 KWD/kg × 1.5 kg = 1.851 KWD: up to 1.860, an amount KWD can be paid in.
    expect(priceMinor(5_000, 1_234, 1_500, 'KWD')).toBe(6_860);
    expect(priceMinor(5_000, 1_240, 1_500, 'KWD')).toBe(6_860);
    expect(priceMinor(500, 7, 1_000, 'MGA')).toBe(600);
  });

  it('takes a base price in whole steps of its currency, and a price per kg to the minor unit', () => {
    const kwd = (amountMinor: number) => ({ amountMinor, currency: 'KWD' });
    expect(pricingOf(kwd(1_000), kwd(75))).toEqual({ currency: 'KWD', basePriceMinor: 1_000, pricePerKgMinor: 75 });
    expect(() => pricingOf(kwd(1_005), kwd(75))).toThrow(/KWD amounts move in steps of KWD\u00a00\.010/);
    // A trip's own base price, stored before the rule, does not stop a change of its rate.
    expect(pricingOf(kwd(1_005), kwd(80), { storedBase: true })).toMatchObject({
      basePriceMinor: 1_005,
      pricePerKgMinor: 80,
    });
  });
});
