/**
 * What the validator's caches hold was judged at the validation time of the
 * question that learnt it. RFC 4035 §5.3.1: a signature is valid only when
 * inception <= now <= expiration, at the validation time passed in. The
 * caches honour the expiration (their lifetimes are capped by it, §5.3.3);
 * these tests hold them to the inception too, and to the trust anchors of
 * the moment (RFC 9718 §2.1):
 * - a clock that goes back (a step of the system clock, an injected clock
 *   replaying an earlier time) must not be answered from what was learnt
 *   later: results, validated keys and RFC 8198 denial records;
 * - a question still in flight when the anchors change must not hand its
 *   verdict (reached under the old anchors) to a question asked under the
 *   new ones, nor leave it in the result cache.
 *
 * World: example.net. signed with the RFC 6605 §6.1 P-256 key (its private
 * key is published); some RRSIGs have an inception shortly before `now`.
 */
import { describe, expect, it } from 'vitest';
import { createValidator, type ValidatorOptions } from '../../src/validator/validator.js';
import type { ResponseSource } from '../../src/validator/context.js';
import type { TrustAnchor } from '../../src/dnssec/anchors.js';
import type { Message, RR } from '../../src/wire/message.js';
import type { Name } from '../../src/wire/name.js';
import { RecordPool } from '../support/record-pool.js';
import { rfc6605Zone } from '../support/signed-zone.js';
import { rr } from '../support/signer.js';

const P = rfc6605Zone();
const NOW = P.now;
/** An inception 100 s before NOW: the signatures made with it are not yet valid at EARLIER. */
const LATE = NOW - 100;
const EARLIER = NOW - 200;

const SOA = rr('example.net.', 'SOA', 'ns.example.net. hostmaster.example.net. 1 3600 300 3600000 300');
const NSECS = [
  rr('example.net.', 'NSEC', 'www.example.net. SOA RRSIG NSEC DNSKEY'),
  rr('www.example.net.', 'NSEC', 'www2.example.net. A RRSIG NSEC'),
  rr('www2.example.net.', 'NSEC', 'example.net. A RRSIG NSEC'),
];
const WWW = rr('www.example.net.', 'A', '192.0.2.1');
const WWW2 = rr('www2.example.net.', 'A', '192.0.2.2');

/** example.net.: what `late` names is signed with the LATE inception, the rest with the vector's window. */
function world(late: { keys?: boolean; www?: boolean; denial?: boolean }): RecordPool {
  const sign = (records: readonly RR[], isLate: boolean | undefined) => P.sign(records, isLate ? { inception: LATE } : {});
  return new RecordPool([
    P.dnskey,
    P.sigFor([P.dnskey], late.keys ? { inception: LATE } : {}),
    ...sign([SOA], late.denial),
    ...sign(NSECS, late.denial),
    ...sign([WWW], late.www),
    ...sign([WWW2], false),
  ]);
}

function validator(source: ResponseSource, clock: () => number, opts: Partial<ValidatorOptions> = {}) {
  return createValidator({ source, trustAnchors: P.dsAnchors, clock, prefetch: false, ...opts });
}

describe('RFC 4035 §5.3.1: a clock that goes back is not answered from what was learnt later', () => {
  it('a secure result learnt at NOW is not served at an earlier time, when its RRSIG was not yet valid', async () => {
    const pool = world({ www: true });
    // The verdict at EARLIER, from a validator that learnt nothing before.
    expect((await validator(pool, () => EARLIER).validate('www.example.net.', 'A')).status).toBe('bogus');
    let now = NOW;
    const v = validator(pool, () => now);
    expect((await v.validate('www.example.net.', 'A')).status).toBe('secure');
    now = EARLIER;
    const back = await v.validate('www.example.net.', 'A');
    expect(back.status).toBe('bogus');
    expect(back.reasons[0]?.text).toMatch(/not yet valid|inception/i);
  });

  it('a step back that stays after the first question\'s time is a step back too', async () => {
    const pool = world({ www: true });
    let now = NOW - 300;
    const v = validator(pool, () => now);
    // The first question, long before: www2.example.net. is signed with the vector's window.
    expect((await v.validate('www2.example.net.', 'A')).status).toBe('secure');
    now = NOW;
    expect((await v.validate('www.example.net.', 'A')).status).toBe('secure');
    now = EARLIER;
    expect((await v.validate('www.example.net.', 'A')).status).toBe('bogus');
  });

  it('a DNSKEY RRset validated at NOW does not vouch for other data at an earlier time, when its RRSIG was not yet valid', async () => {
    const pool = world({ keys: true });
    expect((await validator(pool, () => EARLIER).validate('www2.example.net.', 'A')).status).toBe('bogus');
    let now = NOW;
    const v = validator(pool, () => now);
    expect((await v.validate('www.example.net.', 'A')).status).toBe('secure');
    now = EARLIER;
    expect((await v.validate('www2.example.net.', 'A')).status).toBe('bogus');
  });

  it('NSEC records kept for RFC 8198 at NOW do not deny a name at an earlier time, when their RRSIGs were not yet valid', async () => {
    const pool = world({ denial: true });
    expect((await validator(pool, () => EARLIER).validate('yyy.example.net.', 'A')).status).toBe('bogus');
    let now = NOW;
    const v = validator(pool, () => now);
    const nx = await v.validate('zzz.example.net.', 'A');
    expect([nx.status, nx.rcode]).toEqual(['secure', 'NXDOMAIN']);
    now = EARLIER;
    expect((await v.validate('yyy.example.net.', 'A')).status).toBe('bogus');
  });

  it('the clock going forward again after a step back still uses what is valid (the caches are refilled, not disabled)', async () => {
    const pool = world({ www: true });
    let now = NOW;
    const v = validator(pool, () => now);
    expect((await v.validate('www.example.net.', 'A')).status).toBe('secure');
    now = EARLIER;
    expect((await v.validate('www.example.net.', 'A')).status).toBe('bogus');
    now = NOW + 10;
    const before = pool.asked.length;
    expect((await v.validate('www.example.net.', 'A')).status).toBe('secure');
    now = NOW + 20;
    expect((await v.validate('www.example.net.', 'A')).status).toBe('secure');
    // The second question at the later time is a result-cache hit.
    expect(pool.asked.length).toBeGreaterThan(before);
    const after = pool.asked.length;
    now = NOW + 30;
    await v.validate('www.example.net.', 'A');
    expect(pool.asked.length).toBe(after);
  });
});

/** A source whose answers wait until `open()` is called. */
class Gated implements ResponseSource {
  private release: () => void = () => undefined;
  private readonly gate = new Promise<void>((resolve) => (this.release = resolve));
  constructor(private readonly inner: ResponseSource) {}
  async query(name: Name, type: number): Promise<Message> {
    await this.gate;
    return this.inner.query(name, type);
  }
  open(): void {
    this.release();
  }
}

describe('RFC 9718 §2.1: a question in flight when the anchors change does not speak for the new anchors', () => {
  // The KSK's DS is a trust anchor until T; from T on, only a DS that matches no key of the zone is.
  const T = NOW + 50;
  const good = P.dsAnchors[0]!.ds[0]!;
  const bad: RR = { ...good, rdata: good.rdata.map((b, i) => (i === good.rdata.length - 1 ? b ^ 0xff : b)) };
  const anchors: TrustAnchor[] = [
    {
      zone: P.dsAnchors[0]!.zone,
      ds: [good, bad],
      dnskeys: [],
      source: 'test anchors',
      validity: [
        { from: 0, until: T, id: 'old', file: 'test anchors' },
        { from: 0, id: 'new', file: 'test anchors' },
      ],
    },
  ];

  it('a question asked at T joins no work begun under the old anchors: it is bogus, and so is the next one', async () => {
    const gated = new Gated(world({}));
    let now = T - 1;
    const v = createValidator({ source: gated, trustAnchors: anchors, clock: () => now, prefetch: false });
    const old = v.validate('www.example.net.', 'A');
    now = T;
    const fresh = v.validate('www.example.net.', 'A');
    gated.open();
    expect((await old).status).toBe('secure');
    const res = await fresh;
    expect(res.status).toBe('bogus');
    now = T + 1;
    expect((await v.validate('www.example.net.', 'A')).status).toBe('bogus');
  });

  it('a result reached under the old anchors and stored after the change is not served under the new ones', async () => {
    const gated = new Gated(world({}));
    let now = T - 1;
    const v = createValidator({ source: gated, trustAnchors: anchors, clock: () => now, prefetch: false });
    const old = v.validate('www.example.net.', 'A');
    now = T;
    // Another question moves the validator to the new anchors while the first is in flight.
    const other = v.validate('www2.example.net.', 'A');
    gated.open();
    expect((await old).status).toBe('secure');
    expect((await other).status).toBe('bogus');
    now = T + 1;
    expect((await v.validate('www.example.net.', 'A')).status).toBe('bogus');
  });
});
