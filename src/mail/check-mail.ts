/**
 * `checkMail(domain, { validator })`: the report an MTA acts on — MX, per
 * host addresses, TLSA and the RFC 7672 DANE verdict, the policy TXT records
 * (SPF, DMARC, MTA-STS, TLS-RPT, DKIM) — each fact with its DNSSEC status,
 * and the overall status (the weakest of what was looked at).
 */
import { nameToText } from '../wire/name.js';
import { toName, type Validator } from '../validator/validator.js';
import { NO_ADDRESS_RFC, decideHost } from './dane.js';
import { type Fact, type HostFactsGathered, canonicalName, gatherHost, hostsOf, mxFact, txtFact, weakest } from './facts.js';
import { parseDkim } from './policy/dkim.js';
import { parseDmarc } from './policy/dmarc.js';
import { parseSpf } from './policy/spf.js';
import { parseMtaSts, parseTlsRpt } from './policy/sts.js';
import type { DkimReport, HostReport, LookupStatus, MailReport, MxReport } from './types.js';

export interface CheckMailOptions {
  /** The validator to ask (its caches are shared by every question of the report, and across reports). */
  readonly validator: Validator;
  /** DKIM selectors to look up at `<selector>._domainkey.<domain>`. Default: none. */
  readonly dkimSelectors?: readonly string[];
}

/** A TXT fact's records as texts; none when bogus or failed (fail closed: nothing to parse). */
function texts(f: Fact<string>): string[] {
  return f.lookup.status === 'secure' || f.lookup.status === 'insecure' ? [...f.records] : [];
}

function hostReport(mxStatus: LookupStatus, g: HostFactsGathered): HostReport {
  const d = decideHost({
    mxStatus,
    addressStatus: g.addressStatus,
    addressCount: g.addressCount,
    tlsa: g.tlsa.map((t) => ({ name: t.lookup.name, status: t.lookup.status, records: t.records })),
  });
  const shown = g.tlsa.length > 0 ? g.tlsa[d.tlsaIndex >= 0 ? d.tlsaIndex : g.tlsa.length - 1]! : undefined;
  return {
    name: g.host.name,
    preference: g.host.preference,
    addresses: {
      status: g.addressStatus,
      expanded: g.expanded,
      records: [...g.a.lookup.data, ...g.aaaa.lookup.data],
      lookups: [g.a.lookup, g.aaaa.lookup],
    },
    tlsa: shown
      ? {
          name: shown.lookup.name,
          status: shown.lookup.status,
          records: shown.records,
          usable: shown.records.filter((r) => r.usable).length,
          lookups: g.tlsa.map((t) => t.lookup),
        }
      : null,
    dane: d.dane,
    reason: d.reason,
    rfc: d.rfc,
  };
}

function summaryOf(domain: string, mx: MxReport, hosts: readonly HostReport[]): string {
  if (mx.status === 'bogus') return `${domain} MX is bogus: deliver nothing, defer (RFC 7672 §2.1.1)`;
  if (mx.status === 'error') return `${domain} MX lookup failed: defer (RFC 7672 §2.1.2)`;
  if (mx.lookup.rcode === 'NXDOMAIN') return `${domain} does not exist (${mx.status} NXDOMAIN): no mail`;
  if (mx.nullMx) return `${domain} accepts no mail: null MX (RFC 7505), ${mx.status}`;
  const count = (v: HostReport['dane']): number => hosts.filter((h) => h.dane === v).length;
  const parts = [`${hosts.length} host${hosts.length === 1 ? '' : 's'}${mx.implicit ? ' (implicit MX, RFC 5321 §5.1)' : ''}`];
  const required = count('required');
  const encrypt = count('encrypt');
  const opportunistic = count('opportunistic');
  const refused = count('do-not-deliver');
  const usable = hosts.length - refused;
  if (required) parts.push(`DANE required on ${required}`);
  if (encrypt) parts.push(`TLS mandatory without authentication on ${encrypt} (secure TLSA, none usable)`);
  if (opportunistic) parts.push(`opportunistic TLS on ${opportunistic}`);
  if (refused) parts.push(`do not deliver to ${refused}`);
  // RFC 7672 §2.2: only "opportunistic" hosts allow cleartext; "encrypt" hosts need TLS, "required" hosts authenticated TLS.
  const action =
    usable === 0
      ? 'defer: no usable host'
      : required === usable
        ? 'deliver with authenticated TLS'
        : opportunistic === 0
          ? required === 0
            ? 'deliver with mandatory TLS, not authenticated'
            : 'deliver with mandatory TLS; authenticated on some hosts only'
          : required + encrypt === 0
            ? 'deliver with opportunistic TLS'
            : 'deliver; TLS is mandatory on some hosts, opportunistic on others';
  return `${domain}: ${parts.join(', ')}: ${action}`;
}

/**
 * The overall status: the weakest status looked at; any host not to deliver
 * to because of a DNSSEC failure or a failed lookup makes it bogus (a host
 * that securely has no address is a fact, not a failure).
 */
function overall(mx: MxReport, hosts: readonly HostReport[], policies: readonly LookupStatus[]): LookupStatus {
  const statuses: LookupStatus[] = [mx.status, ...policies];
  for (const h of hosts) {
    statuses.push(h.addresses.status);
    if (h.tlsa) statuses.push(h.tlsa.status);
    if (h.dane === 'do-not-deliver' && h.rfc !== NO_ADDRESS_RFC) statuses.push('bogus');
  }
  return weakest(statuses);
}

/**
 * Builds the mail report of `domain`. Rejects only with ValidationInputError
 * for a domain that is not a name; every DNS outcome (including no answer)
 * is in the report.
 */
export async function checkMail(domain: string, options: CheckMailOptions): Promise<MailReport> {
  const v = options.validator;
  const name = nameToText(toName(domain));
  const sub = (label: string): string => canonicalName(`${label}.${name}`);
  const selectors = options.dkimSelectors ?? [];

  const mxPending = mxFact(v, name).then(async (mx) => {
    const shape = hostsOf(name, mx);
    const gathered = await Promise.all(shape.hosts.map((h) => gatherHost(v, h, mx.lookup.status)));
    return { mx, shape, gathered };
  });
  const [mxDone, spfF, dmarcF, stsF, rptF, dkimF] = await Promise.all([
    mxPending,
    txtFact(v, name),
    txtFact(v, sub('_dmarc')),
    txtFact(v, sub('_mta-sts')),
    txtFact(v, sub('_smtp._tls')),
    Promise.all(selectors.map((s) => txtFact(v, sub(`${s}._domainkey`)))),
  ]);

  const mxL = mxDone.mx.lookup;
  const mx: MxReport = {
    status: mxL.status,
    records: [...mxDone.mx.records].sort((a, b) => a.preference - b.preference).map((r) => ({ preference: r.preference, exchange: r.exchange })),
    nullMx: mxDone.shape.nullMx,
    implicit: mxDone.shape.implicit,
    lookup: mxL,
  };
  const hosts = mxDone.gathered.map((g) => hostReport(mxL.status, g));

  const spf = { status: spfF.lookup.status, ...parseSpf(texts(spfF)), lookup: spfF.lookup };
  const dmarc = { status: dmarcF.lookup.status, ...parseDmarc(texts(dmarcF)), lookup: dmarcF.lookup };
  const mtaSts = { status: stsF.lookup.status, ...parseMtaSts(texts(stsF)), lookup: stsF.lookup };
  const tlsRpt = { status: rptF.lookup.status, ...parseTlsRpt(texts(rptF)), lookup: rptF.lookup };
  const dkim: DkimReport[] = dkimF.map((f, i) => ({ selector: selectors[i]!, status: f.lookup.status, ...parseDkim(texts(f)), lookup: f.lookup }));

  const status = overall(mx, hosts, [spf.status, dmarc.status, mtaSts.status, tlsRpt.status, ...dkim.map((d) => d.status)]);
  return { domain: name, status, summary: summaryOf(name, mx, hosts), mx, hosts, spf, dmarc, mtaSts, tlsRpt, dkim };
}
