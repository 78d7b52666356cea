/**
 * The referral class: a referral instead of an answer (RFC 4035 §5.2). The
 * name lies below the delegation; its fate is the delegation's: insecure
 * below a proven unsigned delegation, bogus below a signed one (the upstream
 * should have followed it) or a broken one.
 */
import { type Name, isStrictSubdomain, nameToText } from '../wire/name.js';
import type { RRset } from '../dnssec/rrsig.js';
import { because } from './reasons.js';
import type { Link } from './outcome.js';
import type { Signers } from './signers.js';

/**
 * Whether the NS RRset `ns` makes a NODATA-shaped response a referral: not
 * above the island of trust of the name (`about`; a referral there proves
 * nothing), and below the zone that signed the denial records, if any.
 */
export function referralApplies(s: Signers, ns: RRset, about: Name, denialSigner: Name | undefined): boolean {
  return !s.aboveAnchor(ns.name, about) && (!denialSigner || isStrictSubdomain(ns.name, denialSigner));
}

export async function validateReferral(s: Signers, ns: RRset, what: string): Promise<Link> {
  const entry = await s.keys.entryFor(ns.name, s.ctx, s.prefetch);
  const status = entry.kind === 'insecure' ? 'insecure' : 'bogus';
  const reasons = entry.kind === 'secure' ? [because({ kind: 'referral', zone: ns.name, signed: entry.zone })] : entry.reasons;
  s.ctx.addStep({ kind: 'denial', zone: nameToText(ns.name), signatures: [], status, note: `${what}: referral to ${nameToText(ns.name)}` });
  return { status, reasons, ttl: status === 'insecure' ? Math.min(ns.ttl, s.entryTtl(entry)) : 0, rrsets: [] };
}
