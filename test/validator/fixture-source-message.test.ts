/**
 * A question a fixture holds no response for: UpstreamError naming the
 * fixture's file when the source was given one, and no stand-in name when it
 * was not (the README's `new FixtureSource(readFixture('tlsa.json'))` once
 * said "the fixture fixture holds no response ...").
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FixtureSource, readFixture } from '../../src/fixtures/fixture.js';
import { UpstreamError } from '../../src/validator/result.js';
import { nameFromText } from '../../src/wire/name.js';
import { RRType } from '../../src/wire/rrtype.js';

const FILE = fileURLToPath(new URL('../../fixtures/lab/tld-positive.json', import.meta.url));
const missing = nameFromText('not-in-the-fixture.lab.');

describe('FixtureSource: a question without a response', () => {
  it('without a file name: "the fixture holds no response for NAME TYPE"', async () => {
    const p = new FixtureSource(readFixture(FILE)).query(missing, RRType.TXT);
    await expect(p).rejects.toBeInstanceOf(UpstreamError);
    await expect(p).rejects.toThrow(/^the fixture holds no response for not-in-the-fixture\.lab\. TXT$/);
  });

  it('with a file name: the message names it', async () => {
    const p = new FixtureSource(readFixture(FILE), 'tld-positive.json').query(missing, RRType.TXT);
    await expect(p).rejects.toThrow(/^the fixture tld-positive\.json holds no response for not-in-the-fixture\.lab\. TXT$/);
  });
});
