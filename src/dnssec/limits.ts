/**
 * Limits against denial of service, in one place. Each bounds the work an
 * attacker-controlled response can make the validator do; each names its
 * reason and source.
 */

/**
 * RRSIG verifications tried for one RRset. KeyTrap (CVE-2023-50387) multiplies
 * signatures by colliding keys; Unbound's fix caps signatures per RRset at 8
 * (`MAX_VALIDATE_RRSIGS`), and hickory-dns uses `MAX_RRSIGS_PER_RRSET` = 8.
 */
export const MAX_RRSIGS_PER_RRSET = 8;

/**
 * Distinct signer zones tried for one RRset. An honest RRset has one signer;
 * a second covers a zone being split or merged. Each signer costs a chain walk.
 */
export const MAX_SIGNERS_PER_RRSET = 2;

/**
 * Keys tried for one key tag. Key tags collide by construction (RFC 4034
 * Appendix B is a checksum); two covers an honest rollover collision. Unbound
 * (`MAX_VALIDATION_SUSPENDS`-era fix) and hickory (`MAX_KEY_TAG_COLLISIONS` = 2)
 * take the same stance.
 */
export const MAX_KEYS_PER_KEY_TAG = 2;

/**
 * Signature verifications for one question, all zones and links together.
 * Peers use 8 to 64 per RRset/query (Unbound: 8 per RRset plus a suspend
 * budget; BIND 9.18.24: max-validations-per-fetch 16 with fails 1). A full
 * chain root→TLD→zone with a CNAME to another tree needs about 10; 64 leaves
 * room for rollovers while capping the worst case at a few milliseconds.
 */
export const MAX_SIGNATURE_VERIFICATIONS_PER_QUESTION = 64;

/**
 * The work one question may cost, in work units (src/dnssec/budget.ts). One
 * unit is about one SHA-1 compression, about 0.5 µs of CPU on the 2-core
 * machine the figures were measured on (README "Bounded work per question").
 * Everything the validator does on an attacker's say-so is priced in it:
 * NSEC3 hashing (SHA-1 compressions, so iterations and salt length count),
 * signature verifications (by algorithm and key size) and upstream queries
 * (parsing and grouping a response), the zone-cut proofs included.
 * One budget per question, never per proof: a proof that falls back to
 * another draws on the same budget (Unbound bounds NSEC3 work per query,
 * `MAX_NSEC3_CALCULATIONS`, for the same reason).
 *
 * 60,000 units is about 30 ms of priced work; the unpriced rest (canonical
 * form, record parsing, the walk) keeps the worst question measured under
 * 50 ms of CPU (`npm run bench:adversarial`). An honest chain root → TLD →
 * zone with a CNAME into another tree costs 3,000-8,000 units, NSEC3 at 150
 * iterations with an 8-octet salt included: well inside.
 */
export const MAX_WORK_UNITS_PER_QUESTION = 60_000;

/**
 * Work units of one SHA-1 call beyond its compressions: the fixed cost of a
 * hash call measured against one 64-octet compression (about 3 µs against
 * 0.5 µs with node:crypto here). Without it a salt-less hash would look free.
 */
export const SHA1_CALL_UNITS = 5;

/**
 * Work units of one signature verification, by algorithm (RFC 8624 numbers),
 * from `npm run bench:crypto` on node:crypto (2 cores): RSA 2048 about 30 µs
 * (scaled by the square of the modulus length), P-256 about 90 µs, P-384
 * about 850 µs, Ed25519 about 140 µs, Ed448 about 300 µs; DSA (3, 6; only
 * with crypto.legacyAlgorithms, for old test data) about 150 µs. Unknown: the
 * dearest, so that no algorithm is cheaper than it costs.
 */
export const SIGNATURE_UNITS: Readonly<Record<number, number>> = {
  3: 300,
  6: 300,
  5: 60,
  7: 60,
  8: 60,
  10: 60,
  13: 180,
  14: 1700,
  15: 280,
  16: 600,
};
export const SIGNATURE_UNITS_DEFAULT = 1700;

/**
 * Work units of one upstream query: encoding it, parsing the response and
 * grouping its RRsets (about 150 µs for a full DNSSEC response here).
 * MAX_QUERIES_PER_QUESTION bounds the count as well.
 */
export const QUERY_UNITS = 300;

/**
 * NSEC3 iterations above this make the answer insecure with EDE 27
 * (RFC 9276 §3.2 lets validators treat high counts as insecure; Unbound's
 * default `val-nsec3-keysize-iterations` tops out at 150 since 1.16).
 */
export const MAX_NSEC3_ITERATIONS = 150;

/**
 * NSEC3 iterations up to which a proof is still checked when it decides where
 * the zone cuts are (the DS walk for unsigned data), instead of being taken as
 * an insecure answer. Above MAX_NSEC3_ITERATIONS an NXDOMAIN/NODATA answer is
 * insecure (RFC 9276 §3.2); but taking an unchecked proof as "this name is an
 * unsigned delegation" would let anyone strip the RRSIGs of a positive answer
 * in such a zone and get insecure instead of bogus. RFC 9276 §3.2 names 500 as
 * the point above which validators may stop (SERVFAIL); we check up to there
 * (at most MAX_NSEC3_HASHES_PER_PROOF hashes, a few milliseconds) and call
 * anything above it insecure with EDE 27.
 */
export const MAX_NSEC3_ITERATIONS_FOR_ZONE_CUTS = 500;

/**
 * NSEC3 hash computations for one proof (CVE-2023-50868). Unbound caps them
 * with `MAX_NSEC3_CALCULATIONS` = 8 per RRset plus a suspend; a closest
 * encloser proof needs at most one hash per label of the query name, and
 * names have at most 127 labels, but real proofs need a handful. A shape
 * limit only: what the hashes cost is charged to the question's work budget
 * (MAX_WORK_UNITS_PER_QUESTION), which a fallback proof does not refill.
 */
export const MAX_NSEC3_HASHES_PER_PROOF = 32;

/** NSEC3 records considered in one response (bounds the matching loops). */
export const MAX_NSEC3_RECORDS_PER_RESPONSE = 32;

/**
 * CNAME/DNAME links followed for one question. Unbound follows at most 11
 * (`MAX_RESTART_COUNT` + 1), BIND 16 (`max-restarts`); 12 matches Unbound's order.
 */
export const MAX_CNAME_CHAIN = 12;

/** Upstream queries made for one question (answer, DS and DNSKEY sets, CNAME targets). */
export const MAX_QUERIES_PER_QUESTION = 64;

/** Zone cuts walked from an anchor to an answer (names have at most 127 labels). */
export const MAX_ZONE_DEPTH = 32;

/**
 * Ancestors below the anchor whose DS and DNSKEY sets are asked for in
 * parallel with the answer (two queries each). Not a security limit: it keeps
 * prefetching for deep names (ip6.arpa has 34 labels) from wasting queries.
 */
export const MAX_PREFETCH_DEPTH = 6;

/**
 * Names between a signer and the name it signs for that are checked for a
 * zone cut the signer would be skipping (RFC 4035 §5.3.1: the signer must be
 * THE zone holding the name). Each costs a DS query and its proof the first
 * time; 8 covers every ordinary name (deep ip6.arpa names are checked nearest
 * the signer first).
 */
export const MAX_CUT_CHECK_LABELS = 8;

/**
 * The longest a result may be cached, whatever the TTLs say: Unbound's
 * default cache-max-ttl (a day). Bounds how long an insecure answer (whose
 * TTLs nobody signed) can outlive a zone becoming signed.
 */
export const MAX_RESULT_TTL = 86400;

/**
 * NSEC3 hash work (names hashed × (iterations + 1)) one look-up in the
 * RFC 8198 cache may do to pick the records near a name. Above it the cache
 * answers nothing and the question goes upstream: with 0 iterations every
 * name up to 12 labels below the apex qualifies; with 150 only names right
 * below it. Keeps a look-up within the cost of one proof
 * (MAX_NSEC3_HASHES_PER_PROOF at MAX_NSEC3_ITERATIONS is more).
 */
export const MAX_AGGRESSIVE_NSEC3_HASH_WORK = 512;
