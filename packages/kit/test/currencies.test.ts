import { describe, expect, it } from 'vitest';
import { DomainError, formatMoney, inWholeSteps, minorUnitsOf, money, stepOf, type Money } from '../src/index.js';

const intlDigits = (code: string) =>
  new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits;

/** The refusal `run` throws, as a client would see it. */
function refusal(run: () => unknown) {
  try {
    run();
  } catch (err) {
    if (err instanceof DomainError) return { code: err.code, field: err.details.field, message: err.message };
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('minor units (ISO 4217)', () => {
  it('agrees with Intl except where CLDR drops digits for display', () => {
    const differing = Intl.supportedValuesOf('currency').filter((c) => minorUnitsOf(c) !== intlDigits(c));
    // ISO keeps 2 (IQD 3) where CLDR shows none; payment providers too take HUF, IDR, COP… in hundredths.
    expect(differing.sort()).toEqual([
      'AFN',
      'ALL',
      'COP',
      'HUF',
      'IDR',
      'IQD',
      'IRR',
      'KPW',
      'LAK',
      'LBP',
      'MGA',
      'MMK',
      'PKR',
      'SLL',
      'SOS',
      'SYP',
      'YER',
    ]);
    expect([
      minorUnitsOf('JPY'),
      minorUnitsOf('KRW'),
      minorUnitsOf('EUR'),
      minorUnitsOf('HUF'),
      minorUnitsOf('KWD'),
      minorUnitsOf('IQD'),
    ]).toEqual([0, 0, 2, 2, 3, 3]);
  });

  it('formats amounts with the currency’s own digits', () => {
    expect([
      formatMoney(3427, 'EUR'),
      formatMoney(5482, 'JPY'),
      formatMoney(12_930, 'KWD'),
      formatMoney(123_456, 'HUF'),
      formatMoney(150, 'ISK'),
    ]).toEqual(['€34.27', '¥5,482', 'KWD\u00a012.930', 'HUF\u00a01,234.56', 'ISK\u00a0150']);
  });
});

describe('steps', () => {
  it('moves the three-decimal currencies in tens of fils, MGA in whole ariary, the rest in minor units', () => {
    const steps = Object.fromEntries(
      Intl.supportedValuesOf('currency')
        .filter((c) => stepOf(c) !== 1)
        .map((c) => [c, stepOf(c)]),
    );
    expect(steps).toEqual({ BHD: 10, IQD: 10, JOD: 10, KWD: 10, LYD: 10, OMR: 10, TND: 10, MGA: 100 });
  });

  it('refuses money input that is not a whole step, naming the field and the step', () => {
    const kwd = (amountMinor: number): Money => ({ amountMinor, currency: 'KWD' });
    expect(refusal(() => money('price', kwd(12_345), { min: 1 }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'price',
      message: 'KWD amounts move in steps of KWD\u00a00.010; give a multiple of 10 minor units',
    });
    expect(money('price', kwd(12_340), { min: 1 })).toEqual(kwd(12_340));
    // The currency is read as given (lower case, spaces), then its step applies.
    expect(refusal(() => money('maxPrice', { amountMinor: 1_005, currency: ' bhd ' }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'maxPrice',
    });
    expect(refusal(() => money('declaredValue', { amountMinor: 250_050, currency: 'MGA' })).message).toMatch(
      /steps of MGA\u00a01\.00; give a multiple of 100/,
    );
    expect(money('declaredValue', { amountMinor: 250_000, currency: 'mga' })).toEqual({
      amountMinor: 250_000,
      currency: 'MGA',
    });
    // One minor unit is a whole step elsewhere, zero included.
    expect(
      [
        money('price', { amountMinor: 12_345, currency: 'EUR' }),
        money('price', { amountMinor: 0, currency: 'JPY' }),
      ].map((m) => m.amountMinor),
    ).toEqual([12_345, 0]);
  });

  it('keeps the other refusals first, and lets rates opt out', () => {
    // A bad currency is reported as such, not as a step problem.
    expect(refusal(() => money('price', { amountMinor: 12_345, currency: 'XYZ' })).message).toMatch(
      /ISO 4217 currency code/,
    );
    expect(refusal(() => money('price', { amountMinor: 12.5, currency: 'KWD' })).message).toMatch(
      /whole number of minor units/,
    );
    expect(money('pricePerKg', { amountMinor: 18, currency: 'KWD' }, { wholeSteps: false })).toEqual({
      amountMinor: 18,
      currency: 'KWD',
    });
    expect(inWholeSteps('amountMinor', 1_000, 'KWD')).toBe(1_000);
    expect(refusal(() => inWholeSteps('amountMinor', 1_005, 'KWD')).field).toBe('amountMinor');
  });
});
