/**
 * KeyTrap (CVE-2023-50387): many DNSKEYs sharing one key tag × many RRSIGs
 * on one RRset would make a validator try every pair. The limits in
 * src/dnssec/limits.ts bound the work: MAX_RRSIGS_PER_RRSET signatures per
 * RRset, MAX_KEYS_PER_KEY_TAG keys per signature, and
 * MAX_SIGNATURE_VERIFICATIONS_PER_QUESTION for everything one question does.
 *
 * The colliding keys are variants of the RFC 6605 §6.1 P-256 key: two
 * octets of the public key changed so that the RFC 4034 Appendix B checksum
 * (the key tag) is unchanged. The DNSKEY RRset holding them is signed with
 * the key the RFC publishes; the signatures are copies of a real RRSIG with
 * garbage signature octets. Every signature check is counted by wrapping
 * the crypto entry point.
 */
import { describe, expect, it, vi } from 'vitest';

const counter = vi.hoisted(() => ({ verifications: 0 }));
vi.mock('../../src/crypto/index.js', async (importOriginal) => {
  const m = await importOriginal<typeof import('../../src/crypto/index.js')>();
  return {
    ...m,
    verifySignature: (...args: Parameters<typeof m.verifySignature>) => {
      counter.verifications++;
      return m.verifySignature(...args);
    },
  };
});

import { createValidator } from '../../src/validator/validator.js';
import type { ValidationResult } from '../../src/validator/result.js';
import { keyTag, readRrsig } from '../../src/dnssec/records.js';
import type { RR } from '../../src/wire/message.js';
import { nameEquals } from '../../src/wire/name.js';
import { RRType } from '../../src/wire/rrtype.js';
import { MAX_KEYS_PER_KEY_TAG, MAX_QUERIES_PER_QUESTION, MAX_RRSIGS_PER_RRSET, MAX_SIGNATURE_VERIFICATIONS_PER_QUESTION } from '../../src/dnssec/limits.js';
import { RecordPool, readShared } from '../support/record-pool.js';
import { n, vectorRecords } from '../support/vectors.js';
import { rfc6605Zone } from '../support/signed-zone.js';
import { rr } from '../support/signer.js';

const zone = rfc6605Zone();
const TAG = keyTag(zone.dnskey.rdata);
const rfcBody = vectorRecords(readShared('vectors/rfc/rfc6605-6.1-ecdsap256.txt'));
/** www.example.net A and the RFC's own RRSIG over it. */
const answer = rfcBody.filter((r) => nameEquals(r.name, n('www.example.net')));
const realSig = answer.find((r) => r.type === RRType.RRSIG)!;

/**
 * Variants of the key with the same key tag: RFC 4034 Appendix B sums the
 * octets at even offsets shifted left by 8, so +d at offset i and -d at
 * offset i+2 (both even) leave the sum, and the tag, unchanged.
 */
function collidingKeys(count: number): RR[] {
  const out: RR[] = [];
  for (let delta = 1; delta <= 4; delta++) {
    for (let i = 4; out.length < count && i + 2 < zone.dnskey.rdata.length; i += 2) {
      const rd = zone.dnskey.rdata.slice();
      if (rd[i]! + delta > 0xff || rd[i + 2]! < delta) continue;
      rd[i]! += delta;
      rd[i + 2]! -= delta;
      out.push({ ...zone.dnskey, rdata: rd });
    }
  }
  if (out.length < count) throw new Error('not enough colliding variants');
  return out;
}

/** Copies of an RRSIG with the signature octets replaced by garbage (each copy different). */
function garbageSigs(sig: RR, count: number): RR[] {
  const s = readRrsig(sig.rdata)!;
  const sigStart = sig.rdata.length - s.signature.length;
  return Array.from({ length: count }, (_, k) => {
    const rd = sig.rdata.slice();
    for (let i = sigStart; i < rd.length; i++) rd[i] = (i * 31 + k * 17 + 7) & 0xff;
    return { ...sig, rdata: rd };
  });
}

/** A pool whose example.net DNSKEY RRset is `keys` (signed by the real key) plus `extra` records. */
function poolWith(keys: RR[], extra: RR[]): RecordPool {
  const apexRest = zone.apex.filter((r) => r.type !== RRType.DNSKEY && !(r.type === RRType.RRSIG && readRrsig(r.rdata)?.typeCovered === RRType.DNSKEY));
  return new RecordPool([...keys, zone.sigFor(keys), ...apexRest, ...extra]);
}

async function counted(pool: RecordPool, name: string, type: string): Promise<{ res: ValidationResult; verifications: number }> {
  counter.verifications = 0;
  const v = createValidator({ source: pool, trustAnchors: zone.dsAnchors, clock: () => zone.now, prefetch: false });
  const res = await v.validate(name, type);
  return { res, verifications: counter.verifications };
}

describe('KeyTrap: colliding key tags × many RRSIGs (CVE-2023-50387)', () => {
  const variants = collidingKeys(31);

  it('the variants really collide: same key tag, different keys', () => {
    for (const v of variants) expect(keyTag(v.rdata)).toBe(TAG);
    expect(new Set(variants.map((v) => Buffer.from(v.rdata).toString('hex'))).size).toBe(variants.length);
  });

  it('honest collisions still validate: the real key first, the real RRSIG only → secure', async () => {
    const { res, verifications } = await counted(poolWith([zone.dnskey, ...variants], answer), 'www.example.net.', 'A');
    expect(res.status, JSON.stringify(res.reasons)).toBe('secure');
    expect(verifications).toBeGreaterThan(0);
  });

  it('the real RRSIG after many garbage ones, the real key after the variants: bogus, work bounded per RRset', async () => {
    const attack = [...answer.filter((r) => r.type !== RRType.RRSIG), ...garbageSigs(realSig, 64), realSig];
    // The real key first: the DS match tries at most MAX_KEYS_PER_KEY_TAG keys
    // per DS (keytrap-ds-digests-rfc4035-5.2.test.ts), so the attack must reach the RRSIGs.
    const pool = poolWith([zone.dnskey, ...variants], attack);
    const { res, verifications } = await counted(pool, 'www.example.net.', 'A');
    expect(res.status).toBe('bogus');
    expect(res.records).toEqual([]);
    expect(res.reasons[0]?.zone).toBe('example.net.');
    // One check for the DNSKEY RRset (only the DS-matched key is trusted), one for the SOA of
    // the zone-cut check's DS denial (every signature of a denial must verify, RFC 4035 §5),
    // then the capped pairs; more than one key per signature was tried, so the attack was exercised.
    expect(verifications).toBeGreaterThan(MAX_RRSIGS_PER_RRSET);
    expect(verifications).toBeLessThanOrEqual(2 + MAX_RRSIGS_PER_RRSET * MAX_KEYS_PER_KEY_TAG);
    expect(verifications).toBeLessThanOrEqual(MAX_SIGNATURE_VERIFICATIONS_PER_QUESTION);
    expect(pool.asked.length).toBeLessThanOrEqual(MAX_QUERIES_PER_QUESTION);
  });

  it('a signed CNAME chain where every link carries the attack: the per-question budget ends it, and a reason names the limit', async () => {
    const links = 10;
    const records: RR[] = [];
    for (let i = 0; i < links; i++) {
      const cname = rr(`k${i}.example.net.`, 'CNAME', `k${i + 1}.example.net.`);
      records.push(cname, ...garbageSigs(zone.sigFor([cname]), MAX_RRSIGS_PER_RRSET), zone.sigFor([cname]));
    }
    const last = rr(`k${links}.example.net.`, 'A', '192.0.2.1');
    records.push(last, ...garbageSigs(zone.sigFor([last]), MAX_RRSIGS_PER_RRSET));
    const pool = poolWith([zone.dnskey, ...variants], records);
    const { res, verifications } = await counted(pool, 'k0.example.net.', 'A');
    expect(res.status).toBe('bogus');
    expect(res.records).toEqual([]);
    expect(verifications).toBeLessThanOrEqual(MAX_SIGNATURE_VERIFICATIONS_PER_QUESTION);
    expect(res.reasons.some((r) => /budget|limit/i.test(r.text)), JSON.stringify(res.reasons)).toBe(true);
    expect(pool.asked.length).toBeLessThanOrEqual(MAX_QUERIES_PER_QUESTION);
  });

  it('a DNSKEY RRset with 64 garbage RRSIGs (all with the KSK tag): bogus, at most MAX_RRSIGS_PER_RRSET tried', async () => {
    const keys = [zone.dnskey, ...variants];
    const sig = zone.sigFor(keys);
    const apexRest = zone.apex.filter((r) => r.type !== RRType.DNSKEY && !(r.type === RRType.RRSIG && readRrsig(r.rdata)?.typeCovered === RRType.DNSKEY));
    const pool = new RecordPool([...keys, ...garbageSigs(sig, 64), sig, ...apexRest, ...answer]);
    const { res, verifications } = await counted(pool, 'www.example.net.', 'A');
    expect(res.status).toBe('bogus');
    expect(res.reasons[0]?.zone).toBe('example.net.');
    expect(verifications).toBeLessThanOrEqual(MAX_RRSIGS_PER_RRSET);
  });
});
