// Where a request's client is, for the routing policies: from explicit headers when the client
// (or a trusted front end) says so, else from its IP address through the GeoIP database that
// geoip-lite ships inside the package (no network, no API key).
import { BlockList, isIP } from 'node:net';
import geoip from 'geoip-lite';
import { MeridianError, isMeridianError } from '../core/errors.js';
import { isValidLatLon, parseLatLon } from '../core/geo.js';
import { findCountry } from '../config/countries.js';
import type { ClientInfo } from './policies/policy.js';

/** `Meridian-Client-Location: LAT,LON` in decimal degrees, e.g. `50.11,8.68`. Beats everything else. */
export const CLIENT_LOCATION_HEADER = 'meridian-client-location';
/** `Meridian-Client-Country: CC` (ISO 3166-1 alpha-2), e.g. `DE`. Beats the IP address. */
export const CLIENT_COUNTRY_HEADER = 'meridian-client-country';

/** Request headers as Node gives them (`IncomingHttpHeaders`): names in lower case. */
export type RequestHeaders = Readonly<Record<string, string | string[] | undefined>>;

/**
 * Addresses that say nothing about where a client is: private (RFC 1918, RFC 4193), shared
 * carrier-grade NAT (RFC 6598), loopback, link-local, unspecified and documentation ranges.
 */
const NOT_LOCATABLE = new BlockList();
for (const [net, prefix] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.51.100.0', 24], ['203.0.113.0', 24]] as const) {
  NOT_LOCATABLE.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['2001:db8::', 32]] as const) {
  NOT_LOCATABLE.addSubnet(net, prefix, 'ipv6');
}

/**
 * Where the client of a request is. Precedence:
 * 1. `Meridian-Client-Location: LAT,LON` gives the location; with `Meridian-Client-Country` also
 *    present, that gives country and continent (a client that says where it is is not second-
 *    guessed by GeoIP, so the two headers never mix with a lookup);
 * 2. `Meridian-Client-Country: CC` alone gives country and continent;
 * 3. otherwise the first locatable address among the `X-Forwarded-For` entries (client first,
 *    then each proxy) and then the socket's peer, looked up in GeoIP.
 *
 * `X-Forwarded-For` can be forged by the client, but so can the headers above: a client gains
 * nothing by lying about its location except a slower route for itself. Private and loopback
 * addresses, and addresses GeoIP does not know, give `{}` (unknown).
 *
 * With `byAddress` false (a policy that does not place clients) step 3 is skipped: the headers
 * are still checked, but no address is parsed or looked up (a few µs per request).
 *
 * @throws MeridianError `BAD_REQUEST` naming the header and the expected format, for a malformed
 *         location or an unknown country code.
 */
export function clientInfo(headers: RequestHeaders, socketAddress: string | undefined, byAddress = true): ClientInfo {
  const location = header(headers, CLIENT_LOCATION_HEADER, 'Meridian-Client-Location');
  const country = header(headers, CLIENT_COUNTRY_HEADER, 'Meridian-Client-Country');
  if (location !== undefined || country !== undefined) {
    return {
      ...(location !== undefined ? { location: parseLocationHeader(location) } : {}),
      ...(country !== undefined ? parseCountryHeader(country) : {}),
    };
  }
  if (!byAddress) return {};
  const forwarded = header(headers, 'x-forwarded-for', 'X-Forwarded-For', true)?.split(',') ?? [];
  for (const raw of [...forwarded, socketAddress ?? '']) {
    const address = normalizeAddress(raw);
    if (address !== undefined && !NOT_LOCATABLE.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4')) return lookupAddress(address);
  }
  return {};
}

/**
 * What GeoIP knows about one public IP address: location (the `ll` of its city or country),
 * country and continent; `{}` when the address is not in the database.
 */
export function lookupAddress(address: string): ClientInfo {
  const found = geoip.lookup(address);
  if (found === null) return {};
  // Some entries carry only a country; guard against a missing or null `ll` (NaN fails the check).
  const [latitude, longitude] = (found.ll as readonly unknown[] | undefined) ?? [];
  const point = { latitude: Number(latitude ?? NaN), longitude: Number(longitude ?? NaN) };
  const known = findCountry(found.country);
  return {
    ...(isValidLatLon(point) ? { location: point } : {}),
    ...(known ? { country: known.code, continent: known.continent } : {}),
  };
}

/**
 * A bare IP address from an `X-Forwarded-For` entry or a socket address, or undefined if it is
 * not one: trims, drops `[...]` and `:port` around it, and unwraps IPv4-mapped IPv6
 * (`::ffff:81.2.69.142`, which a dual-stack socket reports for IPv4 peers).
 */
export function normalizeAddress(raw: string): string | undefined {
  let a = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(a);
  if (bracketed) a = bracketed[1] ?? '';
  else if (/^[\d.]+:\d+$/.test(a)) a = a.slice(0, a.lastIndexOf(':'));
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  if (mapped) a = mapped[1] ?? '';
  return isIP(a) === 0 ? undefined : a;
}

function header(headers: RequestHeaders, name: string, display: string, joinRepeats = false): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (joinRepeats) return value.join(',');
  if (value.length === 1) return value[0];
  throw new MeridianError('BAD_REQUEST', `${display}: the header is sent ${value.length} times; send it once`, { header: display });
}

function parseLocationHeader(value: string): ClientInfo['location'] {
  try {
    return parseLatLon(value, 'Meridian-Client-Location header');
  } catch (e) {
    // parseLatLon already names the header and the format; re-coded because a bad header is the
    // request's fault (400), which is what BAD_REQUEST means to the router's error handler.
    if (isMeridianError(e, 'INVALID_ARGUMENT')) throw new MeridianError('BAD_REQUEST', e.message, { header: 'Meridian-Client-Location', ...e.details });
    throw e;
  }
}

function parseCountryHeader(value: string): Pick<ClientInfo, 'country' | 'continent'> {
  const code = value.trim().toUpperCase();
  const country = /^[A-Z]{2}$/.test(code) ? findCountry(code) : undefined;
  if (country === undefined) {
    const uk = code === 'UK' ? ' (the United Kingdom is GB)' : '';
    throw new MeridianError(
      'BAD_REQUEST',
      `Meridian-Client-Country header: "${value}" is not an ISO 3166-1 alpha-2 country code${uk}; send two letters such as DE or US, or omit the header`,
      { header: 'Meridian-Client-Country', value },
    );
  }
  return { country: country.code, continent: country.continent };
}
