/**
 * Bogus is for data that arrived and failed; no answer is no verdict
 * (issue 10 correction 5):
 * - a DS or DNSKEY fetch that got no answer (timeouts, SERVFAIL, REFUSED) is
 *   an UpstreamError (exit 3), never bogus, and nothing is cached from it;
 * - a bogus result is cached briefly (Unbound's val-bogus-ttl, 60 s by
 *   default; option bogusTtl), so a flood of asks for a broken name does not
 *   reach the upstream.
 */
import { describe, expect, it } from 'vitest';
import { createValidator, type ValidatorOptions } from '../../src/validator/validator.js';
import { type ResponseSource, UpstreamError, EDE } from '../../src/types.js';
import type { Message } from '../../src/wire/message.js';
import type { Name } from '../../src/wire/name.js';
import { nameToText } from '../../src/wire/name.js';
import { RRType, Rcode, typeToText } from '../../src/wire/rrtype.js';
import { makeMessage, n, rfcZone } from '../support/vectors.js';

const z = rfcZone('rfc4035-A-signed-zone.zone');

/** The RFC 4035 zone, with some (name, type) questions failing as `fail` says. */
class Flaky implements ResponseSource {
  readonly pool = z.pool();
  asked = 0;
  constructor(public fail: (name: string, type: string) => 'timeout' | 'servfail' | 'refused' | undefined) {}
  async query(name: Name, type: number): Promise<Message> {
    this.asked++;
    const how = this.fail(nameToText(name), typeToText(type));
    if (how === 'timeout') throw new UpstreamError(`timed out: ${nameToText(name)} ${typeToText(type)}`);
    if (how) return makeMessage(name, type, { rcode: how === 'servfail' ? Rcode.SERVFAIL : Rcode.REFUSED });
    return this.pool.query(name, type);
  }
}

function validator(source: ResponseSource, opts: Partial<ValidatorOptions> = {}, clock = () => z.now) {
  return createValidator({ source, trustAnchors: z.dsAnchors, clock, prefetch: false, ...opts });
}

describe('a fetch that got no answer is UpstreamError, never bogus (RFC 8914 EDE 22/23 where shown)', () => {
  for (const how of ['timeout', 'servfail', 'refused'] as const) {
    it(`the anchor's DNSKEY query: ${how} → UpstreamError`, async () => {
      const src = new Flaky((name, type) => (name === 'example.' && type === 'DNSKEY' ? how : undefined));
      await expect(validator(src).validate('xx.example.', 'A')).rejects.toBeInstanceOf(UpstreamError);
    });

    it(`a delegation's DS query: ${how} → UpstreamError`, async () => {
      const src = new Flaky((name, type) => (name === 'b.example.' && type === 'DS' ? how : undefined));
      await expect(validator(src).validate('ns1.b.example.', 'A').then((r) => r.status)).rejects.toBeInstanceOf(UpstreamError);
    });
  }

  it('the error carries an EDE for whoever shows one: 22 when the upstream answered SERVFAIL, 23 when nothing came', async () => {
    const servfail = await validator(new Flaky((name, type) => (type === 'DNSKEY' ? 'servfail' : undefined))).validate('xx.example.', 'A').catch((e: unknown) => e);
    expect((servfail as UpstreamError).ede).toBe(EDE.NO_REACHABLE_AUTHORITY);
    const thrown = await validator({ query: async () => { throw new Error('socket closed'); } }).validate('xx.example.', 'A').catch((e: unknown) => e);
    expect((thrown as UpstreamError).ede).toBe(EDE.NETWORK_ERROR);
  });

  it('nothing is cached from a failed fetch: once the network is back, the same validator answers secure', async () => {
    let down = true;
    const src = new Flaky((name, type) => (down && name === 'example.' && type === 'DNSKEY' ? 'timeout' : undefined));
    const v = validator(src);
    await expect(v.validate('xx.example.', 'A')).rejects.toBeInstanceOf(UpstreamError);
    down = false;
    expect((await v.validate('xx.example.', 'A')).status).toBe('secure');
  });
});

describe('bogus results are cached briefly (Unbound val-bogus-ttl)', () => {
  /** xx.example. A with its RRSIG stripped: bogus (RRSIGs missing). */
  const stripped = () => {
    const src = new Flaky(() => undefined);
    const msg = makeMessage(n('xx.example.'), RRType.A, { answer: src.pool.records.filter((r) => r.type === RRType.A && nameToText(r.name) === 'xx.example.') });
    src.pool.fix(n('xx.example.'), RRType.A, msg);
    return src;
  };

  it('1,000 asks for a bogus name within 60 s cost one validation upstream', async () => {
    const src = stripped();
    const v = validator(src);
    expect((await v.validate('xx.example.', 'A')).status).toBe('bogus');
    const once = src.asked;
    for (let i = 0; i < 999; i++) expect((await v.validate('xx.example.', 'A')).status).toBe('bogus');
    expect(src.asked).toBe(once);
  });

  it('after 60 s the question is validated again; a repaired zone is then seen', async () => {
    const src = stripped();
    let now = z.now;
    const v = validator(src, {}, () => now);
    expect((await v.validate('xx.example.', 'A')).status).toBe('bogus');
    const once = src.asked;
    now += 59;
    expect((await v.validate('xx.example.', 'A')).status).toBe('bogus');
    expect(src.asked).toBe(once);
    now += 2;
    const fresh = await v.validate('xx.example.', 'A');
    expect(src.asked).toBeGreaterThan(once);
    expect(fresh.status).toBe('bogus');
  });

  it('the cached bogus result keeps its reasons and shows no records', async () => {
    const v = validator(stripped());
    const first = await v.validate('xx.example.', 'A');
    const again = await v.validate('xx.example.', 'A');
    expect(again.reasons).toEqual(first.reasons);
    expect(again.records).toEqual([]);
    expect(again.ttl).toBe(0);
  });

  it('bogusTtl: 0 keeps no bogus result; bogusTtl: 5 keeps it 5 s', async () => {
    const src = stripped();
    const off = validator(src, { bogusTtl: 0 });
    await off.validate('xx.example.', 'A');
    const once = src.asked;
    await off.validate('xx.example.', 'A');
    expect(src.asked).toBeGreaterThan(once);

    const src5 = stripped();
    let now = z.now;
    const five = validator(src5, { bogusTtl: 5 }, () => now);
    await five.validate('xx.example.', 'A');
    const first = src5.asked;
    now += 4;
    await five.validate('xx.example.', 'A');
    expect(src5.asked).toBe(first);
    now += 2;
    await five.validate('xx.example.', 'A');
    expect(src5.asked).toBeGreaterThan(first);
  });
});
