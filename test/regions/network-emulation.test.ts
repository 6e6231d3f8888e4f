import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadRegionCatalog } from '../../src/config/regions/catalog.js';
import { requireEdge } from '../../src/config/regions/edges.js';
import { isMeridianError } from '../../src/core/errors.js';
import {
  PATH_INFLATION,
  SAME_METRO_FLOOR_MS,
  createNetworkEmulator,
  oneWayDelayMs,
} from '../../src/providers/local/network-emulation.js';

const catalog = loadRegionCatalog();

describe('oneWayDelayMs', () => {
  it('puts us-east-1 to eu-west-1 near the real transatlantic latency', () => {
    // Real RTT is ~65-80 ms, so one way ~33-40 ms; the model should land in that neighbourhood.
    const ms = oneWayDelayMs(catalog.require('us-east-1'), catalog.require('eu-west-1'));
    assert.ok(ms > 30 && ms < 45, `${ms} ms`);
  });

  it('is the floor alone for the same place and grows with distance', () => {
    const frankfurt = catalog.require('eu-central-1');
    assert.equal(oneWayDelayMs(frankfurt, frankfurt), SAME_METRO_FLOOR_MS);
    const toParis = oneWayDelayMs(frankfurt, catalog.require('eu-west-3'));
    const toTokyo = oneWayDelayMs(frankfurt, catalog.require('ap-northeast-1'));
    assert.ok(SAME_METRO_FLOOR_MS < toParis && toParis < toTokyo);
  });

  it('applies the fibre speed and the path inflation', () => {
    // 1,000 km of fibre is 5 ms; inflated 1.4 times plus the floor.
    const a = { latitude: 0, longitude: 0 };
    const b = { latitude: 0, longitude: 1000 / (6371.0088 * Math.PI / 180) };
    assert.ok(Math.abs(oneWayDelayMs(a, b) - (SAME_METRO_FLOOR_MS + 5 * PATH_INFLATION)) < 1e-9);
  });
});

describe('createNetworkEmulator', () => {
  const london = requireEdge('london');

  it('when enabled, delays by distance to the region', () => {
    const emulator = createNetworkEmulator({ enabled: true, catalog });
    assert.equal(emulator.enabled, true);
    const near = emulator.oneWayDelayMs(london, 'eu-west-2');
    const far = emulator.oneWayDelayMs(london, 'ap-southeast-2');
    assert.ok(near < 1, `London to eu-west-2: ${near} ms`);
    assert.ok(far > 100, `London to Sydney: ${far} ms`);
    assert.equal(near, oneWayDelayMs(london, catalog.require('eu-west-2')));
  });

  it('when disabled, adds no delay', () => {
    const emulator = createNetworkEmulator({ enabled: false, catalog });
    assert.equal(emulator.enabled, false);
    for (const r of catalog.all()) assert.equal(emulator.oneWayDelayMs(london, r.code), 0);
  });

  it('rejects an unknown region whether enabled or not', () => {
    for (const enabled of [true, false]) {
      const emulator = createNetworkEmulator({ enabled, catalog });
      assert.throws(
        () => emulator.oneWayDelayMs(london, 'eu-west-9'),
        (e) => isMeridianError(e, 'REGION_UNKNOWN'),
      );
    }
  });
});
