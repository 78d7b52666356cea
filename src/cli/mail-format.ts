/**
 * What `dnssec-stub mail` prints: a compact table per domain (pasteable
 * into a ticket), or one JSON object per domain.
 */
import type { HostReport, Lookup, MailReport, TlsaJudged } from '../mail/types.js';

const short = (hex: string): string => (hex.length > 16 ? `${hex.slice(0, 16)}...` : hex);
const tlsaText = (r: TlsaJudged): string => `${r.usage} ${r.selector} ${r.matchingType} ${short(r.data)}`;

function pad(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
}

function firstReason(l: Lookup): string {
  const r = l.reasons[0];
  return r ? ` (${r.text}${r.ede ? `, EDE ${r.ede}` : ''})` : '';
}

function hostLines(h: HostReport): string[] {
  const out: string[] = [];
  const addr = h.addresses.records.length ? h.addresses.records.join(' ') : 'none';
  out.push(`  ${h.name}${h.addresses.expanded !== h.name ? ` -> ${h.addresses.expanded}` : ''} addresses ${h.addresses.status}: ${addr}`);
  const bad = h.addresses.lookups.find((l) => l.status === 'bogus' || l.status === 'error');
  if (bad) out.push(`    ${bad.name} ${bad.type} ${bad.status}${firstReason(bad)}`);
  if (h.tlsa) {
    const t = h.tlsa;
    const tlsaLookup = t.lookups.find((l) => l.name === t.name);
    out.push(`  ${t.name} TLSA ${t.status}${tlsaLookup && t.status !== 'secure' && t.status !== 'insecure' ? firstReason(tlsaLookup) : ''}: ${t.records.length} record${t.records.length === 1 ? '' : 's'}, ${t.usable} usable`);
    for (const r of t.records) out.push(`    ${tlsaText(r)}  ${r.usable ? 'usable' : `unusable: ${r.problem}`}`);
  }
  out.push(`  DANE ${h.dane}: ${h.reason} (${h.rfc})`);
  return out;
}

const policyLine = (label: string, status: string, detail: string, problems: readonly string[]): string[] => [
  pad([label, status, detail], [9, 8]),
  ...problems.map((p) => `  problem: ${p}`),
];

/** The text report of one domain (newline-terminated). */
export function formatMailText(r: MailReport): string {
  const lines: string[] = [`;; mail report for ${r.domain}`];
  const mxData = r.mx.nullMx ? 'null MX (RFC 7505): no mail' : r.mx.implicit ? 'none: implicit MX (RFC 5321 §5.1)' : r.mx.records.map((m) => `${m.preference} ${m.exchange}`).join(', ') || (r.mx.lookup.rcode ?? '');
  lines.push(pad(['MX', r.mx.status, `${mxData}${r.mx.status === 'bogus' || r.mx.status === 'error' ? firstReason(r.mx.lookup) : ''}`], [9, 8]));
  if (r.hosts.length > 0) {
    const widths = [Math.max(4, ...r.hosts.map((h) => h.name.length)), 4, 9, 9, 6];
    lines.push(pad(['HOST', 'PREF', 'ADDRESSES', 'TLSA', 'USABLE', 'DANE'], widths));
    for (const h of r.hosts) {
      lines.push(pad([h.name, String(h.preference).padStart(4), h.addresses.status, h.tlsa?.status ?? '-', h.tlsa ? `${h.tlsa.usable}/${h.tlsa.records.length}` : '-', h.dane], widths));
    }
    for (const h of r.hosts) lines.push(...hostLines(h));
  }
  lines.push(...policyLine('SPF', r.spf.status, r.spf.record ?? 'none', r.spf.problems));
  lines.push(...policyLine('DMARC', r.dmarc.status, r.dmarc.record ? `p=${r.dmarc.policy ?? '?'}  ${r.dmarc.record}` : 'none', r.dmarc.problems));
  lines.push(...policyLine('MTA-STS', r.mtaSts.status, r.mtaSts.record ? `id=${r.mtaSts.id ?? '?'}  ${r.mtaSts.record}` : 'none', r.mtaSts.problems));
  lines.push(...policyLine('TLS-RPT', r.tlsRpt.status, r.tlsRpt.record ?? 'none', r.tlsRpt.problems));
  for (const d of r.dkim) lines.push(...policyLine(`DKIM ${d.selector}`, d.status, d.record ? `k=${d.keyType ?? '?'}${d.revoked ? ' (revoked)' : ''}` : 'none', d.problems));
  lines.push(`; ${r.status}: ${r.summary}`);
  return lines.join('\n') + '\n';
}

const lookupJson = (l: Lookup) => ({
  name: l.name,
  type: l.type,
  status: l.status,
  rcode: l.rcode,
  records: l.data,
  reasons: l.reasons.map((x) => ({ ede: x.ede, text: x.text, zone: x.zone ?? null })),
});

/** The --json object of one domain: the report's facts and decisions, and every question asked (`lookups`). */
export function mailJson(r: MailReport): unknown {
  const lookups: Lookup[] = [r.mx.lookup];
  for (const h of r.hosts) lookups.push(...h.addresses.lookups, ...(h.tlsa?.lookups ?? []));
  lookups.push(r.spf.lookup, r.dmarc.lookup, r.mtaSts.lookup, r.tlsRpt.lookup, ...r.dkim.map((d) => d.lookup));
  return {
    domain: r.domain,
    status: r.status,
    summary: r.summary,
    mx: { status: r.mx.status, records: r.mx.records, nullMx: r.mx.nullMx, implicit: r.mx.implicit },
    hosts: r.hosts.map((h) => ({
      name: h.name,
      preference: h.preference,
      addresses: { status: h.addresses.status, expanded: h.addresses.expanded, records: h.addresses.records },
      tlsa: h.tlsa ? { name: h.tlsa.name, status: h.tlsa.status, records: h.tlsa.records, usable: h.tlsa.usable } : null,
      dane: h.dane,
      reason: h.reason,
      rfc: h.rfc,
    })),
    spf: { status: r.spf.status, record: r.spf.record, problems: r.spf.problems },
    dmarc: { status: r.dmarc.status, record: r.dmarc.record, policy: r.dmarc.policy, tags: r.dmarc.tags, problems: r.dmarc.problems },
    mtaSts: { status: r.mtaSts.status, record: r.mtaSts.record, id: r.mtaSts.id, problems: r.mtaSts.problems },
    tlsRpt: { status: r.tlsRpt.status, record: r.tlsRpt.record, rua: r.tlsRpt.rua, problems: r.tlsRpt.problems },
    dkim: r.dkim.map((d) => ({ selector: d.selector, status: d.status, record: d.record, keyType: d.keyType, revoked: d.revoked, problems: d.problems })),
    lookups: lookups.map(lookupJson),
  };
}
