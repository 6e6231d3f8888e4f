import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EARTH_MEAN_RADIUS_KM, greatCircleKm, isValidLatLon, parseLatLon } from '../../src/core/geo.js';
import { isMeridianError } from '../../src/core/errors.js';

const london = { latitude: 51.5074, longitude: -0.1278 };
const newYork = { latitude: 40.7128, longitude: -74.006 };
const sydney = { latitude: -33.8688, longitude: 151.2093 };
const singapore = { latitude: 1.3521, longitude: 103.8198 };

function within(actual: number, expected: number, fraction: number): void {
  assert.ok(Math.abs(actual - expected) <= expected * fraction, `${actual} is not within ${fraction * 100}% of ${expected}`);
}

describe('greatCircleKm', () => {
  it('matches published distances between cities within 1%', () => {
    within(greatCircleKm(london, newYork), 5570, 0.01);
    within(greatCircleKm(sydney, singapore), 6300, 0.01);
    // Across the antimeridian: Tokyo to San Francisco is ~8,280 km, not the long way round.
    within(greatCircleKm({ latitude: 35.68, longitude: 139.69 }, { latitude: 37.77, longitude: -122.42 }), 8280, 0.01);
  });

  it('is zero for a point, symmetric, and half the circumference for antipodes', () => {
    assert.equal(greatCircleKm(london, london), 0);
    assert.equal(greatCircleKm(london, newYork), greatCircleKm(newYork, london));
    const antipode = { latitude: -london.latitude, longitude: london.longitude + 180 };
    within(greatCircleKm(london, antipode), Math.PI * EARTH_MEAN_RADIUS_KM, 1e-9);
    within(greatCircleKm({ latitude: 90, longitude: 0 }, { latitude: -90, longitude: 0 }), Math.PI * EARTH_MEAN_RADIUS_KM, 1e-9);
  });
});

describe('parseLatLon', () => {
  it('parses decimal degrees, with or without spaces and signs', () => {
    assert.deepEqual(parseLatLon('48.85,2.35'), { latitude: 48.85, longitude: 2.35 });
    assert.deepEqual(parseLatLon(' -33.87 , 151.21 '), { latitude: -33.87, longitude: 151.21 });
    assert.deepEqual(parseLatLon('+90,-180'), { latitude: 90, longitude: -180 });
    assert.deepEqual(parseLatLon('0,.5'), { latitude: 0, longitude: 0.5 });
  });

  function problem(text: string, what?: string): string {
    try {
      parseLatLon(text, what);
    } catch (e) {
      assert.ok(isMeridianError(e, 'INVALID_ARGUMENT'), String(e));
      return e.message;
    }
    assert.fail(`parseLatLon("${text}") did not throw`);
  }

  it('rejects anything but two numbers, saying what it expects', () => {
    assert.match(problem('48.85'), /^location: "48.85" is not a latitude,longitude pair: expected two decimal numbers/);
    assert.match(problem('48.85,2.35,7'), /not a latitude,longitude pair/);
    assert.match(problem(''), /not a latitude,longitude pair/);
    assert.match(problem('48.85 2.35'), /not a latitude,longitude pair/);
    assert.match(problem('paris,2.35'), /latitude "paris" in "paris,2.35" is not a decimal number/);
    assert.match(problem('48.85,'), /longitude "" in "48.85," is not a decimal number/);
    assert.match(problem('0x10,1'), /latitude "0x10" .* is not a decimal number/);
    assert.match(problem('1e3,1'), /is not a decimal number/);
  });

  it('rejects coordinates out of range, naming which one', () => {
    assert.match(problem('91,0'), /latitude 91 in "91,0" is out of range: it must be between -90 and 90/);
    assert.match(problem('0,180.5'), /longitude 180.5 in "0,180.5" is out of range: it must be between -180 and 180/);
  });

  it('hints at swapped coordinates and names the input', () => {
    assert.match(problem('151.21,-33.87', '--from'), /^--from: latitude 151.21 .* \(are latitude and longitude swapped\?\)$/);
  });

  it('only produces valid points', () => {
    assert.ok(isValidLatLon(parseLatLon('-90,180')));
    assert.equal(isValidLatLon({ latitude: NaN, longitude: 0 }), false);
    assert.equal(isValidLatLon({ latitude: 0, longitude: 181 }), false);
  });
});
