/**
 * The NODATA and NXDOMAIN classes (RFC 4035 §5.4, RFC 5155 §8.4-§8.7): the
 * denial's signer zone, its NSEC/NSEC3 records verified with that zone's
 * keys, then the proof; a referral where an answer was expected goes to
 * referral.ts.
 */
import { type Name, isStrictSubdomain, isSubdomain, nameToText } from '../wire/name.js';
import type { Message } from '../wire/message.js';
import { RRType, Rcode } from '../wire/rrtype.js';
import { EDE } from '../types.js';
import { verifyRrset } from '../dnssec/rrsig.js';
import { cappedTtl, negativeTtl } from '../dnssec/ttl.js';
import { MAX_RRSIGS_PER_RRSET } from '../dnssec/limits.js';
import type { ResponseRRsets } from './rrsets.js';
import { because, rrsetLabel } from './reasons.js';
import { denialInputFrom, proveNodata, proveNxdomain } from './denial-input.js';
import { traceChecks } from './trace.js';
import type { Link } from './outcome.js';
import { Signers, isLink } from './signers.js';
import { findSoa } from './classify.js';
import { referralApplies, validateReferral } from './referral.js';

/** RFC 4035 §5.4, RFC 5155 §8.4-§8.7: NXDOMAIN or NODATA for `name`. */
export async function validateNegative(s: Signers, name: Name, qtype: number, msg: Message, sets: ResponseRRsets, assumeNxdomain = false): Promise<Link> {
  const nx = assumeNxdomain || msg.rcode === Rcode.NXDOMAIN;
  const what = `${nx ? 'NXDOMAIN' : 'NODATA'} for ${rrsetLabel(name, qtype)}`;
  const about = Signers.zoneLookupName(name, qtype);
  let signer: Name | undefined;
  for (const set of sets.authority) {
    if (set.type !== RRType.SOA && set.type !== RRType.NSEC && set.type !== RRType.NSEC3) continue;
    const sg = Signers.signersOf(set)[0];
    if (sg && isSubdomain(name, sg) && (!signer || sg.length > signer.length)) signer = sg;
  }
  // The zone that answered is named by its SOA: when that lies below every
  // signer (an unsigned zone under a signed parent), the signed records are
  // the parent's and cannot speak for it; the unsigned path decides.
  const soa = findSoa(sets);
  if (signer && soa && isSubdomain(name, soa.name) && isStrictSubdomain(soa.name, signer)) signer = undefined;
  if (!nx && !soa) {
    const ns = sets.authority.find((x) => x.type === RRType.NS && isSubdomain(name, x.name));
    if (ns && referralApplies(s, ns, about, signer)) return validateReferral(s, ns, what);
  }
  const insecureTtl = (link: Link): number => (link.status === 'insecure' && soa ? Math.min(negativeTtl(soa), link.ttl) : 0);
  if (!signer) {
    const hasDenialRecords = sets.authority.some((x) => x.type === RRType.NSEC || x.type === RRType.NSEC3);
    const link = await s.unsigned(name, qtype, what, hasDenialRecords ? 'denial-rrsigs' : 'denial');
    s.ctx.addStep({ kind: 'denial', zone: nameToText(name), signatures: [], status: link.status, note: `${what}: no signed proof` });
    return { ...link, ttl: insecureTtl(link) };
  }
  const entry = await s.entryOf(signer, what, about);
  if (isLink(entry)) {
    if (s.aboveAnchor(signer, about)) {
      // A denial from above an island of trust counts only when secure.
      const link = await s.unsigned(name, qtype, what, 'denial-rrsigs');
      s.ctx.addStep({ kind: 'denial', zone: nameToText(name), signatures: [], status: link.status, note: `${what}: denial from ${nameToText(signer)}, above the trust anchor` });
      return { ...link, ttl: 0 };
    }
    s.ctx.addStep({ kind: 'denial', zone: nameToText(signer), signatures: [], status: entry.status, note: what });
    return { ...entry, ttl: insecureTtl(entry) };
  }
  const now = s.ctx.now;
  const d = denialInputFrom(sets.authority, entry, s.vctx());
  const signatures = [...d.signatures];
  let ttl = Math.min(d.ttl, Math.max(0, entry.expires - now));
  if (soa) {
    const check = verifyRrset(soa, entry.dnskeys, s.vctx(), MAX_RRSIGS_PER_RRSET);
    signatures.push(...traceChecks(soa, check));
    if (check.ok) ttl = Math.min(ttl, cappedTtl(negativeTtl(soa), check.sig, now));
  }
  const zone = nameToText(entry.zone);
  if (!d.hadRecords) {
    s.ctx.addStep({ kind: 'denial', zone, signatures, status: 'bogus', note: `${what}: no NSEC or NSEC3` });
    return { status: 'bogus', reasons: [because({ kind: 'denial-missing', what, zone: entry.zone })], ttl: 0, rrsets: [] };
  }
  const outcome = nx ? proveNxdomain(name, d.input) : proveNodata(name, qtype, d.input);
  if (outcome.result === 'proven' || outcome.result === 'no-cut') {
    s.ctx.addStep({ kind: 'denial', zone, signatures, status: 'secure', note: `${what}: ${outcome.detail}` });
    s.keys.markNotCuts(about, entry.zone, now + ttl);
    return { status: 'secure', reasons: [], ttl, rrsets: [] };
  }
  if (outcome.result === 'insecure') {
    const anchor = s.keys.closestAnchor(name);
    if (anchor && isStrictSubdomain(anchor.zone, entry.zone)) {
      // A trust anchor below the zone that denied covers the name: an
      // Opt-Out span above it cannot make its data insecure.
      return s.unsigned(name, qtype, what, 'denial-rrsigs');
    }
    s.ctx.addStep({ kind: 'denial', zone, signatures, status: 'insecure', note: outcome.detail });
    const r = because({ kind: 'denial-insecure', what, zone: entry.zone, detail: outcome.detail, ...(outcome.ede !== undefined ? { ede: outcome.ede } : {}) });
    return { status: 'insecure', reasons: [r], ttl, rrsets: [] };
  }
  // The proof failed: bogus. (A name below a proven unsigned cut never gets
  // here: Signers.entryOf() finds the cut and judges the name by its own zone.)
  // EDE 12 is for a missing NSEC; records that are there but prove nothing are plain bogus (RFC 8914 §4.7, §4.13).
  const ede = outcome.ede === EDE.NSEC_MISSING && (d.input.nsec.length > 0 || d.input.nsec3.length > 0) ? EDE.DNSSEC_BOGUS : outcome.ede;
  s.ctx.addStep({ kind: 'denial', zone, signatures, status: 'bogus', note: outcome.text });
  return { status: 'bogus', reasons: [...d.failures, because({ kind: 'denial-failed', what, zone: entry.zone, ede, text: outcome.text })], ttl: 0, rrsets: [] };
}
