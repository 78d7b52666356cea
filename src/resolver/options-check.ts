/**
 * Checks the upstream options a caller gives (createUpstream,
 * createNetworkSource) before anything is built, so that a configuration
 * mistake is a ConfigError that says which option was wrong and why — never
 * an UpstreamError (which means "no answer, try again later"), and never a
 * message about `undefined` because a string came where a list was due.
 */
import { isIP } from 'node:net';
import { ConfigError, describeValue } from '../errors.js';
import { loadCaFile } from './tls.js';
import { TransportError } from './transport.js';

const PROTOCOLS: readonly string[] = ['udp', 'tcp', 'tls', 'https'];

function fail(message: string): never {
  throw new ConfigError(message);
}

function checkServer(s: unknown, i: number): void {
  const where = `servers[${i}]`;
  if (typeof s !== 'object' || s === null || Array.isArray(s)) {
    fail(`${where} must be an object { host: '<IP address>', port: <1-65535> }, not ${describeValue(s)}`);
  }
  const { host, port } = s as { host?: unknown; port?: unknown };
  if (typeof host !== 'string') fail(`${where}.host must be an IP address literal as a string, not ${describeValue(host)}`);
  if (isIP(host) === 0) fail(`server ${JSON.stringify(host)} is not an IP address literal (a stub resolver cannot look up its own resolver's name)`);
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    fail(`bad port for ${host}: ${where}.port must be an integer from 1 to 65535, not ${describeValue(port)}`);
  }
}

function checkOptionalString(opts: Record<string, unknown>, key: string): void {
  const v = opts[key];
  if (v !== undefined && (typeof v !== 'string' || v === '')) fail(`${key} must be a non-empty string, not ${describeValue(v)}`);
}

function checkOptionalNumber(opts: Record<string, unknown>, key: string, integer: boolean, what: string): void {
  const v = opts[key];
  if (v === undefined) return;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) fail(`${key} must be ${what}, not ${describeValue(v)}`);
}

/** Throws ConfigError when `opts` are not valid upstream options. Reads the CA file (once) when one is named. */
export function checkUpstreamOptions(opts: unknown): void {
  if (typeof opts !== 'object' || opts === null) fail(`the options must be an object, not ${describeValue(opts)}`);
  const o = opts as Record<string, unknown>;
  const servers = o['servers'];
  if (servers !== 'system') {
    if (!Array.isArray(servers)) {
      fail(`servers must be 'system' or an array of { host, port } (e.g. [{ host: '127.0.0.1', port: 53 }]), not ${describeValue(servers)}`);
    }
    servers.forEach(checkServer);
  }
  const protocol = o['protocol'];
  if (protocol !== undefined && (typeof protocol !== 'string' || !PROTOCOLS.includes(protocol))) {
    fail(`protocol must be one of ${PROTOCOLS.join(', ')}, not ${describeValue(protocol)}`);
  }
  checkOptionalNumber(o, 'timeoutMs', false, 'a positive number of milliseconds');
  checkOptionalNumber(o, 'attempts', true, 'a positive integer');
  checkOptionalNumber(o, 'idleTimeoutMs', false, 'a positive number of milliseconds');
  checkOptionalString(o, 'tlsServerName');
  checkOptionalString(o, 'caFile');
  checkOptionalString(o, 'httpsUrl');
  if (o['rotate'] !== undefined && typeof o['rotate'] !== 'boolean') fail(`rotate must be a boolean, not ${describeValue(o['rotate'])}`);
  // Options of another protocol are a configuration bug, not something to
  // ignore: without protocol 'https' an httpsUrl would silently ask over UDP.
  const proto = typeof protocol === 'string' ? `'${protocol}'` : "'udp' (the default)";
  if (o['httpsUrl'] !== undefined && protocol !== 'https') fail(`httpsUrl needs protocol 'https', not ${proto}`);
  for (const key of ['tlsServerName', 'caFile']) {
    if (o[key] !== undefined && protocol !== 'tls' && protocol !== 'https') fail(`${key} is for protocol 'tls' or 'https', not ${proto}`);
  }
  const url = o['httpsUrl'];
  if (typeof url === 'string') {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      fail(`httpsUrl ${JSON.stringify(url)} is not a URL`);
    }
    if (parsed.protocol !== 'https:') fail(`httpsUrl must be an https: URL, not ${JSON.stringify(url)}`);
  }
  if (Array.isArray(servers) && servers.length === 0 && !(protocol === 'https' && typeof url === 'string')) {
    fail(protocol === 'https' ? 'DoH needs httpsUrl or servers' : 'no upstream servers given');
  }
  const caFile = o['caFile'];
  if (typeof caFile === 'string' && (protocol === 'tls' || protocol === 'https')) {
    try {
      loadCaFile(caFile);
    } catch (e) {
      if (e instanceof TransportError) throw new ConfigError(e.message, { cause: e });
      throw e;
    }
  }
}
