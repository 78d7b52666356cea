// NSEC denial proofs (RFC 4035 §5.4, §5.2, §5.3.4; RFC 6840 §4.1, §4.3, §4.4),
// checked against the RFC 4035 Appendix A zone and Appendix B responses in
// test/data/vectors/rfc, plus variants built from the same records.
import { readShared } from '../support/record-pool.js';
import { describe, expect, it } from 'vitest';
import { parseZoneText, rdataFromText } from '../../src/wire/presentation.js';
import { type Name, ROOT, nameFromText, nameKey } from '../../src/wire/name.js';
import { RRType } from '../../src/wire/rrtype.js';
import { EDE } from '../../src/types.js';
import {
  type DenialInput,
  type DenialOutcome,
  type DenialRecord,
  proveNodata,
  proveNoDs,
  proveNxdomain,
  proveWildcardAnswer,
} from '../../src/dnssec/denial.js';
import { nsecCovers, nsecProvesNameAbsent, usableNsecs } from '../../src/dnssec/nsec.js';

/** A vector under test/data/vectors/rfc (a clear error when it is absent). */
function vectorText(file: string): string {
  return readShared(`vectors/rfc/${file}`);
}

/** The NSEC records of a vector file (any section). */
function nsecsOf(file: string): DenialRecord[] {
  return parseZoneText(vectorText(file), { fileName: file })
    .filter((rr) => rr.type === RRType.NSEC)
    .map((rr) => ({ owner: rr.name, rdata: rr.rdata }));
}

const n = (text: string): Name => nameFromText(text);
const EXAMPLE = n('example.');

function nsec(owner: string, rdataText: string): DenialRecord {
  return { owner: n(owner), rdata: rdataFromText(RRType.NSEC, rdataText) };
}

function input(nsecs: DenialRecord[], zone: Name = EXAMPLE): DenialInput {
  return { zone, nsec: nsecs, nsec3: [] };
}

function without(records: DenialRecord[], owner: string): DenialRecord[] {
  const key = nameKey(n(owner));
  const out = records.filter((r) => nameKey(r.owner) !== key);
  expect(out.length).toBe(records.length - 1);
  return out;
}

function expectFailed(o: DenialOutcome, ede: number, text?: RegExp): void {
  expect(o.result).toBe('failed');
  if (o.result !== 'failed') return;
  expect(o.ede).toBe(ede);
  if (text) expect(o.text).toMatch(text);
}

function expectProven(o: DenialOutcome): void {
  expect(o, JSON.stringify(o)).toMatchObject({ result: 'proven', via: 'nsec' });
}

const zoneA = () => nsecsOf('rfc4035-A-signed-zone.zone');

describe('the Appendix A NSEC chain', () => {
  it('has ten NSEC records, all usable, whose next names form one ring', () => {
    const chain = usableNsecs(zoneA(), EXAMPLE);
    expect(chain).toHaveLength(10);
    const owners = new Set(chain.map((c) => nameKey(c.owner)));
    for (const c of chain) expect(owners.has(nameKey(c.next))).toBe(true);
  });

  it('covers a name only strictly between owner and next, and the last NSEC wraps to the apex', () => {
    const chain = usableNsecs(zoneA(), EXAMPLE);
    const at = (o: string) => chain.find((c) => nameKey(c.owner) === nameKey(n(o)))!;
    expect(nsecCovers(at('b.example.'), n('ml.example.'))).toBe(true);
    expect(nsecCovers(at('b.example.'), n('b.example.'))).toBe(false);
    expect(nsecCovers(at('b.example.'), n('ns1.example.'))).toBe(false);
    // xx.example. is the last name; its NSEC wraps to example.
    expect(nsecCovers(at('xx.example.'), n('z.example.'))).toBe(true);
    expect(nsecCovers(at('xx.example.'), n('a.xx.example.'))).toBe(true);
    expect(nsecCovers(at('xx.example.'), n('example.'))).toBe(false);
    expect(nsecCovers(at('xx.example.'), n('a.example.'))).toBe(false);
    expect(nsecCovers(at('xx.example.'), n('other.'))).toBe(false);
  });

  it('an NSEC whose next name is below the covered name proves an empty non-terminal, not absence', () => {
    const chain = usableNsecs(zoneA(), EXAMPLE);
    const xw = chain.find((c) => nameKey(c.owner) === nameKey(n('x.w.example.')))!;
    expect(nsecCovers(xw, n('y.w.example.'))).toBe(true);
    expect(nsecProvesNameAbsent(xw, n('y.w.example.'))).toBe(false);
    expect(nsecProvesNameAbsent(xw, n('a.x.w.example.'))).toBe(true);
  });
});

describe('RFC 4035 B.2 name error (§5.4)', () => {
  const b2 = () => nsecsOf('rfc4035-B2-name-error.txt');

  it('proves ml.example. does not exist, nor *.example.', () => {
    expectProven(proveNxdomain(n('ml.example.'), input(b2())));
  });

  it('fails without the NSEC covering the name, or without the one covering the wildcard', () => {
    expectFailed(proveNxdomain(n('ml.example.'), input(without(b2(), 'b.example.'))), EDE.NSEC_MISSING, /ml\.example/);
    expectFailed(proveNxdomain(n('ml.example.'), input(without(b2(), 'example.'))), EDE.NSEC_MISSING, /\*\.example/);
  });

  it('fails for a name that exists in the zone', () => {
    expectFailed(proveNxdomain(n('ns1.example.'), input(zoneA())), EDE.DNSSEC_BOGUS, /exists/);
  });

  it('fails for an empty non-terminal (y.w.example. exists because x.y.w.example. does)', () => {
    expectFailed(proveNxdomain(n('y.w.example.'), input(zoneA())), EDE.DNSSEC_BOGUS, /empty non-terminal/);
  });

  it('fails where a wildcard exists that would have matched (*.w.example.)', () => {
    expectFailed(proveNxdomain(n('q.w.example.'), input(zoneA())), EDE.NSEC_MISSING, /\*\.w\.example/);
  });

  it('ignores an NSEC whose owner or next name lies outside the zone', () => {
    const records = [nsec('b.example.', 'ns1.other. NS RRSIG NSEC'), nsec('example.', 'a.example. NS SOA RRSIG NSEC')];
    expectFailed(proveNxdomain(n('ml.example.'), input(records)), EDE.NSEC_MISSING);
    const outside = [nsec('b.other.', 'ns1.example. NS RRSIG NSEC'), nsec('example.', 'a.example. NS SOA RRSIG NSEC')];
    expectFailed(proveNxdomain(n('ml.example.'), input(outside)), EDE.NSEC_MISSING);
  });

  it('fails for a query name outside the zone', () => {
    expectFailed(proveNxdomain(n('ml.other.'), input(b2())), EDE.DNSSEC_BOGUS, /not in zone/);
  });

  it('RFC 6840 §4.1: a delegation NSEC cannot deny names below its owner', () => {
    // b.example. is an unsigned delegation: NS set, SOA clear. Its NSEC
    // (b.example. -> ns1.example.) sorts around x.b.example., but the parent
    // has no authority there.
    expectFailed(proveNxdomain(n('x.b.example.'), input(zoneA())), EDE.NSEC_MISSING, /x\.b\.example/);
    // The same NSEC without NS would be usable.
    const plain = [nsec('b.example.', 'ns1.example. A RRSIG NSEC'), nsec('example.', 'a.example. NS SOA RRSIG NSEC')];
    expectProven(proveNxdomain(n('x.b.example.'), input(plain)));
  });

  it('RFC 6840 §4.1: an NSEC with DNAME cannot deny names below its owner', () => {
    const dname = [nsec('b.example.', 'ns1.example. DNAME RRSIG NSEC'), nsec('example.', 'a.example. NS SOA RRSIG NSEC')];
    expectFailed(proveNxdomain(n('x.b.example.'), input(dname)), EDE.NSEC_MISSING);
  });

  it('a one-NSEC zone (apex -> apex) denies every name below the apex', () => {
    const single = [nsec('example.', 'example. NS SOA RRSIG NSEC')];
    expectProven(proveNxdomain(n('www.example.'), input(single)));
    expectFailed(proveNxdomain(n('example.'), input(single)), EDE.DNSSEC_BOGUS);
  });
});

describe('RFC 4035 B.3 no data (§5.4, RFC 6840 §4.3)', () => {
  const b3 = () => nsecsOf('rfc4035-B3-no-data.txt');

  it('proves ns1.example. has no MX', () => {
    expectProven(proveNodata(n('ns1.example.'), RRType.MX, input(b3())));
  });

  it('fails when the NSEC lists the queried type', () => {
    expectFailed(proveNodata(n('ns1.example.'), RRType.A, input(b3())), EDE.DNSSEC_BOGUS, /queried type/);
    const withMx = [nsec('ns1.example.', 'ns2.example. A MX RRSIG NSEC')];
    expectFailed(proveNodata(n('ns1.example.'), RRType.MX, input(withMx)), EDE.DNSSEC_BOGUS, /queried type/);
  });

  it('fails when the NSEC lists CNAME', () => {
    const cname = [nsec('ns1.example.', 'ns2.example. CNAME RRSIG NSEC')];
    expectFailed(proveNodata(n('ns1.example.'), RRType.MX, input(cname)), EDE.DNSSEC_BOGUS, /CNAME/);
  });

  it('fails without a matching NSEC', () => {
    expectFailed(proveNodata(n('ns1.example.'), RRType.MX, input([])), EDE.NSEC_MISSING);
    expectFailed(proveNodata(n('ns2.example.'), RRType.MX, input(b3())), EDE.NSEC_MISSING);
  });

  it('proves an empty non-terminal: the NSEC before it points below it (y.w.example.)', () => {
    expectProven(proveNodata(n('y.w.example.'), RRType.A, input(zoneA())));
    const only = zoneA().filter((r) => nameKey(r.owner) === nameKey(n('x.w.example.')));
    expect(only).toHaveLength(1);
    expectProven(proveNodata(n('y.w.example.'), RRType.TXT, input(only)));
  });

  it('RFC 6840 §4.1: the parent-side NSEC of a delegation cannot deny types at the child', () => {
    expectFailed(proveNodata(n('b.example.'), RRType.A, input(zoneA())), EDE.DNSSEC_BOGUS, /delegation/);
  });
});

describe('RFC 4035 B.7 wildcard no data (§3.1.3.4, §5.4)', () => {
  const b7 = () => nsecsOf('rfc4035-B7-wildcard-no-data.txt');

  it('proves a.z.w.example. has no AAAA via *.w.example.', () => {
    expectProven(proveNodata(n('a.z.w.example.'), RRType.AAAA, input(b7())));
  });

  it('fails when the wildcard NSEC has the type, or when either NSEC is missing', () => {
    expectFailed(proveNodata(n('a.z.w.example.'), RRType.MX, input(b7())), EDE.DNSSEC_BOGUS, /queried type/);
    expectFailed(proveNodata(n('a.z.w.example.'), RRType.AAAA, input(without(b7(), '*.w.example.'))), EDE.NSEC_MISSING, /\*\.w\.example/);
    expectFailed(proveNodata(n('a.z.w.example.'), RRType.AAAA, input(without(b7(), 'x.y.w.example.'))), EDE.NSEC_MISSING);
  });

  it('fails when the wildcard NSEC is not the one at the proven closest encloser', () => {
    // *.example. is not the applicable wildcard for a.z.w.example. (w.example. exists).
    const wrongWildcard = [b7()[0]!, nsec('*.example.', 'a.example. TXT RRSIG NSEC')];
    expect(nameKey(wrongWildcard[0]!.owner)).toBe(nameKey(n('x.y.w.example.')));
    expectFailed(proveNodata(n('a.z.w.example.'), RRType.AAAA, input(wrongWildcard)), EDE.NSEC_MISSING);
  });
});

describe('RFC 4035 B.6 wildcard expansion (§5.3.4)', () => {
  const b6 = () => nsecsOf('rfc4035-B6-wildcard-expansion.txt');

  it('proves no closer match exists for a.z.w.example. answered from *.w.example. (RRSIG labels 2)', () => {
    expectProven(proveWildcardAnswer(n('a.z.w.example.'), 2, input(b6())));
  });

  it('fails without the NSEC', () => {
    expectFailed(proveWildcardAnswer(n('a.z.w.example.'), 2, input([])), EDE.NSEC_MISSING);
  });

  it('fails when the labels count names a different wildcard than the NSEC proves (*.example.)', () => {
    expectFailed(proveWildcardAnswer(n('a.z.w.example.'), 1, input(b6())), EDE.DNSSEC_BOGUS, /closest encloser is w\.example/);
  });

  it('fails when the labels count is not below the name\'s label count', () => {
    expectFailed(proveWildcardAnswer(n('a.z.w.example.'), 4, input(b6())), EDE.DNSSEC_BOGUS, /labels/);
    expectFailed(proveWildcardAnswer(n('a.z.w.example.'), 0, input(b6())), EDE.DNSSEC_BOGUS, /labels/);
  });

  it('counts labels as the RRSIG Labels field does: a leading "*" of the name is not a label (RFC 4034 §3.1.3)', () => {
    // A query for the literal *.z.w.example. is expanded from *.w.example. too.
    expectProven(proveWildcardAnswer(n('*.z.w.example.'), 2, input(b6())));
    // The wildcard owner itself (3 labels, Labels field 2) is not an expansion.
    expectFailed(proveWildcardAnswer(n('*.w.example.'), 2, input(b6())), EDE.DNSSEC_BOGUS, /labels/);
  });

  it('fails for a name that exists (x.y.w.example. has its own NSEC)', () => {
    expectFailed(proveWildcardAnswer(n('x.y.w.example.'), 2, input(zoneA())), EDE.NSEC_MISSING);
  });
});

describe('no DS at a delegation: RFC 4035 B.5 and B.8 (§5.2, RFC 6840 §4.4)', () => {
  it('B.5: the NSEC at b.example. (NS set, DS and SOA clear) proves an insecure delegation', () => {
    const o = proveNoDs(n('b.example.'), input(nsecsOf('rfc4035-B5-referral-unsigned.txt')));
    expectProven(o);
    expect(o).not.toHaveProperty('noDelegation');
  });

  it('B.8: the child apex NSEC (SOA set) is not a proof, whichever zone it is offered for', () => {
    const b8 = nsecsOf('rfc4035-B8-ds-child-nodata.txt');
    expectFailed(proveNoDs(n('example.'), input(b8, ROOT)), EDE.DNSSEC_BOGUS, /SOA/);
    expectFailed(proveNoDs(n('example.'), input(b8, EXAMPLE)), EDE.DNSSEC_BOGUS, /zone above/);
    // The same record as a DS NODATA answer is refused too.
    expectFailed(proveNodata(n('example.'), RRType.DS, input(b8, ROOT)), EDE.DNSSEC_BOGUS, /SOA/);
  });

  it('a.example. has DS: its NSEC lists DS, so no-DS cannot be proven', () => {
    expectFailed(proveNoDs(n('a.example.'), input(zoneA())), EDE.DNSSEC_BOGUS, /lists DS/);
  });

  it('a name without NS is not a zone cut (noDelegation), nor is an empty non-terminal', () => {
    expect(proveNoDs(n('ns1.example.'), input(zoneA()))).toMatchObject({ result: 'proven', via: 'nsec', noDelegation: true });
    expect(proveNoDs(n('y.w.example.'), input(zoneA()))).toMatchObject({ result: 'proven', via: 'nsec', noDelegation: true });
  });

  it('a name under a wildcard without DS is not a zone cut', () => {
    expect(proveNoDs(n('a.z.w.example.'), input(zoneA()))).toMatchObject({ result: 'proven', noDelegation: true });
  });

  it('fails without a matching NSEC, and for a name that does not exist with no wildcard', () => {
    expectFailed(proveNoDs(n('b.example.'), input([])), EDE.NSEC_MISSING);
    expectFailed(proveNoDs(n('ml.example.'), input(zoneA())), EDE.NSEC_MISSING);
  });

  it('refuses an NSEC that lists CNAME at the child', () => {
    expectFailed(proveNoDs(n('c.example.'), input([nsec('c.example.', 'd.example. CNAME RRSIG NSEC')])), EDE.DNSSEC_BOGUS, /CNAME/);
  });
});
