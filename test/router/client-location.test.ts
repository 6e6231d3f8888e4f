import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMeridianError } from '../../src/core/errors.js';
import { clientInfo, normalizeAddress } from '../../src/router/client-location.js';

// 81.2.69.142 is MaxMind's own test address in the UK; the bundled GeoLite data places it in England.
const UK_ADDRESS = '81.2.69.142';

function badRequest(headers: Record<string, string | string[]>, header: string, message: RegExp): void {
  assert.throws(() => clientInfo(headers, '127.0.0.1'), (e) => {
    assert.ok(isMeridianError(e, 'BAD_REQUEST'), String(e));
    assert.ok(e.message.startsWith(`${header} header: `), e.message);
    assert.match(e.message, message);
    return true;
  });
}

describe('clientInfo', () => {
  it('takes the location from Meridian-Client-Location', () => {
    assert.deepEqual(clientInfo({ 'meridian-client-location': '50.11, 8.68' }, UK_ADDRESS), { location: { latitude: 50.11, longitude: 8.68 } });
  });

  it('takes country and continent from Meridian-Client-Country, in any case', () => {
    assert.deepEqual(clientInfo({ 'meridian-client-country': 'DE' }, UK_ADDRESS), { country: 'DE', continent: 'EU' });
    assert.deepEqual(clientInfo({ 'meridian-client-country': ' jp ' }, undefined), { country: 'JP', continent: 'AS' });
    assert.deepEqual(clientInfo({ 'meridian-client-country': 'AQ' }, undefined), { country: 'AQ', continent: 'AN' });
  });

  it('combines both headers, and neither is mixed with a GeoIP lookup', () => {
    assert.deepEqual(
      clientInfo({ 'meridian-client-location': '35.68,139.69', 'meridian-client-country': 'JP', 'x-forwarded-for': UK_ADDRESS }, UK_ADDRESS),
      { location: { latitude: 35.68, longitude: 139.69 }, country: 'JP', continent: 'AS' },
    );
    assert.deepEqual(clientInfo({ 'meridian-client-country': 'BR', 'x-forwarded-for': UK_ADDRESS }, UK_ADDRESS), { country: 'BR', continent: 'SA' });
  });

  it('looks up the socket address in GeoIP: a UK address gives GB, Europe and a place in England', () => {
    const info = clientInfo({}, UK_ADDRESS);
    assert.equal(info.country, 'GB');
    assert.equal(info.continent, 'EU');
    assert.ok(info.location, 'expected a location');
    assert.ok(info.location.latitude > 49.9 && info.location.latitude < 55.9, `latitude ${info.location.latitude}`);
    assert.ok(info.location.longitude > -6 && info.location.longitude < 2, `longitude ${info.location.longitude}`);
  });

  it('strips the IPv4-mapped IPv6 prefix a dual-stack socket reports', () => {
    assert.deepEqual(clientInfo({}, `::ffff:${UK_ADDRESS}`), clientInfo({}, UK_ADDRESS));
    assert.deepEqual(clientInfo({}, '::ffff:127.0.0.1'), {});
  });

  it('prefers the first X-Forwarded-For address over the socket (the proxy)', () => {
    assert.equal(clientInfo({ 'x-forwarded-for': `${UK_ADDRESS}, 10.0.0.7` }, '10.0.0.8').country, 'GB');
    assert.equal(clientInfo({ 'x-forwarded-for': ['10.1.1.1', UK_ADDRESS] }, '127.0.0.1').country, 'GB');
  });

  it('skips private and unparsable X-Forwarded-For entries to the first public address', () => {
    assert.equal(clientInfo({ 'x-forwarded-for': `unknown, 192.168.1.20, ${UK_ADDRESS}:51234` }, '127.0.0.1').country, 'GB');
    assert.equal(clientInfo({ 'x-forwarded-for': '10.0.0.1' }, UK_ADDRESS).country, 'GB');
  });

  it('gives {} for private, loopback and unknown addresses', () => {
    for (const address of ['127.0.0.1', '::1', '10.2.3.4', '172.20.0.5', '192.168.0.10', '100.64.1.1', '169.254.1.1', 'fd00::1', 'fe80::1', '192.0.2.1', 'not-an-ip', '']) {
      assert.deepEqual(clientInfo({}, address), {}, address);
    }
    assert.deepEqual(clientInfo({}, undefined), {});
    assert.deepEqual(clientInfo({ 'x-forwarded-for': '127.0.0.1, ::1' }, '127.0.0.1'), {});
  });

  it('rejects a malformed location naming the header and the format', () => {
    badRequest({ 'meridian-client-location': 'Frankfurt' }, 'Meridian-Client-Location', /"Frankfurt" is not a latitude,longitude pair: expected two decimal numbers separated by one comma/);
    badRequest({ 'meridian-client-location': '50.11,188.68' }, 'Meridian-Client-Location', /longitude 188.68 .* out of range: it must be between -180 and 180/);
    badRequest({ 'meridian-client-location': '91,8' }, 'Meridian-Client-Location', /latitude 91 .* out of range/);
    badRequest({ 'meridian-client-location': '' }, 'Meridian-Client-Location', /not a latitude,longitude pair/);
  });

  it('rejects an unknown country naming the header and the format', () => {
    badRequest({ 'meridian-client-country': 'UK' }, 'Meridian-Client-Country', /"UK" is not an ISO 3166-1 alpha-2 country code \(the United Kingdom is GB\); send two letters such as DE or US/);
    badRequest({ 'meridian-client-country': 'Germany' }, 'Meridian-Client-Country', /"Germany" is not an ISO 3166-1 alpha-2 country code/);
    badRequest({ 'meridian-client-country': 'ZZ' }, 'Meridian-Client-Country', /"ZZ"/);
  });

  it('rejects a location header sent twice', () => {
    assert.throws(() => clientInfo({ 'meridian-client-location': ['1,2', '3,4'] }, undefined), (e) => isMeridianError(e, 'BAD_REQUEST') && /sent 2 times; send it once/.test(e.message));
  });
});

describe('normalizeAddress', () => {
  it('unwraps ports, brackets and IPv4-mapped IPv6, and refuses non-addresses', () => {
    assert.equal(normalizeAddress(' 81.2.69.142 '), '81.2.69.142');
    assert.equal(normalizeAddress('81.2.69.142:8080'), '81.2.69.142');
    assert.equal(normalizeAddress('[2001:db8::1]:443'), '2001:db8::1');
    assert.equal(normalizeAddress('2001:db8::1'), '2001:db8::1');
    assert.equal(normalizeAddress('::FFFF:81.2.69.142'), '81.2.69.142');
    assert.equal(normalizeAddress('unknown'), undefined);
    assert.equal(normalizeAddress('999.1.1.1'), undefined);
  });
});
