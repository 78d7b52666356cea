/**
 * The work budget of one question (src/dnssec/limits.ts,
 * MAX_WORK_UNITS_PER_QUESTION): every expensive step an attacker's response
 * can ask for is priced in work units and drawn from one budget per question,
 * so that no response — and no sequence of responses, CNAME links and zone-cut
 * proofs — can make one question cost more than the budget
 * (KeyTrap CVE-2023-50387, NSEC3 CVE-2023-50868).
 *
 * Priced: signature verifications (by algorithm and key size, and counted
 * against MAX_SIGNATURE_VERIFICATIONS_PER_QUESTION), NSEC3 hashes (SHA-1
 * compressions: iterations, salt and name length) and upstream queries.
 * A request that does not fit is refused, and the first kind refused is
 * remembered, so the result can name the budget that ran out.
 */
import {
  MAX_SIGNATURE_VERIFICATIONS_PER_QUESTION,
  MAX_WORK_UNITS_PER_QUESTION,
  QUERY_UNITS,
  SHA1_CALL_UNITS,
  SIGNATURE_UNITS,
  SIGNATURE_UNITS_DEFAULT,
} from './limits.js';

export type WorkKind = 'signatures' | 'nsec3' | 'queries';

const KIND_TEXT: Readonly<Record<WorkKind, string>> = {
  signatures: 'signature verifications',
  nsec3: 'NSEC3 hashing',
  queries: 'upstream queries',
};

/** SHA-1 compressions of one message of `length` octets (64-octet blocks, 9 octets of padding and length). */
function sha1Blocks(length: number): number {
  return Math.ceil((length + 9) / 64);
}

/**
 * Work units of one NSEC3 hash (RFC 5155 §5): the first SHA-1 over the
 * owner name and salt, then `iterations` more over a digest and the salt.
 */
export function nsec3HashUnits(nameLength: number, saltLength: number, iterations: number): number {
  const first = sha1Blocks(nameLength + saltLength) + SHA1_CALL_UNITS;
  const each = sha1Blocks(20 + saltLength) + SHA1_CALL_UNITS;
  return first + iterations * each;
}

/**
 * Work units of one signature verification with `algorithm` and a public key
 * of `keyLength` octets (RFC 3110 §2: for RSA the modulus dominates; the cost
 * of a small-exponent verification grows with the square of its length).
 */
export function signatureUnits(algorithm: number, keyLength: number): number {
  const base = SIGNATURE_UNITS[algorithm] ?? SIGNATURE_UNITS_DEFAULT;
  if (algorithm === 5 || algorithm === 7 || algorithm === 8 || algorithm === 10) {
    const ratio = Math.max(1, keyLength / 260);
    return Math.ceil(base * ratio * ratio);
  }
  return base;
}

export class WorkBudget {
  /** Work units spent so far. */
  used = 0;
  /** Signature verifications started so far. */
  verifications = 0;
  readonly spent: Record<WorkKind, number> = { signatures: 0, nsec3: 0, queries: 0 };
  /** The first kind of work refused, once the budget has run out. */
  refused: WorkKind | undefined;

  constructor(
    readonly maxVerifications: number = MAX_SIGNATURE_VERIFICATIONS_PER_QUESTION,
    readonly maxUnits: number = MAX_WORK_UNITS_PER_QUESTION,
  ) {}

  /** Draws `units` for `kind`; false (and nothing drawn) when they are not left. */
  spend(kind: WorkKind, units: number): boolean {
    if (this.used + units > this.maxUnits) {
      this.refused ??= kind;
      return false;
    }
    this.used += units;
    this.spent[kind] += units;
    return true;
  }

  /** One signature verification (algorithm and key length price it). */
  takeSignature(algorithm = 8, keyLength = 260): boolean {
    if (this.verifications >= this.maxVerifications) {
      this.refused ??= 'signatures';
      return false;
    }
    if (!this.spend('signatures', signatureUnits(algorithm, keyLength))) return false;
    this.verifications++;
    return true;
  }

  /** One signature verification at the default price (RSA 2048). */
  take(): boolean {
    return this.takeSignature();
  }

  /** One NSEC3 hash of a name of `nameLength` octets with `saltLength` and `iterations`. */
  takeNsec3Hash(nameLength: number, saltLength: number, iterations: number): boolean {
    return this.spend('nsec3', nsec3HashUnits(nameLength, saltLength, iterations));
  }

  /** One upstream query. */
  takeQuery(): boolean {
    return this.spend('queries', QUERY_UNITS);
  }

  /** Whether anything was refused: the question's result is no longer trustworthy as "complete". */
  get exhausted(): boolean {
    return this.refused !== undefined;
  }

  /** Names the budget that ran out and what spent it, for a reason text. */
  describe(): string {
    const kind = this.refused ?? 'signatures';
    const parts = (Object.keys(this.spent) as WorkKind[]).map((k) => `${KIND_TEXT[k]} ${this.spent[k]}`);
    const what =
      kind === 'signatures' && this.verifications >= this.maxVerifications
        ? `${this.maxVerifications} signature verifications`
        : `${this.maxUnits} work units`;
    return `work budget of ${what} per question exhausted by ${KIND_TEXT[kind]} (units spent: ${parts.join(', ')})`;
  }
}
