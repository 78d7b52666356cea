/**
 * Canonical form on the way in (RFC 4034 §6, RFC 4035 §5.3.2, RFC 6840
 * §5.1): names compare case-insensitively, the signed data lowercases owner
 * names and the RRSIG signer name, RRs are put in canonical order and
 * duplicates dropped — so case changes (e.g. 0x20 randomisation), reordering
 * and duplicates made in transit do not break a valid answer. Records the
 * question did not ask for are not handed out.
 *
 * Also: prefetching (the validator's default: DS/DNSKEY of every ancestor
 * asked in parallel) gives the same verdicts as the sequential walk.
 */
import { describe, expect, it } from 'vitest';
import { createValidator } from '../../src/validator/validator.js';
import type { ResponseSource } from '../../src/validator/context.js';
import type { TrustAnchor } from '../../src/dnssec/anchors.js';
import { readRrsig } from '../../src/dnssec/records.js';
import type { RR } from '../../src/wire/message.js';
import { RRType } from '../../src/wire/rrtype.js';
import { RecordPool } from '../support/record-pool.js';
import { makeMessage, n, realChain, realRootAnchors, rfcZone } from '../support/vectors.js';
import { rr } from '../support/signer.js';

const z = rfcZone('rfc4035-A-signed-zone.zone');

function validate(source: ResponseSource, name: string, type: string, anchors: readonly TrustAnchor[] = z.dsAnchors, now = z.now, prefetch = false) {
  return createValidator({ source, trustAnchors: anchors, clock: () => now, prefetch }).validate(name, type);
}

/** B.1 (x.w.example MX) with its answer section rewritten. */
function b1With(answer: (a: readonly RR[]) => RR[]): RecordPool {
  const { question, message } = z.poolWith('rfc4035-B1-answer.txt');
  const pool = z.pool();
  pool.fix(question.name, question.type, makeMessage(question.name, question.type, { answer: answer(message.answer), authority: [...message.authority] }));
  return pool;
}

describe('canonical form of names and RRsets (RFC 4034 §6)', () => {
  it('the question in upper case: secure', async () => {
    const { pool } = z.poolWith('rfc4035-B1-answer.txt');
    const res = await validate(pool, 'X.W.EXAMPLE.', 'MX');
    expect(res.status, JSON.stringify(res.reasons)).toBe('secure');
    expect(res.records.length).toBe(1);
  });

  it('owner names in mixed case in the response (0x20): secure', async () => {
    const res = await validate(
      b1With((a) => a.map((r) => ({ ...r, name: ['X', 'w', 'EXAMPLE'] }))),
      'x.w.example.',
      'MX',
    );
    expect(res.status, JSON.stringify(res.reasons)).toBe('secure');
  });

  it('the RRSIG signer name in upper case: secure (lowercased in the signed data, RFC 4034 §6.2)', async () => {
    const res = await validate(
      b1With((a) =>
        a.map((r) => {
          if (r.type !== RRType.RRSIG) return r;
          const rd = r.rdata.slice();
          const signerEnd = rd.length - readRrsig(r.rdata)!.signature.length;
          for (let i = 19; i < signerEnd - 1; i++) if (rd[i]! >= 0x61 && rd[i]! <= 0x7a) rd[i]! -= 0x20;
          return { ...r, rdata: rd };
        }),
      ),
      'x.w.example.',
      'MX',
    );
    expect(res.status, JSON.stringify(res.reasons)).toBe('secure');
  });

  it('a duplicated RR in the answer RRset: secure (duplicates dropped, RFC 4034 §6.3)', async () => {
    const res = await validate(
      b1With((a) => [...a.filter((r) => r.type === RRType.MX), ...a]),
      'x.w.example.',
      'MX',
    );
    expect(res.status, JSON.stringify(res.reasons)).toBe('secure');
  });

  it('a two-record RRset in reverse order (example. NS): secure', async () => {
    const pool = z.pool();
    const ns = pool.records.filter((r) => r.type === RRType.NS && r.name.length === 1);
    const sig = pool.records.filter((r) => r.type === RRType.RRSIG && r.name.length === 1 && readRrsig(r.rdata)?.typeCovered === RRType.NS);
    expect(ns.length).toBe(2);
    pool.fix(n('example'), RRType.NS, makeMessage(n('example'), RRType.NS, { answer: [...sig, ...ns.reverse()] }));
    const res = await validate(pool, 'example.', 'NS');
    expect(res.status, JSON.stringify(res.reasons)).toBe('secure');
    expect(res.records.length).toBe(2);
  });

  it('an unrelated unsigned record slipped into the answer section is not handed out', async () => {
    const res = await validate(
      b1With((a) => [...a, rr('evil.example.', 'A', '192.0.2.66')]),
      'x.w.example.',
      'MX',
    );
    expect(res.status, JSON.stringify(res.reasons)).toBe('secure');
    expect(res.records.map((r) => r.name)).toEqual(['x.w.example.']);
  });

  it('an unsigned record of the asked type added to the signed RRset → bogus (it is not what was signed)', async () => {
    const res = await validate(
      b1With((a) => [...a, rr('x.w.example.', 'MX', '10 evil.example.')]),
      'x.w.example.',
      'MX',
    );
    expect(res.status).toBe('bogus');
    expect(res.records).toEqual([]);
  });
});

describe('prefetch (the default) gives the same verdicts as the sequential walk', () => {
  const rfcCases: [ReturnType<typeof rfcZone>, string][] = [
    ...['B1-answer', 'B2-name-error', 'B3-no-data', 'B6-wildcard-expansion', 'B7-wildcard-no-data', 'B8-ds-child-nodata'].map(
      (b) => [z, `rfc4035-${b}.txt`] as [ReturnType<typeof rfcZone>, string],
    ),
    ...['B1-name-error', 'B2-no-data', 'B21-no-data-ent', 'B3-referral-optout-unsigned', 'B4-wildcard-expansion', 'B5-wildcard-no-data', 'B6-ds-child-nodata'].map(
      (b) => [rfcZone('rfc5155-A-signed-zone.zone'), `rfc5155-${b}.txt`] as [ReturnType<typeof rfcZone>, string],
    ),
  ];
  it.each(rfcCases.map(([zone, file]) => [file, zone] as const))('%s', async (_file, zone) => {
    const verdict = async (prefetch: boolean) => {
      const { pool, question } = zone.poolWith(_file);
      const res = await createValidator({ source: pool, trustAnchors: zone.dsAnchors, clock: () => zone.now, prefetch }).validate(question.name, question.type);
      return { status: res.status, rcode: res.rcode, records: res.records.map((r) => r.text) };
    };
    expect(await verdict(true)).toEqual(await verdict(false));
  });

  it.each(['chain-mattcorallo.com-TXT.zone', 'chain-bitcoin.ninja-TXT-CNAME.zone', 'chain-bitcoin.ninja-NSEC-wildcard-BOGUS-wrong-nsec.zone'])('%s', async (file) => {
    const c = realChain(file);
    const leaf = c.records.filter((r) => r.type === RRType.TXT || r.type === RRType.CNAME).at(-1)!;
    const verdict = async (prefetch: boolean) => {
      const res = await validate(new RecordPool(c.records), leaf.name.join('.') + '.', leaf.type === RRType.TXT ? 'TXT' : 'CNAME', realRootAnchors(), c.now, prefetch);
      return { status: res.status, records: res.records.map((r) => r.text) };
    };
    expect(await verdict(true)).toEqual(await verdict(false));
  });
});

