// Distances on the Earth. A sphere is accurate enough here: the haversine distance differs from
// the ellipsoidal (Vincenty) one by at most ~0.5%, far below how much real network paths wander.
import { MeridianError } from './errors.js';
import type { LatLon } from './regions.js';

/** Mean Earth radius in km: (2a + b) / 3 of the WGS 84 ellipsoid, the IUGG R1 value. */
export const EARTH_MEAN_RADIUS_KM = 6371.0088;

const toRadians = (degrees: number): number => (degrees * Math.PI) / 180;

/** Great-circle distance in km between two points (haversine formula, mean Earth radius). */
export function greatCircleKm(from: LatLon, to: LatLon): number {
  const dLat = toRadians(to.latitude - from.latitude);
  const dLon = toRadians(to.longitude - from.longitude);
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(toRadians(from.latitude)) * Math.cos(toRadians(to.latitude)) * Math.sin(dLon / 2) ** 2;
  // Rounding can push h a hair above 1 for antipodal points; asin would then return NaN.
  return 2 * EARTH_MEAN_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** True when latitude is in [-90, 90] and longitude in [-180, 180] (both finite). */
export function isValidLatLon(p: LatLon): boolean {
  return (
    Number.isFinite(p.latitude) &&
    Number.isFinite(p.longitude) &&
    Math.abs(p.latitude) <= 90 &&
    Math.abs(p.longitude) <= 180
  );
}

// A decimal number with an optional sign: "48.85", "-0.5", ".5". Number() alone would also
// accept "", "0x10" and "1e3", none of which a person means as a coordinate.
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)$/;

/**
 * Parses `"latitude,longitude"` in decimal degrees, e.g. `"48.85,2.35"` (Paris); spaces around
 * either number are allowed. `what` names the input in error messages (e.g. `--from`).
 *
 * @throws MeridianError `INVALID_ARGUMENT` naming the problem: not two numbers, or out of range.
 */
export function parseLatLon(text: string, what = 'location'): LatLon {
  const example = 'e.g. "48.85,2.35" for Paris';
  const parts = text.split(',').map((s) => s.trim());
  if (parts.length !== 2) {
    throw new MeridianError(
      'INVALID_ARGUMENT',
      `${what}: "${text}" is not a latitude,longitude pair: expected two decimal numbers separated by one comma, ${example}`,
      { what, text },
    );
  }
  const [latText = '', lonText = ''] = parts;
  const latitude = parseCoordinate(latText, 'latitude', 90, what, text);
  const longitude = parseCoordinate(lonText, 'longitude', 180, what, text);
  return { latitude, longitude };
}

function parseCoordinate(part: string, field: string, limit: number, what: string, text: string): number {
  if (!DECIMAL.test(part)) {
    throw new MeridianError(
      'INVALID_ARGUMENT',
      `${what}: ${field} "${part}" in "${text}" is not a decimal number; write degrees like 48.85 (south and west are negative)`,
      { what, text, field },
    );
  }
  const value = Number(part);
  if (Math.abs(value) > limit) {
    throw new MeridianError(
      'INVALID_ARGUMENT',
      `${what}: ${field} ${value} in "${text}" is out of range: it must be between -${limit} and ${limit}` +
        (field === 'latitude' && Math.abs(value) <= 180 ? ' (are latitude and longitude swapped?)' : ''),
      { what, text, field },
    );
  }
  return value;
}
