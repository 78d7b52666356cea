/**
 * The DNSSEC lab from TypeScript: start/stop the lab (NSD authoritative
 * servers + a validating Unbound, see labctl.mjs) and ask the two reference
 * validators, Unbound and delv, for their verdict on a case.
 *
 *   const lab = await startLab();   // builds zones, starts servers (or reuses running ones)
 *   ... lab.resolver.address, lab.anchors.ds, lab.caFile, lab.cases ...
 *   await stopLab();                // stops them unless another test file still uses them
 */
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { accessSync, constants, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Status } from '../../src/types.js';
import { encodeQuery, extendedErrors, parseMessage, type Message } from '../../src/wire/message.js';
import { nameFromText } from '../../src/wire/name.js';
import { typeFromText } from '../../src/wire/rrtype.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const LABCTL = join(HERE, 'labctl.mjs');
const QUERY_TIMEOUT_MS = 5_000;
const DELV_TIMEOUT_MS = 30_000;
const LABCTL_TIMEOUT_MS = 110_000;

export type Verdict = Status;

export interface LabCase {
  readonly name: string;
  readonly qname: string;
  readonly qtype: string;
  readonly expected: Verdict;
  readonly why: string;
  /** The RFC text that decides the expected verdict. */
  readonly rfc?: string;
  /** RFC 8914 code Unbound 1.17.1 attaches to its SERVFAIL for the first query of the name (6 when answered from cache). */
  readonly ede?: number;
  /**
   * A documented disagreement: what delv (BIND 9.18) answers instead of
   * `expected`, and why the RFC named in `rfc` decides against it.
   */
  readonly delv?: { readonly verdict: Verdict; readonly note: string };
  /** The same for Unbound 1.17.1. */
  readonly unbound?: { readonly verdict: Verdict; readonly note: string };
}

export interface LabServer {
  readonly depth: number;
  readonly address: string;
  readonly port: number;
  readonly zones: readonly string[];
}

export interface LabEnv {
  readonly runDir: string;
  /** When the zones were signed (signatures expire 30 days later). */
  readonly builtAt: string;
  /** Hash of tree.mjs, build.mjs and daemons.mjs the running lab was built from. */
  readonly fingerprint: string;
  readonly resolver: {
    readonly address: string;
    readonly port: number;
    /** DNS over TLS (RFC 7858) on `address`. */
    readonly dotPort: number;
    /** DNS over HTTPS (RFC 8484) on `address`, path `dohPath`. */
    readonly dohPort: number;
    readonly dohPath: string;
    readonly dohUrl: string;
    /** Name in the server certificate (the certificate also holds the IP address). */
    readonly tlsName: string;
  };
  /** PEM of the CA that issued the resolver's TLS certificate. */
  readonly caFile: string;
  /** The lab root's KSK as a trust anchor, in four formats. */
  readonly anchors: { readonly ds: string; readonly dnskey: string; readonly xml: string; readonly delv: string };
  readonly rootKeyTag: number;
  /** Address of the lab root server (port 53). */
  readonly rootServer: string;
  readonly servers: readonly LabServer[];
  readonly rootHints: string;
  readonly zonesDir: string;
  readonly unboundConf: string;
  readonly unboundLog: string;
  readonly casesFile: string;
}

export interface StartedLab extends LabEnv {
  /** True when a lab that was already running is reused. */
  readonly reused: boolean;
  readonly cases: readonly LabCase[];
}

/** Tools the lab needs (and the Debian package of each). */
export const LAB_TOOLS: readonly (readonly [tool: string, pkg: string])[] = [
  ['nsd', 'nsd'],
  ['unbound', 'unbound'],
  ['dnssec-keygen', 'bind9-utils'],
  ['dnssec-signzone', 'bind9-utils'],
  ['ldns-signzone', 'ldnsutils'],
  ['dig', 'bind9-dnsutils'],
  ['delv', 'bind9-dnsutils'],
  ['openssl', 'openssl'],
];

const TOOL_PATH = `${process.env['PATH'] ?? ''}:/usr/sbin:/sbin`;

function runCommand(cmd: string, args: readonly string[], timeoutMs: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, [...args], { encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, PATH: TOOL_PATH }, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr: stderr || (err && !stdout ? err.message : '') });
    });
  });
}

/**
 * Why the lab cannot run here, or null when it can: a missing tool, or not
 * being root (NSD must bind port 53 on 127.77.x.1 because Unbound follows
 * referrals to port 53).
 */
export function labUnavailableReason(): string | null {
  const missing = LAB_TOOLS.filter(([tool]) => {
    const found = TOOL_PATH.split(':').some((dir) => {
      try {
        accessSync(join(dir, tool), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
    return !found;
  });
  if (missing.length > 0) {
    return `DNSSEC lab tools missing: ${missing.map(([t, p]) => `${t} (apt package ${p})`).join(', ')}`;
  }
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    return 'DNSSEC lab needs root: NSD binds port 53 on 127.77.x.1 (run as root, as .ci/run does)';
  }
  return null;
}

function userId(): string {
  return `node-${process.pid}`;
}

export function loadCases(file = join(HERE, 'cases.json')): LabCase[] {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { cases?: unknown };
  if (!Array.isArray(parsed.cases)) throw new Error(`${file}: no "cases" array`);
  return parsed.cases as LabCase[];
}

/** Builds and starts the lab (or reuses a running one) and returns its addresses, anchors and cases. */
export async function startLab(opts: { restart?: boolean } = {}): Promise<StartedLab> {
  const args = [LABCTL, 'start', '--user', userId(), ...(opts.restart ? ['--restart'] : [])];
  const r = await runCommand(process.execPath, args, LABCTL_TIMEOUT_MS);
  if (r.code !== 0) throw new Error(`lab start failed (exit ${r.code}): ${r.stderr.trim()}`);
  const env = JSON.parse(r.stdout) as LabEnv;
  return { ...env, reused: /lab reused/.test(r.stderr), cases: loadCases(env.casesFile) };
}

/** Stops the lab's servers by pid, unless another process that called startLab still uses them. */
export async function stopLab(): Promise<void> {
  const r = await runCommand(process.execPath, [LABCTL, 'stop', '--user', userId()], LABCTL_TIMEOUT_MS);
  if (r.code !== 0) throw new Error(`lab stop failed (exit ${r.code}): ${r.stderr.trim()}`);
}

function queryWire(qname: string, qtype: string, opts: { cd?: boolean } = {}): Uint8Array {
  const type = typeFromText(qtype);
  if (type === undefined) throw new Error(`unknown qtype ${qtype}`);
  return encodeQuery(nameFromText(qname), type, { id: Math.floor(Math.random() * 0x10000), cd: opts.cd ?? false, udpPayloadSize: 1232 });
}

function udpExchange(address: string, port: number, query: Uint8Array): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const sock = createSocket('udp4');
    const timer = setTimeout(() => {
      sock.close();
      reject(new Error(`no UDP answer from ${address}:${port} within ${QUERY_TIMEOUT_MS} ms`));
    }, QUERY_TIMEOUT_MS);
    sock.on('error', (err) => {
      clearTimeout(timer);
      sock.close();
      reject(err);
    });
    sock.on('message', (msg) => {
      // Only an answer to our query id counts (RFC 5452 §4.1).
      if (msg.length < 2 || msg[0] !== query[0] || msg[1] !== query[1]) return;
      clearTimeout(timer);
      sock.close();
      resolve(new Uint8Array(msg));
    });
    sock.send(query, port, address);
  });
}

/** DNS over TCP (RFC 7766 §8: two-octet length prefix). */
function tcpExchange(address: string, port: number, query: Uint8Array): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: address, port });
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no TCP answer from ${address}:${port} within ${QUERY_TIMEOUT_MS} ms`));
    }, QUERY_TIMEOUT_MS);
    sock.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    sock.on('connect', () => {
      const len = Buffer.from([query.length >> 8, query.length & 0xff]);
      sock.write(Buffer.concat([len, query]));
    });
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length < 2) return;
      const need = buf.readUInt16BE(0);
      if (buf.length < 2 + need) return;
      clearTimeout(timer);
      sock.end();
      resolve(new Uint8Array(buf.subarray(2, 2 + need)));
    });
  });
}

/** Sends one query to the lab resolver over UDP, retrying over TCP when truncated. */
export async function queryResolver(lab: LabEnv, qname: string, qtype: string, opts: { cd?: boolean } = {}): Promise<Message> {
  const q = queryWire(qname, qtype, opts);
  const first = parseMessage(await udpExchange(lab.resolver.address, lab.resolver.port, q));
  if (!first.flags.tc) return first;
  return parseMessage(await tcpExchange(lab.resolver.address, lab.resolver.port, q));
}

export interface UnboundVerdict {
  readonly verdict: Verdict;
  readonly rcode: number;
  readonly ede: readonly { infoCode: number; text: string }[];
}

/** Unbound's verdict from its answer: AD set = secure, SERVFAIL = bogus, otherwise insecure (RFC 4035 §3.2.3). */
export function unboundVerdictOf(msg: Message): UnboundVerdict {
  const verdict: Verdict = msg.rcode === 2 ? 'bogus' : msg.flags.ad ? 'secure' : 'insecure';
  return { verdict, rcode: msg.rcode, ede: extendedErrors(msg) };
}

export async function unboundVerdict(lab: LabEnv, qname: string, qtype: string): Promise<UnboundVerdict> {
  return unboundVerdictOf(await queryResolver(lab, qname, qtype));
}

export interface DelvVerdict {
  /** 'error' when delv failed for a reason other than validation (timeout, bad usage). */
  readonly verdict: Verdict | 'error';
  readonly output: string;
}

/**
 * delv's verdict from its comment lines. delv prints one status line per
 * RRset of the answer ("; fully validated", "; unsigned answer", both also
 * as "; negative response, ..."), so a CNAME/DNAME chain has several: the
 * answer is as strong as its weakest link. ";; resolution failed" for a
 * validation reason means bogus, even after a validated CNAME.
 */
export function delvVerdictOf(output: string): DelvVerdict['verdict'] {
  const lines = output.split('\n');
  const failed = lines.find((l) => l.startsWith(';; resolution failed'));
  if (failed !== undefined) {
    // Failures that say nothing about DNSSEC: the lab is broken, not bogus.
    if (/timed out|connection refused|network unreachable|no servers could be reached/i.test(failed)) return 'error';
    // delv reports a validated negative answer as "resolution failed: ncache ..."
    // followed by a "; negative response" status line.
    if (!/ncache/.test(failed)) return 'bogus';
  }
  const statuses = lines.filter((l) => /^; (negative response, )?(fully validated|unsigned answer)/.test(l));
  if (statuses.length === 0) return 'error';
  return statuses.some((l) => l.includes('unsigned answer')) ? 'insecure' : 'secure';
}

/**
 * Asks delv (BIND 9.18) to validate through the lab resolver with the lab's
 * root anchor: CD set so Unbound passes unvalidated data and delv decides.
 */
export async function delvVerdict(lab: LabEnv, qname: string, qtype: string): Promise<DelvVerdict> {
  const args = [`@${lab.resolver.address}`, '-p', String(lab.resolver.port), '-a', lab.anchors.delv, '+root=.', '+cdflag', qname, qtype];
  const r = await runCommand('delv', args, DELV_TIMEOUT_MS);
  const output = `${r.stdout}\n${r.stderr}`;
  return { verdict: delvVerdictOf(output), output };
}
