import {
  DomainError,
  ErrorCode,
  badInput,
  distanceKm,
  money,
  parcelCategory,
  place,
  type Money,
  type PlaceInput,
} from '@p2p/kit';

export interface RequestLimits {
  maxWeightKg: number;
  maxSideCm: number;
  maxQuantity: number;
  /** How far ahead a request may be due: its pickup window and delivery date. */
  horizonDays: number;
}

export interface CreateRequestInput {
  title: string;
  description?: string | null;
  photos?:
    { url: string; contentType: string; sizeBytes: number; width?: number | null; height?: number | null }[] | null;
  category: string;
  weightKg: number;
  dimensions: { lengthCm: number; widthCm: number; heightCm: number };
  declaredValue: Money;
  quantity?: number | null;
  pickup: PlaceInput;
  pickupContact: { name: string; phone: string };
  dropoff: PlaceInput;
  dropoffContact: { name: string; phone: string };
  pickupFrom: Date;
  pickupUntil: Date;
  deliverBy: Date;
  urgency?: 'STANDARD' | 'EXPRESS' | 'URGENT' | null;
  maxPrice: Money;
}

const PHOTO_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/heic']);
const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

function positive(field: string, value: number, max: number, unit: string): number {
  if (!Number.isFinite(value) || value <= 0) throw badInput(field, `${field} must be greater than zero`);
  if (value > max) throw badInput(field, `${field} must be at most ${max} ${unit}`);
  return value;
}

function text(field: string, raw: string | null | undefined, min: number, max: number): string | null {
  const value = raw?.trim() ?? '';
  if (value.length === 0 && min === 0) return null;
  if (value.length < min || value.length > max) throw badInput(field, `${field} must have ${min} to ${max} characters`);
  return value;
}

function contact(field: string, c: { name: string; phone: string }) {
  const phone = c.phone.replace(/[\s-]/g, '');
  if (!/^\+[1-9]\d{6,14}$/.test(phone)) throw badInput(field, 'Use an international phone number, e.g. +33612345678');
  return { name: text(field, c.name, 1, 100)!, phone };
}

function photos(list: CreateRequestInput['photos']) {
  if ((list ?? []).length > 10) throw badInput('photos', 'At most 10 photos');
  return (list ?? []).map((p) => {
    if (!/^https:\/\//.test(p.url)) throw badInput('photos', 'Photo URLs must be https');
    if (!PHOTO_TYPES.has(p.contentType)) throw badInput('photos', 'Photos must be JPEG, PNG, WebP or HEIC');
    if (!Number.isInteger(p.sizeBytes) || p.sizeBytes <= 0 || p.sizeBytes > MAX_PHOTO_BYTES)
      throw badInput('photos', 'A photo must be at most 10 MB');
    return {
      url: p.url,
      contentType: p.contentType,
      sizeBytes: p.sizeBytes,
      width: p.width ?? null,
      height: p.height ?? null,
    };
  });
}

function windows(input: CreateRequestInput, limits: RequestLimits, now: Date) {
  const { pickupFrom, pickupUntil, deliverBy } = input;
  if (pickupUntil <= now) throw badInput('pickupUntil', 'The pickup window is already over');
  if (pickupFrom >= pickupUntil) throw badInput('pickupFrom', 'The pickup window must start before it ends');
  if (deliverBy <= pickupFrom) throw badInput('deliverBy', 'Delivery must be due after the pickup window opens');
  const latest = now.getTime() + limits.horizonDays * 86_400_000;
  for (const [field, at] of [
    ['pickupUntil', pickupUntil],
    ['deliverBy', deliverBy],
  ] as const) {
    if (at.getTime() > latest) throw badInput(field, `${field} may be at most ${limits.horizonDays} days ahead`);
  }
  return { pickupFrom, pickupUntil, deliverBy };
}

/** Maximum price and declared value: money in one currency. */
function prices(input: CreateRequestInput) {
  const maxPrice = money('maxPrice', input.maxPrice, { min: 1 });
  const declaredValue = money('declaredValue', input.declaredValue);
  if (declaredValue.currency !== maxPrice.currency) {
    const message = 'Declared value and maximum price must be in the same currency';
    throw new DomainError(ErrorCode.CURRENCY_MISMATCH, message, { field: 'declaredValue' });
  }
  return {
    declaredValueMinor: declaredValue.amountMinor,
    currency: maxPrice.currency,
    maxPriceMinor: maxPrice.amountMinor,
  };
}

/** Dimensions, quantity and the volume they make, in litres. */
function size(input: CreateRequestInput, limits: RequestLimits) {
  const { lengthCm, widthCm, heightCm } = input.dimensions;
  const [l, w, h] = [lengthCm, widthCm, heightCm].map((v, i) =>
    positive(['lengthCm', 'widthCm', 'heightCm'][i]!, v, limits.maxSideCm, 'cm'),
  ) as [number, number, number];
  const quantity = input.quantity ?? 1;
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > limits.maxQuantity)
    throw badInput('quantity', `quantity must be 1 to ${limits.maxQuantity}`);
  const volumeL = Math.round(((l * w * h) / 1000) * quantity * 1000) / 1000;
  return { lengthCm: l, widthCm: w, heightCm: h, volumeL, quantity };
}

/** Where from and where to, with who hands over and who receives. */
function route(input: CreateRequestInput) {
  const pickup = place('pickup', input.pickup);
  const dropoff = place('dropoff', input.dropoff);
  return {
    pickup,
    dropoff,
    pickupContact: contact('pickupContact', input.pickupContact),
    dropoffContact: contact('dropoffContact', input.dropoffContact),
    distanceKm: Math.round(distanceKm(pickup.point, dropoff.point) * 1000) / 1000,
  };
}

/** Validates and normalises a new request; every refusal names its field. */
export function parseCreateRequest(input: CreateRequestInput, limits: RequestLimits, now = new Date()) {
  const category = parcelCategory('category', input.category);
  return {
    title: text('title', input.title, 3, 120)!,
    description: text('description', input.description, 0, 2000),
    photos: photos(input.photos),
    category,
    weightKg: positive('weightKg', input.weightKg, limits.maxWeightKg, 'kg'),
    ...size(input, limits),
    ...prices(input),
    ...route(input),
    ...windows(input, limits, now),
    urgency: input.urgency ?? 'STANDARD',
  };
}
