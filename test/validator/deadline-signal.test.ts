/**
 * validate(name, type, { signal, deadlineMs }) (issue 12 item 3): the
 * caller's deadline and AbortSignal reach every upstream query, a deadline
 * that passes is an UpstreamError (no answer), an abort rejects with the
 * signal's reason, and one caller giving up does not cancel the others
 * sharing the same question. The data is a captured lab fixture (real
 * recorded bytes), replayed with a delay; the network case uses a UDP
 * socket that never answers.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FixtureSource, fixtureAnchors, readFixture } from '../../src/fixtures/fixture.js';
import { createNetworkSource } from '../../src/resolver/network-source.js';
import type { QueryOptions, ResponseSource } from '../../src/validator/context.js';
import { UpstreamError } from '../../src/validator/result.js';
import { ValidationInputError, createValidator } from '../../src/validator/validator.js';
import type { Message } from '../../src/wire/message.js';
import type { Name } from '../../src/wire/name.js';
import { startBlackhole } from '../resolver/net-helpers.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const FILE = join(HERE, '..', '..', 'fixtures', 'lab', 'alg13-positive.json');
const fixture = readFixture(FILE);
const Q = fixture.question!;

/** The fixture's answers, each after `delayMs`, recording the options every query carried. */
class SlowReplay implements ResponseSource {
  readonly seen: (QueryOptions | undefined)[] = [];
  private readonly inner = new FixtureSource(fixture, FILE);
  constructor(private readonly delayMs: number) {}
  async query(name: Name, type: number, opts?: QueryOptions): Promise<Message> {
    this.seen.push(opts);
    await new Promise((r) => setTimeout(r, this.delayMs));
    return this.inner.query(name, type);
  }
}

function validatorFor(source: ResponseSource, deadlineMs?: number) {
  return createValidator({ source, trustAnchors: fixtureAnchors(fixture, FILE), clock: () => fixture.time, ...(deadlineMs ? { deadlineMs } : {}) });
}

describe('per-call deadline and AbortSignal', () => {
  it('passes the signal and the time left to every query of the question', async () => {
    const source = new SlowReplay(0);
    const ac = new AbortController();
    const r = await validatorFor(source).validate(Q.name, Q.type, { signal: ac.signal, deadlineMs: 4000 });
    expect(r.status).toBe('secure');
    expect(source.seen.length).toBeGreaterThan(1);
    for (const o of source.seen) {
      expect(o?.signal).toBeInstanceOf(AbortSignal);
      expect(o?.deadlineMs).toBeGreaterThan(0);
      expect(o?.deadlineMs).toBeLessThanOrEqual(4000);
    }
  });

  it('rejects with an UpstreamError naming the deadline when the answers come too late', async () => {
    const err = await validatorFor(new SlowReplay(10_000))
      .validate(Q.name, Q.type, { deadlineMs: 200 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as Error).message).toMatch(/within the deadline of 200 ms/);
  });

  it("uses the validator's deadlineMs when the call gives none", async () => {
    const err = await validatorFor(new SlowReplay(10_000), 150)
      .validate(Q.name, Q.type)
      .catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/within the deadline of 150 ms/);
  });

  it("rejects with the signal's reason on abort, and the source's queries see the abort", async () => {
    const source = new SlowReplay(10_000);
    const ac = new AbortController();
    const p = validatorFor(source).validate(Q.name, Q.type, { signal: ac.signal });
    await new Promise((r) => setTimeout(r, 20));
    const reason = new Error('caller gave up');
    ac.abort(reason);
    await expect(p).rejects.toBe(reason);
    // The shared work had this one caller: its signal, passed to the source, is aborted too.
    expect(source.seen.length).toBeGreaterThan(0);
    expect(source.seen.every((o) => o?.signal?.aborted)).toBe(true);
  });

  it('an already aborted signal rejects at once, without a query', async () => {
    const source = new SlowReplay(0);
    const ac = new AbortController();
    ac.abort(new Error('too late'));
    await expect(validatorFor(source).validate(Q.name, Q.type, { signal: ac.signal })).rejects.toThrow('too late');
    expect(source.seen).toHaveLength(0);
  });

  it('one caller aborting leaves another caller of the same question its answer', async () => {
    const source = new SlowReplay(50);
    const v = validatorFor(source);
    const ac = new AbortController();
    const first = v.validate(Q.name, Q.type, { signal: ac.signal });
    const second = v.validate(Q.name, Q.type);
    ac.abort(new Error('first gave up'));
    await expect(first).rejects.toThrow('first gave up');
    expect((await second).status).toBe('secure');
  });

  it('refuses a deadline that is not a positive number', async () => {
    await expect(validatorFor(new SlowReplay(0)).validate(Q.name, Q.type, { deadlineMs: 0 })).rejects.toBeInstanceOf(ValidationInputError);
    expect(() => validatorFor(new SlowReplay(0), -1)).toThrow(ValidationInputError);
  });

  it('over the network: a server that never answers ends in an UpstreamError within the deadline, sockets closed', async () => {
    const hole = await startBlackhole();
    const source = createNetworkSource({ servers: [hole.address], timeoutMs: 5000, attempts: 2 });
    try {
      const err = await validatorFor(source)
        .validate(Q.name, Q.type, { deadlineMs: 800 })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UpstreamError);
      // Retried within the deadline: more than one try reached the server.
      expect(hole.seen.length).toBeGreaterThan(1);
    } finally {
      await source.close();
      await hole.close();
    }
  });
});
