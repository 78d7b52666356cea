/**
 * Test-only signing with the private keys that RFC 5702 §6, RFC 6605 §6 and
 * RFC 8080 §6 publish beside their examples (BIND "Private-key-format: v1.2"
 * comments in the vector files). Used to give those one-key examples the
 * self-signed DNSKEY RRset a chain of trust starts from (RFC 4035 §5), and to
 * build small signed zones for cases no published vector holds (e.g. a DS
 * RRset with only unsupported digest types, RFC 6840 §5.2).
 *
 * The signed data comes from src/dnssec/canonical.ts (the validator's own
 * canonical form): a signature made here is checked against the same bytes
 * it was made over, so these helpers cannot prove canonical form right —
 * the RFC's own RRSIGs (kept verbatim in every test) do that.
 */
import { createPrivateKey, sign as nodeSign, type KeyObject } from 'node:crypto';
import type { Name } from '../../src/wire/name.js';
import { nameToWire, nameFromText } from '../../src/wire/name.js';
import { type RR, concat } from '../../src/wire/message.js';
import { RRType } from '../../src/wire/rrtype.js';
import { rdataFromText } from '../../src/wire/presentation.js';
import { readRrsig, readDnskey, keyTag } from '../../src/dnssec/records.js';
import { signedData } from '../../src/dnssec/canonical.js';
import { dsDigest } from '../../src/crypto/index.js';
import { nameToCanonicalWire } from '../../src/wire/name.js';

export interface SigningKey {
  readonly owner: Name;
  readonly dnskey: RR;
  readonly algorithm: number;
  readonly keyTag: number;
  readonly privateKey: KeyObject;
}

/** The BIND v1.2 private-key fields written as `;` comments in a vector file. */
export function privateKeyFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  let last: string | undefined;
  let inKey = false;
  for (const line of text.split('\n')) {
    if (/^;\s*Private-key-format:/.test(line)) {
      inKey = true;
      continue;
    }
    if (!inKey) continue;
    if (!line.startsWith(';')) {
      if (line.trim() === '') break;
      continue;
    }
    const m = /^;\s*([A-Za-z0-9]+):\s*(.*)$/.exec(line);
    if (m) {
      last = m[1]!;
      fields.set(last, m[2]!.trim().split(/\s+/)[0]!);
    } else if (last && /^;\s+\S/.test(line)) {
      fields.set(last, fields.get(last)! + line.replace(/^;\s+/, '').trim());
    }
  }
  if (fields.size === 0) throw new Error('no Private-key-format block in the vector text');
  return fields;
}

function b64url(b64: string | Uint8Array): string {
  const s = typeof b64 === 'string' ? b64 : Buffer.from(b64).toString('base64');
  return s.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
}

/** The signing key for a DNSKEY from the vector's published private key. */
export function signingKey(dnskey: RR, text: string): SigningKey {
  const k = readDnskey(dnskey.rdata);
  if (!k) throw new Error('malformed DNSKEY');
  const f = privateKeyFields(text);
  const get = (name: string): string => {
    const v = f.get(name);
    if (v === undefined) throw new Error(`private key field ${name} missing`);
    return v;
  };
  let jwk: Record<string, string>;
  const pub = k.publicKey;
  switch (k.algorithm) {
    case 5:
    case 7:
    case 8:
    case 10:
      jwk = {
        kty: 'RSA',
        n: b64url(get('Modulus')),
        e: b64url(get('PublicExponent')),
        d: b64url(get('PrivateExponent')),
        p: b64url(get('Prime1')),
        q: b64url(get('Prime2')),
        dp: b64url(get('Exponent1')),
        dq: b64url(get('Exponent2')),
        qi: b64url(get('Coefficient')),
      };
      break;
    case 13:
    case 14: {
      const half = pub.length / 2;
      jwk = {
        kty: 'EC',
        crv: k.algorithm === 13 ? 'P-256' : 'P-384',
        x: b64url(pub.subarray(0, half)),
        y: b64url(pub.subarray(half)),
        d: b64url(get('PrivateKey')),
      };
      break;
    }
    case 15:
    case 16:
      jwk = { kty: 'OKP', crv: k.algorithm === 15 ? 'Ed25519' : 'Ed448', x: b64url(pub), d: b64url(get('PrivateKey')) };
      break;
    default:
      throw new Error(`no signing support for algorithm ${k.algorithm}`);
  }
  const privateKey = createPrivateKey({ key: jwk, format: 'jwk' });
  return { owner: dnskey.name, dnskey, algorithm: k.algorithm, keyTag: k.keyTag, privateKey };
}

function rawSign(algorithm: number, key: KeyObject, data: Uint8Array): Uint8Array {
  switch (algorithm) {
    case 5:
    case 7:
      return nodeSign('sha1', data, key);
    case 8:
      return nodeSign('sha256', data, key);
    case 10:
      return nodeSign('sha512', data, key);
    case 13:
      return nodeSign('sha256', data, { key, dsaEncoding: 'ieee-p1363' });
    case 14:
      return nodeSign('sha384', data, { key, dsaEncoding: 'ieee-p1363' });
    case 15:
    case 16:
      return nodeSign(null, data, key);
    default:
      throw new Error(`no signing support for algorithm ${algorithm}`);
  }
}

export interface SignOptions {
  readonly inception: number;
  readonly expiration: number;
  /** RRSIG original TTL; default: the RRset's TTL. */
  readonly originalTtl?: number;
  /** RRSIG labels; default: the owner's label count (no wildcard). */
  readonly labels?: number;
  /** Key tag written in the RRSIG; default: the key's. */
  readonly keyTag?: number;
}

/** The RRSIG RDATA prefix (RFC 4034 §3.1): everything but the signature. */
function rrsigPrefix(type: number, algorithm: number, labels: number, ttl: number, exp: number, inc: number, tag: number, signer: Name): Uint8Array {
  const head = new Uint8Array(18);
  const dv = new DataView(head.buffer);
  dv.setUint16(0, type);
  head[2] = algorithm;
  head[3] = labels;
  dv.setUint32(4, ttl >>> 0);
  dv.setUint32(8, exp >>> 0);
  dv.setUint32(12, inc >>> 0);
  dv.setUint16(16, tag);
  return concat([head, nameToWire(signer)]);
}

/** Signs an RRset (records of one owner and type) and returns its RRSIG record. */
export function signRrset(rrs: readonly RR[], key: SigningKey, opts: SignOptions): RR {
  const first = rrs[0];
  if (!first) throw new Error('empty RRset');
  const labels = opts.labels ?? first.name.filter((l) => l !== '*').length;
  const ttl = opts.originalTtl ?? first.ttl;
  const prefix = rrsigPrefix(first.type, key.algorithm, labels, ttl, opts.expiration, opts.inception, opts.keyTag ?? key.keyTag, key.owner);
  const sig = readRrsig(concat([prefix, new Uint8Array([0])]));
  if (!sig) throw new Error('could not build the RRSIG prefix');
  const data = signedData({ ...sig, signedPrefix: prefix }, first.name, first.type, first.class, rrs);
  const signature = rawSign(key.algorithm, key.privateKey, data);
  return { name: first.name, type: RRType.RRSIG, class: first.class, ttl: first.ttl, rdata: concat([prefix, signature]) };
}

/** Signs every RRset of `records` (RRSIGs in the input are skipped) and returns records + RRSIGs. */
export function signAll(records: readonly RR[], key: SigningKey, opts: SignOptions): RR[] {
  const groups = new Map<string, RR[]>();
  for (const rr of records) {
    if (rr.type === RRType.RRSIG) continue;
    const k = `${rr.name.join('.').toLowerCase()}|${rr.type}`;
    const g = groups.get(k);
    if (g) g.push(rr);
    else groups.set(k, [rr]);
  }
  const out: RR[] = [...records];
  for (const g of groups.values()) out.push(signRrset(g, key, opts));
  return out;
}

/** A record from its presentation parts, e.g. rr('a.example.net.', 'CNAME', 'b.example.net.'). */
export function rr(owner: string, type: string, rdata: string, ttl = 3600): RR {
  const t = RRType[type as keyof typeof RRType];
  if (typeof t !== 'number') throw new Error(`unknown type ${type}`);
  return { name: nameFromText(owner), type: t, class: 1, ttl, rdata: rdataFromText(t, rdata) };
}

/** A DS record for a DNSKEY (RFC 4034 §5.1.4) with the given digest type; unsupported digest types get `digest`. */
export function dsFor(dnskey: RR, digestType: number, digest?: Uint8Array, ttl = 3600): RR {
  const k = readDnskey(dnskey.rdata)!;
  const d = digest ?? dsDigest(digestType, concat([nameToCanonicalWire(dnskey.name), dnskey.rdata]));
  if (!d) throw new Error(`no digest of type ${digestType}: pass one`);
  const head = new Uint8Array(4);
  new DataView(head.buffer).setUint16(0, keyTag(dnskey.rdata));
  head[2] = k.algorithm;
  head[3] = digestType;
  return { name: dnskey.name, type: RRType.DS, class: 1, ttl, rdata: concat([head, d]) };
}
