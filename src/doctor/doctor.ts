/**
 * `dnssec-stub doctor`: gathers the facts about each resolver (probe.ts, over
 * the transport asked for: probers.ts),
 * runs dnssec-stub's own validation through it, and diagnoses it
 * (diagnose.ts).
 *
 * Which names: `probeName` must be a signed zone the resolver can reach
 * (default the root: `. DNSKEY`); the DS probe asks for `dsName` (default:
 * the probe name, or `com.` when that is the root); the negative answer is
 * a random label under the probe name; `bogusName` is a name whose
 * validation fails (default none offline; on the internet
 * `dnssec-failed.org.` is a well-known one).
 */
import { randomBytes } from 'node:crypto';
import type { TrustAnchor } from '../dnssec/anchors.js';
import { createNetworkSource } from '../resolver/network-source.js';
import { type Protocol, type ServerAddress, errorText, formatServer } from '../resolver/transport.js';
import type { UpstreamOptions } from '../resolver/upstream.js';
import { UpstreamError } from '../validator/result.js';
import { createValidator } from '../validator/validator.js';
import { type Name, nameFromText, nameToText } from '../wire/name.js';
import { RRType } from '../wire/rrtype.js';
import { type Diagnosis, type ServerFacts, type ValidationFact, diagnose, isLoopback } from './diagnose.js';
import type { ProbeQuery, ProbeResult } from './probe.js';
import { type Prober, createProber } from './probers.js';

/** EDNS buffer sizes tried, largest first: 4096 (the old default), 1232 (DNS flag day 2020), 512 (RFC 1035). */
export const PROBE_BUFFERS = [4096, 1232, 512] as const;

export interface DoctorOptions {
  /** A signed zone (presentation form), default ".". */
  readonly probeName?: string;
  /** The name whose DS is asked for; default the probe name, or "com." for the root. */
  readonly dsName?: string;
  /** A name that is bogus (a validating resolver answers SERVFAIL); default none. */
  readonly bogusName?: string;
  /** Per probe, ms. Default 2000. */
  readonly timeoutMs?: number;
  readonly trustAnchors: readonly TrustAnchor[];
  /** Validation time, unix seconds. */
  readonly now: number;
  /** Transport: udp (default; also probed over TCP alone), tcp, tls or https: the same checks over each (probers.ts). */
  readonly protocol?: Protocol;
  readonly tlsServerName?: string;
  readonly caFile?: string;
  /** DoH URL; with no servers, the server is the URL's host. */
  readonly httpsUrl?: string;
}

/** The transport options of `opts`, for an upstream or a network source. */
function transportOptions(opts: DoctorOptions): Pick<UpstreamOptions, 'protocol' | 'tlsServerName' | 'caFile' | 'httpsUrl'> {
  return {
    protocol: opts.protocol ?? 'udp',
    ...(opts.tlsServerName !== undefined ? { tlsServerName: opts.tlsServerName } : {}),
    ...(opts.caFile !== undefined ? { caFile: opts.caFile } : {}),
    ...(opts.httpsUrl !== undefined ? { httpsUrl: opts.httpsUrl } : {}),
  };
}

function toName(text: string): Name {
  return nameFromText(text.endsWith('.') ? text : `${text}.`);
}

async function validateThrough(server: ServerAddress | undefined, name: Name, type: number, opts: DoctorOptions, timeoutMs: number): Promise<ValidationFact> {
  let source;
  try {
    source = createNetworkSource({ servers: server ? [server] : [], ...transportOptions(opts), timeoutMs, attempts: 2, cache: false });
  } catch (e) {
    return { status: 'error', error: e instanceof Error ? e.message : String(e) };
  }
  try {
    const r = await createValidator({ source, trustAnchors: opts.trustAnchors, clock: () => opts.now, resultCacheSize: 0 }).validate(name, type);
    return { status: r.status, rcode: r.rcode, reasons: r.reasons };
  } catch (e) {
    if (e instanceof UpstreamError) return { status: 'error', error: e.message };
    throw e;
  } finally {
    await source.close();
  }
}

/**
 * Gathers every fact about one server, over the transport asked for
 * (probers.ts): the same probes, flags and checks over UDP, TCP, DoT and
 * DoH. Probes go one after another: a doctor must not flood a resolver.
 */
export async function examine(server: ServerAddress | undefined, opts: DoctorOptions): Promise<ServerFacts> {
  const timeoutMs = opts.timeoutMs ?? 2000;
  const protocol = opts.protocol ?? 'udp';
  const probe = toName(opts.probeName ?? '.');
  const dsText = opts.dsName ?? (probe.length === 0 ? 'com.' : nameToText(probe));
  const ds = toName(dsText);
  const negative: Name = [`dnssec-stub-doctor-${randomBytes(6).toString('hex')}`, ...probe];
  const bogus = opts.bogusName !== undefined ? toName(opts.bogusName) : undefined;
  const q = (name: Name, type: number, flags: Partial<ProbeQuery> = {}): ProbeQuery => ({ name, type, do: true, cd: true, buffer: 1232, ...flags });
  const where = server ? formatServer(server) : (opts.httpsUrl ?? '');
  let prober: Prober;
  try {
    prober = createProber(server, { ...transportOptions(opts), protocol, timeoutMs });
  } catch (e) {
    const failed: ProbeResult = { ok: false, error: errorText(e) };
    return unreachable(where, protocol, connectsToLoopback(server, opts), `not reachable over ${protocol.toUpperCase()}: ${failed.error}`, failed, failed, probe, bogus);
  }
  try {
    const plain = q(probe, RRType.SOA, { do: false, cd: false, buffer: null });
    // Plain DNS: UDP alone and TCP alone; a stream transport: its first query stands for both.
    const udp = prober.plain ? await prober.plain.udp(plain) : await prober.ask(plain);
    const tcp = prober.plain ? await prober.plain.tcp(plain) : udp;
    if (!udp.ok && !tcp.ok) {
      const why = prober.plain ? `not reachable over UDP (${udp.error}) or TCP (${tcp.error})` : `not reachable over ${protocol.toUpperCase()} (${errorOf(udp)})`;
      return unreachable(prober.server, protocol, connectsToLoopback(server, opts), why, udp, tcp, probe, bogus);
    }
    const buffers = [];
    if (prober.plain) for (const size of PROBE_BUFFERS) buffers.push({ size, result: await prober.plain.udp(q(probe, RRType.DNSKEY, { buffer: size })) });
    const dnskey = await prober.ask(q(probe, RRType.DNSKEY));
    const dsProbe = ds.length > 0 ? await prober.ask(q(ds, RRType.DS)) : undefined;
    const negativeProbe = await prober.ask(q(negative, RRType.A));
    const secureAd = await prober.ask(q(probe, RRType.DNSKEY, { cd: false }));
    const bogusProbe = bogus ? await prober.ask(q(bogus, RRType.A, { cd: false })) : undefined;
    const bogusCd = bogus ? await prober.ask(q(bogus, RRType.A)) : undefined;
    const validation = await validateThrough(server, probe, RRType.DNSKEY, opts, timeoutMs);
    const denialValidation = await validateThrough(server, negative, RRType.A, opts, timeoutMs);
    return {
      server: prober.server,
      protocol,
      loopback: connectsToLoopback(server, opts),
      udp,
      tcp,
      buffers,
      dnskey,
      ds: dsProbe,
      negative: negativeProbe,
      secureAd,
      bogus: bogusProbe,
      bogusCd,
      validation,
      denialValidation,
      probeName: nameToText(probe),
      bogusName: bogus ? nameToText(bogus) : undefined,
    };
  } finally {
    await prober.close();
  }
}

/** The address the probes go to is on loopback (DoH without a server: the URL's host). */
function connectsToLoopback(server: ServerAddress | undefined, opts: DoctorOptions): boolean {
  if (server) return isLoopback(server.host);
  try {
    return opts.httpsUrl !== undefined && isLoopback(new URL(opts.httpsUrl).hostname.replace(/^\[(.*)\]$/, '$1'));
  } catch {
    return false;
  }
}

const errorOf = (p: ProbeResult): string => (p.ok ? 'ok' : p.error);

/** Nothing answered: no further probe would either (each would wait out its timeout). */
function unreachable(
  where: string,
  protocol: Protocol,
  loopback: boolean,
  error: string,
  udp: ProbeResult,
  tcp: ProbeResult,
  probe: Name,
  bogus: Name | undefined,
): ServerFacts {
  const none: ProbeResult = { ok: false, error };
  return {
    server: where,
    protocol,
    loopback,
    udp,
    tcp,
    buffers: [],
    dnskey: none,
    ds: undefined,
    negative: none,
    secureAd: none,
    bogus: bogus ? none : undefined,
    bogusCd: bogus ? none : undefined,
    validation: { status: 'error', error },
    denialValidation: { status: 'error', error },
    probeName: nameToText(probe),
    bogusName: bogus ? nameToText(bogus) : undefined,
  };
}

/** Examines and diagnoses each server in turn (DoH with a URL and no servers: the URL's server). */
export async function runDoctor(servers: readonly ServerAddress[], opts: DoctorOptions): Promise<Diagnosis[]> {
  const out: Diagnosis[] = [];
  if (servers.length === 0 && opts.protocol === 'https') out.push(diagnose(await examine(undefined, opts)));
  for (const s of servers) out.push(diagnose(await examine(s, opts)));
  return out;
}
