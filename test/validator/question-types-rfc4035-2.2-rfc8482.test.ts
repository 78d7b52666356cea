/**
 * The types a question to the library may have (Validator.validate), the same
 * front door as the command line and serve (src/dnssec/question-type.ts): the
 * meta-types, TYPE0 and RRSIG are refused with the reason before any query
 * (an RRSIG RRset is never itself signed, RFC 4035 §2.2, so no verdict fits
 * it); ANY is validated like any other type (RFC 8482 §4.1: the answer may be
 * one RRset; secure says the records sent are authentic), as serve does.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FixtureSource, fixtureAnchors, readFixture } from '../../src/fixtures/fixture.js';
import { ValidationInputError, createValidator } from '../../src/validator/validator.js';
import type { ResponseSource } from '../../src/types.js';
import { typeToText } from '../../src/wire/rrtype.js';

const fixture = readFixture(join(import.meta.dirname, '..', '..', 'fixtures', 'lab', 'mail-tlsa.json'));

/** The fixture as a source that counts what it is asked. */
function counted(): { source: ResponseSource; asked: string[] } {
  const inner = new FixtureSource(fixture);
  const asked: string[] = [];
  return {
    asked,
    source: {
      query: (name, type) => {
        asked.push(typeToText(type));
        return inner.query(name, type);
      },
    },
  };
}

describe('question types the library refuses (RFC 4035 §2.2, RFC 6895 §3.1)', () => {
  it.each([
    ['RRSIG', /RRSIG.*never itself signed \(RFC 4035 §2\.2\)/],
    [46, /RRSIG.*never itself signed/],
    ['AXFR', /zone transfer/],
    ['IXFR', /zone transfer/],
    ['OPT', /EDNS pseudo-record/],
    ['TYPE0', /reserved/],
    [0, /reserved/],
    ['TSIG', /transaction signatures/],
    ['TKEY', /transaction keys/],
    ['MAILA', /obsolete/],
    ['MAILB', /obsolete/],
  ])('%j: ValidationInputError with the reason, and no query sent', async (type, reason) => {
    const { source, asked } = counted();
    const v = createValidator({ source, trustAnchors: fixtureAnchors(fixture), clock: () => fixture.time });
    const p = v.validate('_25._tcp.mx1.mail.lab.', type);
    await expect(p).rejects.toBeInstanceOf(ValidationInputError);
    await expect(p).rejects.toThrow(reason);
    expect(asked).toEqual([]);
  });

  it('ANY is asked and validated (serve answers it the same way); the types around it are not refused', async () => {
    const { source, asked } = counted();
    const v = createValidator({ source, trustAnchors: fixtureAnchors(fixture), clock: () => fixture.time });
    // The fixture holds no ANY response: the question reaches the source, which has no answer for it.
    await expect(v.validate('_25._tcp.mx1.mail.lab.', 'ANY')).rejects.toThrow(/holds no response for _25\._tcp\.mx1\.mail\.lab\. ANY/);
    expect(asked).toContain('ANY');
    const tlsa = await v.validate('_25._tcp.mx1.mail.lab.', 'TLSA');
    expect(tlsa.status).toBe('secure');
  });
});
