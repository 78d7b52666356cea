/**
 * The validator's caches (issue: one resolver object, shared by all lookups):
 * a validated result is reused until its capped TTL runs out (RFC 4035
 * §5.3.3), bogus results are never reused, and identical questions in flight
 * are validated once.
 */
import { describe, expect, it } from 'vitest';
import { createValidator } from '../../src/validator/validator.js';
import type { ResponseSource } from '../../src/validator/context.js';
import type { Name } from '../../src/wire/name.js';
import type { Message } from '../../src/wire/message.js';
import { RecordPool } from '../support/record-pool.js';
import { n, realChain, realRootAnchors } from '../support/vectors.js';

const MATT = realChain('chain-mattcorallo.com-TXT.zone');
const TXT = 'matt.user._bitcoin-payment.mattcorallo.com.';

class Counting implements ResponseSource {
  count = 0;
  constructor(private readonly inner: ResponseSource) {}
  query(name: Name, type: number): Promise<Message> {
    this.count++;
    return this.inner.query(name, type);
  }
}

describe('validated-result cache', () => {
  it('a second identical question is answered without asking the source, with a smaller TTL', async () => {
    const src = new Counting(new RecordPool(MATT.records));
    let now = MATT.now;
    const v = createValidator({ source: src, trustAnchors: realRootAnchors(), clock: () => now, prefetch: false });
    const first = await v.validate(TXT, 'TXT');
    expect(first.status).toBe('secure');
    const asked = src.count;
    expect(asked).toBeGreaterThan(0);
    now += 100;
    const second = await v.validate(TXT, 'TXT');
    expect(src.count).toBe(asked);
    expect(second.status).toBe('secure');
    expect(second.ttl).toBe(first.ttl - 100);
    expect(second.records[0]!.ttl).toBeLessThanOrEqual(second.ttl);
    expect(second.records.map((r) => r.data)).toEqual(first.records.map((r) => r.data));
  });

  it('after the TTL runs out the question is validated again (and here: the signatures have expired)', async () => {
    const src = new Counting(new RecordPool(MATT.records));
    let now = MATT.now;
    const v = createValidator({ source: src, trustAnchors: realRootAnchors(), clock: () => now, prefetch: false });
    const first = await v.validate(TXT, 'TXT');
    const asked = src.count;
    now = MATT.window.expiration + 1;
    expect(now - MATT.now).toBeGreaterThan(first.ttl);
    const later = await v.validate(TXT, 'TXT');
    expect(src.count).toBeGreaterThan(asked);
    expect(later.status).toBe('bogus');
    expect(later.reasons[0]?.ede).toBe(7);
  });

  it('bogus results are reused only for the bogus TTL (60 s): then the next question asks again', async () => {
    const pool = new RecordPool(MATT.records.filter((r) => !(r.type === 46 && r.name.length === 5)));
    const src = new Counting(pool);
    let now = MATT.now;
    const v = createValidator({ source: src, trustAnchors: realRootAnchors(), clock: () => now, prefetch: false });
    expect((await v.validate(TXT, 'TXT')).status).toBe('bogus');
    const asked = src.count;
    expect((await v.validate(TXT, 'TXT')).status).toBe('bogus');
    expect(src.count).toBe(asked);
    now += 61;
    expect((await v.validate(TXT, 'TXT')).status).toBe('bogus');
    expect(src.count).toBeGreaterThan(asked);
  });

  it('identical questions in flight are validated once', async () => {
    const src = new Counting(new RecordPool(MATT.records));
    const v = createValidator({ source: src, trustAnchors: realRootAnchors(), clock: () => MATT.now, prefetch: false });
    const results = await Promise.all([v.validate(TXT, 'TXT'), v.validate(TXT, 'TXT'), v.validate(n(TXT), 16)]);
    expect(results.map((r) => r.status)).toEqual(['secure', 'secure', 'secure']);
    const once = src.count;
    const solo = new Counting(new RecordPool(MATT.records));
    await createValidator({ source: solo, trustAnchors: realRootAnchors(), clock: () => MATT.now, prefetch: false }).validate(TXT, 'TXT');
    expect(once).toBe(solo.count);
  });

  it('resultCacheSize: 0 turns the result cache off (the key cache still saves the chain)', async () => {
    const src = new Counting(new RecordPool(MATT.records));
    const v = createValidator({ source: src, trustAnchors: realRootAnchors(), clock: () => MATT.now, prefetch: false, resultCacheSize: 0 });
    await v.validate(TXT, 'TXT');
    const asked = src.count;
    await v.validate(TXT, 'TXT');
    expect(src.count - asked).toBe(1);
  });
});
