// The RFC 8198 cache is bounded in memory, not only in records: a client that makes the validator learn
// denials in ever new zones (one per name of an attacker's zone that delegates every label to a signed
// child, answered by an online signer) must not grow it without bound. The records are bounded by
// `maxRecords` (oldest out first); the per-zone stores that held them must go with them.
import { describe, expect, it } from 'vitest';
import { rdataFromText } from '../../src/wire/presentation.js';
import { nameFromText } from '../../src/wire/name.js';
import { RRType } from '../../src/wire/rrtype.js';
import { AggressiveCache } from '../../src/validator/aggressive-cache.js';

const NOW = 1_000_000;

function oneZone(i: number) {
  const zone = nameFromText(`z${i}.example.`);
  return { zone, nsec: [{ owner: zone, rdata: rdataFromText(RRType.NSEC, `z${i}.example. SOA RRSIG NSEC DNSKEY`) }], nsec3: [] };
}

describe('RFC 8198 cache: bounded in zones as in records', () => {
  it('denials learnt in 2,000 zones with room for 10 records leave at most 10 zone stores', () => {
    const c = new AggressiveCache(10);
    for (let i = 0; i < 2000; i++) c.addDenial(oneZone(i), 300, NOW);
    expect(c.size).toBe(10);
    expect(c.zoneCount).toBeLessThanOrEqual(10);
    // The newest zones still answer: z1999's one NSEC proves a name below its apex absent.
    expect(c.lookup(nameFromText('x.z1999.example.'), RRType.A, NOW)?.kind).toBe('nxdomain');
    expect(c.lookup(nameFromText('x.z0.example.'), RRType.A, NOW)).toBeUndefined();
  });

  it('a denial of which nothing is kept (records outside the zone, Opt-Out NSEC3) leaves no zone store behind', () => {
    const c = new AggressiveCache(10);
    for (let i = 0; i < 100; i++) {
      const { zone } = oneZone(i);
      c.addDenial({ zone, nsec: [{ owner: nameFromText('elsewhere.'), rdata: rdataFromText(RRType.NSEC, 'elsewhere. A') }], nsec3: [] }, 300, NOW);
    }
    expect(c.size).toBe(0);
    expect(c.zoneCount).toBe(0);
  });

  it('a zone store emptied by eviction is made again when the zone is learnt again', () => {
    const c = new AggressiveCache(1);
    c.addDenial(oneZone(1), 300, NOW);
    c.addDenial(oneZone(2), 300, NOW);
    expect(c.zoneCount).toBe(1);
    c.addDenial(oneZone(1), 300, NOW);
    expect(c.lookup(nameFromText('x.z1.example.'), RRType.A, NOW)?.kind).toBe('nxdomain');
    expect(c.zoneCount).toBe(1);
  });
});
