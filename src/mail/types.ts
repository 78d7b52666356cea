/**
 * The mail report: facts with statuses (each DNS lookup as validated) and
 * the decisions taken from them (RFC 7672 DANE verdict per host, parsed
 * policy records, the overall status). Plain data: it serialises as the
 * JSON of `dnssec-stub mail --json`.
 */
import type { Reason, Status } from '../types.js';

/** A lookup's status: a DNSSEC verdict, or "error" when no answer could be had (timeout, SERVFAIL). */
export type LookupStatus = Status | 'error';

/** One validated question as the report shows it. */
export interface Lookup {
  /** The question, presentation form. */
  readonly name: string;
  readonly type: string;
  readonly status: LookupStatus;
  /** NOERROR, NXDOMAIN, ...; null for "error". */
  readonly rcode: string | null;
  /** The name after CNAME/DNAME expansion (the owner of the final RRset; `name` without links). */
  readonly expanded: string;
  /** RDATA of the final RRset in presentation form (empty when bogus: withheld). */
  readonly data: readonly string[];
  /** Most specific first; for "error" the upstream failure. */
  readonly reasons: readonly Reason[];
}

/**
 * RFC 7672 §2.1.1, §2.2, §3.1: `required` authenticated TLS; `encrypt` TLS
 * without authentication, never cleartext (a secure TLSA RRset of only
 * unusable records); `opportunistic` pre-DANE TLS, cleartext allowed;
 * `do-not-deliver` the host must not be used.
 */
export type DaneVerdict = 'required' | 'encrypt' | 'opportunistic' | 'do-not-deliver';

export interface TlsaJudged {
  /** usage, selector, matchingType: -1 where a malformed RDATA (under 3 octets) does not hold the field. */
  readonly usage: number;
  readonly selector: number;
  readonly matchingType: number;
  /** Lowercase hex. */
  readonly data: string;
  readonly usable: boolean;
  /** Why not usable, with the RFC section; null when usable. */
  readonly problem: string | null;
}

export interface HostReport {
  /** The MX exchange (or the domain itself for the implicit MX), presentation form. */
  readonly name: string;
  readonly preference: number;
  readonly addresses: {
    readonly status: LookupStatus;
    /** The host name after CNAME expansion (RFC 7672 §2.2.3). */
    readonly expanded: string;
    readonly records: readonly string[];
    readonly lookups: readonly Lookup[];
  };
  /** The TLSA RRset the verdict rests on; null when none was looked up. */
  readonly tlsa: {
    readonly name: string;
    readonly status: LookupStatus;
    readonly records: readonly TlsaJudged[];
    readonly usable: number;
    /** Every TLSA lookup made for the host, in the order RFC 7672 §2.2.3 tries them. */
    readonly lookups: readonly Lookup[];
  } | null;
  readonly dane: DaneVerdict;
  readonly reason: string;
  /** The RFC section the verdict rests on, e.g. "RFC 7672 §2.2". */
  readonly rfc: string;
}

export interface MxReport {
  readonly status: LookupStatus;
  readonly records: readonly { readonly preference: number; readonly exchange: string }[];
  /** RFC 7505: a single "0 ." record: the domain accepts no mail. */
  readonly nullMx: boolean;
  /** RFC 5321 §5.1: no MX RRset (NODATA), the domain itself is the host. */
  readonly implicit: boolean;
  readonly lookup: Lookup;
}

export interface SpfReport {
  readonly status: LookupStatus;
  /** The one v=spf1 record (strings concatenated, RFC 7208 §3.3), or null. */
  readonly record: string | null;
  /** "permerror: ..." (RFC 7208 §4.5) and other findings. */
  readonly problems: readonly string[];
  readonly lookup: Lookup;
}

export interface DmarcReport {
  readonly status: LookupStatus;
  readonly record: string | null;
  /**
   * p= (RFC 7489 §6.3): none, quarantine, reject. "none" also when p= is
   * missing or invalid, or sp= invalid, and rua= holds a valid URI (§6.6.3
   * step 6); null when no policy applies.
   */
  readonly policy: string | null;
  readonly tags: Readonly<Record<string, string>>;
  readonly problems: readonly string[];
  readonly lookup: Lookup;
}

export interface MtaStsReport {
  readonly status: LookupStatus;
  readonly record: string | null;
  /** id= (RFC 8461 §3.1). */
  readonly id: string | null;
  readonly problems: readonly string[];
  readonly lookup: Lookup;
}

export interface TlsRptReport {
  readonly status: LookupStatus;
  readonly record: string | null;
  /** rua= URIs (RFC 8460 §3). */
  readonly rua: readonly string[];
  readonly problems: readonly string[];
  readonly lookup: Lookup;
}

export interface DkimReport {
  readonly selector: string;
  readonly status: LookupStatus;
  readonly record: string | null;
  /** k= (RFC 6376 §3.6.1; default rsa); null when no valid key record (§6.1.2: ignored). */
  readonly keyType: string | null;
  /** p= is empty: the key is revoked (RFC 6376 §3.6.1). */
  readonly revoked: boolean;
  readonly problems: readonly string[];
  readonly lookup: Lookup;
}

/** Overall: the weakest status of what was looked at; "error" when something got no answer. */
export type MailStatus = LookupStatus;

export interface MailReport {
  /** The domain, presentation form with trailing dot. */
  readonly domain: string;
  readonly status: MailStatus;
  /** One line: what an MTA does with this domain. */
  readonly summary: string;
  readonly mx: MxReport;
  /** In preference order (RFC 5321 §5.1); empty for a null MX, a bogus MX or a non-existent domain. */
  readonly hosts: readonly HostReport[];
  readonly spf: SpfReport;
  readonly dmarc: DmarcReport;
  readonly mtaSts: MtaStsReport;
  readonly tlsRpt: TlsRptReport;
  readonly dkim: readonly DkimReport[];
}
