/**
 * One positive validation per DNSSEC algorithm, from the RFC examples
 * (RFC 8624 §3.1 lists the algorithms a validator implements):
 *   5  RSASHA1            RFC 4035 Appendix A
 *   7  RSASHA1-NSEC3-SHA1 RFC 5155 Appendix A
 *   8  RSASHA256          RFC 5702 §6.1      10 RSASHA512 RFC 5702 §6.2
 *   13 ECDSAP256SHA256    RFC 6605 §6.1      14 ECDSAP384SHA384 RFC 6605 §6.2
 *   15 ED25519            RFC 8080 §6.1      16 ED448 RFC 8080 §6.2 (Errata 4935 RRSIGs)
 *   13 chain with TLSA    RFC 9102 test vector (fake root 47005)
 * Anchors as DS (every digest type the headers give) and as DNSKEY.
 *
 * RFC 5702/6605/8080 print one key and one signed RRset, without an RRSIG
 * over the DNSKEY RRset; the chain of trust starts from a DNSKEY RRset
 * signed by the anchor key (RFC 4035 §5), so the tests sign that RRset with
 * the private key the RFC publishes. The answer's RRSIG is always the RFC's
 * own, and flipping one bit of it makes the answer bogus.
 */
import { describe, expect, it } from 'vitest';
import { createValidator } from '../../src/validator/validator.js';
import type { TrustAnchor } from '../../src/dnssec/anchors.js';
import { readRrsig, readDs } from '../../src/dnssec/records.js';
import type { RR } from '../../src/wire/message.js';
import { RRType, typeToText } from '../../src/wire/rrtype.js';
import { EDE } from '../../src/types.js';
import { RecordPool, readShared } from '../support/record-pool.js';
import { anchorsFrom, headerAnchorRecords, headerNow, headerWindow, recordLines, rfcZone, vectorRecords, n } from '../support/vectors.js';
import { signingKey, signRrset } from '../support/signer.js';

interface Case {
  readonly label: string;
  readonly algorithm: number;
  readonly records: RR[];
  readonly now: number;
  readonly question: { name: RR['name']; type: number };
  readonly anchors: [string, TrustAnchor[]][];
}

function isData(r: RR): boolean {
  return r.type !== RRType.DNSKEY && r.type !== RRType.DS && r.type !== RRType.RRSIG;
}

/** RFC 5702 / 6605 / 8080: one key, one RRset; the DNSKEY RRset is signed here with the published private key. */
function oneKeyCase(file: string, algorithm: number): Case {
  const text = readShared(`vectors/rfc/${file}`);
  const body = vectorRecords(text);
  const dnskey = body.find((r) => r.type === RRType.DNSKEY);
  if (!dnskey) throw new Error(`${file}: no DNSKEY`);
  const w = headerWindow(text);
  const selfSig = signRrset([dnskey], signingKey(dnskey, text), { inception: w.inception, expiration: w.expiration });
  const data = body.find(isData)!;
  // DS anchors: the records in the body, else the DS forms the header gives.
  const dsLines = recordLines(body, RRType.DS);
  const ds = dsLines.length > 0 ? dsLines : headerAnchorRecords(text).ds;
  const anchors: [string, TrustAnchor[]][] = ds.map((line) => [`DS digest ${readDs(vectorRecords(line)[0]!.rdata)!.digestType}`, anchorsFrom([line], file)]);
  anchors.push(['DNSKEY', anchorsFrom(recordLines(body, RRType.DNSKEY), file)]);
  return {
    label: file,
    algorithm,
    records: [...body.filter((r) => r.type !== RRType.DS), selfSig],
    now: headerNow(text),
    question: { name: data.name, type: data.type },
    anchors,
  };
}

function rfcZoneCase(zoneFile: 'rfc4035-A-signed-zone.zone' | 'rfc5155-A-signed-zone.zone', algorithm: number, name: string): Case {
  const z = rfcZone(zoneFile);
  return {
    label: `${zoneFile} ${name} A`,
    algorithm,
    records: z.pool().records,
    now: z.now,
    question: { name: n(name), type: RRType.A },
    anchors: [
      ['DS', z.dsAnchors],
      ['DNSKEY', z.dnskeyAnchors],
    ],
  };
}

function rfc9102Case(): Case {
  const file = 'rfc9102-test-vector-chain.txt';
  const text = readShared(`vectors/rfc/${file}`);
  const body = vectorRecords(text);
  const rootKsk = body.filter((r) => r.type === RRType.DNSKEY && r.name.length === 0 && r.rdata[1] === 1);
  if (rootKsk.length !== 1) throw new Error(`${file}: expected one root KSK, found ${rootKsk.length}`);
  return {
    label: file,
    algorithm: 13,
    records: body,
    now: headerNow(text),
    question: { name: n('_443._tcp.www.example.com'), type: RRType.TLSA },
    anchors: [
      ['DS', anchorsFrom(headerAnchorRecords(text).ds, file)],
      ['DNSKEY', anchorsFrom(recordLines(rootKsk, RRType.DNSKEY), file)],
    ],
  };
}

const CASES: Case[] = [
  rfcZoneCase('rfc4035-A-signed-zone.zone', 5, 'xx.example'),
  rfcZoneCase('rfc5155-A-signed-zone.zone', 7, 'ns1.example'),
  oneKeyCase('rfc5702-6.1-rsasha256.txt', 8),
  oneKeyCase('rfc5702-6.2-rsasha512.txt', 10),
  oneKeyCase('rfc6605-6.1-ecdsap256.txt', 13),
  oneKeyCase('rfc6605-6.2-ecdsap384.txt', 14),
  oneKeyCase('rfc8080-6.1-ed25519-example1.txt', 15),
  oneKeyCase('rfc8080-6.1-ed25519-example2.txt', 15),
  oneKeyCase('rfc8080-6.2-ed448-example1.txt', 16),
  oneKeyCase('rfc8080-6.2-ed448-example2.txt', 16),
  rfc9102Case(),
];

/** The RRSIG covering the question's RRset, with the last signature octet flipped. */
function tamperAnswerSignature(records: readonly RR[], q: Case['question']): RR[] {
  let done = false;
  const out = records.map((r) => {
    const s = r.type === RRType.RRSIG ? readRrsig(r.rdata) : undefined;
    if (done || !s || s.typeCovered !== q.type || r.name.join('.').toLowerCase() !== q.name.join('.').toLowerCase()) return r;
    done = true;
    const rdata = r.rdata.slice();
    rdata[rdata.length - 1]! ^= 0x01;
    return { ...r, rdata };
  });
  expect(done).toBe(true);
  return out;
}

describe('one positive validation per algorithm (RFC 8624 §3.1)', () => {
  for (const c of CASES) {
    describe(`algorithm ${c.algorithm}: ${c.label}`, () => {
      it('the answer RRSIG uses this algorithm', () => {
        const sigs = c.records
          .filter((r) => r.type === RRType.RRSIG)
          .map((r) => readRrsig(r.rdata)!)
          .filter((s) => s.typeCovered === c.question.type);
        expect(sigs.length).toBeGreaterThan(0);
        expect(sigs.every((s) => s.algorithm === c.algorithm)).toBe(true);
      });

      for (const [kind, anchors] of c.anchors) {
        it(`is secure from the anchor as ${kind}`, async () => {
          const pool = new RecordPool(c.records);
          const v = createValidator({ source: pool, trustAnchors: anchors, clock: () => c.now, prefetch: false });
          const res = await v.validate(c.question.name, c.question.type);
          expect(res.status, JSON.stringify(res.reasons)).toBe('secure');
          expect(res.records.length).toBeGreaterThan(0);
          expect(res.records.every((r) => r.type === typeToText(c.question.type))).toBe(true);
          const valid = res.chain.flatMap((s) => s.signatures).filter((s) => s.result === 'valid' && s.rrset.endsWith(` ${typeToText(c.question.type)}`));
          expect(valid.map((s) => s.algorithm)).toContain(c.algorithm);
        });
      }

      it('is bogus when one bit of the answer RRSIG is flipped (RFC 4035 §5.3.3)', async () => {
        const pool = new RecordPool(tamperAnswerSignature(c.records, c.question));
        const v = createValidator({ source: pool, trustAnchors: c.anchors[0]![1], clock: () => c.now, prefetch: false });
        const res = await v.validate(c.question.name, c.question.type);
        expect(res.status).toBe('bogus');
        expect(res.records).toEqual([]);
        expect(res.reasons[0]?.ede).toBe(EDE.DNSSEC_BOGUS);
        expect(res.reasons[0]?.zone).toBeDefined();
      });
    });
  }
});
