/**
 * Configuration mistakes given to createNetworkSource / createUpstream are
 * ConfigErrors that name the option and what was wrong with it — a class
 * apart from UpstreamError ("no answer, may retry"), so that code which
 * tempfails on UpstreamError does not retry a configuration bug forever.
 * Nothing here sends a query: every case fails at construction.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import * as api from '../../src/index.js';
import { type NetworkSourceOptions, createNetworkSource } from '../../src/resolver/network-source.js';
import { createUpstream } from '../../src/resolver/upstream.js';
import { UpstreamError } from '../../src/validator/result.js';

const tmp = mkdtempSync(join(tmpdir(), 'dnssec-stub-config-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const notPem = join(tmp, 'not-a-ca.pem');
writeFileSync(notPem, 'hello\n');

const LO = { host: '127.0.0.1', port: 53 };

const cases: [string, unknown, RegExp][] = [
  ['a host name as server', { servers: [{ host: 'localhost', port: 53 }] }, /server "localhost" is not an IP address literal/],
  ['servers as a string', { servers: '127.0.0.1' }, /servers must be 'system' or an array of \{ host, port \}.*not the string "127\.0\.0\.1"/],
  ['servers missing', {}, /servers must be 'system' or an array .*not undefined/],
  ['a server as a string', { servers: ['127.0.0.1'] }, /servers\[0\] must be an object \{ host: .*not the string "127\.0\.0\.1"/],
  ['a server without host', { servers: [{ port: 53 }] }, /servers\[0\]\.host must be an IP address literal as a string, not undefined/],
  ['a port as a string', { servers: [{ host: '127.0.0.1', port: '53' }] }, /servers\[0\]\.port must be an integer from 1 to 65535, not the string "53"/],
  ['port 0', { servers: [{ host: '::1', port: 0 }] }, /bad port for ::1.*not number 0/],
  ['port 65536', { servers: [{ host: '127.0.0.1', port: 65536 }] }, /not number 65536/],
  ['no servers', { servers: [] }, /no upstream servers given/],
  ['an unknown protocol', { servers: [LO], protocol: 'quic' }, /protocol must be one of udp, tcp, tls, https, not the string "quic"/],
  ['a negative timeout', { servers: [LO], timeoutMs: -1 }, /timeoutMs must be a positive number of milliseconds, not number -1/],
  ['a timeout as a string', { servers: [LO], timeoutMs: '3000' }, /timeoutMs must be .*not the string "3000"/],
  ['fractional attempts', { servers: [LO], attempts: 1.5 }, /attempts must be a positive integer, not number 1\.5/],
  ['an http DoH URL', { servers: [], protocol: 'https', httpsUrl: 'http://127.0.0.1/dns-query' }, /httpsUrl must be an https: URL/],
  ['a DoH URL that is not a URL', { servers: [], protocol: 'https', httpsUrl: 'dns-query' }, /httpsUrl "dns-query" is not a URL/],
  ['DoH without URL or servers', { servers: [], protocol: 'https' }, /DoH needs httpsUrl or servers/],
  ['an unreadable CA file', { servers: [LO], protocol: 'tls', caFile: join(tmp, 'missing.pem') }, /cannot read CA file .*missing\.pem/],
  ['a CA file without a certificate', { servers: [LO], protocol: 'tls', caFile: notPem }, /holds no PEM certificate/],
  ['rotate as a string', { servers: [LO], rotate: 'yes' }, /rotate must be a boolean/],
  ['no options at all', undefined, /needs an options object/],
];

describe('bad upstream options are ConfigErrors that say what was wrong', () => {
  it.each(cases)('createNetworkSource with %s', (_what, opts, message) => {
    let err: unknown;
    try {
      createNetworkSource(opts as NetworkSourceOptions);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).not.toBeInstanceOf(UpstreamError);
    expect((err as Error).name).toBe('ConfigError');
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain('\n');
  });

  it.each(cases.filter(([what]) => what !== 'no options at all'))('createUpstream with %s', (_what, opts, message) => {
    expect(() => createUpstream(opts as NetworkSourceOptions)).toThrow(ConfigError);
    expect(() => createUpstream(opts as NetworkSourceOptions)).toThrow(message);
  });

  it('ConfigError is exported by the package', () => {
    expect(api.ConfigError).toBe(ConfigError);
  });

  it('good options still build a source (no false alarms)', async () => {
    for (const opts of [
      { servers: [LO] },
      { servers: [{ host: '::1', port: 5353 }], protocol: 'tcp' as const, timeoutMs: 100, attempts: 1 },
      { servers: [], protocol: 'https' as const, httpsUrl: 'https://127.0.0.1/dns-query' },
    ]) {
      const source = createNetworkSource(opts);
      await source.close();
    }
  });
});
