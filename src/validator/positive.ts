/**
 * The positive class: one RRset of the answer (the final data, a CNAME link,
 * a DNAME), verified with the keys of its zone (RFC 4035 §5.3), including a
 * wildcard expansion and the proof that the name itself does not exist
 * (RFC 4035 §5.3.4, RFC 5155 §8.8).
 */
import { type Name, nameToText } from '../wire/name.js';
import { type RRset, verifyRrset, isWildcardExpansion } from '../dnssec/rrsig.js';
import { cappedTtl } from '../dnssec/ttl.js';
import { MAX_RRSIGS_PER_RRSET } from '../dnssec/limits.js';
import type { ResponseRRsets } from './rrsets.js';
import { because, rrsetFailureReason, rrsetLabel } from './reasons.js';
import { denialInputFrom, proveWildcardAnswer } from './denial-input.js';
import { traceChecks } from './trace.js';
import type { ChainStep } from './result.js';
import type { Link } from './outcome.js';
import { Signers, isLink } from './signers.js';
import type { SecureEntry } from './key-chain.js';

/** The response's denial records verified with the signer's keys, and the wildcard answer proof over them. */
function wildcardProof(s: Signers, rrset: RRset, labels: number, sets: ResponseRRsets, entry: SecureEntry) {
  const d = denialInputFrom(sets.authority, entry, s.vctx());
  return { d, outcome: proveWildcardAnswer(rrset.name, labels, d.input) };
}

/** RFC 4035 §5.3: one RRset of the answer, including wildcard expansion (§5.3.4). */
export async function validatePositive(s: Signers, rrset: RRset, sets: ResponseRRsets, kind: ChainStep['kind']): Promise<Link> {
  const what = rrsetLabel(rrset.name, rrset.type);
  const about = Signers.zoneLookupName(rrset.name, rrset.type);
  const signers = Signers.signersOf(rrset);
  if (signers.length === 0) {
    const link = await s.unsigned(rrset.name, rrset.type, what, 'rrsigs');
    s.ctx.addStep({ kind, zone: nameToText(rrset.name), signatures: [], status: link.status, note: `${what}: unsigned` });
    return { ...link, ttl: link.status === 'insecure' ? Math.min(rrset.ttl, link.ttl) : 0, rrsets: [rrset] };
  }
  // Several signers (a zone and, wrongly or maliciously, another): the
  // deepest that validates wins; otherwise the first verdict stands.
  let first: Link | undefined;
  for (const signer of signers) {
    const link = await bySigner(s, rrset, sets, kind, signer, what);
    if (link.status === 'secure') return link;
    if (!s.aboveAnchor(signer, about)) first ??= link;
  }
  if (first) return first;
  // Only signers above the island's anchor, and none secure: judge the
  // data from the island's own anchor, as if unsigned.
  return { ...(await s.unsigned(rrset.name, rrset.type, what, 'rrsigs')), rrsets: [rrset] };
}

async function bySigner(s: Signers, rrset: RRset, sets: ResponseRRsets, kind: ChainStep['kind'], signer: Name, what: string): Promise<Link> {
  const now = s.ctx.now;
  const notSecure = (link: Link): Link => {
    s.ctx.addStep({ kind, zone: nameToText(signer), signatures: [], status: link.status, note: what });
    return { ...link, ttl: link.status === 'insecure' ? Math.min(rrset.ttl, link.ttl) : 0, rrsets: [rrset] };
  };
  const entry = await s.zoneEntryOf(signer, what);
  if (isLink(entry)) return notSecure(entry);
  const check = verifyRrset(rrset, entry.dnskeys, s.vctx(), MAX_RRSIGS_PER_RRSET);
  // A wildcard expansion: the proof that the name itself does not exist
  // (RFC 4035 §5.3.4) also shows which names below the signer need no cut check.
  const wildcard = check.ok && isWildcardExpansion(rrset.name, check.sig.labels) ? wildcardProof(s, rrset, check.sig.labels, sets, entry) : undefined;
  const proven = wildcard !== undefined && (wildcard.outcome.result === 'proven' || wildcard.outcome.result === 'no-cut');
  const cut = await s.cutCheck(signer, what, Signers.zoneLookupName(rrset.name, rrset.type), proven ? wildcard.d.input : undefined);
  if (cut) return notSecure(cut);
  const signatures = traceChecks(rrset, check);
  const zone = nameToText(entry.zone);
  if (!check.ok) {
    s.ctx.addStep({ kind, zone, signatures, status: 'bogus', note: what });
    return { status: 'bogus', reasons: [rrsetFailureReason(check, what, entry.zone)], ttl: 0, rrsets: [rrset] };
  }
  // The answer lives no longer than the keys that vouch for it.
  let ttl = Math.min(cappedTtl(rrset.ttl, check.sig, now), Math.max(0, entry.expires - now));
  if (wildcard) {
    const { d, outcome } = wildcard;
    signatures.push(...d.signatures);
    if (outcome.result === 'insecure') {
      s.ctx.addStep({ kind: 'wildcard', zone, signatures, status: 'insecure', note: outcome.detail });
      const r = because({ kind: 'wildcard-insecure', what, zone: entry.zone, detail: outcome.detail, ...(outcome.ede !== undefined ? { ede: outcome.ede } : {}) });
      return { status: 'insecure', reasons: [r], ttl, rrsets: [rrset] };
    }
    if (outcome.result === 'failed') {
      s.ctx.addStep({ kind: 'wildcard', zone, signatures, status: 'bogus', note: outcome.text });
      const reasons = [...d.failures, because({ kind: 'wildcard-unproven', what, zone: entry.zone, ede: outcome.ede, text: outcome.text })];
      return { status: 'bogus', reasons, ttl: 0, rrsets: [rrset] };
    }
    s.ctx.addStep({ kind: 'wildcard', zone, signatures, status: 'secure', note: `${what} from a wildcard: ${outcome.detail}` });
    ttl = Math.min(ttl, d.ttl);
    // RFC 8198 §5.3: the proof and the wildcard RRset answer later names too.
    s.aggressive?.addDenial(d.input, ttl, now);
    s.aggressive?.addWildcard(entry.zone, rrset, check.sig.labels, ttl, now);
  } else {
    s.ctx.addStep({ kind, zone, signatures, status: 'secure', note: what });
  }
  // The owner and the names above it up to the signer are no zone cuts
  // (a DS RRset's owner is: it lives at the parent side of one).
  s.keys.markNotCuts(Signers.zoneLookupName(rrset.name, rrset.type), entry.zone, now + ttl);
  return { status: 'secure', reasons: [], ttl, rrsets: [rrset] };
}

