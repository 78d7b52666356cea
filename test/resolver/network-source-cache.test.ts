/**
 * The response cache: lifetimes (RFC 2181 §5.2 smallest TTL, RFC 2308 §5
 * negative answers, RRSIG expiration), what is never cached, LRU bounds by
 * entries and by bytes, and an injected clock.
 */
import { describe, expect, it } from 'vitest';
import { ResponseCache, cacheableTtl } from '../../src/resolver/cache.js';
import { type Message, type RR, encodeMessage, parseMessage } from '../../src/wire/message.js';
import { nameFromText } from '../../src/wire/name.js';
import { parseRecord } from '../../src/wire/presentation.js';
import { RRType, Rcode } from '../../src/wire/rrtype.js';

const NOW = 1_700_000_000;

function rr(text: string): RR {
  return parseRecord(text);
}

function message(opts: { name?: string; type?: number; rcode?: number; answer?: string[]; authority?: string[]; additional?: string[]; tc?: boolean }): { message: Message; raw: Uint8Array } {
  const raw = encodeMessage({
    id: 1,
    flags: { qr: true, rd: true, ra: true, tc: opts.tc ?? false },
    rcode: opts.rcode ?? Rcode.NOERROR,
    question: [{ name: nameFromText(opts.name ?? 'www.example.'), type: opts.type ?? RRType.A, class: 1 }],
    answer: (opts.answer ?? []).map(rr),
    authority: (opts.authority ?? []).map(rr),
    additional: (opts.additional ?? []).map(rr),
  });
  return { message: parseMessage(raw), raw };
}

/** An RRSIG whose expiration is `exp` (unix seconds) and original TTL 300. */
function rrsig(owner: string, ttl: number, exp: number): string {
  const stamp = (t: number): string => new Date(t * 1000).toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `${owner} ${ttl} IN RRSIG A 13 2 300 ${stamp(exp)} ${stamp(NOW - 86400)} 12345 example. AAAA`;
}

const SOA = (ttl: number, minimum: number): string => `example. ${ttl} IN SOA ns.example. host.example. 1 7200 3600 1209600 ${minimum}`;

describe('cacheableTtl', () => {
  it('is the smallest TTL of every record in a positive answer (RFC 2181 §5.2)', () => {
    const { message: m } = message({ answer: ['www.example. 300 IN A 192.0.2.1', 'www.example. 120 IN A 192.0.2.2'], additional: ['ns.example. 900 IN A 192.0.2.53'] });
    expect(cacheableTtl(m, NOW)).toBe(120);
  });

  it('is capped by maxTtl', () => {
    const { message: m } = message({ answer: ['www.example. 604800 IN A 192.0.2.1'] });
    expect(cacheableTtl(m, NOW, 86400)).toBe(86400);
    expect(cacheableTtl(m, NOW, 60)).toBe(60);
  });

  it('keeps a negative answer for min(SOA TTL, SOA MINIMUM) (RFC 2308 §5)', () => {
    expect(cacheableTtl(message({ rcode: Rcode.NXDOMAIN, authority: [SOA(3600, 600)] }).message, NOW)).toBe(600);
    expect(cacheableTtl(message({ rcode: Rcode.NOERROR, authority: [SOA(60, 600)] }).message, NOW)).toBe(60);
  });

  it('does not cache a negative answer without an SOA (RFC 2308 §5)', () => {
    expect(cacheableTtl(message({ rcode: Rcode.NXDOMAIN }).message, NOW)).toBe(0);
    expect(cacheableTtl(message({ authority: ['example. 300 IN NS ns.example.'] }).message, NOW)).toBe(0);
  });

  it('never caches SERVFAIL, REFUSED, FORMERR, NOTIMP or a truncated answer', () => {
    for (const rcode of [Rcode.SERVFAIL, Rcode.REFUSED, Rcode.FORMERR, Rcode.NOTIMP]) {
      expect(cacheableTtl(message({ rcode, authority: [SOA(300, 300)] }).message, NOW)).toBe(0);
    }
    expect(cacheableTtl(message({ answer: ['www.example. 300 IN A 192.0.2.1'], tc: true }).message, NOW)).toBe(0);
  });

  it('ends no later than the expiration of an RRSIG in the answer', () => {
    const { message: m } = message({ answer: ['www.example. 3600 IN A 192.0.2.1', rrsig('www.example.', 3600, NOW + 100)] });
    expect(cacheableTtl(m, NOW)).toBe(100);
    const expired = message({ answer: ['www.example. 3600 IN A 192.0.2.1', rrsig('www.example.', 3600, NOW - 5)] }).message;
    expect(cacheableTtl(expired, NOW)).toBe(0);
  });
});

describe('ResponseCache', () => {
  const www = nameFromText('www.example.');

  it('returns a stored response until its TTL has passed (injected clock)', () => {
    let now = NOW;
    const cache = new ResponseCache({ clock: () => now });
    const { message: m, raw } = message({ answer: ['www.example. 30 IN A 192.0.2.1'] });
    expect(cache.set(www, RRType.A, m, raw)).toBe(true);
    now += 29;
    expect(cache.get(www, RRType.A)?.raw).toBe(raw);
    now += 1;
    expect(cache.get(www, RRType.A)).toBeUndefined();
    expect(cache.size).toBe(0);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1, stored: 1 });
  });

  it('keys by name case-insensitively (RFC 4343) and by type', () => {
    const cache = new ResponseCache({ clock: () => NOW });
    const { message: m, raw } = message({ answer: ['www.example. 300 IN A 192.0.2.1'] });
    cache.set(nameFromText('WWW.Example.'), RRType.A, m, raw);
    expect(cache.get(www, RRType.A)?.message).toBe(m);
    expect(cache.get(www, RRType.AAAA)).toBeUndefined();
    expect(cache.get(nameFromText('example.'), RRType.A)).toBeUndefined();
  });

  it('refuses what must not be cached and drops an older entry for the same question', () => {
    const cache = new ResponseCache({ clock: () => NOW });
    const good = message({ answer: ['www.example. 300 IN A 192.0.2.1'] });
    cache.set(www, RRType.A, good.message, good.raw);
    const fail = message({ rcode: Rcode.SERVFAIL });
    expect(cache.set(www, RRType.A, fail.message, fail.raw)).toBe(false);
    expect(cache.get(www, RRType.A)).toBeUndefined();
    const zero = message({ answer: ['www.example. 0 IN A 192.0.2.1'] });
    expect(cache.set(www, RRType.A, zero.message, zero.raw)).toBe(false);
    expect(cache.stats().refused).toBe(2);
  });

  it('evicts the least recently used entry beyond maxEntries', () => {
    const cache = new ResponseCache({ clock: () => NOW, maxEntries: 2 });
    const names = ['a.example.', 'b.example.', 'c.example.'].map((n) => nameFromText(n));
    const put = (i: number): void => {
      const { message: m, raw } = message({ name: names[i]!.join('.') + '.', answer: [`${names[i]!.join('.')}. 300 IN A 192.0.2.${i + 1}`] });
      cache.set(names[i]!, RRType.A, m, raw);
    };
    put(0);
    put(1);
    expect(cache.get(names[0]!, RRType.A)).toBeDefined(); // a is now the most recent
    put(2); // evicts b
    expect(cache.size).toBe(2);
    expect(cache.get(names[1]!, RRType.A)).toBeUndefined();
    expect(cache.get(names[0]!, RRType.A)).toBeDefined();
    expect(cache.get(names[2]!, RRType.A)).toBeDefined();
    expect(cache.stats().evicted).toBe(1);
  });

  it('stays within maxBytes and refuses a response larger than the bound', () => {
    const one = message({ answer: ['www.example. 300 IN A 192.0.2.1'] });
    const perEntry = (() => {
      const c = new ResponseCache({ clock: () => NOW });
      c.set(www, RRType.A, one.message, one.raw);
      return c.bytes;
    })();
    const cache = new ResponseCache({ clock: () => NOW, maxBytes: perEntry * 3 });
    for (let i = 0; i < 10; i++) cache.set(nameFromText(`h${i}.example.`), RRType.A, one.message, one.raw);
    expect(cache.size).toBe(3);
    expect(cache.bytes).toBeLessThanOrEqual(perEntry * 3);
    const tiny = new ResponseCache({ clock: () => NOW, maxBytes: perEntry - 1 });
    expect(tiny.set(www, RRType.A, one.message, one.raw)).toBe(false);
    expect(tiny.size).toBe(0);
  });

  it('rejects nonsensical bounds', () => {
    expect(() => new ResponseCache({ maxEntries: -1 })).toThrow(RangeError);
    expect(() => new ResponseCache({ maxBytes: 1.5 })).toThrow(RangeError);
  });
});
