/**
 * An attacker between the stub and a real validating resolver: a UDP relay
 * in front of the lab's Unbound (test/lab) that removes every RRSIG, NSEC,
 * NSEC3 and DS record from the responses, the way a DNSSEC-unaware
 * middlebox or a downgrade attacker would. The answers must come out bogus
 * with EDE 10 (RRSIGs missing, RFC 8914 §4.11): an unsigned answer from a
 * zone whose chain of trust says it is signed is not insecure (RFC 4035 §5).
 *
 * Needs the lab (root, nsd, unbound, bind9-utils): without it this file
 * fails and says why.
 */
import { type Socket, createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNetworkSource } from '../../src/resolver/network-source.js';
import { createValidator } from '../../src/validator/validator.js';
import { loadTrustAnchorFile } from '../../src/dnssec/anchors.js';
import { encodeMessage, parseMessage } from '../../src/wire/message.js';
import { RRType } from '../../src/wire/rrtype.js';
import { EDE } from '../../src/types.js';
import { type StartedLab, labUnavailableReason, startLab, stopLab } from '../lab/lab.js';

const STRIPPED: ReadonlySet<number> = new Set([RRType.RRSIG, RRType.NSEC, RRType.NSEC3, RRType.DS]);
const RELAY_UPSTREAM_TIMEOUT_MS = 5_000;

interface Relay {
  readonly port: number;
  /** Responses relayed with at least one record removed. */
  stripped: number;
  close(): Promise<void>;
}

/**
 * A UDP relay on 127.0.0.1 that forwards each query to `upstream` and strips
 * DNSSEC records from the answer: from every response, or (`keysIntact`)
 * from all but the DNSKEY and DS responses, so the chain of trust still
 * validates and only the answers lose their signatures.
 */
async function startStrippingRelay(upstream: { address: string; port: number }, keysIntact: boolean): Promise<Relay> {
  const server = createSocket('udp4');
  const pending = new Set<Socket>();
  const relay: Relay = {
    port: 0,
    stripped: 0,
    async close() {
      for (const s of pending) s.close();
      pending.clear();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  server.on('message', (query, client) => {
    const out = createSocket('udp4');
    pending.add(out);
    const done = (): void => {
      clearTimeout(timer);
      if (pending.delete(out)) out.close();
    };
    const timer = setTimeout(done, RELAY_UPSTREAM_TIMEOUT_MS);
    out.on('error', done);
    out.on('message', (raw) => {
      done();
      let m;
      try {
        m = parseMessage(new Uint8Array(raw));
      } catch {
        return; // drop what does not parse
      }
      const qtype = m.question[0]?.type;
      const spare = keysIntact && (qtype === RRType.DNSKEY || qtype === RRType.DS);
      const keep = <T extends { type: number }>(rrs: readonly T[]): T[] => (spare ? [...rrs] : rrs.filter((rr) => !STRIPPED.has(rr.type)));
      const answer = keep(m.answer);
      const authority = keep(m.authority);
      const additional = keep(m.additional);
      if (answer.length + authority.length + additional.length < m.answer.length + m.authority.length + m.additional.length) relay.stripped++;
      const forged = encodeMessage({
        id: m.id,
        flags: m.flags,
        rcode: m.rcode,
        question: m.question,
        answer,
        authority,
        additional,
        ...(m.edns ? { edns: m.edns } : {}),
      });
      server.send(forged, client.port, client.address);
    });
    out.send(query, upstream.port, upstream.address);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.bind(0, '127.0.0.1', () => resolve());
  });
  (relay as { port: number }).port = server.address().port;
  return relay;
}

const unavailable = labUnavailableReason();
let lab: StartedLab | undefined;
let relay: Relay | undefined;
let answersOnly: Relay | undefined;

beforeAll(async () => {
  if (unavailable) throw new Error(`this test needs the DNSSEC lab (test/lab): ${unavailable}`);
  lab = await startLab();
  relay = await startStrippingRelay(lab.resolver, false);
  answersOnly = await startStrippingRelay(lab.resolver, true);
});

afterAll(async () => {
  await relay?.close();
  await answersOnly?.close();
  if (lab) await stopLab();
});

async function validateVia(port: number, host: string, name: string, type: string) {
  const source = createNetworkSource({ servers: [{ host, port }], timeoutMs: 3000, attempts: 2, cache: false });
  try {
    const validator = createValidator({ source, trustAnchors: loadTrustAnchorFile(lab!.anchors.ds, Math.floor(Date.now() / 1000)) });
    return await validator.validate(name, type);
  } finally {
    await source.close();
  }
}

describe('a relay that strips RRSIG/NSEC/NSEC3/DS in front of a real Unbound', () => {
  const questions: [string, string][] = [
    ['www.lab.', 'A'],
    ['mail.lab.', 'MX'],
    ['_25._tcp.mx1.mail.lab.', 'TLSA'],
    ['mail.lab.', 'TXT'],
  ];

  it.each(questions)('%s %s is secure straight from the resolver (control)', async (name, type) => {
    const r = await validateVia(lab!.resolver.port, lab!.resolver.address, name, type);
    expect(r.status, JSON.stringify(r.reasons)).toBe('secure');
  });

  it.each(questions)('%s %s through the relay is bogus with EDE 10 and no records', async (name, type) => {
    const before = relay!.stripped;
    const r = await validateVia(relay!.port, '127.0.0.1', name, type);
    expect(relay!.stripped).toBeGreaterThan(before);
    expect(r.status).toBe('bogus');
    expect(r.records).toEqual([]);
    expect(r.reasons[0]?.ede).toBe(EDE.RRSIGS_MISSING);
  });

  it.each(questions)('%s %s with only the answer stripped (keys intact) is bogus: RRSIGs missing on the answer', async (name, type) => {
    const r = await validateVia(answersOnly!.port, '127.0.0.1', name, type);
    expect(r.status).toBe('bogus');
    expect(r.records).toEqual([]);
    expect(r.reasons[0]?.ede).toBe(EDE.RRSIGS_MISSING);
    expect(r.reasons[0]?.text).toContain(`${name} ${type}`);
    // The chain of trust itself validated: the zone is known to be signed.
    expect(r.chain.some((step) => step.kind === 'delegation' && step.status === 'secure')).toBe(true);
  });

  it('a stripped denial of existence (NXDOMAIN without NSEC/RRSIG) is bogus, not insecure', async () => {
    const r = await validateVia(relay!.port, '127.0.0.1', 'nonexistent.lab.', 'A');
    expect(r.status).toBe('bogus');
    expect(r.reasons.length).toBeGreaterThan(0);
  });
});
