/**
 * Second adversarial review: authenticated denial and CNAME chains, driven
 * end to end through the validator with validly signed records that are
 * replayed, recombined or given the wrong RCODE. Principle: secure only when
 * every signature from the anchor down verified; an unproven denial is bogus.
 *
 * The world: example.net. signed with the RFC 6605 §6.1 P-256 key (the trust
 * anchor, its private key is published in the RFC), an NSEC chain in
 * canonical order (RFC 4034 §6.1):
 *
 *   example.net.      SOA DNSKEY            → a.example.net.
 *   a.example.net.    A                     → c.example.net.
 *   c.example.net.    CNAME www.example.net → d.e.example.net.
 *   d.e.example.net.  A   (e.example.net. is an empty non-terminal)
 *                                           → insec.example.net.
 *   insec.example.net. NS (no DS: insecure) → w.example.net.
 *   w.example.net.    A                     → *.w.example.net.
 *   *.w.example.net.  TXT                   → q.w.example.net.
 *   q.w.example.net.  A                     → www.example.net.
 *   www.example.net.  A                     → example.net. (wraps)
 *
 * FINDINGS (failed on the reviewed code, fixed since; see the block comments):
 *   R2-1  NXDOMAIN RCODE + a signed answer RRset for the name → "secure NXDOMAIN"
 *   R2-2  NXDOMAIN RCODE + a signed CNAME chain ending in signed data → "secure NXDOMAIN"
 *   R2-4  YXDOMAIN RCODE without a DNAME → "secure YXDOMAIN"
 * (R2-3 is in shared-key-walk-budgets.test.ts.)
 * The other blocks guard attacks that are defended.
 */
import { describe, expect, it } from 'vitest';
import { createValidator, type ValidatorOptions } from '../../src/validator/validator.js';
import type { ValidationResult } from '../../src/validator/result.js';
import type { ResponseSource } from '../../src/validator/context.js';
import type { Message, RR } from '../../src/wire/message.js';
import { RRType, Rcode } from '../../src/wire/rrtype.js';
import { RecordPool } from '../support/record-pool.js';
import { makeMessage, n, rrsetWithSigs } from '../support/vectors.js';
import { rfc6605Zone } from '../support/signed-zone.js';
import { rr } from '../support/signer.js';

const P = rfc6605Zone();
const NOW = P.now;
const INSEC = 'insec.example.net.';

const SIGNED_DATA: RR[] = [
  rr('a.example.net.', 'A', '192.0.2.10'),
  rr('c.example.net.', 'CNAME', 'www.example.net.'),
  rr('d.e.example.net.', 'A', '192.0.2.40'),
  rr('w.example.net.', 'A', '192.0.2.50'),
  rr('*.w.example.net.', 'TXT', 'wild'),
  rr('q.w.example.net.', 'A', '192.0.2.51'),
  rr('www.example.net.', 'A', '192.0.2.1'),
  rr('example.net.', 'NSEC', 'a.example.net. SOA RRSIG NSEC DNSKEY'),
  rr('a.example.net.', 'NSEC', 'c.example.net. A RRSIG NSEC'),
  rr('c.example.net.', 'NSEC', 'd.e.example.net. CNAME RRSIG NSEC'),
  rr('d.e.example.net.', 'NSEC', 'insec.example.net. A RRSIG NSEC'),
  rr(INSEC, 'NSEC', 'w.example.net. NS RRSIG NSEC'),
  rr('w.example.net.', 'NSEC', '*.w.example.net. A RRSIG NSEC'),
  rr('*.w.example.net.', 'NSEC', 'q.w.example.net. TXT RRSIG NSEC'),
  rr('q.w.example.net.', 'NSEC', 'www.example.net. A RRSIG NSEC'),
  rr('www.example.net.', 'NSEC', 'example.net. A RRSIG NSEC'),
];
const ZONE: RR[] = [...P.apex, ...P.sign(SIGNED_DATA), rr(INSEC, 'NS', 'ns.insec.example.net.')];
const INSEC_SOA = rr(INSEC, 'SOA', 'ns.insec.example.net. hostmaster.insec.example.net. 1 3600 300 3600000 300');
const INSEC_ZONE: RR[] = [INSEC_SOA, rr(`www.${INSEC}`, 'A', '192.0.2.66'), rr(`alias.${INSEC}`, 'CNAME', 'www.example.net.')];

/** An RRset of the signed zone with its RRSIG. */
function signed(owner: string, type: number): RR[] {
  return rrsetWithSigs(ZONE, n(owner), type);
}

const SOA = (): RR[] => signed('example.net.', RRType.SOA);
const nsecAt = (owner: string): RR[] => signed(owner, RRType.NSEC);

type Fix = [name: string, type: number, message: Message];

function world(attack: Fix[] = []): RecordPool {
  const pool = new RecordPool([...ZONE, ...INSEC_ZONE]);
  for (const [name, type, msg] of attack) pool.fix(n(name), type, msg);
  // The parent's signed proof that insec.example.net. has no DS, and the
  // unsigned zone's own answers to DS questions below its apex.
  pool.fix(n(INSEC), RRType.DS, makeMessage(n(INSEC), RRType.DS, { authority: [...SOA(), ...nsecAt(INSEC)] }));
  for (const name of [`www.${INSEC}`, `alias.${INSEC}`]) {
    pool.fix(n(name), RRType.DS, makeMessage(n(name), RRType.DS, { authority: [INSEC_SOA] }));
  }
  return pool;
}

function validator(source: ResponseSource, opts: Partial<ValidatorOptions> = {}) {
  return createValidator({ source, trustAnchors: P.dsAnchors, clock: () => NOW, prefetch: false, ...opts });
}

function show(res: ValidationResult): string {
  return JSON.stringify({ status: res.status, rcode: res.rcode, reasons: res.reasons, records: res.records.map((r) => r.text) });
}

function expectBogus(res: ValidationResult): void {
  expect(res.status, show(res)).toBe('bogus');
  expect(res.records).toEqual([]);
}

function fixed(name: string, type: number, parts: Parameters<typeof makeMessage>[2]): Fix {
  return [name, type, makeMessage(n(name), type, parts)];
}

describe('the world validates as designed (sanity)', () => {
  it('www.example.net. A: secure', async () => {
    const res = await validator(world()).validate('www.example.net.', 'A');
    expect(res.status, show(res)).toBe('secure');
    expect(res.records.map((r) => r.data)).toEqual(['192.0.2.1']);
  });

  it('b.example.net. A: secure NXDOMAIN (NSEC a → c, and example.net. → a denies *.example.net.)', async () => {
    const res = await validator(world()).validate('b.example.net.', 'A');
    expect(res.status, show(res)).toBe('secure');
    expect(res.rcode).toBe('NXDOMAIN');
  });

  it('e.example.net. A: secure NODATA at the empty non-terminal', async () => {
    const res = await validator(world()).validate('e.example.net.', 'A');
    expect(res.status, show(res)).toBe('secure');
    expect(res.rcode).toBe('NOERROR');
    expect(res.records).toEqual([]);
  });

  it('b.w.example.net. TXT: secure wildcard answer (closest encloser w.example.net.)', async () => {
    // What a server answers (RFC 4035 §3.1.3.3): the expanded RRset with the
    // wildcard's RRSIG (labels 3) and the NSEC *.w → q.w covering b.w.
    const wild = signed('*.w.example.net.', RRType.TXT).map((r) => ({ ...r, name: n('b.w.example.net.') }));
    const ok = fixed('b.w.example.net.', RRType.TXT, { answer: wild, authority: nsecAt('*.w.example.net.') });
    const res = await validator(world([ok])).validate('b.w.example.net.', 'TXT');
    expect(res.status, show(res)).toBe('secure');
    expect(res.records.map((r) => r.data)).toEqual(['"wild"']);
  });

  it('www.insec.example.net. A: insecure', async () => {
    const res = await validator(world()).validate(`www.${INSEC}`, 'A');
    expect(res.status, show(res)).toBe('insecure');
  });
});

// ---------------------------------------------------------------------------
// FINDINGS: failed on the code as reviewed; fixed since.
// ---------------------------------------------------------------------------

describe('RFC 1035 §4.1.1: an NXDOMAIN RCODE beside a signed answer for the name itself is bogus, never a secure NXDOMAIN', () => {
  // Attack: an on-path attacker takes the genuine signed answer for
  // www.example.net. A and flips the RCODE to NXDOMAIN (3). The RCODE is not
  // covered by any signature. A name error says "the domain name referenced
  // in the query does not exist" (RFC 1035 §4.1.1; RFC 8020 §2: and nothing
  // below it), which the signed A RRset contradicts; after a CNAME chain the
  // RCODE speaks for the last name (RFC 6604 §3), and here there is no chain.
  // Unbound classifies NXDOMAIN + a qtype answer as VAL_CLASS_UNKNOWN → bogus.
  // answer.ts run(): finalRcode = msg.rcode, then findRRset(answer, qname,
  // qtype) → positive() → secure; combine() keeps rcode NXDOMAIN. The result
  // is { status: 'secure', rcode: 'NXDOMAIN', records: [A] }: a client that
  // checks "secure && NXDOMAIN" (e.g. for DANE/TLSA non-existence, or RFC 8020
  // cut-off of the whole subtree) accepts a denial no signature supports.
  // Fix: in run(), a positive answer RRset (or ANY set) for the current name
  // with msg.rcode NXDOMAIN is a contradiction → bogus link (EDE 6); only a
  // CNAME/DNAME link may precede the NXDOMAIN of the last name (RFC 6604).
  it('www.example.net. A answered NXDOMAIN with its signed A RRset: bogus (never secure NXDOMAIN)', async () => {
    const attack = fixed('www.example.net.', RRType.A, { rcode: Rcode.NXDOMAIN, answer: signed('www.example.net.', RRType.A) });
    const res = await validator(world([attack])).validate('www.example.net.', 'A');
    expectBogus(res);
  });

  it('the same with the genuine SOA in the authority section: bogus', async () => {
    const attack = fixed('www.example.net.', RRType.A, { rcode: Rcode.NXDOMAIN, answer: signed('www.example.net.', RRType.A), authority: SOA() });
    const res = await validator(world([attack])).validate('www.example.net.', 'A');
    expectBogus(res);
  });
});

describe('RFC 1035 §4.1.1: a forged "secure NXDOMAIN" must not be kept in the result cache', () => {
  // Secure results are cached until their TTL runs out (validator.ts); one
  // flipped RCODE is then served to every later question for the A RRset's
  // TTL (up to a day), even when the upstream answers honestly again.
  it('after one flipped response the next question must not be served a cached NXDOMAIN: NOERROR', async () => {
    const honest = world();
    const flipped = makeMessage(n('www.example.net.'), RRType.A, { rcode: Rcode.NXDOMAIN, answer: signed('www.example.net.', RRType.A) });
    let served = false;
    const source: ResponseSource = {
      query: (name, type) => {
        if (!served && type === RRType.A && name.join('.') === 'www.example.net') {
          served = true;
          return Promise.resolve(flipped);
        }
        return honest.query(name, type);
      },
    };
    // The flipped response is bogus (kept for the bogus TTL, 60 s, as a bogus
    // verdict, never as a secure NXDOMAIN); once that has passed the honest answer is seen.
    let now = NOW;
    const v = validator(source, { resultCacheSize: 10, clock: () => now });
    expectBogus(await v.validate('www.example.net.', 'A'));
    expect((await v.validate('www.example.net.', 'A')).status).toBe('bogus');
    now += 61;
    const res = await v.validate('www.example.net.', 'A');
    expect(res.rcode, show(res)).toBe('NOERROR');
    expect(res.status, show(res)).toBe('secure');
  });
});

describe('RFC 1035 §4.1.1: NXDOMAIN beside signed data, for ANY and for the CNAME itself', () => {
  it('www.example.net. ANY answered NXDOMAIN with its signed A RRset: bogus', async () => {
    const attack = fixed('www.example.net.', RRType.ANY, { rcode: Rcode.NXDOMAIN, answer: signed('www.example.net.', RRType.A) });
    expectBogus(await validator(world([attack])).validate('www.example.net.', 'ANY'));
  });

  it('c.example.net. CNAME (asking for the CNAME itself) answered NXDOMAIN with the signed CNAME: bogus', async () => {
    const attack = fixed('c.example.net.', RRType.CNAME, { rcode: Rcode.NXDOMAIN, answer: signed('c.example.net.', RRType.CNAME) });
    expectBogus(await validator(world([attack])).validate('c.example.net.', 'CNAME'));
  });
});

describe('RFC 6672 §2.2: a YXDOMAIN RCODE without a DNAME that grows too long is bogus', () => {
  // Attack: the RCODE of a genuine signed response is set to YXDOMAIN (6).
  // RFC 6672 §2.2: YXDOMAIN means a DNAME substitution overflowed the name
  // length; with no DNAME in the answer nothing signed supports it.
  // answer.ts checkAnswerRcode() lets YXDOMAIN through for every response;
  // run() then validates the answer (or the NODATA proof) and keeps the
  // RCODE: "secure YXDOMAIN" (with records, or for a proven NODATA).
  // Unbound classifies any RCODE other than NOERROR/NXDOMAIN as
  // VAL_CLASS_UNKNOWN (bogus) unless it comes from its own DNAME handling.
  // Fix: accept YXDOMAIN only where run() computes it itself (the DNAME
  // branch, nameWireLength > 255); an upstream YXDOMAIN whose DNAME
  // substitution does not overflow is bogus (EDE 6).
  it('www.example.net. A with its signed A RRset and RCODE YXDOMAIN: bogus', async () => {
    const attack = fixed('www.example.net.', RRType.A, { rcode: Rcode.YXDOMAIN, answer: signed('www.example.net.', RRType.A) });
    expectBogus(await validator(world([attack])).validate('www.example.net.', 'A'));
  });

  it('the genuine NODATA for a.example.net. TXT with RCODE YXDOMAIN: bogus, not a secure YXDOMAIN', async () => {
    const attack = fixed('a.example.net.', RRType.TXT, { rcode: Rcode.YXDOMAIN, authority: [...SOA(), ...nsecAt('a.example.net.')] });
    const res = await validator(world([attack])).validate('a.example.net.', 'TXT');
    expect(res.status, show(res)).toBe('bogus');
  });
});

describe('RFC 6604 §3: an NXDOMAIN RCODE after a signed CNAME chain whose target has signed data is bogus', () => {
  // Attack: the genuine response for c.example.net. A (CNAME → www, www A)
  // with RCODE 3. RFC 6604 §3: the RCODE is that of the last name of the
  // chain, www.example.net., whose A RRset is right there, signed: the
  // response contradicts itself. answer.ts run() validates both links as
  // secure and keeps finalRcode = NXDOMAIN → "secure NXDOMAIN" with records.
  // Fix: as R2-1 — a final positive link under an NXDOMAIN RCODE is bogus.
  it('c.example.net. A: CNAME + A, both signed, RCODE NXDOMAIN: bogus', async () => {
    const attack = fixed('c.example.net.', RRType.A, {
      rcode: Rcode.NXDOMAIN,
      answer: [...signed('c.example.net.', RRType.CNAME), ...signed('www.example.net.', RRType.A)],
    });
    const res = await validator(world([attack])).validate('c.example.net.', 'A');
    expectBogus(res);
  });
});

// ---------------------------------------------------------------------------
// Defended (guards).
// ---------------------------------------------------------------------------

describe('RCODE / proof confusion (defended)', () => {
  it('NOERROR + empty answer with the NXDOMAIN proof for b.example.net. (not a NODATA proof): bogus', async () => {
    // RFC 4035 §5.4: NODATA needs an NSEC at the name (or an empty
    // non-terminal or a wildcard NODATA); a covering NSEC proves the opposite.
    const attack = fixed('b.example.net.', RRType.A, { authority: [...SOA(), ...nsecAt('a.example.net.'), ...nsecAt('example.net.')] });
    expectBogus(await validator(world([attack])).validate('b.example.net.', 'A'));
  });

  it('NXDOMAIN for the empty non-terminal e.example.net. (NSEC c → d.e shows it exists): bogus', async () => {
    // RFC 4035 §3.1.3.2 / RFC 8020: an empty non-terminal exists; the NSEC
    // whose next name lies below it proves NODATA, never a name error.
    const attack = fixed('e.example.net.', RRType.A, {
      rcode: Rcode.NXDOMAIN,
      authority: [...SOA(), ...nsecAt('c.example.net.'), ...nsecAt('example.net.')],
    });
    expectBogus(await validator(world([attack])).validate('e.example.net.', 'A'));
  });

  it('NXDOMAIN for x.e.example.net. proven with c → d.e (covers it) but without the NSEC denying *.e.example.net.: bogus', async () => {
    // RFC 4035 §5.4: a name error needs the NSEC covering the name AND the
    // one proving no wildcard at the closest encloser: d.e → insec covers
    // x.e and its owner shows the closest encloser e.example.net.; the NSEC
    // c → d.e, which covers *.e.example.net., is left out.
    const attack = fixed('x.e.example.net.', RRType.A, { rcode: Rcode.NXDOMAIN, authority: [...SOA(), ...nsecAt('d.e.example.net.')] });
    expectBogus(await validator(world([attack])).validate('x.e.example.net.', 'A'));
  });

  it('x.e.example.net. with both NSECs (d.e → insec covers x.e and *.e): secure NXDOMAIN', async () => {
    // The positive control of the previous test: *.e.example.net. sorts
    // between e.example.net. and d.e.example.net., so c → d.e covers it.
    const ok = fixed('x.e.example.net.', RRType.A, {
      rcode: Rcode.NXDOMAIN,
      authority: [...SOA(), ...nsecAt('d.e.example.net.'), ...nsecAt('c.example.net.')],
    });
    const res = await validator(world([ok])).validate('x.e.example.net.', 'A');
    expect(res.status, show(res)).toBe('secure');
    expect(res.rcode).toBe('NXDOMAIN');
  });

  it('NXDOMAIN for x.insec.example.net. from the parent (insec NSEC has NS, no SOA): not secure', async () => {
    // RFC 6840 §4.1: an ancestor delegation NSEC must not be used to assume
    // non-existence below the cut. The name is in an unsigned zone: insecure.
    const attack = fixed(`x.${INSEC}`, RRType.A, { rcode: Rcode.NXDOMAIN, authority: [...SOA(), ...nsecAt(INSEC), ...nsecAt('example.net.')] });
    const res = await validator(world([attack, dsUnderInsec(`x.${INSEC}`)])).validate(`x.${INSEC}`, 'A');
    expect(res.status, show(res)).not.toBe('secure');
  });

  it('NODATA for www.example.net. A from the NSEC at www (lists A): bogus', async () => {
    const attack = fixed('www.example.net.', RRType.A, { authority: [...SOA(), ...nsecAt('www.example.net.')] });
    expectBogus(await validator(world([attack])).validate('www.example.net.', 'A'));
  });
});

/** The unsigned zone's answer to a DS query for a name below its apex. */
function dsUnderInsec(name: string): Fix {
  return fixed(name, RRType.DS, { authority: [INSEC_SOA] });
}

describe('wildcards (defended)', () => {
  it('x.q.w.example.net. TXT from the *.w.example.net. wildcard although q.w.example.net. exists: bogus', async () => {
    // RFC 4035 §5.3.4 / RFC 4592 §3.3.1: the source of synthesis is the
    // wildcard at the CLOSEST encloser, q.w.example.net. here (its NSEC
    // q.w → www covers x.q.w). The *.w RRSIG (labels 3) verifies at any owner
    // below w.example.net., so the attacker re-owns the signed RRset.
    const wild = signed('*.w.example.net.', RRType.TXT).map((r) => ({ ...r, name: n('x.q.w.example.net.') }));
    const attack = fixed('x.q.w.example.net.', RRType.TXT, { answer: wild, authority: nsecAt('q.w.example.net.') });
    expectBogus(await validator(world([attack])).validate('x.q.w.example.net.', 'TXT'));
  });

  it('the wildcard TXT re-owned at q.w.example.net. itself (the name exists): bogus', async () => {
    const wild = signed('*.w.example.net.', RRType.TXT).map((r) => ({ ...r, name: n('q.w.example.net.') }));
    const attack = fixed('q.w.example.net.', RRType.TXT, { answer: wild, authority: nsecAt('*.w.example.net.') });
    expectBogus(await validator(world([attack])).validate('q.w.example.net.', 'TXT'));
  });

  it('a wildcard answer whose RRSIG labels is 0 (a root wildcard) in example.net.: bogus', async () => {
    const txt = rr('b.w.example.net.', 'TXT', 'wild');
    const sig = P.sigFor([{ ...txt, name: n('*.') }], { labels: 0 });
    const attack = fixed('b.w.example.net.', RRType.TXT, { answer: [txt, { ...sig, name: txt.name }], authority: nsecAt('*.w.example.net.') });
    const res = await validator(world([attack])).validate('b.w.example.net.', 'TXT');
    expectBogus(res);
    expect(res.reasons.map((r) => r.text).join('; ')).toMatch(/labels 0/);
  });

  it('a wildcard answer without any NSEC: bogus', async () => {
    const wild = signed('*.w.example.net.', RRType.TXT).map((r) => ({ ...r, name: n('b.w.example.net.') }));
    const attack = fixed('b.w.example.net.', RRType.TXT, { answer: wild });
    expectBogus(await validator(world([attack])).validate('b.w.example.net.', 'TXT'));
  });
});

describe('CNAME chains: the result is the weakest link (defended)', () => {
  it('signed CNAME → an unsigned A below the proven-insecure cut: insecure, not secure', async () => {
    const cname = P.sign([rr('alias.example.net.', 'CNAME', `www.${INSEC}`)]);
    const attack = fixed('alias.example.net.', RRType.A, { answer: [...cname, rr(`www.${INSEC}`, 'A', '192.0.2.66')] });
    const res = await validator(world([attack])).validate('alias.example.net.', 'A');
    expect(res.status, show(res)).toBe('insecure');
  });

  it('unsigned CNAME in the insecure zone → signed www.example.net. A: insecure, not secure', async () => {
    const res = await validator(world()).validate(`alias.${INSEC}`, 'A');
    expect(res.status, show(res)).toBe('insecure');
    expect(res.records.map((r) => r.data)).toEqual(['www.example.net.', '192.0.2.1']);
  });

  it('a signed CNAME for a name not on the chain is ignored: NODATA for a.example.net. TXT stays proven by its NSEC', async () => {
    const stray = signed('c.example.net.', RRType.CNAME);
    const ok = fixed('a.example.net.', RRType.TXT, { answer: stray, authority: [...SOA(), ...nsecAt('a.example.net.')] });
    const res = await validator(world([ok])).validate('a.example.net.', 'TXT');
    expect(res.status, show(res)).toBe('secure');
    expect(res.records).toEqual([]);
  });

  it('the qtype RRset at a wrong owner (www A offered for a.example.net. A) is no answer: NODATA proof required → bogus', async () => {
    const attack = fixed('a.example.net.', RRType.A, { answer: signed('www.example.net.', RRType.A) });
    expectBogus(await validator(world([attack])).validate('a.example.net.', 'A'));
  });

  it('NXDOMAIN after a signed CNAME, proven for the QNAME instead of the target: bogus', async () => {
    // RFC 6604 §3: the RCODE and its proof are about the last name of the
    // chain (www.example.net., which exists), not about c.example.net.
    const attack = fixed('c.example.net.', RRType.A, {
      rcode: Rcode.NXDOMAIN,
      answer: signed('c.example.net.', RRType.CNAME),
      authority: [...SOA(), ...nsecAt('a.example.net.'), ...nsecAt('example.net.')],
    });
    expectBogus(await validator(world([attack])).validate('c.example.net.', 'A'));
  });
});

describe('caches (defended)', () => {
  it('a bogus answer for one name does not poison the shared key entry: a later question in the zone is secure', async () => {
    const v = validator(world([fixed('b.example.net.', RRType.A, { authority: [...SOA(), ...nsecAt('a.example.net.')] })]));
    expectBogus(await v.validate('b.example.net.', 'A'));
    const res = await v.validate('www.example.net.', 'A');
    expect(res.status, show(res)).toBe('secure');
  });

  it('a bogus result is kept only for the bogus TTL (60 s): after it the same question is validated again (asks the source), still bogus', async () => {
    const pool = world([fixed('b.example.net.', RRType.A, { authority: SOA() })]);
    let now = NOW;
    const v = validator(pool, { resultCacheSize: 10, clock: () => now });
    expectBogus(await v.validate('b.example.net.', 'A'));
    const before = pool.asked.length;
    now += 61;
    expectBogus(await v.validate('b.example.net.', 'A'));
    expect(pool.asked.length).toBeGreaterThan(before);
  });
});
