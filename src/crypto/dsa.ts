/**
 * DSA (algorithms 3 and 6) key and signature formats, RFC 2536. Legacy: RFC 8624 §3.1 says validators MUST NOT
 * validate DSA, so it is only enabled with `legacyAlgorithms: true`, and only through node:crypto.
 */
import { dsaSpki } from './_der.js';

export interface DsaPublicKey {
  /** RFC 2536 §2: T in 0..8; P, G and Y are 64 + 8T octets. */
  readonly t: number;
  /** SubjectPublicKeyInfo DER (RFC 3279 §2.3.2: id-dsa with Dss-Parms p, q, g; the key is INTEGER y). */
  readonly spki: Uint8Array;
}

/** RFC 2536 §2: T (1) | Q (20) | P (64+T*8) | G (64+T*8) | Y (64+T*8). Undefined when malformed. */
export function parseDsaPublicKey(key: Uint8Array): DsaPublicKey | undefined {
  const t = key[0];
  if (t === undefined || t > 8) return undefined;
  const size = 64 + t * 8;
  if (key.length !== 1 + 20 + 3 * size) return undefined;
  const q = key.subarray(1, 21);
  const p = key.subarray(21, 21 + size);
  const g = key.subarray(21 + size, 21 + 2 * size);
  const y = key.subarray(21 + 2 * size);
  return { t, spki: dsaSpki(p, q, g, y) };
}

/** Length of the RFC 2536 §3 signature: T (1) | R (20) | S (20). */
export const DSA_RFC2536_SIGNATURE_LENGTH = 41;

/**
 * The two DSA signature encodings accepted, and how node:crypto must read them:
 * - RFC 2536 §3: T | R | S, 41 octets. T must equal the key's T (RFC 2536 §3; Unbound's nettle path checks it
 *   too). R | S is handed to node:crypto as IEEE P1363 (`dsaEncoding: 'ieee-p1363'`).
 * - Any other length: a DER `SEQUENCE { r INTEGER, s INTEGER }` (`dsaEncoding: 'der'`; OpenSSL rejects
 *   non-canonical DER). Not RFC 2536, but Unbound accepts it: its val_secalgo.c converts only 41-octet signatures
 *   to DER and passes every other length to the crypto library as DER, and Unbound's own DSA replay tests
 *   (testdata/val_*.rpl, e.g. val_ds_sha2.crpl) carry DER-encoded signatures written by old signing tools.
 *   Accepting both lets those conformance scenarios run; a DER signature still has to verify under the key.
 */
export type DsaSignatureForm =
  | { readonly encoding: 'ieee-p1363'; readonly bytes: Uint8Array }
  | { readonly encoding: 'der'; readonly bytes: Uint8Array };

/** Upper bound for a DER DSA signature with a 160-bit q: SEQUENCE(2) + 2 × INTEGER(2 + 21). */
const MAX_DER_SIGNATURE_LENGTH = 48;

export function dsaSignatureForm(key: DsaPublicKey, signature: Uint8Array): DsaSignatureForm | undefined {
  if (signature.length === DSA_RFC2536_SIGNATURE_LENGTH) {
    if (signature[0] !== key.t) return undefined;
    return { encoding: 'ieee-p1363', bytes: signature.subarray(1) };
  }
  if (signature.length < 8 || signature.length > MAX_DER_SIGNATURE_LENGTH || signature[0] !== 0x30) return undefined;
  return { encoding: 'der', bytes: signature };
}
