// "No such name exists" from verified NSEC/NSEC3 records (src/dnssec/absence.ts): the fact that ends the search
// for zone cuts. Checked on the RFC 4035 Appendix A (NSEC) and RFC 5155 Appendix A (NSEC3) zones.
import { describe, expect, it } from 'vitest';
import { readShared } from '../support/record-pool.js';
import { parseZoneText } from '../../src/wire/presentation.js';
import { nameFromText } from '../../src/wire/name.js';
import { RRType } from '../../src/wire/rrtype.js';
import type { DenialInput, DenialRecord } from '../../src/dnssec/denial.js';
import { provesNameAbsent } from '../../src/dnssec/absence.js';

const n = nameFromText;
const EXAMPLE = n('example.');

function records(file: string, type: number): DenialRecord[] {
  return parseZoneText(readShared(`vectors/rfc/${file}`), { fileName: file })
    .filter((rr) => rr.type === type)
    .map((rr) => ({ owner: rr.name, rdata: rr.rdata }));
}

const nsecInput = (): DenialInput => ({ zone: EXAMPLE, nsec: records('rfc4035-A-signed-zone.zone', RRType.NSEC), nsec3: [] });
const nsec3 = () => records('rfc5155-A-signed-zone.zone', RRType.NSEC3);
const withFlags = (rs: DenialRecord[], flags: number) =>
  rs.map((r) => {
    const rdata = r.rdata.slice();
    rdata[1] = flags;
    return { owner: r.owner, rdata };
  });

describe('NSEC (RFC 4035 §5.4, RFC 6840 §4.1)', () => {
  it('a covered name, and a name below it, are absent', () => {
    expect(provesNameAbsent(n('mz.example.'), nsecInput())).toBe(true);
    expect(provesNameAbsent(n('a.mz.example.'), nsecInput())).toBe(true);
  });

  it('existing names and empty non-terminals are not', () => {
    expect(provesNameAbsent(n('ai.example.'), nsecInput())).toBe(false);
    expect(provesNameAbsent(n('y.w.example.'), nsecInput())).toBe(false);
  });

  it('names below a delegation are not: the parent-side NSEC proves nothing below the cut', () => {
    expect(provesNameAbsent(n('x.b.example.'), nsecInput())).toBe(false);
    expect(provesNameAbsent(n('x.a.example.'), nsecInput())).toBe(false);
  });

  it('the zone apex and names outside the zone are not', () => {
    expect(provesNameAbsent(EXAMPLE, nsecInput())).toBe(false);
    expect(provesNameAbsent(n('mz.example.org.'), nsecInput())).toBe(false);
  });
});

describe('NSEC3 (RFC 5155 §7.1, §6)', () => {
  it('a name whose hash a record without Opt-Out covers is absent; existing names and ENTs are not', () => {
    const input: DenialInput = { zone: EXAMPLE, nsec: [], nsec3: withFlags(nsec3(), 0) };
    expect(provesNameAbsent(n('nope.example.'), input)).toBe(true);
    expect(provesNameAbsent(n('ns1.example.'), input)).toBe(false);
    expect(provesNameAbsent(n('w.example.'), input)).toBe(false);
  });

  it('an Opt-Out span proves nothing: it may hide an unsigned delegation', () => {
    const input: DenialInput = { zone: EXAMPLE, nsec: [], nsec3: withFlags(nsec3(), 1) };
    expect(provesNameAbsent(n('nope.example.'), input)).toBe(false);
  });
});
