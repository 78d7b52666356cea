/**
 * The signature verifications one question has already done, so that the same
 * verification is not done twice (RFC 4035 §5.3.3 asks the same question of the
 * same octets). It happens on every cold walk: the SOA RRset of a negative
 * answer, or the NSEC that proves there is no zone cut at several names, comes
 * back in the response to each DS query of the walk, and each copy used to be
 * verified again. Unbound does the same with the security status it keeps for
 * an identical RRset in its rrset cache.
 *
 * A hit is what verifySignature would return: the entry must match every input
 * of the verification (algorithm, public key, signed data, signature) octet for
 * octet. The caller still draws each verification from the question's work
 * budget before asking here (rrsig.ts), so the budget counts what it counted
 * before; this saves only the CPU. One memo per question: no entry outlives the
 * question, and there are no more entries than verifications the budget allowed.
 */
import { type VerifyResult, verifySignature, type CryptoOptions } from '../crypto/index.js';
import { bytesEqual } from '../wire/bytes.js';

interface Done {
  readonly algorithm: number;
  readonly publicKey: Uint8Array;
  readonly data: Uint8Array;
  readonly result: VerifyResult;
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

export class VerifiedSignatures {
  /** By signature octets; a signature seen with other inputs keeps each set of inputs apart. */
  private readonly done = new Map<string, Done[]>();

  /** verifySignature, or the result it gave for exactly these inputs earlier in the question. */
  verify(algorithm: number, publicKey: Uint8Array, data: Uint8Array, signature: Uint8Array, opts?: CryptoOptions): VerifyResult {
    const key = latin1(signature);
    const seen = this.done.get(key);
    const hit = seen?.find((d) => d.algorithm === algorithm && bytesEqual(d.publicKey, publicKey) && bytesEqual(d.data, data));
    if (hit) return hit.result;
    const result = verifySignature(algorithm, publicKey, data, signature, opts);
    const entry: Done = { algorithm, publicKey, data, result };
    if (seen) seen.push(entry);
    else this.done.set(key, [entry]);
    return result;
  }
}
