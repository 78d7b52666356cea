// The RFC 8198 hot path decides from key entries already held, without waiting or asking
// (src/validator/key-cache.ts peek, key-chain.ts peekEntry/cutBetweenNow): an entry still being decided,
// an expired one or one decided on an exhausted budget is not held; a cut between the zone and the name
// (RFC 4035 §5.3.1) is found from held entries as the waiting walk finds it, and an undecided name on the
// way makes the answer 'unknown' (the waiting walk then decides).
import { describe, expect, it } from 'vitest';
import { type Name, nameFromText } from '../../src/wire/name.js';
import type { Message } from '../../src/wire/message.js';
import type { TrustAnchor } from '../../src/dnssec/anchors.js';
import { QuestionContext, TraceOnly } from '../../src/validator/context.js';
import { KeyCache, type KeyEntry } from '../../src/validator/key-cache.js';
import { KeyChain } from '../../src/validator/key-chain.js';

const n = (text: string): Name => nameFromText(text);
const NOW = 1_000_000;
const never = { query: (): Promise<Message> => Promise.reject(new Error('no query expected')) };

function ctx(now = NOW): QuestionContext {
  return new QuestionContext(never, now, undefined);
}

function secure(zone: string, expires = NOW + 300): KeyEntry {
  return { kind: 'secure', zone: n(zone), dnskeys: [], steps: [{ kind: 'delegation', zone, signatures: [], status: 'secure' }], expires };
}

describe('KeyCache.peek: settled, unexpired entries only', () => {
  it('an entry still being decided is not held; once settled it is, with its value', async () => {
    const cache = new KeyCache();
    let settle!: (e: KeyEntry) => void;
    const pending = cache.entry(n('example.'), ctx(), () => new Promise<KeyEntry>((r) => (settle = r)));
    expect(cache.peek(n('example.'), NOW)).toBeUndefined();
    expect(cache.has(n('example.'), NOW)).toBe(true);
    settle(secure('example.'));
    await pending;
    expect(cache.peek(n('EXAMPLE.'), NOW)).toMatchObject({ kind: 'secure', zone: ['example'] });
  });

  it('an expired entry is not held', async () => {
    const cache = new KeyCache();
    await cache.entry(n('example.'), ctx(), async () => secure('example.', NOW + 10));
    expect(cache.peek(n('example.'), NOW + 9)).toBeDefined();
    expect(cache.peek(n('example.'), NOW + 10)).toBeUndefined();
  });

  it('a bogus entry decided on an exhausted work budget is not held (it says nothing durable)', async () => {
    const cache = new KeyCache();
    const c = ctx();
    while (c.budget.takeQuery());
    await cache.entry(n('example.'), c, async () => ({ kind: 'bogus', zone: n('example.'), reasons: [], steps: [], expires: NOW + 60 }));
    expect(cache.peek(n('example.'), NOW)).toBeUndefined();
  });
});

describe('KeyChain.cutBetweenNow: RFC 4035 §5.3.1 from held entries', () => {
  const anchor = { zone: n('.'), ds: [], dnskeys: [] } as unknown as TrustAnchor;

  async function chainWith(entries: Record<string, KeyEntry>): Promise<KeyChain> {
    const chain = new KeyChain([anchor]);
    for (const [name, e] of Object.entries(entries)) await chain.cache.entry(n(name), ctx(), async () => e);
    return chain;
  }

  it('no cut: every name on the way is held as the zone itself; its steps land in the trace once', async () => {
    // A name that is no cut holds its zone's entry (key-chain.ts zoneEntry: "no-cut" returns the parent's).
    const zone = secure('example.');
    const chain = await chainWith({ 'example.': zone, 'a.example.': zone, 'b.a.example.': zone });
    const t = new TraceOnly(NOW);
    expect(chain.cutBetweenNow(n('example.'), n('b.a.example.'), t)).toBeUndefined();
    expect(t.trace).toHaveLength(1);
    expect(t.trace[0]).toMatchObject({ kind: 'delegation', zone: 'example.' });
  });

  it('a held secure delegation on the way is the cut', async () => {
    const chain = await chainWith({ 'example.': secure('example.'), 'a.example.': secure('a.example.') });
    expect(chain.cutBetweenNow(n('example.'), n('b.a.example.'), new TraceOnly(NOW))).toEqual(['a', 'example']);
  });

  it('a proven unsigned delegation is a cut; an Opt-Out span proves none', async () => {
    const insecure = (cutProven: boolean): KeyEntry => ({ kind: 'insecure', zone: n('a.example.'), reasons: [], steps: [], expires: NOW + 300, cutProven });
    expect((await chainWith({ 'a.example.': insecure(true) })).cutBetweenNow(n('example.'), n('b.a.example.'), new TraceOnly(NOW))).toEqual(['a', 'example']);
    expect((await chainWith({ 'a.example.': insecure(false), 'b.a.example.': secure('example.') })).cutBetweenNow(n('example.'), n('b.a.example.'), new TraceOnly(NOW))).toBeUndefined();
  });

  it("a name on the way with no held entry: 'unknown' (only a DS query can tell)", async () => {
    const chain = await chainWith({ 'a.example.': secure('example.') });
    expect(chain.cutBetweenNow(n('example.'), n('b.a.example.'), new TraceOnly(NOW))).toBe('unknown');
  });

  it('a name the held records prove absent ends the search: nothing at or below it is a cut', async () => {
    const chain = await chainWith({ 'a.example.': secure('example.') });
    const absent = (c: Name) => c.length === 3;
    expect(chain.cutBetweenNow(n('example.'), n('b.a.example.'), new TraceOnly(NOW), absent)).toBeUndefined();
  });
});
