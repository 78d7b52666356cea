/**
 * The NSEC3 owner-name hash, RFC 5155 §5 (hash algorithm 1 = SHA-1, RFC 5155 §11):
 *   IH(salt, x, 0) = H(x || salt)
 *   IH(salt, x, k) = H(IH(salt, x, k-1) || salt), k > 0
 *   hash = IH(salt, owner name in canonical wire form, iterations)
 * i.e. iterations + 1 SHA-1 computations. An attacker chooses `iterations` (up to 65535, RFC 5155 §3.1.3), so this
 * is a DoS-relevant hot path: callers must apply the RFC 9276 §3.2 limit BEFORE calling. One scratch buffer is
 * reused across iterations.
 */
import { hash } from './digest.js';

/** RFC 5155 §3.1.3 / §3.2: Iterations is a 16-bit field; Salt Length is 8 bits. */
export const MAX_NSEC3_ITERATIONS_FIELD = 65535;
export const MAX_NSEC3_SALT_LENGTH = 255;

export const NSEC3_HASH_ALGORITHM_SHA1 = 1;

/**
 * RFC 5155 §5. `ownerCanonicalWire` is the owner name in canonical (lower-case, uncompressed) wire form.
 * Throws RangeError for an iteration count or salt that cannot come from an NSEC3/NSEC3PARAM record (a caller
 * bug, not a network input: the record parser bounds both fields).
 */
export function nsec3Hash(ownerCanonicalWire: Uint8Array, salt: Uint8Array, iterations: number): Uint8Array {
  if (!Number.isInteger(iterations) || iterations < 0 || iterations > MAX_NSEC3_ITERATIONS_FIELD) {
    throw new RangeError(`NSEC3 iterations out of range: ${iterations}`);
  }
  if (salt.length > MAX_NSEC3_SALT_LENGTH) throw new RangeError(`NSEC3 salt too long: ${salt.length}`);
  const first = new Uint8Array(ownerCanonicalWire.length + salt.length);
  first.set(ownerCanonicalWire, 0);
  first.set(salt, ownerCanonicalWire.length);
  let digest = hash('sha1', first);
  if (iterations === 0) return digest;
  const scratch = new Uint8Array(20 + salt.length);
  scratch.set(salt, 20);
  for (let k = 1; k <= iterations; k++) {
    scratch.set(digest, 0);
    digest = hash('sha1', scratch);
  }
  return digest;
}
