/**
 * `dnssec-stub doctor [--server HOST[:PORT]]... [--json]`: can the AD bit of
 * each resolver be trusted, and can dnssec-stub validate through it
 * (src/doctor). Exit status 0 when some server is usable for validation,
 * 1 when none is, 64 on a usage error.
 */
import { loadTrustAnchorFile } from '../dnssec/anchors.js';
import { type Diagnosis } from '../doctor/diagnose.js';
import { runDoctor } from '../doctor/doctor.js';
import { loadResolvConf, readTextFile } from '../resolver/resolv-conf.js';
import type { ServerAddress } from '../resolver/transport.js';
import { toName, ValidationInputError } from '../validator/validator.js';
import { nameToText } from '../wire/name.js';
import { parseTime } from './args.js';
import { type CliIo, UsageError } from './io.js';
import { DEFAULT_PORT, UPSTREAM_OPTIONS, parseOptions, upstreamArgs } from './options.js';
import { checkCaFile, readAnchorFiles } from './user-files.js';

export const DOCTOR_USAGE = `Usage: dnssec-stub doctor [options]

Checks each resolver: reachability (UDP and TCP), EDNS (and its UDP buffer),
DNSSEC records with DO=1 (RRSIG, DNSKEY, DS, NSEC/NSEC3), CD, whether it
validates (AD, SERVFAIL on a bogus name), whether it is on loopback (is its AD
trustworthy), and whether dnssec-stub can validate through it. The same checks
over --tcp, --tls and --https (the UDP buffer sizes only over UDP). Exit
status: 0 some server is usable for validation, 1 none is, 64 usage error.

  --server HOST[:PORT]   resolver to check (repeatable); default: resolv.conf's nameservers
  --tcp                  every probe over TCP (default: UDP, and TCP alone for reachability)
  --tls[=SERVERNAME]     DNS over TLS (port 853); the certificate must match SERVERNAME
                         (default: the server's IP address)
  --https URL            DNS over HTTPS (RFC 8484), e.g. https://127.0.0.1/dns-query
  --ca FILE              PEM CA bundle for --tls/--https instead of the system store
  --probe-name NAME      a signed zone to probe (default: the root, ".")
  --ds-name NAME         name whose DS is asked for (default: the probe name, or com.)
  --bogus-name NAME      a name that fails validation (e.g. dnssec-failed.org on the internet)
  --trust-anchor FILE    trust anchors for dnssec-stub's own validation, repeatable as for
                         validate (default: the shipped root anchors)
  --at TIME              validation time: ISO 8601 or unix seconds (default: now)
  --timeout MS           per probe, milliseconds (default 2000)
  --json                 one JSON object: { "servers": [ ... ] }
`;

/** The upstream and anchor options of every command (src/cli/options.ts), --at, and the doctor's own. */
const OPTIONS = {
  ...UPSTREAM_OPTIONS,
  at: { type: 'string' },
  'probe-name': { type: 'string' },
  'ds-name': { type: 'string' },
  'bogus-name': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function nameOption(flag: string, text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    return nameToText(toName(text));
  } catch (e) {
    if (e instanceof ValidationInputError) throw new UsageError(`--${flag}: ${e.message}`);
    throw e;
  }
}

const yesNo = (v: boolean | null): string => (v === null ? 'not tested' : v ? 'yes' : 'no');

export function formatDiagnosis(d: Diagnosis): string {
  const r = d.dnssecRecords;
  const lines = [
    `;; ${d.server} (${d.protocol})`,
    d.protocol === 'udp' ? `;;   reachable over UDP: ${yesNo(d.reachable)}, over TCP: ${yesNo(d.tcp)}` : `;;   reachable: ${yesNo(d.reachable)}`,
    `;;   EDNS: ${d.edns === null ? 'not tested' : !d.edns ? 'no' : d.ednsBuffer === null ? 'yes' : `yes, largest working buffer ${d.ednsBuffer}`}`,
    `;;   with DO=1: RRSIGs ${yesNo(r.rrsigs)}, DNSKEY ${yesNo(r.dnskey)}, DS ${yesNo(r.ds)}, denial ${r.denial ?? 'none'}`,
    `;;   CD honoured: ${yesNo(d.cdHonoured)}`,
    `;;   validates (AD on secure, SERVFAIL on bogus): ${yesNo(d.validates)}`,
    `;;   loopback: ${yesNo(d.loopback)}; AD trustworthy: ${yesNo(d.adTrustworthy)}`,
    `;;   dnssec-stub can validate through it: ${yesNo(d.usableForValidation)} - ${d.why}`,
    ...d.problems.map((p) => `;;   problem: ${p}`),
    ...d.advice.map((a) => `;;   advice: ${a}`),
  ];
  return lines.join('\n') + '\n';
}

export async function runDoctorCommand(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseOptions(args, OPTIONS, false);
  const v = parsed.values;
  if (v.help) {
    io.stdout.write(DOCTOR_USAGE);
    return 0;
  }
  const upstream = upstreamArgs(v);
  const { protocol, timeoutMs } = upstream;
  const now = v.at !== undefined ? parseTime(v.at) : Math.floor(Date.now() / 1000);
  const probeName = nameOption('probe-name', v['probe-name']);
  const dsName = nameOption('ds-name', v['ds-name']);
  const bogusName = nameOption('bogus-name', v['bogus-name']);
  const trustAnchors = readAnchorFiles(upstream.trustAnchorFiles, (file) => loadTrustAnchorFile(file, now));
  checkCaFile(upstream.caFile);
  const servers: ServerAddress[] =
    upstream.servers !== 'system'
      ? [...upstream.servers]
      : loadResolvConf(readTextFile).nameservers.map((host) => ({ host, port: DEFAULT_PORT[protocol] }));
  if (servers.length === 0 && protocol !== 'https') throw new UsageError('no resolver to check: give --server');
  const results = await runDoctor(servers, {
    trustAnchors,
    now,
    ...(probeName !== undefined ? { probeName } : {}),
    ...(dsName !== undefined ? { dsName } : {}),
    ...(bogusName !== undefined ? { bogusName } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    protocol,
    ...(upstream.tlsServerName !== undefined ? { tlsServerName: upstream.tlsServerName } : {}),
    ...(upstream.httpsUrl !== undefined ? { httpsUrl: upstream.httpsUrl } : {}),
    ...(upstream.caFile !== undefined ? { caFile: upstream.caFile } : {}),
  });
  if (v.json) io.stdout.write(JSON.stringify({ servers: results }) + '\n');
  else for (const d of results) io.stdout.write(formatDiagnosis(d));
  return results.some((d) => d.usableForValidation) ? 0 : 1;
}
