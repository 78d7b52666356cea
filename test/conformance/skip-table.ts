/**
 * The one table of Unbound val_* scenarios this harness does not replay, each
 * with its reason. Only the categories INDEX.tsv marks cache, prefetch,
 * iterator, policy or gost may be skipped (a test checks this table against
 * INDEX.tsv). Everything else runs, and a failure is a bug in the validator
 * or in the harness. Files of those categories whose verdict does not depend
 * on the Unbound feature they exercise do run: the AD-bit and no-DO policy
 * files (the verdict is checked, not the header policy), the CNAME loops
 * (bogus for us too), the SHA-256 -> SHA-1 DS downgrade (RFC 4509 §3), and
 * the iterator files whose answers reach the validator intact (truncated or
 * spurious NS, unsigned additional data, stub/forward DS routing, a
 * malformed RR that breaks the signature).
 */

export type SkipCategory = 'cache' | 'prefetch' | 'iterator' | 'policy' | 'gost';

export interface Skip {
  readonly category: SkipCategory;
  readonly reason: string;
}

const CACHE = 'tests the recursive resolver cache';
const POLICY = 'Unbound-specific policy';

export const SKIPS: Readonly<Record<string, Skip>> = {
  // --- cache: the scenario's later steps are answered from Unbound's own caches
  // (val_any_negcache, val_negcache_nodata and val_negcache_nxdomain run since dnssec-stub has its own
  // RFC 8198 cache; val_negcache_ds, val_negcache_dssoa and val_nsec3_optout_cache run too: their verdicts
  // do not depend on a cache. Since the validator clock follows TIME_PASSES and the harness answers DS
  // queries from the scenario's entries (issue 10 correction 7), so do val_cnameinsectopos, val_ds_afterprime,
  // val_dsnsec, val_keyprefetch, val_keyprefetch_verify, val_negcache_ttl and val_negcache_ttl_prefetch)
  'val_negcache_nta.rpl': { category: 'cache', reason: `${CACHE}: aggressive NSEC with a negative trust anchor (domain-insecure), which dnssec-stub does not have` },
  'val_referd.rpl': { category: 'cache', reason: `${CACHE}: a CD query fills the cache, the next query validates from it (harden-referral-path=no); its question (bla.example.com. A) has no upstream entry, and a CD step compares nothing` },
  'val_referglue.rpl': { category: 'cache', reason: `${CACHE}: a CD query caches referral glue, the next query validates from it; its question (bla.example.com. A) has no upstream entry, and a CD step compares nothing` },
  // --- policy: Unbound options or non-DNSSEC SERVFAILs (val_global_quota runs: its answer is unsigned
  // in a signed zone, bogus whatever the quota)
  'val_adcopy.rpl': { category: 'policy', reason: `${POLICY}: AD from an untrusted upstream is not copied to a no-DO query (RFC 6840 §5.8)` },
  'val_dnametoolong.rpl': { category: 'policy', reason: `${POLICY}: YXDOMAIN synthesised by the resolver for a too long DNAME target (RFC 6672 §2.2)` },
  'val_ds_gost_downgrade.crpl': { category: 'policy', reason: `${POLICY}: harden-algo-downgrade=yes (GOST DS)` },
  'val_faildnskey_ok.rpl': { category: 'policy', reason: `${POLICY}: harden-dnssec-stripped=no (a failed DNSKEY fetch treated as insecure)` },
  'val_rrsig.rpl': { category: 'policy', reason: `${POLICY}: qtype RRSIG is answered without validation` },
  'val_ta_algo_missing.rpl': { category: 'policy', reason: `${POLICY}: harden-algo-downgrade=yes; we follow RFC 6840 §5.11 (a DS/anchor algorithm without signatures is not bogus)` },
  // --- GOST (RFC 5933): algorithm 12 and digest 3 are not implemented (RFC 8624 §3.1: MUST NOT validate)
  'val_ds_gost.crpl': { category: 'gost', reason: 'GOST R 34.10-2001 (RFC 5933) is not implemented; RFC 8624 §3.1 and §3.3 deprecate it' },
};

/**
 * Scenarios that run, but where our verdict deliberately differs from
 * Unbound's: the harness expects ours, so a change of behaviour is caught.
 * `no-answer` means the validator rejects (UpstreamError): the client gets
 * no data, as with Unbound's SERVFAIL.
 */
export interface Difference {
  readonly expected: 'secure' | 'insecure' | 'bogus' | 'no-answer';
  /** CHECK_ANSWER steps it applies to; all when absent. */
  readonly steps?: readonly number[];
  readonly reason: string;
}

export const DIFFERENCES: Readonly<Record<string, Difference>> = {
  'val_ds_sha2_lenient.crpl': {
    expected: 'bogus',
    reason:
      'RFC 4509 §3: SHA-1 DS records are ignored when the DS RRset has SHA-256 ones; here the SHA-256 DS matches no DNSKEY, so the delegation is bogus (EDE 9). Unbound with harden-algo-downgrade: no falls back to the SHA-1 DS',
  },
  'val_anchor_nx_nosig.rpl': {
    expected: 'bogus',
    reason:
      'fail closed (RFC 4035 §4.3, §5): sub.example.com. is a configured trust anchor, and the only evidence that it does not exist is an UNSIGNED NXDOMAIN from example.com., outside the island of trust; anyone on the path could forge it. Unbound accepts it as insecure; we call it bogus (EDE 9: the anchored zone has no DNSKEY RRset). The signed variant, val_anchor_nx.rpl, is secure in both',
  },
  'val_faildnskey.rpl': {
    expected: 'no-answer',
    reason:
      'issue 10 correction 5: a DNSKEY fetch that got no answer (SERVFAIL from upstream) is no answer (UpstreamError, exit 3, EDE 22), never bogus and never cached; Unbound answers SERVFAIL too, and caches it as a bad key',
  },
  'val_failure_dnskey.rpl': {
    expected: 'no-answer',
    reason:
      'issue 10 correction 5: a DNSKEY fetch that got no answer is no answer (UpstreamError), never bogus and never cached; Unbound answers SERVFAIL',
  },
  'val_nodata_entnx.rpl': {
    expected: 'bogus',
    reason:
      'RFC 4035 §5.4: an NXDOMAIN needs an NSEC proving the name does not exist; this NSEC proves 0.example.com. is an empty non-terminal, so the response contradicts itself. Unbound repairs it to a secure NODATA (a workaround for servers that answer NXDOMAIN for empty non-terminals). The scenario has no entry for 0.example.com. DS, which the stub asks to rule out an insecure cut there, so the step ends in no answer rather than bogus (scenario.ts, noEntryForStubQuestion): not secure either way',
  },
};
