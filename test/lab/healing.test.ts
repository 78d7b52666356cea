/**
 * The upstream layer heals, against the lab's real Unbound (issue 12 item 3,
 * issue 13 "Measured now" 2), with a fault-injecting proxy in front of it
 * (test/support/fault-proxy.ts):
 *
 * - 30% random loss on every datagram, each way: at least 99% of the
 *   validations of every lab case reach the case's verdict within the
 *   default deadline (no cache: every validation walks its whole chain).
 * - A first server that strips RRSIG/NSEC/NSEC3/DS: the bogus verdict
 *   (EDE 10) is a path problem, so the validator asks the next server
 *   before concluding, as Unbound does, and the answer is secure.
 *
 * Needs the lab (root, nsd, unbound, bind9-utils): without it this file
 * fails and says why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTrustAnchorFile } from '../../src/dnssec/anchors.js';
import { createNetworkSource } from '../../src/resolver/network-source.js';
import type { ServerAddress } from '../../src/resolver/transport.js';
import { EDE } from '../../src/types.js';
import { UpstreamError } from '../../src/validator/result.js';
import { createValidator } from '../../src/validator/validator.js';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { type StartedLab, labUnavailableReason, startLab, stopLab } from './lab.js';

const LOSS = 0.3;
/** Validations of each case under loss. */
const ROUNDS = 2;
/** Validations run at once (bounded: the machine is shared). */
const PARALLEL = 8;

const unavailable = labUnavailableReason();
let lab: StartedLab | undefined;
let lossy: FaultProxy | undefined;
let stripping: FaultProxy | undefined;

beforeAll(async () => {
  if (unavailable) throw new Error(`this test needs the DNSSEC lab (test/lab): ${unavailable}`);
  lab = await startLab();
  const upstream = { host: lab.resolver.address, port: lab.resolver.port };
  lossy = await startFaultProxy({ upstream, loss: LOSS, seed: 1213 });
  stripping = await startFaultProxy({ upstream, loss: 0, strip: true });
}, 180_000);

afterAll(async () => {
  await lossy?.close();
  await stripping?.close();
  if (lab) await stopLab();
});

function anchors() {
  return loadTrustAnchorFile(lab!.anchors.ds, Math.floor(Date.now() / 1000));
}

async function validateVia(servers: ServerAddress[], qname: string, qtype: string): Promise<{ status: string; ede?: number | null; error?: string }> {
  // resolv.conf-like settings (5 s per try, 2 attempts), no response cache; the validator's default deadline.
  const source = createNetworkSource({ servers, timeoutMs: 5000, attempts: 2, cache: false });
  try {
    const r = await createValidator({ source, trustAnchors: anchors() }).validate(qname, qtype);
    return { status: r.status, ...(r.reasons[0] ? { ede: r.reasons[0].ede } : {}) };
  } catch (e) {
    if (e instanceof UpstreamError) return { status: 'error', error: e.message };
    throw e;
  } finally {
    await source.close();
  }
}

describe('30% packet loss each way between the stub and the lab resolver', () => {
  it(`≥ 99% of ${ROUNDS} validations of every lab case reach the expected verdict within the default deadline`, async () => {
    const jobs = lab!.cases.flatMap((c) => Array.from({ length: ROUNDS }, () => c));
    const wrong: string[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < jobs.length) {
        const c = jobs[next++]!;
        const r = await validateVia([lossy!.address], c.qname, c.qtype);
        if (r.status !== c.expected) wrong.push(`${c.name}: ${r.status}${r.ede !== undefined ? ` (EDE ${r.ede})` : ''}${r.error ? `: ${r.error}` : ''}`);
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    const right = jobs.length - wrong.length;
    const c = lossy!.counts;
    console.info(`30% loss each way: ${right}/${jobs.length} validations right; datagrams dropped ${c.udpDroppedIn}/${c.udpIn} queries, ${c.udpDroppedOut}/${c.udpOut} answers; ${c.tcpConnections} TCP connections${wrong.length ? `; wrong: ${wrong.join(', ')}` : ''}`);
    // The loss was real.
    expect(lossy!.counts.udpDroppedIn + lossy!.counts.udpDroppedOut).toBeGreaterThan(jobs.length);
    expect(right / jobs.length, wrong.join('\n')).toBeGreaterThanOrEqual(0.99);
  }, 600_000);
});

describe('a bogus answer a path could cause is checked through the next server (Unbound validator retry)', () => {
  const questions: [string, string][] = [
    ['www.lab.', 'A'],
    ['mail.lab.', 'MX'],
    ['_25._tcp.mx1.mail.lab.', 'TLSA'],
    ['nonexistent.lab.', 'A'],
  ];

  it.each(questions)('%s %s through the stripping server alone is bogus with EDE 10 or 12 (control)', async (name, type) => {
    const r = await validateVia([stripping!.address], name, type);
    expect(r.status).toBe('bogus');
    expect([EDE.RRSIGS_MISSING, EDE.NSEC_MISSING]).toContain(r.ede);
  });

  it.each(questions)('%s %s with the stripping server first and the real one second validates as without it', async (name, type) => {
    const before = stripping!.counts.udpIn;
    const r = await validateVia([stripping!.address, { host: lab!.resolver.address, port: lab!.resolver.port }], name, type);
    // The stripping server was asked first (it is first in the list and healthy) ...
    expect(stripping!.counts.udpIn).toBeGreaterThan(before);
    // ... and the verdict is the one the real data gives (a secure answer, or a secure NXDOMAIN).
    expect(r.status).toBe('secure');
  });
});
