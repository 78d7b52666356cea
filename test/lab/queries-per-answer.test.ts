/**
 * Upstream queries and round trips per answer (issue 10, "A walk that asks
 * only what it must"), against the lab's real Unbound:
 *
 * - a positive answer at a fresh name of a zone whose keys are held costs
 *   the question and the DS query at the name (RFC 4035 §5.3.1: the DS
 *   query tells whether the name is a cut), no DNSKEY query, one round trip;
 * - a question of a type held at zone apexes (MX) asks the name's DNSKEY
 *   set with it: still one round trip when the name is an apex;
 * - a question of another type at an apex costs a second round trip for
 *   the DNSKEY set (the DS query showed the cut), never more;
 * - a cold lookup three zones deep takes one round trip (everything asked
 *   ahead at once), at most two;
 * - NXDOMAINs, wildcard answers and NODATA under a zone whose denial
 *   records are held cost no query (RFC 8198).
 *
 * Round trips are counted causally: a query's round trip is one more than
 * the latest round trip among the queries answered before it was sent.
 *
 * Needs the lab (root, nsd, unbound, bind9-utils): without it this file
 * fails and says why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTrustAnchorFile } from '../../src/dnssec/anchors.js';
import { createNetworkSource } from '../../src/resolver/network-source.js';
import type { ResponseSource } from '../../src/types.js';
import { createValidator, type Validator } from '../../src/validator/validator.js';
import type { Message } from '../../src/wire/message.js';
import { type Name, nameToText } from '../../src/wire/name.js';
import { typeToText } from '../../src/wire/rrtype.js';
import { type StartedLab, labUnavailableReason, startLab, stopLab } from './lab.js';

const unavailable = labUnavailableReason();
let lab: StartedLab | undefined;

beforeAll(async () => {
  if (unavailable) throw new Error(`this test needs the DNSSEC lab (test/lab): ${unavailable}`);
  lab = await startLab();
}, 180_000);

afterAll(async () => {
  if (lab) await stopLab();
});

/** A source that records every query with its causal round trip. */
class Recording implements ResponseSource {
  readonly asked: { q: string; trip: number }[] = [];
  /** The highest round trip among the queries answered so far. */
  private answered = 0;
  constructor(private readonly inner: ResponseSource) {}

  async query(name: Name, type: number): Promise<Message> {
    const trip = this.answered + 1;
    this.asked.push({ q: `${nameToText(name)} ${typeToText(type)}`, trip });
    try {
      return await this.inner.query(name, type);
    } finally {
      this.answered = Math.max(this.answered, trip);
    }
  }

  /** Queries and round trips since `from` (an index into `asked`). */
  since(from: number): { queries: string[]; trips: number } {
    const part = this.asked.slice(from);
    const first = Math.min(...part.map((x) => x.trip));
    return { queries: part.map((x) => x.q).sort(), trips: part.length === 0 ? 0 : Math.max(...part.map((x) => x.trip)) - first + 1 };
  }
}

function setup(): { v: Validator; rec: Recording } {
  const inner = createNetworkSource({ servers: [{ host: lab!.resolver.address, port: lab!.resolver.port }], cache: false });
  const rec = new Recording(inner);
  const v = createValidator({ source: rec, trustAnchors: loadTrustAnchorFile(lab!.anchors.ds, Math.floor(Date.now() / 1000)) });
  return { v, rec };
}

async function ask(v: Validator, rec: Recording, qname: string, qtype: string, want: { status: string; rcode?: string }) {
  const from = rec.asked.length;
  const r = await v.validate(qname, qtype);
  expect({ status: r.status, rcode: r.rcode }, `${qname} ${qtype}: ${r.reasons.map((x) => x.text).join('; ')}`).toEqual({ rcode: 'NOERROR', ...want });
  return rec.since(from);
}

describe('queries per answer with the zone keys held (RFC 4035 §5.3.1 kept, RFC 8198)', () => {
  it.each(['pos.lab.', 'pos3.lab.'])('a positive answer at a fresh name of %s: the question and the DS query at the name, one round trip', async (zone) => {
    const { v, rec } = setup();
    await ask(v, rec, `p2990.${zone}`, 'A', { status: 'secure' });
    for (const i of [2991, 2992, 2993]) {
      const name = `p${i}.${zone}`;
      expect(await ask(v, rec, name, 'A', { status: 'secure' })).toEqual({ queries: [`${name} A`, `${name} DS`].sort(), trips: 1 });
    }
  });

  it('MX at a zone apex under held keys: its DNSKEY set asked with it, one round trip', async () => {
    const { v, rec } = setup();
    await ask(v, rec, 'www.alg13.lab.', 'A', { status: 'secure' });
    const r = await ask(v, rec, 'mail.lab.', 'MX', { status: 'secure' });
    expect(r.queries).toEqual(['mail.lab. DNSKEY', 'mail.lab. DS', 'mail.lab. MX']);
    expect(r.trips).toBe(1);
  });

  it('another type at a zone apex under held keys: the DNSKEY set in a second round trip, after the DS query shows the cut', async () => {
    const { v, rec } = setup();
    await ask(v, rec, 'www.alg13.lab.', 'A', { status: 'secure' });
    const r = await ask(v, rec, 'mail.lab.', 'TXT', { status: 'secure' });
    expect(r.queries).toEqual(['mail.lab. DNSKEY', 'mail.lab. DS', 'mail.lab. TXT']);
    expect(r.trips).toBe(2);
    // Held now: the next question there asks only itself.
    expect((await ask(v, rec, 'mx1.mail.lab.', 'A', { status: 'secure' })).queries).toEqual(['mx1.mail.lab. A', 'mx1.mail.lab. DS']);
  });

  it('a cold lookup three zones deep: one round trip', async () => {
    const { v, rec } = setup();
    const r = await ask(v, rec, 'www.alg13.lab.', 'A', { status: 'secure' });
    expect(r.trips).toBe(1);
    expect(r.queries).toEqual(
      ['. DNSKEY', 'lab. DS', 'lab. DNSKEY', 'alg13.lab. DS', 'alg13.lab. DNSKEY', 'www.alg13.lab. DS', 'www.alg13.lab. DNSKEY', 'www.alg13.lab. A'].sort(),
    );
  });

  it('NXDOMAIN, wildcard and NODATA answers from held denial records: no query (RFC 8198 §5)', async () => {
    const { v, rec } = setup();
    await ask(v, rec, 'first.deny.lab.', 'A', { status: 'secure', rcode: 'NXDOMAIN' });
    await ask(v, rec, 'first.wild.deny.lab.', 'A', { status: 'secure' });
    await ask(v, rec, 'www.deny.lab.', 'MX', { status: 'secure' });
    // In the span a.b.ent -> ns1 the first answer proved.
    for (const name of ['fourth.deny.lab.', 'gamma.deny.lab.']) {
      expect((await ask(v, rec, name, 'A', { status: 'secure', rcode: 'NXDOMAIN' })).queries).toEqual([]);
    }
    expect((await ask(v, rec, 'second.wild.deny.lab.', 'A', { status: 'secure' })).queries).toEqual([]);
    expect((await ask(v, rec, 'www.deny.lab.', 'SRV', { status: 'secure' })).queries).toEqual([]);
  });
});
