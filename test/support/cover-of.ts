/**
 * The covered-records invariant (issue 13 item 1): every record handed out
 * in a secure or insecure result is one of
 * - an RRset whose RRSIG the validator verified (a 'valid' signature line for
 *   its owner and type in the result's chain);
 * - exactly the CNAME the validator synthesised from a DNAME of the result
 *   (RFC 6672 §5.3.3): one CNAME at a name below the DNAME owner, whose target
 *   is the substitution, with a TTL no longer than the DNAME's;
 * - in an insecure result, a record at or below a zone an insecure reason
 *   proved insecure (or anywhere, when no trust anchor covers the name).
 * Bogus results hand out no records.
 * No vitest import here: `npm run conformance` runs outside vitest.
 */
import type { ValidationResult, ValidatedRecord } from '../../src/validator/result.js';
import { type Name, isStrictSubdomain, isSubdomain, nameEquals, nameFromText } from '../../src/wire/name.js';

const name = (text: string): Name => nameFromText(text);

/** Reason kinds that prove insecurity at their zone (and below). */
const INSECURE_PROOFS = new Set(['insecure-delegation', 'ds-unsupported', 'anchor-unsupported', 'denial-insecure', 'wildcard-insecure']);

/** Why `r` is covered, or undefined. */
export function coverOf(result: ValidationResult, r: ValidatedRecord): string | undefined {
  const label = `${r.name} ${r.type}`.toLowerCase();
  const signed = result.chain.some((s) => s.signatures.some((g) => g.result === 'valid' && g.rrset.toLowerCase() === label));
  if (signed) return 'signed';
  if (r.type === 'CNAME') {
    const owner = name(r.name);
    for (const d of result.records.filter((x) => x.type === 'DNAME')) {
      const dOwner = name(d.name);
      if (!isStrictSubdomain(owner, dOwner)) continue;
      const synth = [...owner.slice(0, owner.length - dOwner.length), ...name(d.data)];
      const cnamesHere = result.records.filter((x) => x.type === 'CNAME' && nameEquals(name(x.name), owner));
      if (nameEquals(name(r.data), synth) && r.ttl <= d.ttl && cnamesHere.length === 1) return 'synthesised from DNAME';
    }
  }
  if (result.status === 'insecure') {
    for (const reason of result.reasons) {
      if (reason.kind === 'no-trust-anchor') return 'no trust anchor';
      if (INSECURE_PROOFS.has(reason.kind) && reason.zone !== undefined && isSubdomain(name(r.name), name(reason.zone))) return 'below a proven insecure cut';
    }
  }
  return undefined;
}
