/**
 * The probes of `dnssec-stub doctor`: single queries with chosen flags (DO,
 * CD, EDNS buffer size, or no EDNS at all) to one server over UDP or TCP,
 * summarised as facts for diagnose.ts. The answers are checked as every
 * answer is (our ID and question, RFC 5452 §9.1); a probe that gets none
 * records why.
 */
import { connect } from 'node:net';
import { type Message, encodeMessage } from '../wire/message.js';
import type { Name } from '../wire/name.js';
import { RRType } from '../wire/rrtype.js';
import { rrsigTypeCovered } from '../dnssec/records.js';
import { FrameReader, frameMessage } from '../resolver/tcp.js';
import { type ServerAddress, TransportError, checkResponse, errorText, formatServer, guarded, newStats, randomId } from '../resolver/transport.js';
import { udpTry } from '../resolver/udp.js';

export interface ProbeQuery {
  readonly name: Name;
  readonly type: number;
  /** DNSSEC OK (RFC 3225). */
  readonly do: boolean;
  /** Checking disabled (RFC 4035 §3.2.2). */
  readonly cd: boolean;
  /** EDNS UDP payload size; null: no EDNS at all. */
  readonly buffer: number | null;
}

/** What one probe saw. */
export interface ProbeReply {
  readonly rcode: number;
  readonly ad: boolean;
  readonly tc: boolean;
  /** The reply carried an OPT record (RFC 6891). */
  readonly edns: boolean;
  readonly size: number;
  readonly answer: readonly number[];
  readonly authority: readonly number[];
  /** Types covered by the RRSIGs of the answer section. */
  readonly signedInAnswer: readonly number[];
}

export type ProbeResult = { readonly ok: true; readonly reply: ProbeReply } | { readonly ok: false; readonly error: string };

export function summarise(m: Message, size: number): ProbeReply {
  const covered = m.answer.filter((rr) => rr.type === RRType.RRSIG).flatMap((rr) => rrsigTypeCovered(rr.rdata) ?? []);
  return {
    rcode: m.rcode,
    ad: m.flags.ad === true,
    tc: m.flags.tc === true,
    edns: m.edns !== undefined,
    size,
    answer: m.answer.map((rr) => rr.type),
    authority: m.authority.map((rr) => rr.type),
    signedInAnswer: covered,
  };
}

/** The probe's octets with message ID `id` (DoH: 0, RFC 8484 §4.1). */
export function encodeProbe(q: ProbeQuery, id: number): Uint8Array {
  return encodeMessage({
    id,
    flags: { rd: true, cd: q.cd },
    question: [{ name: q.name, type: q.type, class: 1 }],
    ...(q.buffer !== null ? { edns: { udpPayloadSize: q.buffer, version: 0, dnssecOk: q.do, options: [] } } : {}),
  });
}

/** One UDP query; the reply as it came (TC=1 included). */
export async function probeUdp(server: ServerAddress, q: ProbeQuery, timeoutMs: number): Promise<ProbeResult> {
  const id = randomId();
  try {
    const got = await udpTry(server, encodeProbe(q, id), { id, name: q.name, type: q.type, class: 1 }, { timeoutMs, stats: newStats() });
    return { ok: true, reply: summarise(got.message, got.raw.length) };
  } catch (e) {
    return { ok: false, error: errorText(e) };
  }
}

/** One TCP query on a connection of its own (RFC 7766), closed afterwards. */
export async function probeTcp(server: ServerAddress, q: ProbeQuery, timeoutMs: number): Promise<ProbeResult> {
  const id = randomId();
  const where = formatServer(server);
  try {
    const got = await guarded<{ message: Message; raw: Uint8Array }>({ timeoutMs, server: where, what: 'TCP probe' }, (ctl) => {
      const socket = connect({ host: server.host, port: server.port });
      ctl.onSettle(() => socket.destroy());
      const reader = new FrameReader();
      socket.on('error', (err) => ctl.reject(new TransportError('network', `TCP probe to ${where}: ${errorText(err)}`, where)));
      socket.on('close', () => ctl.reject(new TransportError('network', `TCP probe to ${where}: connection closed without an answer`, where)));
      socket.on('connect', () => socket.write(frameMessage(encodeProbe(q, id))));
      socket.on('data', (chunk: Buffer) => {
        for (const raw of reader.push(new Uint8Array(chunk))) {
          const check = checkResponse(raw, { id, name: q.name, type: q.type, class: 1 });
          if (check.ok) ctl.resolve({ message: check.message, raw });
        }
      });
    });
    return { ok: true, reply: summarise(got.message, got.raw.length) };
  } catch (e) {
    return { ok: false, error: errorText(e) };
  }
}

/** UDP, then TCP when the UDP reply was truncated (what a stub does, RFC 7766 §5). */
export async function probeFull(server: ServerAddress, q: ProbeQuery, timeoutMs: number): Promise<ProbeResult> {
  const udp = await probeUdp(server, q, timeoutMs);
  if (udp.ok && udp.reply.tc) {
    const tcp = await probeTcp(server, q, timeoutMs);
    if (tcp.ok) return tcp;
  }
  return udp;
}
