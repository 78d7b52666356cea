/**
 * A fault-injecting DNS proxy for the lab tests (issue 13 item 4): it sits
 * between dnssec-stub and the lab's real Unbound, forwards every query over
 * UDP or TCP unchanged, and applies one fault class to the responses. It never
 * answers on its own: every response it sends is Unbound's, edited (or, for
 * the replay faults, another of Unbound's earlier responses; for the spoof
 * race, a forged copy sent first with a wrong ID).
 *
 * Listens on 127.0.0.1 on one ephemeral port for UDP and TCP; one upstream.
 */
import { createSocket, type Socket } from 'node:dgram';
import { createServer, connect, type Server, type Socket as TcpSocket } from 'node:net';
import { type Message, type RR, encodeMessage, parseMessage } from '../../src/wire/message.js';
import { RRType, Rcode } from '../../src/wire/rrtype.js';
import { nameEquals, nameKey } from '../../src/wire/name.js';
import { readRrsig } from '../../src/dnssec/records.js';

export const FAULTS = [
  'none',
  'strip-rrsigs',
  'strip-answer-rrsigs',
  'flip-signed-rdata',
  'flip-rrsig',
  'forge-rdata',
  'append-forged-rr',
  'drop-authority',
  'swap-rcode',
  'strip-ds',
  'replay-other-ds',
  'replay-other-response',
  'set-ad',
  'duplicate-records',
  'spoof-race',
  'truncate-empty',
  'truncate-cut',
  'garbage',
  'delay',
  'loss-30',
  'oversize',
] as const;
export type Fault = (typeof FAULTS)[number];

/** Faults after which the data is unchanged: the verdict must be the right one (or no answer at all). */
export const TRANSPARENT: ReadonlySet<Fault> = new Set<Fault>(['none', 'set-ad', 'duplicate-records', 'spoof-race', 'loss-30', 'oversize', 'delay']);

export interface ChaosOptions {
  readonly upstream: { readonly host: string; readonly port: number };
  /** Delay of the 'delay' fault, ms (set above the stub's per-try timeout). */
  readonly delayMs: number;
  /** Seeded randomness: same seed, same faults. */
  readonly seed: number;
}

interface Scope {
  fault: Fault;
  /** Only the response to this question is faulted (undefined: every response). */
  only?: { name: string; type: number };
}

function flip(b: Uint8Array, at: number): Uint8Array {
  const out = Uint8Array.from(b);
  if (out.length > 0) out[at % out.length]! ^= 0x01;
  return out;
}

function coveredBy(sigs: readonly RR[], rr: RR): boolean {
  return sigs.some((s) => nameEquals(s.name, rr.name) && readRrsig(s.rdata)?.typeCovered === rr.type);
}

export class ChaosProxy {
  private udp: Socket | undefined;
  private tcp: Server | undefined;
  private readonly conns = new Set<TcpSocket>();
  private scope: Scope = { fault: 'none' };
  private rng: number;
  /** Earlier upstream responses, for the replay faults. */
  private readonly seen: { key: string; type: number; raw: Uint8Array }[] = [];
  port = 0;
  readonly host = '127.0.0.1';
  faulted = 0;

  constructor(private readonly opts: ChaosOptions) {
    this.rng = opts.seed >>> 0 || 1;
  }

  private random(): number {
    this.rng ^= this.rng << 13;
    this.rng >>>= 0;
    this.rng ^= this.rng >>> 17;
    this.rng ^= this.rng << 5;
    this.rng >>>= 0;
    return this.rng / 4294967296;
  }

  setFault(fault: Fault, only?: { name: string; type: number }): void {
    this.scope = { fault, ...(only ? { only } : {}) };
  }

  async start(): Promise<void> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const udp = createSocket('udp4');
      await new Promise<void>((res, rej) => udp.once('error', rej).bind(0, this.host, () => res()));
      const port = udp.address().port;
      const tcp = createServer((s) => this.onTcp(s));
      const ok = await new Promise<boolean>((res) => {
        tcp.once('error', () => res(false));
        tcp.listen(port, this.host, () => res(true));
      });
      if (ok) {
        this.udp = udp;
        this.tcp = tcp;
        this.port = port;
        udp.on('message', (msg, rinfo) => void this.onUdp(new Uint8Array(msg), rinfo.address, rinfo.port));
        return;
      }
      udp.close();
    }
    throw new Error('chaos proxy: no port free for both UDP and TCP');
  }

  async stop(): Promise<void> {
    for (const c of this.conns) c.destroy();
    await Promise.all([
      new Promise<void>((r) => (this.udp ? this.udp.close(() => r()) : r())),
      new Promise<void>((r) => (this.tcp ? this.tcp.close(() => r()) : r())),
    ]);
  }

  /** Asks the lab Unbound over UDP (TCP when truncated), with a bounded wait. */
  private async upstream(query: Uint8Array): Promise<Uint8Array | undefined> {
    const viaUdp = await new Promise<Uint8Array | undefined>((res) => {
      const s = createSocket('udp4');
      const t = setTimeout(() => (s.close(), res(undefined)), 3000);
      s.on('message', (m) => (clearTimeout(t), s.close(), res(new Uint8Array(m))));
      s.on('error', () => (clearTimeout(t), s.close(), res(undefined)));
      s.send(query, this.opts.upstream.port, this.opts.upstream.host);
    });
    if (!viaUdp || (viaUdp.length > 2 && (viaUdp[2]! & 0x02) === 0)) return viaUdp;
    return new Promise<Uint8Array | undefined>((res) => {
      const c = connect(this.opts.upstream.port, this.opts.upstream.host);
      let buf = Buffer.alloc(0);
      const t = setTimeout(() => (c.destroy(), res(undefined)), 3000);
      c.on('connect', () => c.write(Buffer.concat([Buffer.from([query.length >> 8, query.length & 0xff]), query])));
      c.on('data', (d) => {
        buf = Buffer.concat([buf, d]);
        if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
          clearTimeout(t);
          c.destroy();
          res(new Uint8Array(buf.subarray(2, 2 + buf.readUInt16BE(0))));
        }
      });
      c.on('error', () => (clearTimeout(t), res(undefined)));
    });
  }

  /** The responses to send for one query (in order, each after its delay), or [] for none. */
  private async respond(query: Uint8Array, overUdp: boolean): Promise<{ bytes: Uint8Array; delayMs: number }[]> {
    const raw = await this.upstream(query);
    if (!raw) return [];
    let m: Message;
    let q: Message;
    try {
      m = parseMessage(raw);
      q = parseMessage(query);
    } catch {
      return [{ bytes: raw, delayMs: 0 }];
    }
    const question = q.question[0];
    const key = question ? `${nameKey(question.name)}|${question.type}` : '';
    const { fault, only } = this.scope;
    const applies = fault !== 'none' && (!only || (question !== undefined && key === `${only.name}|${only.type}`));
    const previous = this.seen.filter((s) => s.key !== key);
    if (question) this.seen.push({ key, type: question.type, raw });
    if (this.seen.length > 500) this.seen.splice(0, this.seen.length - 500);
    if (!applies) return [{ bytes: raw, delayMs: 0 }];
    this.faulted++;
    const out = (msg: Partial<Message>): Uint8Array => encodeMessage({ ...m, ...msg });
    const sigs = [...m.answer, ...m.authority].filter((r) => r.type === RRType.RRSIG);
    switch (fault) {
      case 'strip-rrsigs':
        return [{ bytes: out({ answer: m.answer.filter((r) => r.type !== RRType.RRSIG), authority: m.authority.filter((r) => r.type !== RRType.RRSIG), additional: m.additional.filter((r) => r.type !== RRType.RRSIG) }), delayMs: 0 }];
      case 'strip-answer-rrsigs':
        return [{ bytes: out({ answer: m.answer.filter((r) => r.type !== RRType.RRSIG) }), delayMs: 0 }];
      case 'flip-signed-rdata': {
        const edit = (rrs: readonly RR[]): RR[] => {
          const i = rrs.findIndex((r) => r.type !== RRType.RRSIG && coveredBy(sigs, r));
          return rrs.map((r, k) => (k === i ? { ...r, rdata: flip(r.rdata, Math.floor(this.random() * r.rdata.length)) } : r));
        };
        return [{ bytes: m.answer.some((r) => r.type !== RRType.RRSIG && coveredBy(sigs, r)) ? out({ answer: edit(m.answer) }) : out({ authority: edit(m.authority) }), delayMs: 0 }];
      }
      case 'flip-rrsig': {
        const edit = (rrs: readonly RR[]): RR[] => rrs.map((r) => (r.type === RRType.RRSIG ? { ...r, rdata: flip(r.rdata, r.rdata.length - 1 - Math.floor(this.random() * 16)) } : r));
        return [{ bytes: out({ answer: edit(m.answer), authority: edit(m.authority) }), delayMs: 0 }];
      }
      case 'forge-rdata': {
        const answer = m.answer.map((r) => {
          if (r.type === RRType.A) return { ...r, rdata: Uint8Array.of(192, 0, 2, 66) };
          if (r.type === RRType.RRSIG) return r;
          return { ...r, rdata: flip(r.rdata, r.rdata.length - 1) };
        });
        return [{ bytes: out({ answer }), delayMs: 0 }];
      }
      case 'append-forged-rr': {
        const base = m.answer.find((r) => r.type !== RRType.RRSIG);
        const forged: RR = base
          ? { ...base, rdata: base.type === RRType.A ? Uint8Array.of(192, 0, 2, 66) : flip(base.rdata, base.rdata.length - 1) }
          : { name: question!.name, type: RRType.A, class: 1, ttl: 300, rdata: Uint8Array.of(192, 0, 2, 66) };
        return [{ bytes: out({ answer: [...m.answer, forged], rcode: base ? m.rcode : Rcode.NOERROR }), delayMs: 0 }];
      }
      case 'drop-authority':
        return [{ bytes: out({ authority: [] }), delayMs: 0 }];
      case 'swap-rcode':
        return [{ bytes: out({ rcode: m.rcode === Rcode.NXDOMAIN ? Rcode.NOERROR : Rcode.NXDOMAIN }), delayMs: 0 }];
      case 'strip-ds':
        return [{ bytes: out({ answer: m.answer.filter((r) => r.type !== RRType.DS && !(r.type === RRType.RRSIG && readRrsig(r.rdata)?.typeCovered === RRType.DS)) }), delayMs: 0 }];
      case 'replay-other-ds':
      case 'replay-other-response': {
        const pool = previous.filter((s) => (fault === 'replay-other-ds' ? s.type === RRType.DS : true));
        if (pool.length === 0) return [{ bytes: raw, delayMs: 0 }];
        const other = parseMessage(pool[Math.floor(this.random() * pool.length)]!.raw);
        // Another name's response under this query's ID and question.
        return [{ bytes: encodeMessage({ ...other, id: m.id, question: m.question }), delayMs: 0 }];
      }
      case 'set-ad':
        return [{ bytes: out({ flags: { ...m.flags, ad: true } }), delayMs: 0 }];
      case 'duplicate-records':
        return [{ bytes: out({ answer: [...m.answer, ...m.answer], authority: [...m.authority, ...m.authority] }), delayMs: 0 }];
      case 'spoof-race': {
        const forged = encodeMessage({ ...m, id: (m.id + 1) & 0xffff, answer: m.answer.map((r) => (r.type === RRType.A ? { ...r, rdata: Uint8Array.of(192, 0, 2, 66) } : r)) });
        return [
          { bytes: forged, delayMs: 0 },
          { bytes: raw, delayMs: 5 },
        ];
      }
      case 'truncate-empty':
        return [{ bytes: new Uint8Array(0), delayMs: 0 }];
      case 'truncate-cut':
        return [{ bytes: raw.slice(0, Math.max(1, Math.floor(raw.length * this.random()))), delayMs: 0 }];
      case 'garbage':
        return [{ bytes: Uint8Array.from({ length: 12 + Math.floor(this.random() * 200) }, (_, i) => (i < 2 ? raw[i]! : Math.floor(this.random() * 256))), delayMs: 0 }];
      case 'delay':
        return [{ bytes: raw, delayMs: this.opts.delayMs }];
      case 'loss-30':
        return this.random() < 0.3 ? [] : [{ bytes: raw, delayMs: 0 }];
      case 'oversize': {
        // Unsigned padding in the additional section: over 4096 octets on UDP.
        const pad: RR[] = Array.from({ length: 20 }, (_, i) => ({ name: ['pad' + i, 'invalid'], type: RRType.TXT, class: 1, ttl: 0, rdata: Uint8Array.from({ length: 250 }, (_, k) => (k === 0 ? 249 : 0x61)) }));
        return [{ bytes: out({ additional: [...m.additional, ...pad] }), delayMs: 0 }];
      }
      default:
        return [{ bytes: raw, delayMs: 0 }];
    }
    void overUdp;
  }

  private async onUdp(msg: Uint8Array, address: string, port: number): Promise<void> {
    for (const r of await this.respond(msg, true)) {
      if (r.delayMs > 0) await new Promise((res) => setTimeout(res, r.delayMs));
      this.udp?.send(r.bytes, port, address);
    }
  }

  private onTcp(s: TcpSocket): void {
    this.conns.add(s);
    s.on('close', () => this.conns.delete(s));
    s.on('error', () => s.destroy());
    let buf = Buffer.alloc(0);
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const q = new Uint8Array(buf.subarray(2, 2 + buf.readUInt16BE(0)));
        buf = buf.subarray(2 + q.length);
        void this.respond(q, false).then(async (rs) => {
          for (const r of rs) {
            if (r.delayMs > 0) await new Promise((res) => setTimeout(res, r.delayMs));
            if (s.destroyed) return;
            // An empty "message" over TCP is a zero length prefix.
            s.write(Buffer.concat([Buffer.from([r.bytes.length >> 8, r.bytes.length & 0xff]), r.bytes.subarray(0, 0xffff)]));
          }
        });
      }
    });
  }
}
