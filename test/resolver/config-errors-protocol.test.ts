/**
 * An option of another protocol is a ConfigError, not silently ignored:
 * `httpsUrl` without protocol 'https' used to ask over UDP (the default), and
 * a `caFile` or `tlsServerName` with UDP or TCP did nothing. The CLI refuses
 * the same mistakes (`--ca is for --tls or --https`).
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { type NetworkSourceOptions, createNetworkSource } from '../../src/resolver/network-source.js';
import { createUpstream } from '../../src/resolver/upstream.js';

const LO = { host: '127.0.0.1', port: 53 };

const cases: [string, NetworkSourceOptions, RegExp][] = [
  ['httpsUrl without a protocol', { servers: [LO], httpsUrl: 'https://127.0.0.1/dns-query' }, /^httpsUrl needs protocol 'https', not 'udp' \(the default\)$/],
  ['httpsUrl with protocol tls', { servers: [LO], protocol: 'tls', httpsUrl: 'https://127.0.0.1/dns-query' }, /^httpsUrl needs protocol 'https', not 'tls'$/],
  ['caFile with protocol udp', { servers: [LO], protocol: 'udp', caFile: '/nonexistent.pem' }, /^caFile is for protocol 'tls' or 'https', not 'udp'$/],
  ['caFile without a protocol', { servers: [LO], caFile: '/nonexistent.pem' }, /^caFile is for protocol 'tls' or 'https', not 'udp' \(the default\)$/],
  ['tlsServerName with protocol tcp', { servers: [LO], protocol: 'tcp', tlsServerName: 'dns.example' }, /^tlsServerName is for protocol 'tls' or 'https', not 'tcp'$/],
];

describe('options of another protocol are ConfigErrors', () => {
  it.each(cases)('createNetworkSource with %s', (_what, opts, message) => {
    let thrown: unknown;
    try {
      createNetworkSource(opts);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as Error).message).toMatch(message);
  });

  it.each(cases)('createUpstream with %s', (_what, opts, message) => {
    expect(() => createUpstream(opts)).toThrow(message);
  });

  it('the same options with their protocol are accepted', async () => {
    const tls = createNetworkSource({ servers: [LO], protocol: 'tls', tlsServerName: 'dns.example' });
    const doh = createNetworkSource({ servers: [], protocol: 'https', httpsUrl: 'https://127.0.0.1/dns-query', tlsServerName: 'dns.example' });
    await tls.close();
    await doh.close();
  });
});
