/**
 * Cache of parsed public keys (verifiers), keyed by backend + algorithm + DNSKEY public-key bytes.
 *
 * Why: building a KeyObject (or decoding a curve point, or converting an RSA modulus to BigInt) costs about
 * as much as a verify, and a DNSKEY is used for many RRSIGs. `npm run bench:crypto` prints the rate with and
 * without this cache ("uncached" lines).
 *
 * Two levels:
 * - a WeakMap on the Uint8Array object, for callers that pass the same array again (no string building). The
 *   entry keeps a private copy of the bytes and is used only if the array still holds them, so a reused or
 *   mutated buffer can never be verified against a stale key;
 * - a Map by content (bytes as a string), bounded to MAX_ENTRIES with least-recently-used eviction (a Map
 *   iterates in insertion order; a hit is moved to the end).
 * Both hold the failure answers ('bad-key') too, so malformed keys are not re-parsed.
 */
import { bytesEqual, bytesToKeyString } from './_bytes.js';
import type { Backend, VerifierOrFailure } from './types.js';

/** LRU bound. Each entry holds one parsed key (a KeyObject or a few BigInts / points): ~1000 keys is a few MB at most. */
export const MAX_ENTRIES = 1000;

interface Entry {
  readonly backend: Backend;
  readonly algorithm: number;
  readonly bytes: Uint8Array;
  readonly verifier: VerifierOrFailure;
}

export class KeyCache {
  private byArray = new WeakMap<Uint8Array, Entry>();
  private readonly byContent = new Map<string, Entry>();

  constructor(private readonly maxEntries: number = MAX_ENTRIES) {}

  /** The cached verifier, or the one `build` makes (then cached). */
  get(
    backend: Backend,
    algorithm: number,
    key: Uint8Array,
    build: (algorithm: number, key: Uint8Array) => VerifierOrFailure,
  ): VerifierOrFailure {
    const hit = this.byArray.get(key);
    if (hit !== undefined && hit.backend === backend && hit.algorithm === algorithm && bytesEqual(hit.bytes, key)) {
      return hit.verifier;
    }
    const contentKey = backend + ':' + algorithm + ':' + bytesToKeyString(key);
    let entry = this.byContent.get(contentKey);
    if (entry !== undefined) {
      this.byContent.delete(contentKey);
    } else {
      entry = { backend, algorithm, bytes: key.slice(), verifier: build(algorithm, key) };
      if (this.byContent.size >= this.maxEntries) {
        const oldest = this.byContent.keys().next();
        if (oldest.done !== true) this.byContent.delete(oldest.value);
      }
    }
    this.byContent.set(contentKey, entry);
    this.byArray.set(key, entry);
    return entry.verifier;
  }

  get size(): number {
    return this.byContent.size;
  }

  clear(): void {
    this.byContent.clear();
    this.byArray = new WeakMap();
  }
}
