/**
 * From trusted DS records (a delegation's, or a trust anchor's) to a secure
 * key entry: the zone's DNSKEY RRset, self-signed by a key the DS set or the
 * anchor names (RFC 4035 §5.2, §4.4; the rule itself lives in
 * src/dnssec/ds.ts: usableDs, trustedKeys).
 */
import { type Name, nameToText } from '../wire/name.js';
import type { RR } from '../wire/message.js';
import { RRType } from '../wire/rrtype.js';
import type { Reason } from '../types.js';
import type { TrustAnchor } from '../dnssec/anchors.js';
import { type RRset, verifyRrset } from '../dnssec/rrsig.js';
import { trustedKeys, usableDs } from '../dnssec/ds.js';
import { readDs, dnskeyOf, type DsData } from '../dnssec/records.js';
import { cappedTtl, MAX_ENTRY_TTL } from '../dnssec/ttl.js';
import { isSupportedAlgorithm, isSupportedDigestType } from '../crypto/index.js';
import { MAX_KEYS_PER_KEY_TAG, MAX_RRSIGS_PER_RRSET } from '../dnssec/limits.js';
import { responseRRsets, findRRset } from './rrsets.js';
import type { QuestionContext } from './context.js';
import { because, rrsetFailureReason, rrsetLabel } from './reasons.js';
import type { ChainStep, TraceDs } from './result.js';
import { dsTrace, traceChecks, traceKeys } from './trace.js';
import { fetchKeyData } from './fetch.js';
import { type KeyEntry, type SecureEntry, bogusEntry } from './key-cache.js';

function readDsSet(rrs: readonly RR[]): DsData[] {
  return rrs.map((rr) => readDs(rr.rdata)).filter((d): d is DsData => d !== undefined);
}

interface KeysetInput {
  readonly zone: Name;
  readonly usable: readonly DsData[];
  readonly anchorKeys: readonly RR[];
  /** Trace lines for the DS records, given which matched. */
  readonly dsTrace: (matched: ReadonlySet<DsData>) => TraceDs[];
  readonly stepBase: Pick<ChainStep, 'kind' | 'note'>;
  /** Steps before this one (the parent's). */
  readonly before: readonly ChainStep[];
  /** Signatures already traced for this step (the DS RRset's). */
  readonly sigs: ChainStep['signatures'];
  /** What to say when no DNSKEY RRset came, when no key is trusted. */
  readonly noKeyset: () => Reason;
  readonly noTrusted: () => Reason;
  /** Upper bound for the entry's expiry (the DS RRset's TTL, the parent's expiry). */
  readonly maxExpires: number;
}

/** Fetches the DNSKEY RRset of `input.zone` and validates it with the keys the DS set / anchor trusts. */
async function validatedKeyset(input: KeysetInput, ctx: QuestionContext): Promise<KeyEntry> {
  const { zone } = input;
  const msg = await fetchKeyData(zone, RRType.DNSKEY, ctx);
  const keyset = findRRset(responseRRsets(msg).answer, zone, RRType.DNSKEY);
  const { trusted, matched } = trustedKeys(input.usable, input.anchorKeys, keyset?.rrs ?? [], zone, MAX_KEYS_PER_KEY_TAG, ctx.crypto);
  const sigs = [...input.sigs];
  const step = (status: ChainStep['status']): ChainStep => ({
    ...input.stepBase,
    zone: nameToText(zone),
    ds: input.dsTrace(matched),
    dnskeys: traceKeys(keyset, trusted),
    signatures: sigs,
    status,
  });
  if (!keyset) return bogusEntry(zone, [input.noKeyset()], [...input.before, step('bogus')], ctx.now);
  if (trusted.size === 0) return bogusEntry(zone, [input.noTrusted()], [...input.before, step('bogus')], ctx.now);
  const check = verifyRrset(keyset, [...trusted], ctx.verify, MAX_RRSIGS_PER_RRSET, keyset.rrs);
  sigs.push(...traceChecks(keyset, check));
  if (!check.ok) return bogusEntry(zone, [rrsetFailureReason(check, rrsetLabel(zone, RRType.DNSKEY), zone)], [...input.before, step('bogus')], ctx.now);
  const ttl = Math.min(cappedTtl(keyset.ttl, check.sig, ctx.now), MAX_ENTRY_TTL);
  return { kind: 'secure', zone, dnskeys: keyset.rrs, steps: [...input.before, step('secure')], expires: Math.min(ctx.now + ttl, input.maxExpires) };
}

/** RFC 4035 §5: the anchor zone's DNSKEY RRset, self-signed by a key the anchor names. */
export async function anchorEntry(anchor: TrustAnchor, ctx: QuestionContext): Promise<KeyEntry> {
  const zone = anchor.zone;
  const anchorDs = readDsSet(anchor.ds);
  const usable = usableDs(anchorDs, ctx.crypto);
  const anchorKeys = anchor.dnskeys.filter((rr) => {
    const k = dnskeyOf(rr);
    return k !== undefined && isSupportedAlgorithm(k.algorithm, ctx.crypto);
  });
  if (usable.length === 0 && anchorKeys.length === 0) {
    const step: ChainStep = {
      kind: 'anchor',
      zone: nameToText(zone),
      ds: anchorDs.map((d) => dsTrace(d, false, false)),
      signatures: [],
      status: 'insecure',
      note: `trust anchor (${anchor.source}) has only unsupported algorithms or digests`,
    };
    return { kind: 'insecure', zone, reasons: [because({ kind: 'anchor-unsupported', zone })], steps: [step], expires: ctx.now + MAX_ENTRY_TTL };
  }
  return validatedKeyset(
    {
      zone,
      usable,
      anchorKeys,
      dsTrace: (matched) => anchorDs.map((d) => dsTrace(d, usable.includes(d), matched.has(d))),
      stepBase: { kind: 'anchor', note: `trust anchor from ${anchor.source}` },
      before: [],
      sigs: [],
      noKeyset: () => because({ kind: 'anchor-no-dnskey', zone }),
      noTrusted: () => because({ kind: 'anchor-no-match', zone }),
      maxExpires: Number.POSITIVE_INFINITY,
    },
    ctx,
  );
}

/** RFC 4035 §5.2: a DS RRset (to be validated with the parent's keys), then the child's DNSKEY RRset. */
export async function delegationWithDs(parent: SecureEntry, child: Name, dsSet: RRset, ctx: QuestionContext): Promise<KeyEntry> {
  const childText = nameToText(child);
  const check = verifyRrset(dsSet, parent.dnskeys, ctx.verify, MAX_RRSIGS_PER_RRSET);
  const sigs = traceChecks(dsSet, check);
  const dsList = readDsSet(dsSet.rrs);
  const steps = (s: ChainStep) => [...parent.steps, s];
  if (!check.ok) {
    const step: ChainStep = { kind: 'delegation', zone: childText, ds: dsList.map((d) => dsTrace(d, false, false)), signatures: sigs, status: 'bogus' };
    return bogusEntry(child, [rrsetFailureReason(check, rrsetLabel(child, RRType.DS), parent.zone)], steps(step), ctx.now);
  }
  const usable = usableDs(dsList, ctx.crypto);
  const dsTtl = Math.min(cappedTtl(dsSet.ttl, check.sig, ctx.now), MAX_ENTRY_TTL);
  if (usable.length === 0) {
    const digests = dsList.every((d) => !isSupportedDigestType(d.digestType));
    const step: ChainStep = {
      kind: 'delegation',
      zone: childText,
      ds: dsList.map((d) => dsTrace(d, false, false)),
      signatures: sigs,
      status: 'insecure',
      note: 'DS set has no supported algorithm and digest (RFC 6840 §5.2)',
    };
    // Insecure on the word of the parent's keys: no longer than they hold.
    return { kind: 'insecure', zone: child, reasons: [because({ kind: 'ds-unsupported', zone: child, digests })], steps: steps(step), expires: Math.min(ctx.now + dsTtl, parent.expires) };
  }
  return validatedKeyset(
    {
      zone: child,
      usable,
      anchorKeys: [],
      dsTrace: (matched) => dsList.map((d) => dsTrace(d, usable.includes(d), matched.has(d))),
      stepBase: { kind: 'delegation' },
      before: parent.steps,
      sigs,
      noKeyset: () => because({ kind: 'dnskey-missing', zone: child }),
      noTrusted: () => because({ kind: 'dnskey-no-match', zone: child, keyTags: usable.map((d) => d.keyTag) }),
      // A child's keys are only as fresh as the parent's that vouch for them.
      maxExpires: Math.min(ctx.now + dsTtl, parent.expires),
    },
    ctx,
  );
}
