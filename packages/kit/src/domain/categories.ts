import { DomainError, ErrorCode, badInput } from '../errors.js';

/**
 * What parcels may contain. Trips list the categories they accept; requests name one.
 * Prohibited categories are known (so the refusal can say why) but never accepted.
 */
export const parcelCategories = {
  DOCUMENTS: { prohibited: false, label: 'Documents and letters' },
  CLOTHING: { prohibited: false, label: 'Clothing and textiles' },
  ELECTRONICS: { prohibited: false, label: 'Electronics' },
  BOOKS: { prohibited: false, label: 'Books and printed matter' },
  GIFTS: { prohibited: false, label: 'Gifts and personal items' },
  FOOD_NON_PERISHABLE: { prohibited: false, label: 'Non-perishable food' },
  MEDICINE_OTC: { prohibited: false, label: 'Over-the-counter medicine' },
  SPORTS: { prohibited: false, label: 'Sports equipment' },
  OTHER: { prohibited: false, label: 'Other permitted goods' },
  WEAPONS: { prohibited: true, label: 'Weapons and ammunition' },
  DRUGS: { prohibited: true, label: 'Narcotics and controlled substances' },
  HAZARDOUS: { prohibited: true, label: 'Explosives, flammables and other dangerous goods' },
  LIVE_ANIMALS: { prohibited: true, label: 'Live animals' },
  CURRENCY: { prohibited: true, label: 'Cash and bearer instruments' },
  PERISHABLE_FOOD: { prohibited: true, label: 'Perishable food' },
  COUNTERFEIT: { prohibited: true, label: 'Counterfeit goods' },
} as const;

export type ParcelCategory = keyof typeof parcelCategories;

export const allowedCategories = (Object.keys(parcelCategories) as ParcelCategory[]).filter(
  (c) => !parcelCategories[c].prohibited,
);

/** Accepts a permitted category; a prohibited one is PROHIBITED_CATEGORY, an unknown one BAD_USER_INPUT. */
export function parcelCategory(field: string, raw: string): ParcelCategory {
  const code = raw.trim().toUpperCase() as ParcelCategory;
  const known = parcelCategories[code];
  if (!known) throw badInput(field, `Unknown category; use one of ${allowedCategories.join(', ')}`);
  if (known.prohibited) {
    throw new DomainError(ErrorCode.PROHIBITED_CATEGORY, `${known.label} cannot be carried on this platform`, {
      field,
      category: code,
    });
  }
  return code;
}
