/**
 * Real chains captured from the internet (test/data/vectors/real): every
 * answer in each file validates from the IANA root anchor (KSK-2017) at the
 * time its header gives, and the BOGUS variant does not (RFC 4035 §5).
 */
import { describe, expect, it } from 'vitest';
import { RecordPool, readShared, headerLine } from '../support/record-pool.js';
import { parseAnchorText } from '../../src/dnssec/anchors.js';
import { createValidator } from '../../src/validator/validator.js';
import { RRType, typeToText } from '../../src/wire/rrtype.js';
import { nameToText } from '../../src/wire/name.js';

const FILES = [
  'chain-mattcorallo.com-TXT.zone',
  'chain-bitcoin.ninja-TXT-CNAME.zone',
  'chain-bitcoin.ninja-NSEC3-wildcard.zone',
  'chain-bitcoin.ninja-NSEC-wildcard.zone',
  'chain-bitcoin.ninja-NSEC-wildcard-BOGUS-wrong-nsec.zone',
];

const DNSSEC_TYPES = new Set<number>([RRType.DS, RRType.DNSKEY, RRType.RRSIG, RRType.NSEC, RRType.NSEC3]);

function rootAnchors() {
  const text = readShared('vectors/real/root-trust-anchors.txt');
  const ds = text.split('\n').filter((l) => /^\. IN DS 20326 /.test(l));
  return parseAnchorText(ds.join('\n'), 'root-trust-anchors.txt');
}

describe('real chains from the root KSK-2017 (test/data/vectors/real)', () => {
  for (const file of FILES) {
    const text = readShared(`vectors/real/${file}`);
    const now = Number(/now=(\d+)/.exec(text)?.[1]);
    const expected = /BOGUS/.test(headerLine(text, 'Expected outcome:') ?? '') ? 'bogus' : 'secure';
    const pool = RecordPool.fromText(text);
    const answers = pool.records.filter((r) => !DNSSEC_TYPES.has(r.type) && r.name.length > 0);
    const questions = [...new Map(answers.map((r) => [`${nameToText(r.name)} ${typeToText(r.type)}`, r])).values()];
    // The BOGUS file's question is the wildcard expansion.
    const asked = expected === 'bogus' ? questions.filter((r) => r.name[1] === 'wildcard_test') : questions;

    it.each(asked.map((r) => [nameToText(r.name), typeToText(r.type)]))(`${file}: %s %s is ${expected}`, async (name, type) => {
      const v = createValidator({ source: pool, trustAnchors: rootAnchors(), clock: () => now, prefetch: false });
      const res = await v.validate(name, type);
      expect(res.status, JSON.stringify(res.reasons)).toBe(expected);
      if (expected === 'secure') {
        expect(res.records.length).toBeGreaterThan(0);
        expect(res.ttl).toBeGreaterThan(0);
      } else {
        expect(res.reasons.length).toBeGreaterThan(0);
      }
    });

    it(`${file}: a time after the window makes it bogus (signature expired)`, async () => {
      const v = createValidator({ source: pool, trustAnchors: rootAnchors(), clock: () => now + 365 * 86400, prefetch: false });
      const r = asked[0]!;
      const res = await v.validate(r.name, r.type);
      expect(res.status).toBe('bogus');
      expect(res.reasons[0]?.ede).toBe(7);
    });
  }
});
