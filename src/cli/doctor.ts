/**
 * `dnssec-stub doctor [--server HOST[:PORT]]... [--json]`: can the AD bit of
 * each resolver be trusted, and can dnssec-stub validate through it
 * (src/doctor). Exit status 0 when some server is usable for validation,
 * 1 when none is, 64 on a usage error.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_ROOT_ANCHORS_PATH, loadTrustAnchorFile } from '../dnssec/anchors.js';
import { type Diagnosis } from '../doctor/diagnose.js';
import { runDoctor } from '../doctor/doctor.js';
import { loadResolvConf, readTextFile } from '../resolver/resolv-conf.js';
import type { Protocol, ServerAddress } from '../resolver/transport.js';
import { toName, ValidationInputError } from '../validator/validator.js';
import { nameToText } from '../wire/name.js';
import { UsageError, parseServer, parseTime } from './args.js';
import { type CliIo, errorLine } from './io.js';

export const DOCTOR_USAGE = `Usage: dnssec-stub doctor [options]

Checks each resolver: UDP and TCP, EDNS buffer, DNSSEC records with DO=1
(RRSIG, DNSKEY, DS, NSEC/NSEC3), CD, whether it validates (AD, SERVFAIL on a
bogus name), whether it is on loopback (is its AD trustworthy), and whether
dnssec-stub can validate through it. Exit status: 0 some server is usable for
validation, 1 none is, 64 usage error.

  --server HOST[:PORT]   resolver to check (repeatable); default: resolv.conf's nameservers
  --tls[=SERVERNAME]     DNS over TLS (port 853): reachability, DNSSEC records and dnssec-stub's
                         verdicts only (AD, CD and EDNS buffers are not probed over TLS)
  --https URL            DNS over HTTPS (RFC 8484), the same checks as --tls
  --ca FILE              PEM CA bundle for --tls/--https instead of the system store
  --probe-name NAME      a signed zone to probe (default: the root, ".")
  --ds-name NAME         name whose DS is asked for (default: the probe name, or com.)
  --bogus-name NAME      a name that fails validation (e.g. dnssec-failed.org on the internet)
  --trust-anchor FILE    trust anchors for dnssec-stub's own validation (default: the shipped root anchors)
  --at TIME              validation time: ISO 8601 or unix seconds (default: now)
  --timeout MS           per probe, milliseconds (default 2000)
  --json                 one JSON object: { "servers": [ ... ] }
`;

const OPTIONS = {
  server: { type: 'string', multiple: true },
  tls: { type: 'string' },
  https: { type: 'string' },
  ca: { type: 'string' },
  'probe-name': { type: 'string' },
  'ds-name': { type: 'string' },
  'bogus-name': { type: 'string' },
  'trust-anchor': { type: 'string' },
  at: { type: 'string' },
  timeout: { type: 'string' },
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
    d.protocol === 'udp' || d.protocol === 'tcp' ? `;;   reachable over UDP: ${yesNo(d.reachable)}, over TCP: ${yesNo(d.tcp)}` : `;;   reachable: ${yesNo(d.reachable)}`,
    `;;   EDNS: ${d.ednsBuffer === null ? 'no' : `yes, largest working buffer ${d.ednsBuffer}`}`,
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
  let parsed;
  try {
    // A bare --tls means "no server name": parseArgs wants a value.
    const expanded = args.map((a) => (a === '--tls' ? '--tls=' : a));
    parsed = parseArgs({ args: expanded, options: OPTIONS, allowPositionals: false, strict: true });
  } catch (e) {
    throw new UsageError((errorLine(e).split('. ')[0] ?? 'bad arguments').replace(/\.$/, ''));
  }
  const v = parsed.values;
  if (v.help) {
    io.stdout.write(DOCTOR_USAGE);
    return 0;
  }
  let timeoutMs: number | undefined;
  if (v.timeout !== undefined) {
    if (!/^\d{1,9}$/.test(v.timeout) || Number(v.timeout) < 1) throw new UsageError(`--timeout ${JSON.stringify(v.timeout)}: a positive number of milliseconds`);
    timeoutMs = Number(v.timeout);
  }
  const now = v.at !== undefined ? parseTime(v.at) : Math.floor(Date.now() / 1000);
  if (v.tls !== undefined && v.https !== undefined) throw new UsageError('--tls and --https cannot be combined: choose one transport');
  const protocol: Protocol = v.tls !== undefined ? 'tls' : v.https !== undefined ? 'https' : 'udp';
  if (v.ca !== undefined && protocol === 'udp') throw new UsageError('--ca is for --tls or --https');
  if (v.https !== undefined && !/^https:\/\/[^/]/.test(v.https)) throw new UsageError(`--https ${JSON.stringify(v.https)}: the URL must start with https://`);
  const port = protocol === 'tls' ? 853 : protocol === 'https' ? 443 : 53;
  const servers: ServerAddress[] = v.server
    ? v.server.map((s) => parseServer(s, port))
    : protocol === 'https'
      ? []
      : loadResolvConf(readTextFile).nameservers.map((host) => ({ host, port }));
  if (servers.length === 0 && protocol !== 'https') throw new UsageError('no resolver to check: give --server');
  const anchorFile = v['trust-anchor'] ?? DEFAULT_ROOT_ANCHORS_PATH;
  let trustAnchors;
  try {
    trustAnchors = loadTrustAnchorFile(anchorFile, now);
  } catch (e) {
    throw new UsageError(`--trust-anchor ${anchorFile}: ${errorLine(e)}`);
  }
  const probeName = nameOption('probe-name', v['probe-name']);
  const dsName = nameOption('ds-name', v['ds-name']);
  const bogusName = nameOption('bogus-name', v['bogus-name']);
  const results = await runDoctor(servers, {
    trustAnchors,
    now,
    ...(probeName !== undefined ? { probeName } : {}),
    ...(dsName !== undefined ? { dsName } : {}),
    ...(bogusName !== undefined ? { bogusName } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    protocol,
    ...(v.tls ? { tlsServerName: v.tls } : {}),
    ...(v.https !== undefined ? { httpsUrl: v.https } : {}),
    ...(v.ca !== undefined ? { caFile: v.ca } : {}),
  });
  if (v.json) io.stdout.write(JSON.stringify({ servers: results }) + '\n');
  else for (const d of results) io.stdout.write(formatDiagnosis(d));
  return results.some((d) => d.usableForValidation) ? 0 : 1;
}
