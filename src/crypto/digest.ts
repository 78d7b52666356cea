/**
 * Hashes for DS records (RFC 4034 §5.1.4) and NSEC3 (RFC 5155 §5), on node:crypto's one-shot `crypto.hash`
 * where present, else @noble/hashes. Measured on the development machine (Node 20.20.2; `npm run bench:crypto`
 * prints the NSEC3 numbers): SHA-1 of 30 bytes crypto.hash 1.11 M/s, createHash 0.65 M/s, noble 0.87 M/s;
 * SHA-256 of 300 bytes crypto.hash 0.79 M/s, createHash 0.52 M/s, noble 0.24 M/s.
 */
import { nodeCrypto } from './_node.js';
import { legacy, sha2 } from './_noble.js';
import type { Backend } from './types.js';

export type HashName = 'sha1' | 'sha256' | 'sha384';

/** The noble hash (loaded on first use, _noble.ts). */
function nobleHash(name: HashName): (data: Uint8Array) => Uint8Array {
  return name === 'sha1' ? legacy().sha1 : name === 'sha256' ? sha2().sha256 : sha2().sha384;
}

type OneShot = (algorithm: string, data: Uint8Array, outputEncoding: 'buffer') => Uint8Array;

/** node:crypto's one-shot hash (Node >= 20.12), or a createHash equivalent, or undefined without node:crypto. */
const nodeHash: OneShot | undefined = (() => {
  const crypto = nodeCrypto;
  if (crypto === undefined) return undefined;
  if (typeof crypto.hash === 'function') return crypto.hash as OneShot;
  return (algorithm, data) => crypto.createHash(algorithm).update(data).digest();
})();

let hashBackend: Backend = nodeHash !== undefined ? 'node' : 'noble';

/** Chooses the hash implementation (`noble` for pure JS); `node` is ignored where node:crypto is absent. */
export function setHashBackend(backend: Backend): void {
  hashBackend = backend === 'node' && nodeHash !== undefined ? 'node' : 'noble';
}

export function getHashBackend(): Backend {
  return hashBackend;
}

/** One hash, as a plain Uint8Array view. */
export function hash(name: HashName, data: Uint8Array): Uint8Array {
  if (hashBackend === 'node' && nodeHash !== undefined) {
    const out = nodeHash(name, data, 'buffer');
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  }
  return nobleHash(name)(data);
}

/** DS digest types (IANA "Delegation Signer (DS) Resource Record (RR) Type Digest Algorithms"). */
export const DIGEST_TYPE = { SHA1: 1, SHA256: 2, GOST: 3, SHA384: 4 } as const;

/** RFC 4034 §5.1.4 (SHA-1), RFC 4509 §2.1 (SHA-256), RFC 6605 §2 (SHA-384). GOST (RFC 5933) is not implemented. */
function digestHash(digestType: number): HashName | undefined {
  switch (digestType) {
    case DIGEST_TYPE.SHA1:
      return 'sha1';
    case DIGEST_TYPE.SHA256:
      return 'sha256';
    case DIGEST_TYPE.SHA384:
      return 'sha384';
    default:
      return undefined;
  }
}

export function isSupportedDigestType(digestType: number): boolean {
  return digestHash(digestType) !== undefined;
}

/**
 * RFC 4034 §5.1.4: digest = digest_algorithm(DNSKEY owner name | DNSKEY RDATA), the owner in canonical wire form
 * (RFC 4034 §6.2). `data` is that concatenation, built by the caller. Undefined for an unsupported digest type.
 */
export function dsDigest(digestType: number, data: Uint8Array): Uint8Array | undefined {
  const name = digestHash(digestType);
  return name === undefined ? undefined : hash(name, data);
}
