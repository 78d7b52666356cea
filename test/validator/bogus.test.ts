/**
 * Bogus answers (RFC 4035 §5, §4.3): tampered copies of published data —
 * the real chain root → com → mattcorallo.com → TXT and the RFC 4035
 * Appendix A/B zone — each with one defect. Every bogus result hands out no
 * records and carries a reason that names the zone (RFC 8914 EDE codes as
 * Unbound reports them: 6 bogus, 7 expired, 8 not yet valid, 9 DNSKEY
 * missing, 10 RRSIGs missing, 12 NSEC missing).
 *
 * None of these may come out insecure: that would be a downgrade.
 */
import { describe, expect, it } from 'vitest';
import { createValidator } from '../../src/validator/validator.js';
import type { ValidationResult } from '../../src/validator/result.js';
import type { ResponseSource } from '../../src/validator/context.js';
import type { TrustAnchor } from '../../src/dnssec/anchors.js';
import { readRrsig, readDnskey } from '../../src/dnssec/records.js';
import { type Message, type RR, concat } from '../../src/wire/message.js';
import { type Name, nameEquals, nameToWire } from '../../src/wire/name.js';
import { RRType, Rcode } from '../../src/wire/rrtype.js';
import { EDE } from '../../src/types.js';
import { RecordPool } from '../support/record-pool.js';
import { makeMessage, n, realChain, realRootAnchors, rfcZone, rrsetWithSigs } from '../support/vectors.js';

const MATT = realChain('chain-mattcorallo.com-TXT.zone');
const MATT_TXT = n('matt.user._bitcoin-payment.mattcorallo.com');
const RFC4035 = rfcZone('rfc4035-A-signed-zone.zone');

function validate(source: ResponseSource, anchors: readonly TrustAnchor[], now: number, name: Name | string, type: number | string): Promise<ValidationResult> {
  return createValidator({ source, trustAnchors: anchors, clock: () => now, prefetch: false }).validate(name, type);
}

function validateMatt(records: readonly RR[], now = MATT.now, fix?: (p: RecordPool) => void): Promise<ValidationResult> {
  const pool = new RecordPool(records);
  fix?.(pool);
  return validate(pool, realRootAnchors(), now, MATT_TXT, RRType.TXT);
}

/** Bogus, no records, the first reason names a zone (and has the EDE code, when given). */
function expectBogus(res: ValidationResult, ede?: number, zone?: string): void {
  expect(res.status, JSON.stringify(res.reasons)).toBe('bogus');
  expect(res.records).toEqual([]);
  expect(res.reasons.length).toBeGreaterThan(0);
  const first = res.reasons[0]!;
  expect(first.zone, JSON.stringify(res.reasons)).toBeDefined();
  if (ede !== undefined) expect(first.ede, JSON.stringify(res.reasons)).toBe(ede);
  if (zone !== undefined) expect(first.zone, JSON.stringify(res.reasons)).toBe(zone);
}

const isSigOver = (r: RR, owner: Name, type: number): boolean =>
  r.type === RRType.RRSIG && nameEquals(r.name, owner) && readRrsig(r.rdata)?.typeCovered === type;

/** Replaces the RDATA of the records `pick` selects. */
function mapRdata(records: readonly RR[], pick: (r: RR) => boolean, f: (rdata: Uint8Array) => Uint8Array): RR[] {
  let count = 0;
  const out = records.map((r) => {
    if (!pick(r)) return r;
    count++;
    return { ...r, rdata: f(r.rdata.slice()) };
  });
  if (count === 0) throw new Error('mapRdata: nothing selected');
  return out;
}

/** An RRSIG RDATA with one field rewritten (RFC 4034 §3.1 layout). */
function withRrsigField(rdata: Uint8Array, field: 'algorithm' | 'labels' | 'keyTag', value: number): Uint8Array {
  const out = rdata.slice();
  if (field === 'algorithm') out[2] = value;
  else if (field === 'labels') out[3] = value;
  else new DataView(out.buffer, out.byteOffset).setUint16(16, value);
  return out;
}

describe('sanity: the untouched data is secure', () => {
  it('mattcorallo.com TXT', async () => {
    expect((await validateMatt(MATT.records)).status).toBe('secure');
  });
  it('RFC 4035 xx.example A', async () => {
    expect((await validate(RFC4035.pool(), RFC4035.dsAnchors, RFC4035.now, 'xx.example.', 'A')).status).toBe('secure');
  });
});

describe('data changed after signing (RFC 4035 §5.3.3)', () => {
  it('TXT text altered → bogus, EDE 6, zone mattcorallo.com.', async () => {
    const records = mapRdata(
      MATT.records,
      (r) => r.type === RRType.TXT,
      (rd) => {
        rd[5] = rd[5] === 0x41 ? 0x42 : 0x41;
        return rd;
      },
    );
    expectBogus(await validateMatt(records), EDE.DNSSEC_BOGUS, 'mattcorallo.com.');
  });

  it('RFC 4035 xx.example A address altered → bogus, EDE 6, zone example.', async () => {
    const records = mapRdata(
      RFC4035.pool().records,
      (r) => r.type === RRType.A && nameEquals(r.name, n('xx.example')),
      (rd) => {
        rd[3]! ^= 1;
        return rd;
      },
    );
    expectBogus(await validate(new RecordPool(records), RFC4035.dsAnchors, RFC4035.now, 'xx.example.', 'A'), EDE.DNSSEC_BOGUS, 'example.');
  });
});

describe('signature validity period (RFC 4035 §5.3.1)', () => {
  it('after the expiration → EDE 7', async () => {
    expectBogus(await validate(RFC4035.pool(), RFC4035.dsAnchors, RFC4035.window.expiration + 1, 'xx.example.', 'A'), EDE.SIGNATURE_EXPIRED, 'example.');
  });
  it('before the inception → EDE 8', async () => {
    expectBogus(await validate(RFC4035.pool(), RFC4035.dsAnchors, RFC4035.window.inception - 1, 'xx.example.', 'A'), EDE.SIGNATURE_NOT_YET_VALID, 'example.');
  });
  it('the real chain before its window → EDE 8', async () => {
    expectBogus(await validateMatt(MATT.records, MATT.window.inception - 86400 * 30), EDE.SIGNATURE_NOT_YET_VALID);
  });
});

describe('DS and DNSKEY defects (RFC 4035 §5.2)', () => {
  it('DS digest altered: the DS RRSIG fails → bogus, zone com.', async () => {
    const records = mapRdata(
      MATT.records,
      (r) => r.type === RRType.DS && nameEquals(r.name, n('mattcorallo.com')),
      (rd) => {
        rd[rd.length - 1]! ^= 0x80;
        return rd;
      },
    );
    expectBogus(await validateMatt(records), EDE.DNSSEC_BOGUS, 'com.');
  });

  it("the child's DNSKEY set without the KSK the DS names → EDE 9 with the DS key tag", async () => {
    const ksk = MATT.records.find((r) => r.type === RRType.DNSKEY && nameEquals(r.name, n('mattcorallo.com')) && readDnskey(r.rdata)?.flags === 257)!;
    const records = MATT.records.filter((r) => r !== ksk);
    const res = await validateMatt(records);
    expectBogus(res, EDE.DNSKEY_MISSING, 'mattcorallo.com.');
    expect(res.reasons[0]!.keyTag).toBe(readDnskey(ksk.rdata)!.keyTag);
  });

  it('no DNSKEY RRset at all for a zone with a DS → EDE 9', async () => {
    const zone = n('mattcorallo.com');
    const records = MATT.records.filter((r) => !(nameEquals(r.name, zone) && (r.type === RRType.DNSKEY || isSigOver(r, zone, RRType.DNSKEY))));
    expectBogus(await validateMatt(records), EDE.DNSKEY_MISSING, 'mattcorallo.com.');
  });

  it('DNSKEY RRset whose RRSIG is removed → bogus (RRSIGs missing)', async () => {
    const zone = n('mattcorallo.com');
    const records = MATT.records.filter((r) => !isSigOver(r, zone, RRType.DNSKEY));
    expectBogus(await validateMatt(records), EDE.RRSIGS_MISSING, 'mattcorallo.com.');
  });

  it('root DNSKEY RRset tampered (ZSK dropped): the anchor no longer validates it → bogus, zone .', async () => {
    const zsk = MATT.records.find((r) => r.type === RRType.DNSKEY && r.name.length === 0 && readDnskey(r.rdata)?.flags === 256)!;
    expectBogus(await validateMatt(MATT.records.filter((r) => r !== zsk)), EDE.DNSSEC_BOGUS, '.');
  });
});

describe('missing RRSIGs on the answer (RFC 4035 §5.3)', () => {
  it('RFC 4035 xx.example A without its RRSIG, in the signed zone example. → EDE 10', async () => {
    const records = RFC4035.pool().records.filter((r) => !isSigOver(r, n('xx.example'), RRType.A));
    expectBogus(await validate(new RecordPool(records), RFC4035.dsAnchors, RFC4035.now, 'xx.example.', 'A'), EDE.RRSIGS_MISSING, 'example.');
  });

  it('the real TXT without its RRSIG → bogus', async () => {
    expectBogus(await validateMatt(MATT.records.filter((r) => !isSigOver(r, MATT_TXT, RRType.TXT))));
  });
});

describe('RRSIG fields altered: a different RRSIG, which nothing validates', () => {
  const txtSig = (r: RR) => isSigOver(r, MATT_TXT, RRType.TXT);
  it('wrong key tag → bogus', async () => {
    const tag = readRrsig(MATT.records.find(txtSig)!.rdata)!.keyTag;
    expectBogus(await validateMatt(mapRdata(MATT.records, txtSig, (rd) => withRrsigField(rd, 'keyTag', (tag + 1) & 0xffff))), undefined, 'mattcorallo.com.');
  });
  it('wrong (supported) algorithm 8 on an ECDSA signature → bogus', async () => {
    expectBogus(await validateMatt(mapRdata(MATT.records, txtSig, (rd) => withRrsigField(rd, 'algorithm', 8))), undefined, 'mattcorallo.com.');
  });
  it('unknown algorithm 253 in a zone whose DS names algorithm 13 → bogus, not insecure', async () => {
    expectBogus(await validateMatt(mapRdata(MATT.records, txtSig, (rd) => withRrsigField(rd, 'algorithm', 253))), undefined, 'mattcorallo.com.');
  });
  it('labels larger than the owner name → bogus', async () => {
    expectBogus(await validateMatt(mapRdata(MATT.records, txtSig, (rd) => withRrsigField(rd, 'labels', 9))));
  });
  it('labels smaller (claims a wildcard expansion that is not one) → bogus', async () => {
    expectBogus(await validateMatt(mapRdata(MATT.records, txtSig, (rd) => withRrsigField(rd, 'labels', 3))));
  });
  it("signer name changed to the parent zone com. → bogus", async () => {
    const records = mapRdata(MATT.records, txtSig, (rd) => {
      const sig = readRrsig(rd)!;
      return concat([rd.subarray(0, 18), nameToWire(n('com')), sig.signature]);
    });
    expectBogus(await validateMatt(records));
  });
});

/** An RFC 4035 appendix B response, altered, as the answer to its question. */
async function validateB(file: string, alter: (m: Message) => Message): Promise<ValidationResult> {
  const { question, message } = RFC4035.poolWith(file);
  const pool = RFC4035.pool();
  pool.fix(question.name, question.type, alter(message));
  return validate(pool, RFC4035.dsAnchors, RFC4035.now, question.name, question.type);
}

function remake(m: Message, parts: { rcode?: number; answer?: RR[]; authority?: RR[] }): Message {
  const q = m.question[0]!;
  return makeMessage(q.name, q.type, { rcode: parts.rcode ?? m.rcode, answer: parts.answer ?? [...m.answer], authority: parts.authority ?? [...m.authority] });
}

const withoutType = (rrs: readonly RR[], type: number) => rrs.filter((r) => r.type !== type && !(r.type === RRType.RRSIG && readRrsig(r.rdata)?.typeCovered === type));

describe('denial of existence stripped or broken (RFC 4035 §5.4)', () => {
  it('B.2 NXDOMAIN with every NSEC removed → bogus, EDE 12', async () => {
    expectBogus(await validateB('rfc4035-B2-name-error.txt', (m) => remake(m, { authority: withoutType(m.authority, RRType.NSEC) })), EDE.NSEC_MISSING, 'example.');
  });
  it('B.3 NODATA with the NSEC removed → bogus, EDE 12', async () => {
    expectBogus(await validateB('rfc4035-B3-no-data.txt', (m) => remake(m, { authority: withoutType(m.authority, RRType.NSEC) })), EDE.NSEC_MISSING, 'example.');
  });
  it('B.2 without the NSEC that denies the wildcard (example. NSEC) → bogus', async () => {
    const res = await validateB('rfc4035-B2-name-error.txt', (m) =>
      remake(m, { authority: m.authority.filter((r) => !(nameEquals(r.name, n('example')) && (r.type === RRType.NSEC || isSigOver(r, n('example'), RRType.NSEC)))) }),
    );
    expectBogus(res, undefined, 'example.');
  });
  it('B.2 with the NSEC RRSIGs removed → bogus', async () => {
    expectBogus(await validateB('rfc4035-B2-name-error.txt', (m) => remake(m, { authority: m.authority.filter((r) => !(r.type === RRType.RRSIG && readRrsig(r.rdata)?.typeCovered === RRType.NSEC)) })));
  });
  it('B.2 answered NOERROR instead of NXDOMAIN (the NSECs prove NXDOMAIN, not NODATA) → bogus', async () => {
    expectBogus(await validateB('rfc4035-B2-name-error.txt', (m) => remake(m, { rcode: Rcode.NOERROR })));
  });
  it('B.3 answered NXDOMAIN for a name its NSEC shows to exist → bogus', async () => {
    expectBogus(await validateB('rfc4035-B3-no-data.txt', (m) => remake(m, { rcode: Rcode.NXDOMAIN })));
  });
  it('B.6 wildcard expansion without the NSEC proving no closer match → bogus (RFC 4035 §5.3.4)', async () => {
    expectBogus(await validateB('rfc4035-B6-wildcard-expansion.txt', (m) => remake(m, { authority: withoutType(m.authority, RRType.NSEC) })), undefined, 'example.');
  });
  it('B.7 wildcard NODATA without the *.w.example NSEC → bogus', async () => {
    const res = await validateB('rfc4035-B7-wildcard-no-data.txt', (m) =>
      remake(m, { authority: m.authority.filter((r) => !(nameEquals(r.name, n('*.w.example')) && (r.type === RRType.NSEC || r.type === RRType.RRSIG))) }),
    );
    expectBogus(res, undefined, 'example.');
  });
});

/**
 * The downgrade attack: strip the DS RRset (and any proof) from the
 * parent's answer to make a signed zone look unsigned. Without a signed
 * proof of no DS the delegation is bogus, never insecure (RFC 4035 §5.2).
 */
describe('stripped DS without a proof: bogus, never insecure (RFC 4035 §5.2)', () => {
  const empty = (name: string, rcode: number = Rcode.NOERROR) => makeMessage(n(name), RRType.DS, { rcode });

  it('mattcorallo.com DS answered with an empty NOERROR → bogus, EDE 12, zone com.', async () => {
    const res = await validateMatt(MATT.records, MATT.now, (p) => p.fix(n('mattcorallo.com'), RRType.DS, empty('mattcorallo.com')));
    expectBogus(res, EDE.NSEC_MISSING, 'com.');
  });

  it('mattcorallo.com DS answered with an empty NXDOMAIN → bogus', async () => {
    expectBogus(await validateMatt(MATT.records, MATT.now, (p) => p.fix(n('mattcorallo.com'), RRType.DS, empty('mattcorallo.com', Rcode.NXDOMAIN))));
  });

  it('RFC 4035: b.example DS answered with the signed SOA only (NSEC stripped) → bogus, EDE 12, zone example.', async () => {
    const pool = RFC4035.pool();
    pool.fix(n('b.example'), RRType.DS, makeMessage(n('b.example'), RRType.DS, { authority: rrsetWithSigs(pool.records, n('example'), RRType.SOA) }));
    pool.fix(n('ns1.b.example'), RRType.DS, empty('ns1.b.example'));
    const res = await validate(pool, RFC4035.dsAnchors, RFC4035.now, 'ns1.b.example.', 'A');
    expectBogus(res, EDE.NSEC_MISSING, 'example.');
  });

  it('RFC 4035: b.example DS answered with the NSEC but not its RRSIG → bogus', async () => {
    const pool = RFC4035.pool();
    const nsec = pool.records.filter((r) => r.type === RRType.NSEC && nameEquals(r.name, n('b.example')));
    pool.fix(n('b.example'), RRType.DS, makeMessage(n('b.example'), RRType.DS, { authority: [...rrsetWithSigs(pool.records, n('example'), RRType.SOA), ...nsec] }));
    pool.fix(n('ns1.b.example'), RRType.DS, empty('ns1.b.example'));
    expectBogus(await validate(pool, RFC4035.dsAnchors, RFC4035.now, 'ns1.b.example.', 'A'), undefined, 'example.');
  });

  it('RFC 4035: a.example (signed, DS 57855) made to look unsigned by an empty DS answer → bogus', async () => {
    const pool = RFC4035.pool();
    pool.fix(n('a.example'), RRType.DS, empty('a.example'));
    pool.fix(n('ns1.a.example'), RRType.DS, empty('ns1.a.example'));
    pool.fix(n('ns1.a.example'), RRType.A, makeMessage(n('ns1.a.example'), RRType.A, { answer: pool.records.filter((r) => r.type === RRType.A && nameEquals(r.name, n('ns1.a.example'))) }));
    expectBogus(await validate(pool, RFC4035.dsAnchors, RFC4035.now, 'ns1.a.example.', 'A'), undefined, 'example.');
  });
});
