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
import { negativeTtl } from '../dnssec/ttl.js';
import type { ResponseRRsets } from './rrsets.js';
import { because, rrsetLabel } from './reasons.js';
import { denialInputFrom, proveNodata, proveNxdomain } from './denial-input.js';
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
  // The records verified with the signer's keys; when the proof over them
  // holds, the names it proves absent need no zone-cut query (cutCheck).
  let entry = await s.zoneEntryOf(signer, what);
  const d = isLink(entry) ? undefined : denialInputFrom(sets.authority, entry, s.vctx());
  const early = d?.hadRecords ? (nx ? proveNxdomain(name, d.input) : proveNodata(name, qtype, d.input)) : undefined;
  if (!isLink(entry)) {
    const proven = early !== undefined && (early.result === 'proven' || early.result === 'no-cut');
    entry = (await s.cutCheck(signer, what, about, proven ? d?.input : undefined)) ?? entry;
  }
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
  // A secure entry here is the signer's own (a cut would have made it a link): d and early are over its keys.
  if (!d) throw new Error('internal: denial records not verified');
  const signatures = [...d.signatures];
  const ttl = Math.min(d.ttl, Math.max(0, entry.expires - now), d.soaTtl ?? Number.POSITIVE_INFINITY);
  // The SOA verified (denial-input.ts; a failing signature made it bogus below): only then is the denial kept for RFC 8198.
  const soaOk = !soa || d.soaTtl !== undefined;
  const zone = nameToText(entry.zone);
  if (d.badSignatures.length > 0) {
    s.ctx.addStep({ kind: 'denial', zone, signatures, status: 'bogus', note: `${what}: a signature of the denial failed` });
    return { status: 'bogus', reasons: d.badSignatures, ttl: 0, rrsets: [] };
  }
  if (!d.hadRecords || !early) {
    s.ctx.addStep({ kind: 'denial', zone, signatures, status: 'bogus', note: `${what}: no NSEC or NSEC3` });
    return { status: 'bogus', reasons: [because({ kind: 'denial-missing', what, zone: entry.zone })], ttl: 0, rrsets: [] };
  }
  const outcome = early;
  if (outcome.result === 'proven' || outcome.result === 'no-cut') {
    s.ctx.addStep({ kind: 'denial', zone, signatures, status: 'secure', note: `${what}: ${outcome.detail}` });
    s.keys.markNotCuts(about, entry.zone, now + ttl);
    // RFC 8198: kept for later names, for min(NSEC TTL, SOA TTL, SOA MINIMUM) (RFC 9077 §3), only with a verified SOA.
    if (soaOk) s.aggressive?.addDenial(d.input, ttl, now);
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
  // here: Signers.cutCheck() finds the cut and judges the name by its own zone.)
  // EDE 12 is for a missing NSEC; records that are there but prove nothing are plain bogus (RFC 8914 §4.7, §4.13).
  const ede = outcome.ede === EDE.NSEC_MISSING && (d.input.nsec.length > 0 || d.input.nsec3.length > 0) ? EDE.DNSSEC_BOGUS : outcome.ede;
  s.ctx.addStep({ kind: 'denial', zone, signatures, status: 'bogus', note: outcome.text });
  return { status: 'bogus', reasons: [...d.failures, because({ kind: 'denial-failed', what, zone: entry.zone, ede, text: outcome.text })], ttl: 0, rrsets: [] };
}
