/**
 * Which zone vouches for a piece of an answer (RFC 4035 §5.3.1): the
 * signers an RRset names, the signer's key entry checked to be THE zone of
 * the name, and the verdict on data that carries no usable signature (the
 * zone's security decides: insecure below a proven unsigned cut, else bogus).
 * Shared by the per-class validators (positive.ts, negative.ts, referral.ts,
 * answer.ts).
 */
import { type Name, isSubdomain, nameEquals, parentName } from '../wire/name.js';
import { RRType } from '../wire/rrtype.js';
import type { RRset, VerifyContext } from '../dnssec/rrsig.js';
import { rrsigOf } from '../dnssec/records.js';
import { MAX_SIGNERS_PER_RRSET } from '../dnssec/limits.js';
import { secondsLeft } from '../dnssec/ttl.js';
import type { QuestionContext } from './context.js';
import type { KeyChain, KeyEntry, SecureEntry } from './key-chain.js';
import { type Missing, because } from './reasons.js';
import type { Link } from './outcome.js';
import type { Reason } from '../types.js';
import type { DenialInput } from '../dnssec/denial.js';
import { provesNameAbsent } from '../dnssec/absence.js';
import type { AggressiveCache } from './aggressive-cache.js';

/** Everything the per-class validators of one question share. */
export class Signers {
  constructor(
    readonly keys: KeyChain,
    readonly ctx: QuestionContext,
    readonly prefetch: boolean,
    /** Where validated denials and wildcard RRsets are kept for later questions (RFC 8198); none when off. */
    readonly aggressive?: AggressiveCache,
  ) {}

  vctx(): VerifyContext {
    return this.ctx.verify;
  }

  /** The name whose zone decides an RRset's fate: DS lives in the parent zone (RFC 4035 §2.4). */
  static zoneLookupName(name: Name, type: number): Name {
    return type === RRType.DS ? (parentName(name) ?? name) : name;
  }

  /**
   * The signers of an RRset's RRSIGs that could be its zone (RFC 4035 §5.3.1):
   * ancestors of the owner, deepest first, at most MAX_SIGNERS_PER_RRSET.
   */
  static signersOf(rrset: RRset): Name[] {
    const out: Name[] = [];
    for (const sig of rrset.sigs) {
      const s = rrsigOf(sig);
      if (!s || !isSubdomain(rrset.name, s.signerName)) continue;
      // A DS RRset belongs to the parent zone: the child cannot sign it (RFC 4035 §2.4).
      if (rrset.type === RRType.DS && nameEquals(rrset.name, s.signerName)) continue;
      if (!out.some((o) => nameEquals(o, s.signerName))) out.push(s.signerName);
    }
    out.sort((x, y) => y.length - x.length);
    return out.slice(0, MAX_SIGNERS_PER_RRSET);
  }

  /** Seconds a key entry still holds (insecure proofs expire too). */
  entryTtl(entry: KeyEntry): number {
    return secondsLeft(entry.expires, this.ctx.now);
  }

  /**
   * A signer above the closest trust anchor of `about` (an island of trust)
   * may only vouch for data there with a secure chain of its own: its
   * insecurity must not spill into the island (fail closed).
   */
  aboveAnchor(signer: Name, about: Name): boolean {
    const anchor = this.keys.closestAnchor(about);
    return anchor !== undefined && !isSubdomain(signer, anchor.zone);
  }

  /** Zone security for data at (name, type) that carries no usable signature. */
  unsigned(name: Name, type: number, what: string, missing: Missing): Promise<Link> {
    return this.unsignedAt(Signers.zoneLookupName(name, type), what, missing);
  }

  /** Zone security for the name `lookup` (the name itself, or a DS owner's parent). */
  async unsignedAt(lookup: Name, what: string, missing: Missing | Reason): Promise<Link> {
    const entry = await this.keys.entryFor(lookup, this.ctx, this.prefetch);
    if (entry.kind === 'insecure') return { status: 'insecure', reasons: entry.reasons, ttl: this.entryTtl(entry), rrsets: [] };
    if (entry.kind === 'bogus') return { status: 'bogus', reasons: entry.reasons, ttl: 0, rrsets: [] };
    const r = typeof missing === 'string' ? because({ kind: 'unsigned', missing, what, zone: entry.zone }) : missing;
    return { status: 'bogus', reasons: [r], ttl: 0, rrsets: [] };
  }

  /** The secure key entry of `signer`, THE zone of `about`, or a link that says why there is none. */
  async entryOf(signer: Name, what: string, about: Name): Promise<SecureEntry | Link> {
    const entry = await this.zoneEntryOf(signer, what);
    if (isLink(entry)) return entry;
    return (await this.cutCheck(signer, what, about)) ?? entry;
  }

  /** The secure key entry of the zone `signer`, or a link that says why there is none; cutCheck() says whether it is THE zone. */
  async zoneEntryOf(signer: Name, what: string): Promise<SecureEntry | Link> {
    const entry = await this.keys.entryFor(signer, this.ctx, this.prefetch);
    if (entry.kind === 'insecure') return { status: 'insecure', reasons: entry.reasons, ttl: this.entryTtl(entry), rrsets: [] };
    if (entry.kind === 'bogus') return { status: 'bogus', reasons: entry.reasons, ttl: 0, rrsets: [] };
    if (!nameEquals(entry.zone, signer)) {
      return { status: 'bogus', reasons: [because({ kind: 'not-a-zone', signer, parent: entry.zone, what })], ttl: 0, rrsets: [] };
    }
    return entry;
  }

  /**
   * RFC 4035 §5.3.1: the signer must be THE zone holding the name, not a
   * zone above a cut (a parent's old signatures replayed below a delegation).
   * A link when a cut lies between them, else undefined. With `input`, the
   * signer's verified records of a denial or wildcard proof that held: names
   * they prove absent are no cuts and need no DS query (dnssec/absence.ts).
   * Names they show to exist are still checked: a replayed record from
   * before a delegation shows just that.
   */
  async cutCheck(signer: Name, what: string, about: Name, input?: DenialInput): Promise<Link | undefined> {
    const cut = await this.keys.cutBetween(signer, about, this.ctx, 0, input ? (c) => provesNameAbsent(c, input) : undefined);
    if (!cut) return undefined;
    // The name lives in another zone: judge it by that zone, as if the
    // signatures were absent (insecure below a proven unsigned cut, else bogus).
    return this.unsignedAt(about, what, because({ kind: 'skipped-cut', signer, name: about, cut, what }));
  }
}

export function isLink(x: SecureEntry | Link): x is Link {
  return !('kind' in x);
}
