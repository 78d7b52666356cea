/**
 * Secure delegations (RFC 4035 §5.2; RFC 4509 §3; RFC 6840 §5.2, §5.11):
 * the parent's DS RRset names a key of the child, the child's DNSKEY RRset
 * is signed by that key, and the child's data by any key of that set.
 *
 * Parent: example.net. signed with the RFC 6605 §6.1 P-256 key. Child:
 * child.example.net. signed with the RFC 8080 §6.1 example 1 Ed25519 key
 * (a DNSKEY's RDATA does not hold its owner, so the published key pair
 * serves any zone). Both private keys are published in the RFCs.
 */
import { describe, expect, it } from 'vitest';
import { createValidator } from '../../src/validator/validator.js';
import type { ValidationResult } from '../../src/validator/result.js';
import type { RR } from '../../src/wire/message.js';
import { RRType } from '../../src/wire/rrtype.js';
import { EDE } from '../../src/types.js';
import { RecordPool, readShared } from '../support/record-pool.js';
import { n, vectorRecords } from '../support/vectors.js';
import { rfc6605Zone } from '../support/signed-zone.js';
import { dsFor, rr, signAll, signingKey, type SigningKey } from '../support/signer.js';

const parent = rfc6605Zone();
const CHILD = 'child.example.net.';
const window = { inception: parent.window.inception, expiration: parent.window.expiration };
const ed25519Text = readShared('vectors/rfc/rfc8080-6.1-ed25519-example1.txt');
const ed25519 = vectorRecords(ed25519Text).find((r) => r.type === RRType.DNSKEY)!;

/** A key of the child zone from a published key pair, with the given DNSKEY flags. */
function childKey(source: RR, text: string, flags = 257): { dnskey: RR; key: SigningKey } {
  const rdata = source.rdata.slice();
  rdata[0] = flags >> 8;
  rdata[1] = flags & 0xff;
  const dnskey: RR = { ...source, name: n(CHILD), rdata };
  return { dnskey, key: signingKey(dnskey, text) };
}

const ksk = childKey(ed25519, ed25519Text);
const childData = [rr(CHILD, 'SOA', 'ns.child.example.net. hostmaster.child.example.net. 1 3600 300 3600000 300'), rr(`www.${CHILD}`, 'A', '192.0.2.80')];

/** The child zone: DNSKEY RRset `keys` signed by `signers`, data signed by `dataSigner`. */
function childZone(keys: RR[], signers: SigningKey[], dataSigner: SigningKey): RR[] {
  const keySigs = signers.flatMap((s) => signAll(keys, s, window).filter((r) => r.type === RRType.RRSIG));
  return [...keys, ...keySigs, ...signAll(childData, dataSigner, window)];
}

async function run(ds: RR[], child: RR[] = childZone([ksk.dnskey], [ksk.key], ksk.key)): Promise<ValidationResult> {
  const pool = new RecordPool([...parent.apex, ...parent.sign(ds), rr(CHILD, 'NS', 'ns.child.example.net.'), ...child]);
  return createValidator({ source: pool, trustAnchors: parent.dsAnchors, clock: () => parent.now, prefetch: false }).validate(`www.${CHILD}`, 'A');
}

function expectSecure(res: ValidationResult): void {
  expect(res.status, JSON.stringify(res.reasons)).toBe('secure');
  expect(res.records.map((r) => r.data)).toEqual(['192.0.2.80']);
  expect(res.chain.some((s) => s.kind === 'delegation' && s.zone === CHILD && s.status === 'secure')).toBe(true);
}

function expectBogusAtChild(res: ValidationResult, ede?: number): void {
  expect(res.status, JSON.stringify(res.reasons)).toBe('bogus');
  expect(res.records).toEqual([]);
  expect(res.reasons[0]?.zone).toBe(CHILD);
  if (ede !== undefined) expect(res.reasons[0]?.ede).toBe(ede);
}

describe('DS digest types (RFC 4034 §5.1.4, RFC 4509, RFC 6605 §2)', () => {
  it.each([1, 2, 4])('a DS with digest type %i: secure', async (digestType) => {
    expectSecure(await run([dsFor(ksk.dnskey, digestType)]));
  });

  it('SHA-1 DS matches but the SHA-256 DS does not: bogus (RFC 4509 §3: SHA-1 is ignored when SHA-256 is present)', async () => {
    const wrong = dsFor(ksk.dnskey, 2);
    wrong.rdata[wrong.rdata.length - 1]! ^= 1;
    expectBogusAtChild(await run([dsFor(ksk.dnskey, 1), wrong]), EDE.DNSKEY_MISSING);
  });

  it('an unsupported DS next to a matching SHA-256 DS: secure (only the supported one counts)', async () => {
    expectSecure(await run([dsFor(ksk.dnskey, 99, new Uint8Array(32).fill(9)), dsFor(ksk.dnskey, 2)]));
  });
});

describe('what a DS must match (RFC 4035 §5.2)', () => {
  it('DS algorithm field different from the key algorithm: bogus, EDE 9', async () => {
    const ds = dsFor(ksk.dnskey, 2);
    ds.rdata[2] = 13;
    expectBogusAtChild(await run([ds]), EDE.DNSKEY_MISSING);
  });

  it('the DS names a key without the Zone Key flag (RFC 4034 §2.1.1): bogus', async () => {
    const notZone = childKey(ed25519, ed25519Text, 1);
    expectBogusAtChild(await run([dsFor(notZone.dnskey, 2)], childZone([notZone.dnskey], [notZone.key], notZone.key)));
  });

  it('the DS-named key is in the set but does not sign it (another key does): bogus', async () => {
    const p256 = childKey(parent.dnskey, readShared('vectors/rfc/rfc6605-6.1-ecdsap256.txt'));
    const child = childZone([ksk.dnskey, p256.dnskey], [p256.key], p256.key);
    expectBogusAtChild(await run([dsFor(ksk.dnskey, 2)], child));
  });
});

describe('several algorithms (RFC 6840 §5.11: one validated path is enough)', () => {
  const p256 = childKey(parent.dnskey, readShared('vectors/rfc/rfc6605-6.1-ecdsap256.txt'));
  it('DS for an Ed25519 and a P-256 key, everything signed with Ed25519 only: secure', async () => {
    const child = childZone([ksk.dnskey, p256.dnskey], [ksk.key], ksk.key);
    expectSecure(await run([dsFor(ksk.dnskey, 2), dsFor(p256.dnskey, 2)], child));
  });

  it('DNSKEY RRset signed by the Ed25519 KSK, data signed by the P-256 key of the set: secure', async () => {
    const child = childZone([ksk.dnskey, p256.dnskey], [ksk.key], p256.key);
    expectSecure(await run([dsFor(ksk.dnskey, 2)], child));
  });
});
