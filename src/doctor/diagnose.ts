/**
 * `dnssec-stub doctor`: from the facts the probes gathered about one
 * resolver to a diagnosis. Pure: no I/O, no clock.
 *
 * Two separate questions (issue 12):
 * 1. Can its AD bit be trusted? Only if it validates (AD on a secure answer,
 *    SERVFAIL on a bogus one) AND the path to it cannot be tampered with:
 *    RFC 4035 §4.9.3 lets a stub rely on AD only from a trusted resolver over
 *    a secure channel; in practice, loopback. glibc (2.31+) passes AD on to
 *    programs only with `options trust-ad` in resolv.conf.
 * 2. Can dnssec-stub validate through it? Only if dnssec-stub, asking it
 *    with DO=1 and CD=1, proved a signed name secure and a denial of
 *    existence secure: that needs RRSIGs, DNSKEY and DS answers, and NSEC or
 *    NSEC3 in negative answers (RFC 4035 §3.2.1, §5).
 */
import type { Protocol } from '../resolver/transport.js';
import type { Reason, Status } from '../types.js';
import { RRType, Rcode } from '../wire/rrtype.js';
import type { ProbeResult } from './probe.js';

/** A validation dnssec-stub ran through the server. */
export type ValidationFact =
  | { readonly status: Status; readonly rcode: string; readonly reasons: readonly Reason[] }
  | { readonly status: 'error'; readonly error: string };

export interface ServerFacts {
  /** "host:port". */
  readonly server: string;
  /** The transport every probe went over (udp: also UDP alone and TCP alone, probers.ts). */
  readonly protocol: Protocol;
  readonly loopback: boolean;
  /** `NAME SOA` without EDNS over UDP, and over TCP (tcp, DoT, DoH: the first query over the transport, both). */
  readonly udp: ProbeResult;
  readonly tcp: ProbeResult;
  /** `NAME DNSKEY` with DO over UDP at each EDNS buffer size (largest first); empty over a stream transport. */
  readonly buffers: readonly { readonly size: number; readonly result: ProbeResult }[];
  /** DO=1 CD=1 (UDP: TCP after truncation): `NAME DNSKEY`, `DSNAME DS`, `random.NAME A`. */
  readonly dnskey: ProbeResult;
  readonly ds: ProbeResult | undefined;
  readonly negative: ProbeResult;
  /** DO=1 CD=0: `NAME DNSKEY` (AD expected from a validating resolver). */
  readonly secureAd: ProbeResult;
  /** The bogus name, DO=1, with CD=0 and with CD=1; undefined without a bogus name. */
  readonly bogus: ProbeResult | undefined;
  readonly bogusCd: ProbeResult | undefined;
  /** dnssec-stub's own validation of `NAME DNSKEY` and of `random.NAME A` through this server. */
  readonly validation: ValidationFact;
  readonly denialValidation: ValidationFact;
  readonly probeName: string;
  readonly bogusName: string | undefined;
}

export interface DnssecRecords {
  /** RRSIGs come back with DO=1 (over the answer's own type). */
  readonly rrsigs: boolean;
  readonly dnskey: boolean;
  /** null: not asked (the probe name is the root, and no DS name was given). */
  readonly ds: boolean | null;
  /** The denial records of a negative answer: 'nsec', 'nsec3', or null for none. */
  readonly denial: 'nsec' | 'nsec3' | null;
}

export interface Diagnosis {
  readonly server: string;
  readonly protocol: Protocol;
  readonly reachable: boolean;
  readonly tcp: boolean;
  /** It answers EDNS queries with an OPT record (RFC 6891); null: it never answered one. */
  readonly edns: boolean | null;
  /** Largest EDNS buffer size answered over UDP; null without EDNS, or over TCP, DoT, DoH (no UDP buffer there). */
  readonly ednsBuffer: number | null;
  readonly dnssecRecords: DnssecRecords;
  /** With CD=1 the bogus data comes back (null: not testable: it does not validate, or no bogus name). */
  readonly cdHonoured: boolean | null;
  /** AD on a secure answer and SERVFAIL on the bogus one (null: it never answered). */
  readonly validates: boolean | null;
  readonly loopback: boolean;
  /** Its AD bit may be trusted by local software (validates, on loopback). */
  readonly adTrustworthy: boolean;
  readonly usableForValidation: boolean;
  /** Why (or why not) dnssec-stub can validate through it, one line. */
  readonly why: string;
  readonly problems: readonly string[];
  readonly advice: readonly string[];
}

const has = (types: readonly number[], t: number): boolean => types.includes(t);

function reply(p: ProbeResult | undefined) {
  return p?.ok ? p.reply : undefined;
}

function verdictText(v: ValidationFact): string {
  if (v.status === 'error') return `no answer: ${v.error}`;
  const r = v.reasons[0];
  return r ? `${v.status} (${r.text}, EDE ${r.ede})` : `${v.status} (${v.rcode})`;
}

export function diagnose(f: ServerFacts): Diagnosis {
  const problems: string[] = [];
  const advice: string[] = [];
  const udp = reply(f.udp);
  const tcp = reply(f.tcp);
  const reachable = udp !== undefined;
  // Plain DNS is probed over UDP alone and TCP alone; another transport's first query stands for both.
  const plain = f.protocol === 'udp';
  if (!f.udp.ok) problems.push(`no answer${plain ? ' over UDP' : ''}: ${f.udp.error}`);
  else if (udp!.rcode === Rcode.REFUSED) problems.push('refuses our queries (REFUSED): access control?');
  if (plain && !f.tcp.ok) problems.push(`no answer over TCP: large answers (DNSKEY sets, TLSA) will fail: ${f.tcp.error}`);

  const dk = reply(f.dnskey);
  const answered = f.buffers.filter((b) => b.result.ok && b.result.reply.edns);
  const ednsBuffer = answered.length > 0 ? Math.max(...answered.map((b) => b.size)) : null;
  // Over UDP, the buffer probes; over a stream, the DNSKEY probe (DO=1, EDNS) says whether an OPT record comes back.
  const ednsAnswers = f.buffers.length > 0 ? f.buffers.filter((b) => b.result.ok).map((b) => b.result.ok && b.result.reply.edns) : dk ? [dk.edns] : [];
  const edns = ednsAnswers.length === 0 ? null : ednsAnswers.includes(true);
  if (reachable && edns === false) problems.push('no EDNS (RFC 6891): it cannot carry DNSSEC records (RFC 4035 §3)');
  else if (ednsBuffer !== null && ednsBuffer < 1232) problems.push(`EDNS answers only with a ${ednsBuffer}-octet buffer: larger answers are lost on the way (fragments?); TCP must carry them`);

  const ds = reply(f.ds);
  const neg = reply(f.negative);
  const dnssecRecords: DnssecRecords = {
    rrsigs: dk !== undefined && has(dk.signedInAnswer, RRType.DNSKEY),
    dnskey: dk !== undefined && has(dk.answer, RRType.DNSKEY),
    ds: f.ds === undefined ? null : ds !== undefined && has(ds.answer, RRType.DS),
    denial: neg === undefined ? null : has(neg.authority, RRType.NSEC3) ? 'nsec3' : has(neg.authority, RRType.NSEC) ? 'nsec' : null,
  };
  if (dk && !dnssecRecords.dnskey) problems.push(`no DNSKEY RRset for ${f.probeName} (rcode ${dk.rcode})`);
  if (dk && dnssecRecords.dnskey && !dnssecRecords.rrsigs) problems.push('returns no RRSIGs with DO=1: it strips DNSSEC data (or ignores DO)');
  if (dnssecRecords.ds === false) problems.push('no DS RRset answered');
  if (neg && dnssecRecords.denial === null) problems.push('no NSEC/NSEC3 records in a negative answer: denials cannot be proven');

  // Does it validate?
  const ad = reply(f.secureAd);
  const bogus = reply(f.bogus);
  const bogusCd = reply(f.bogusCd);
  let validates: boolean | null = ad === undefined ? null : ad.ad;
  if (ad && ad.ad && bogus && bogus.rcode !== Rcode.SERVFAIL) {
    validates = false;
    problems.push(`sets AD on a secure answer but answers the bogus name ${f.bogusName} with rcode ${bogus.rcode}, not SERVFAIL: its AD bit means nothing`);
  }
  if (ad && !ad.ad) problems.push(`does not validate: no AD bit on the secure answer ${f.probeName} DNSKEY`);
  if (validates && f.bogusName === undefined) problems.push('SERVFAIL on a bogus name not checked: give one with --bogus-name');

  let cdHonoured: boolean | null = null;
  if (validates && bogus?.rcode === Rcode.SERVFAIL && bogusCd) {
    cdHonoured = bogusCd.rcode !== Rcode.SERVFAIL;
    if (!cdHonoured) problems.push('ignores CD=1 (RFC 4035 §3.2.2): bogus data never reaches dnssec-stub, it sees SERVFAIL (no answer) instead of a bogus verdict with its reason');
  }

  const adTrustworthy = validates === true && f.loopback;
  if (validates && !f.loopback) problems.push('not on loopback: its AD bit crosses a network and cannot be trusted (RFC 4035 §4.9.3)');

  const usableForValidation = f.validation.status === 'secure' && f.denialValidation.status === 'secure';
  const why = usableForValidation
    ? `dnssec-stub validated ${f.probeName} DNSKEY and a denial of existence through it: secure`
    : f.validation.status !== 'secure'
      ? `validating ${f.probeName} DNSKEY through it: ${verdictText(f.validation)}`
      : `validating a nonexistent name under ${f.probeName} through it: ${verdictText(f.denialValidation)}`;

  if (!reachable) advice.push('check the address, the port and any firewall: nothing answered');
  else if (usableForValidation) advice.push('dnssec-stub can validate through this resolver.');
  else if (!dnssecRecords.rrsigs || dnssecRecords.denial === null) {
    advice.push('this resolver strips DNSSEC records: use --tls or --https to another upstream, or run dnssec-stub serve with another upstream');
  } else advice.push(`dnssec-stub cannot validate through it (${why}): check the trust anchor, the clock, and the probe name`);
  if (adTrustworthy && (f.protocol === 'udp' || f.protocol === 'tcp')) {
    advice.push('its AD bit can be trusted by software on this host: set `options trust-ad` in /etc/resolv.conf (glibc 2.31+ clears AD without it)');
  } else if (adTrustworthy) advice.push(`its AD bit can be trusted by software on this host that asks it over ${f.protocol === 'tls' ? 'DNS over TLS' : 'DNS over HTTPS'} (resolv.conf cannot name it: glibc speaks plain DNS only)`);
  else if (reachable) {
    advice.push(
      'do not let software trust its AD bit (Postfix smtp_dns_support_level = dnssec, Exim, mox): point it at `dnssec-stub serve` on loopback instead (resolv.conf `nameserver 127.0.0.1` and `options trust-ad`)',
    );
  }
  return {
    server: f.server,
    protocol: f.protocol,
    reachable,
    tcp: tcp !== undefined,
    edns,
    ednsBuffer,
    dnssecRecords,
    cdHonoured,
    validates,
    loopback: f.loopback,
    adTrustworthy,
    usableForValidation,
    why,
    problems,
    advice,
  };
}

/** Loopback per RFC 1122 §3.2.1.3 (127.0.0.0/8) and RFC 4291 §2.5.3 (::1), IPv4-mapped included. */
export function isLoopback(host: string): boolean {
  const bare = host.split('%')[0]!.toLowerCase();
  if (/^127\.\d+\.\d+\.\d+$/.test(bare)) return true;
  if (/^::ffff:127\.\d+\.\d+\.\d+$/.test(bare)) return true;
  return bare === '::1' || bare === '0:0:0:0:0:0:0:1';
}
