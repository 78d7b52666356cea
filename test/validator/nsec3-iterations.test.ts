/**
 * RFC 9276 §3.2 in a zone signed with 200 NSEC3 iterations (captured from the
 * BIND/ldns-signed lab): a denial answer is insecure with EDE 27, but the
 * unchecked proof must not decide where the zone cuts are — stripping the
 * RRSIG of a positive answer there is bogus (as with Unbound), not insecure.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { createValidator } from '../../src/validator/validator.js';
import { type Fixture, FixtureSource, checkFixture, fixtureAnchors } from '../../src/fixtures/fixture.js';
import { encodeMessage, parseMessage } from '../../src/wire/message.js';
import { RRType } from '../../src/wire/rrtype.js';
import { EDE } from '../../src/types.js';

const LAB = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'lab');

function load(name: string): Fixture {
  return checkFixture(JSON.parse(readFileSync(join(LAB, `${name}.json`), 'utf8')), name);
}

/** The fixture with the RRSIGs removed from the answer section of the question's response. */
function stripAnswerSigs(f: Fixture): Fixture {
  const q = f.question!;
  return {
    ...f,
    exchanges: f.exchanges.map((x) => {
      if (x.name !== q.name || x.type !== q.type || !x.response) return x;
      const m = parseMessage(new Uint8Array(Buffer.from(x.response, 'base64')));
      const stripped = encodeMessage({ ...m, answer: m.answer.filter((r) => r.type !== RRType.RRSIG) });
      return { ...x, response: Buffer.from(stripped).toString('base64') };
    }),
  };
}

async function replay(f: Fixture) {
  const v = createValidator({ source: new FixtureSource(f), trustAnchors: fixtureAnchors(f), clock: () => f.time, prefetch: false });
  return v.validate(f.question!.name, f.question!.type);
}

describe('NSEC3 with 200 iterations (RFC 9276 §3.2)', () => {
  it('the signed positive answer is secure', async () => {
    expect((await replay(load('nsec3-200-positive'))).status).toBe('secure');
  });

  it('a NODATA proven only by 200-iteration NSEC3 is insecure, EDE 27', async () => {
    const res = await replay(load('nsec3-200-nodata'));
    expect(res.status).toBe('insecure');
    expect(res.reasons[0]?.ede).toBe(EDE.UNSUPPORTED_NSEC3_ITERATIONS);
  });

  it('the positive answer with its RRSIG stripped is bogus (RRSIGs missing), not insecure', async () => {
    const res = await replay(stripAnswerSigs(load('nsec3-200-positive')));
    expect(res.status, JSON.stringify(res.reasons)).toBe('bogus');
    expect(res.reasons[0]?.ede).toBe(EDE.RRSIGS_MISSING);
    expect(res.reasons[0]?.zone).toBe('n3iter200.lab.');
  });
});
