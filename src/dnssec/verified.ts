/**
 * The signature verifications one question has already done, so that the same
 * verification is not done twice (RFC 4035 §5.3.3 asks the same question of the
 * same octets). It happens on every cold walk: the SOA RRset of a negative
 * answer, or the NSEC that proves there is no zone cut at several names, comes
 * back in the response to each DS query of the walk, and each copy used to be
 * verified again. Unbound does the same with the security status it keeps for
 * an identical RRset in its rrset cache.
 *
 * A hit is what verifySignature would return now: the entry must match every
 * input of the verification (algorithm, the backend the crypto options choose
 * now, public key, signed data, signature) octet for octet, and it keeps its own
 * copies of the octets, so a buffer written after the call cannot answer for its
 * new contents. The caller still draws each verification from the question's
 * work budget before asking here (rrsig.ts), so the budget counts what it
 * counted before; this saves only the CPU. One memo per question: no entry
 * outlives the question, and there are no more entries than verifications the
 * budget allowed.
 *
 * The memo's own work stays linear in the verifications (KeyTrap): a signature
 * keeps at most MAX_INPUTS_PER_SIGNATURE sets of inputs, so a hostile response
 * that pairs one signature with many signed data costs a few comparisons per
 * verification, not one per earlier verification; and a signature longer than
 * any algorithm makes (MAX_SIGNATURE_LENGTH) is verified without the memo, so it
 * never becomes a long string key.
 */
import { type Backend, type VerifyResult, RSA_MAX_MODULUS_BITS, backendFor, verifySignature, type CryptoOptions } from '../crypto/index.js';
import { bytesEqual } from '../wire/bytes.js';

/**
 * No supported algorithm makes a longer signature: RSA with a 4096-bit modulus
 * (rsa-key.ts, RFC 3110 §2) signs with 512 octets; ECDSA P-384 96, Ed448 114,
 * DSA 41 (or about 48 in DER). A longer one can only be invalid.
 */
export const MAX_SIGNATURE_LENGTH = RSA_MAX_MODULUS_BITS / 8;

/**
 * Sets of inputs kept per signature. One signature legitimately meets one signed
 * data and at most MAX_KEYS_PER_KEY_TAG (2) keys with its tag; more is an attack,
 * whose further inputs are verified without being kept.
 */
export const MAX_INPUTS_PER_SIGNATURE = 4;

interface Done {
  readonly algorithm: number;
  readonly backend: Backend;
  readonly publicKey: Uint8Array;
  readonly data: Uint8Array;
  readonly result: VerifyResult;
}

/**
 * One character per octet (U+0000..U+00FF), so distinct octet strings are distinct keys. Without Buffer, which
 * runtimes without node:crypto (a browser bundle) lack; MAX_SIGNATURE_LENGTH keeps the argument list short.
 */
function latin1(bytes: Uint8Array): string {
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}

export class VerifiedSignatures {
  /** By signature octets (latin1). */
  private readonly done = new Map<string, Done[]>();

  /** verifySignature, or the result it gave for exactly these inputs earlier in the question. */
  verify(algorithm: number, publicKey: Uint8Array, data: Uint8Array, signature: Uint8Array, opts?: CryptoOptions): VerifyResult {
    // The backend is part of the inputs: the options (and setDefaultBackend, process-wide) choose it at each call.
    const backend = backendFor(algorithm, opts);
    if (backend === undefined || signature.length > MAX_SIGNATURE_LENGTH) return verifySignature(algorithm, publicKey, data, signature, opts);
    const key = latin1(signature);
    const seen = this.done.get(key);
    const hit = seen?.find((d) => d.algorithm === algorithm && d.backend === backend && bytesEqual(d.publicKey, publicKey) && bytesEqual(d.data, data));
    if (hit) return hit.result;
    const result = verifySignature(algorithm, publicKey, data, signature, opts);
    if (seen && seen.length >= MAX_INPUTS_PER_SIGNATURE) return result;
    const entry: Done = { algorithm, backend, publicKey: publicKey.slice(), data: data.slice(), result };
    if (seen) seen.push(entry);
    else this.done.set(key, [entry]);
    return result;
  }
}
