/**
 * RFC 4034 §5.1.4: a DS digest is computed over the owner name in canonical
 * form (lower case). An IANA XML anchor (RFC 9718 §2.1) whose <Zone> is
 * written with capitals and which carries <PublicKey>/<Flags> must check the
 * digest the same way ds.ts does. Issue 10 correction 3.
 */
import { describe, expect, it } from 'vitest';
import { parseRootAnchorsXml } from '../../src/dnssec/anchors.js';
import { readDnskey, readDs } from '../../src/dnssec/records.js';
import { rfc6605Zone } from '../support/signed-zone.js';
import { dsFor } from '../support/signer.js';

const P = rfc6605Zone();
const key = readDnskey(P.dnskey.rdata)!;
const ds = readDs(dsFor(P.dnskey, 2).rdata)!;

function xml(zone: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<TrustAnchor id="test" source="test">
  <Zone>${zone}</Zone>
  <KeyDigest id="k1" validFrom="2010-01-01T00:00:00+00:00">
    <KeyTag>${ds.keyTag}</KeyTag>
    <Algorithm>${ds.algorithm}</Algorithm>
    <DigestType>${ds.digestType}</DigestType>
    <Digest>${Buffer.from(ds.digest).toString('hex').toUpperCase()}</Digest>
    <PublicKey>${Buffer.from(key.publicKey).toString('base64')}</PublicKey>
    <Flags>${key.flags}</Flags>
  </KeyDigest>
</TrustAnchor>`;
}

describe('XML anchor <PublicKey> digests over the canonical owner (RFC 4034 §5.1.4)', () => {
  it('control: <Zone>example.net.</Zone> with its public key parses', () => {
    expect(parseRootAnchorsXml(xml('example.net.'), 'lower.xml', P.now)[0]!.ds.length).toBe(1);
  });

  it('<Zone>Example.NET.</Zone> with the same key and digest parses too (names compare case-insensitively)', () => {
    const [a] = parseRootAnchorsXml(xml('Example.NET.'), 'upper.xml', P.now);
    expect(a!.ds.length).toBe(1);
  });

  it('a digest that does not match the key is still refused', () => {
    const bad = xml('Example.NET.').replace(/<Digest>([0-9A-F])/, (_m, c: string) => `<Digest>${c === '0' ? '1' : '0'}`);
    expect(() => parseRootAnchorsXml(bad, 'bad.xml', P.now)).toThrow(/does not hash to <Digest>/);
  });
});
