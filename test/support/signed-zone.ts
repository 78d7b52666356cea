/**
 * A small zone "example.net." signed with the RFC 6605 §6.1 P-256 key (its
 * private key is published in the RFC; KSK, key tag 55648), for cases no
 * published vector covers: DS sets with only unsupported digests or
 * algorithms (RFC 6840 §5.2), DNAME (RFC 6672), long CNAME chains, KeyTrap.
 *
 * The apex DNSKEY RRset and SOA are signed; callers add and sign their own
 * records with `sign`. Times: the RFC 6605 §6.1 validity window.
 */
import type { RR } from '../../src/wire/message.js';
import { RRType } from '../../src/wire/rrtype.js';
import type { TrustAnchor } from '../../src/dnssec/anchors.js';
import { readShared } from './record-pool.js';
import { anchorsFrom, headerNow, headerWindow, n, recordLines, vectorRecords } from './vectors.js';
import { type SigningKey, type SignOptions, rr, signAll, signingKey, signRrset } from './signer.js';

export interface SignedZone {
  readonly key: SigningKey;
  readonly dnskey: RR;
  readonly now: number;
  readonly window: { inception: number; expiration: number };
  readonly dsAnchors: TrustAnchor[];
  readonly dnskeyAnchors: TrustAnchor[];
  /** DNSKEY + RRSIG, SOA + RRSIG of example.net. */
  readonly apex: RR[];
  /** Signs every RRset of `records` with the zone key (RRSIGs appended). */
  sign(records: readonly RR[], opts?: Partial<SignOptions>): RR[];
  /** Signs one RRset. */
  sigFor(rrset: readonly RR[], opts?: Partial<SignOptions>): RR;
}

export function rfc6605Zone(): SignedZone {
  const file = 'rfc6605-6.1-ecdsap256.txt';
  const text = readShared(`vectors/rfc/${file}`);
  const body = vectorRecords(text);
  const dnskey = body.find((r) => r.type === RRType.DNSKEY)!;
  const key = signingKey(dnskey, text);
  const window = headerWindow(text);
  const base: SignOptions = { inception: window.inception, expiration: window.expiration };
  const soa = rr('example.net.', 'SOA', 'ns.example.net. hostmaster.example.net. 1 3600 300 3600000 300');
  const apex = [dnskey, signRrset([dnskey], key, base), soa, signRrset([soa], key, base)];
  return {
    key,
    dnskey,
    now: headerNow(text),
    window,
    dsAnchors: anchorsFrom(recordLines(body, RRType.DS), file),
    dnskeyAnchors: anchorsFrom(recordLines(body, RRType.DNSKEY), file),
    apex,
    sign: (records, opts) => signAll(records, key, { ...base, ...opts }),
    sigFor: (rrset, opts) => signRrset(rrset, key, { ...base, ...opts }),
  };
}

/**
 * A child zone's key-signing key: the RFC 8080 §6.1 Ed25519 key (its private key is published in the RFC) as a
 * DNSKEY at `owner` with flags 257 (zone key, SEP), and the signing key for it.
 */
export function ed25519ChildKsk(owner: string): { dnskey: RR; key: SigningKey } {
  const text = readShared('vectors/rfc/rfc8080-6.1-ed25519-example1.txt');
  const source = vectorRecords(text).find((r) => r.type === RRType.DNSKEY)!;
  const rdata = source.rdata.slice();
  rdata[0] = 1; // flags 257: zone key, SEP
  rdata[1] = 1;
  const dnskey: RR = { ...source, name: n(owner), rdata };
  return { dnskey, key: signingKey(dnskey, text) };
}
