/**
 * `dnssec-stub doctor`: gathers the facts about each resolver (probe.ts),
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
import { type Protocol, type ServerAddress, formatServer } from '../resolver/transport.js';
import { type UpstreamOptions, createUpstream } from '../resolver/upstream.js';
import { UpstreamError } from '../validator/result.js';
import { createValidator } from '../validator/validator.js';
import { type Name, nameFromText, nameToText } from '../wire/name.js';
import { RRType } from '../wire/rrtype.js';
import { type Diagnosis, type ServerFacts, type ValidationFact, diagnose, isLoopback } from './diagnose.js';
import { type ProbeQuery, type ProbeResult, probeFull, probeTcp, probeUdp, summarise } from './probe.js';

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
  /** Transport: udp (default; probed over UDP and TCP), tls or https (only what DO=1 CD=1 queries show). */
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

/** Gathers every fact about one server (probes one after another: a doctor must not flood a resolver). */
export async function examine(server: ServerAddress, opts: DoctorOptions): Promise<ServerFacts> {
  const timeoutMs = opts.timeoutMs ?? 2000;
  const probe = toName(opts.probeName ?? '.');
  const dsText = opts.dsName ?? (probe.length === 0 ? 'com.' : nameToText(probe));
  const ds = toName(dsText);
  const negative: Name = [`dnssec-stub-doctor-${randomBytes(6).toString('hex')}`, ...probe];
  const bogus = opts.bogusName !== undefined ? toName(opts.bogusName) : undefined;
  const q = (name: Name, type: number, flags: Partial<ProbeQuery> = {}): ProbeQuery => ({ name, type, do: true, cd: true, buffer: 1232, ...flags });

  const plain = q(probe, RRType.SOA, { do: false, cd: false, buffer: null });
  const udp = await probeUdp(server, plain, timeoutMs);
  const tcp = await probeTcp(server, plain, timeoutMs);
  if (!udp.ok && !tcp.ok) return unreachable(server, udp, tcp, probe, bogus);
  const buffers = [];
  for (const size of PROBE_BUFFERS) buffers.push({ size, result: await probeUdp(server, q(probe, RRType.DNSKEY, { buffer: size }), timeoutMs) });
  const dnskey = await probeFull(server, q(probe, RRType.DNSKEY), timeoutMs);
  const dsProbe = ds.length > 0 ? await probeFull(server, q(ds, RRType.DS), timeoutMs) : undefined;
  const negativeProbe = await probeFull(server, q(negative, RRType.A), timeoutMs);
  const secureAd = await probeFull(server, q(probe, RRType.DNSKEY, { cd: false }), timeoutMs);
  const bogusProbe = bogus ? await probeFull(server, q(bogus, RRType.A, { cd: false }), timeoutMs) : undefined;
  const bogusCd = bogus ? await probeFull(server, q(bogus, RRType.A), timeoutMs) : undefined;
  const validation = await validateThrough(server, probe, RRType.DNSKEY, opts, timeoutMs);
  const denialValidation = await validateThrough(server, negative, RRType.A, opts, timeoutMs);
  return {
    server: formatServer(server),
    protocol: 'udp',
    loopback: isLoopback(server.host),
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
}

/** Nothing answered over UDP or TCP: no further probe would either (each would wait out its timeout). */
function unreachable(server: ServerAddress, udp: ProbeResult, tcp: ProbeResult, probe: Name, bogus: Name | undefined): ServerFacts {
  const error = `not reachable over UDP (${udp.ok ? 'ok' : udp.error}) or TCP (${tcp.ok ? 'ok' : tcp.error})`;
  const none: ProbeResult = { ok: false, error };
  return {
    server: formatServer(server),
    protocol: 'udp',
    loopback: isLoopback(server.host),
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

/**
 * DoT or DoH: the transports send dnssec-stub's own queries only (DO=1,
 * CD=1, EDNS 1232), so reachability, the DNSSEC records and dnssec-stub's
 * verdicts are checked; AD, CD, EDNS buffers and plain TCP are not.
 */
export async function examineEncrypted(server: ServerAddress | undefined, opts: DoctorOptions): Promise<ServerFacts> {
  const timeoutMs = opts.timeoutMs ?? 2000;
  const probe = toName(opts.probeName ?? '.');
  const ds = toName(opts.dsName ?? (probe.length === 0 ? 'com.' : nameToText(probe)));
  const negative: Name = [`dnssec-stub-doctor-${randomBytes(6).toString('hex')}`, ...probe];
  const bogus = opts.bogusName !== undefined ? toName(opts.bogusName) : undefined;
  const notTested: ProbeResult = { ok: false, error: `not tested over ${opts.protocol === 'https' ? 'DoH' : 'DoT'}` };
  let upstream;
  try {
    upstream = createUpstream({ servers: server ? [server] : [], ...transportOptions(opts), timeoutMs, attempts: 2 });
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    return { ...unreachable(server ?? { host: '0.0.0.0', port: 0 }, { ok: false, error }, { ok: false, error }, probe, bogus), protocol: opts.protocol ?? 'tls' };
  }
  const ask = async (name: Name, type: number): Promise<ProbeResult> => {
    try {
      const r = await upstream.query({ name, type });
      return { ok: true, reply: summarise(r.message, r.raw.length) };
    } catch (e) {
      return { ok: false, error: e instanceof Error ? e.message : String(e) };
    }
  };
  try {
    const reach = await ask(probe, RRType.SOA);
    const dnskey = await ask(probe, RRType.DNSKEY);
    const dsProbe = ds.length > 0 ? await ask(ds, RRType.DS) : undefined;
    const negativeProbe = await ask(negative, RRType.A);
    const bogusCd = bogus ? await ask(bogus, RRType.A) : undefined;
    const validation = await validateThrough(server, probe, RRType.DNSKEY, opts, timeoutMs);
    const denialValidation = await validateThrough(server, negative, RRType.A, opts, timeoutMs);
    return {
      server: upstream.servers[0] ?? '',
      protocol: upstream.protocol,
      loopback: server !== undefined && isLoopback(server.host),
      udp: reach,
      tcp: reach,
      buffers: [],
      dnskey,
      ds: dsProbe,
      negative: negativeProbe,
      secureAd: notTested,
      bogus: bogus ? notTested : undefined,
      bogusCd,
      validation,
      denialValidation,
      probeName: nameToText(probe),
      bogusName: bogus ? nameToText(bogus) : undefined,
    };
  } finally {
    await upstream.close();
  }
}

/** Examines and diagnoses each server in turn (DoH with a URL and no servers: the URL's server). */
export async function runDoctor(servers: readonly ServerAddress[], opts: DoctorOptions): Promise<Diagnosis[]> {
  const out: Diagnosis[] = [];
  const protocol = opts.protocol ?? 'udp';
  if (protocol === 'tls' || protocol === 'https') {
    if (servers.length === 0) out.push(diagnose(await examineEncrypted(undefined, opts)));
    for (const s of servers) out.push(diagnose(await examineEncrypted(s, opts)));
    return out;
  }
  for (const s of servers) out.push(diagnose(await examine(s, opts)));
  return out;
}
