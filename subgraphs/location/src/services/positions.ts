import { badInput, geoPoint } from '@p2p/kit';

/** A position as reported and as shown: rows and live events alike. */
export interface PositionView {
  lat: number;
  lng: number;
  accuracyM: number | null;
  speedMps: number | null;
  headingDeg: number | null;
  batteryPct: number | null;
  recordedAt: Date | string;
}

export interface PositionInput {
  lat: number;
  lng: number;
  accuracyM?: number | null;
  speedMps?: number | null;
  headingDeg?: number | null;
  batteryPct?: number | null;
  recordedAt: Date | string;
}

export interface CheckedPosition extends PositionView {
  recordedAt: Date;
}

/** How far ahead of the server's clock a phone's time may be. */
const CLOCK_SKEW_MS = 120_000;

function inRange(field: string, value: number | null | undefined, min: number, max: number, what: string) {
  if (value == null) return null;
  if (!(value >= min && value <= max)) throw badInput(field, what);
  return value;
}

/** A reported position checked whole: on the globe, plausible measures, a time neither future nor past retention. */
export function checkedPosition(field: string, input: PositionInput, oldest: Date): CheckedPosition {
  geoPoint(field, input.lat, input.lng);
  const recordedAt = new Date(input.recordedAt);
  if (Number.isNaN(recordedAt.getTime())) throw badInput(`${field}.recordedAt`, 'Give the time the phone measured it');
  if (recordedAt.getTime() > Date.now() + CLOCK_SKEW_MS)
    throw badInput(`${field}.recordedAt`, 'The position is in the future');
  if (recordedAt < oldest) throw badInput(`${field}.recordedAt`, 'The position is older than positions are kept');
  const battery = inRange(`${field}.batteryPct`, input.batteryPct, 0, 100, 'Battery is 0 to 100 %');
  if (battery !== null && !Number.isInteger(battery))
    throw badInput(`${field}.batteryPct`, 'Battery is a whole percent');
  return {
    lat: input.lat,
    lng: input.lng,
    accuracyM: inRange(`${field}.accuracyM`, input.accuracyM, 0, 100_000, 'Accuracy is a radius in metres'),
    speedMps: inRange(`${field}.speedMps`, input.speedMps, 0, 350, 'Speed is 0 to 350 m/s'),
    headingDeg: inRange(`${field}.headingDeg`, input.headingDeg, 0, 360, 'Heading is 0 to 360 degrees'),
    batteryPct: battery,
    recordedAt,
  };
}
