/**
 * DS digests, RFC 4034 §5.1.4: digest(owner name in canonical wire form | DNSKEY RDATA), with SHA-1 (RFC 4034),
 * SHA-256 (RFC 4509) and SHA-384 (RFC 6605 §2), against DS records from test/data, on both hash backends.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { dsDigest, isSupportedDigestType, setDefaultBackend } from '../../src/crypto/index.js';
import { canonicalName, keyTag, readRecords, readShared, rdataWire, toHex, type PresentationRecord } from './_helpers.js';

interface DsCase {
  readonly label: string;
  readonly owner: string;
  readonly keyTag: number;
  readonly digestType: number;
  readonly digest: string;
  readonly dnskeys: readonly PresentationRecord[];
}

function dsCasesFrom(file: string, label: string): DsCase[] {
  const text = readShared(file);
  const records = readRecords(text);
  const dnskeys = records.filter((r) => r.type === 'DNSKEY');
  const ds = records.filter((r) => r.type === 'DS');
  // Some files give DS forms computed for this project only in their header comments.
  for (const m of text.matchAll(/^;.*?(\S+\.) DS (\d+) (\d+) (\d+) ([0-9a-fA-F]+)/gm)) {
    ds.push({ owner: m[1]!, ttl: 0, type: 'DS', rdata: [m[2]!, m[3]!, m[4]!, m[5]!] });
  }
  const fromComment = [...text.matchAll(/DNSKEY (25[67] 3 \d+ [A-Za-z0-9+/=]+)/g)].map(
    (m): PresentationRecord => ({ owner: '', ttl: 0, type: 'DNSKEY', rdata: m[1]!.split(' ') }),
  );
  return ds.map((d) => ({
    label: `${label}: ${d.owner} DS ${d.rdata[0]} ${d.rdata[1]} ${d.rdata[2]}`,
    owner: d.owner,
    keyTag: Number(d.rdata[0]),
    digestType: Number(d.rdata[2]),
    digest: d.rdata.slice(3).join('').toLowerCase(),
    dnskeys: [...dnskeys, ...fromComment],
  }));
}

const CASES: DsCase[] = [
  ...dsCasesFrom('vectors/real/root-trust-anchors.txt', 'IANA root anchors'),
  ...dsCasesFrom('vectors/rfc/rfc6605-6.1-ecdsap256.txt', 'RFC 6605 §6.1'),
  ...dsCasesFrom('vectors/rfc/rfc6605-6.2-ecdsap384.txt', 'RFC 6605 §6.2'),
  ...dsCasesFrom('vectors/rfc/rfc8080-6.1-ed25519-example1.txt', 'RFC 8080 §6.1'),
  ...dsCasesFrom('vectors/rfc/rfc4035-A-signed-zone.zone', 'RFC 4035 App. A').filter((c) => c.keyTag === 9465),
];

afterEach(() => setDefaultBackend('auto'));

describe('the vector set', () => {
  it('covers root KSK-2017 (20326) and digest types 1, 2 and 4', () => {
    expect(CASES.some((c) => c.owner === '.' && c.keyTag === 20326 && c.digest.startsWith('e06d44b8'))).toBe(true);
    expect(new Set(CASES.map((c) => c.digestType))).toEqual(new Set([1, 2, 4]));
  });
});

describe.each(['auto', 'noble'] as const)('%s hash backend', (backend) => {
  it.each(CASES)('$label', (c) => {
    setDefaultBackend(backend);
    const dnskey = c.dnskeys.map((r) => rdataWire(r)).find((rdata) => keyTag(rdata) === c.keyTag);
    if (dnskey === undefined) throw new Error(`no DNSKEY with key tag ${c.keyTag}`);
    const digest = dsDigest(c.digestType, Uint8Array.from([...canonicalName(c.owner), ...dnskey]));
    expect(digest && toHex(digest)).toBe(c.digest);
    // Owner matters: the same RDATA under another name does not match.
    const other = dsDigest(c.digestType, Uint8Array.from([...canonicalName('example.org.'), ...dnskey]));
    expect(other && toHex(other)).not.toBe(c.digest);
  });
});

describe('digest types', () => {
  it.each([1, 2, 4])('type %i is supported', (t) => {
    expect(isSupportedDigestType(t)).toBe(true);
    expect(dsDigest(t, new Uint8Array(10))?.length).toBe(t === 1 ? 20 : t === 2 ? 32 : 48);
  });

  it.each([0, 3, 5, 6, 255, -1])('type %i (GOST 3, unassigned, reserved) is unsupported → undefined', (t) => {
    expect(isSupportedDigestType(t)).toBe(false);
    expect(dsDigest(t, new Uint8Array(10))).toBeUndefined();
  });

  it('returns plain Uint8Arrays on both backends', () => {
    for (const backend of ['auto', 'noble'] as const) {
      setDefaultBackend(backend);
      expect(Object.getPrototypeOf(dsDigest(2, new Uint8Array(3)))).toBe(Uint8Array.prototype);
    }
  });
});
