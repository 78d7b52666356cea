/**
 * Mutations for the fuzzer (test/fuzz/engine.ts), all driven by the seeded
 * Prng so that every finding replays from its seed:
 *
 * - wire level, on a response's bytes: bit flips, byte edits, truncation,
 *   inserted and deleted bytes, header count corruption, RDLENGTH corruption,
 *   compression loops (a pointer to itself or forwards), label lengths
 *   (63, 64, 0xff, past the end), splices of two messages;
 * - record level, on a parsed response re-encoded: type, owner, TTL and class
 *   edits, duplicated, dropped and moved records, rcode and flag edits, and
 *   field edits of RRSIG (type covered, algorithm, labels, original TTL,
 *   expiration, inception, key tag, signer, signature), NSEC (next name,
 *   bitmap) and NSEC3 (hash algorithm, flags, iterations, salt, next hash,
 *   bitmap) and DNSKEY/DS RDATA.
 */
import { type Message, type RR, concat, encodeMessage } from '../../src/wire/message.js';
import { RRType } from '../../src/wire/rrtype.js';
import { readName, nameToWire, type Name } from '../../src/wire/name.js';
import type { Prng } from '../support/prng.js';

export interface RrOffsets {
  readonly start: number;
  /** Offset of TYPE (after the owner name). */
  readonly typeAt: number;
  readonly rdlengthAt: number;
  readonly rdataAt: number;
  readonly end: number;
}

/** Walks a well-formed message and returns the offsets of every RR (question entries excluded). */
export function scanRecords(buf: Uint8Array): { questionEnd: number; rrs: RrOffsets[]; nameStarts: number[] } {
  const rrs: RrOffsets[] = [];
  const nameStarts: number[] = [];
  if (buf.length < 12) return { questionEnd: buf.length, rrs, nameStarts };
  const count = (i: number): number => (buf[4 + 2 * i]! << 8) | buf[5 + 2 * i]!;
  let pos = 12;
  try {
    for (let i = 0; i < count(0); i++) {
      nameStarts.push(pos);
      pos = readName(buf, pos).end + 4;
    }
    const questionEnd = pos;
    const total = count(1) + count(2) + count(3);
    for (let i = 0; i < total && pos < buf.length; i++) {
      nameStarts.push(pos);
      const typeAt = readName(buf, pos).end;
      const rdlengthAt = typeAt + 8;
      if (rdlengthAt + 2 > buf.length) break;
      const rdataAt = rdlengthAt + 2;
      const end = rdataAt + ((buf[rdlengthAt]! << 8) | buf[rdlengthAt + 1]!);
      if (end > buf.length) break;
      rrs.push({ start: pos, typeAt, rdlengthAt, rdataAt, end });
      pos = end;
    }
    return { questionEnd, rrs, nameStarts };
  } catch {
    return { questionEnd: pos, rrs, nameStarts };
  }
}

const INTERESTING_U16 = [0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x3fff, 0x7fff, 0x8000, 0xfffe, 0xffff];

function setU16(b: Uint8Array, at: number, v: number): void {
  if (at + 1 >= b.length) return;
  b[at] = (v >> 8) & 0xff;
  b[at + 1] = v & 0xff;
}

/** One wire-level mutation of `input` (a fresh array; `other` is for splices). */
export function mutateWire(rng: Prng, input: Uint8Array, other: Uint8Array): { bytes: Uint8Array; op: string } {
  const b = Uint8Array.from(input);
  const scan = scanRecords(input);
  const rr = scan.rrs.length > 0 ? rng.pick(scan.rrs) : undefined;
  const op = rng.int(11);
  switch (op) {
    case 0: {
      const n = 1 + rng.int(4);
      for (let i = 0; i < n && b.length > 0; i++) b[rng.int(b.length)]! ^= 1 << rng.int(8);
      return { bytes: b, op: 'bit-flip' };
    }
    case 1: {
      if (b.length > 0) b[rng.int(b.length)] = rng.pick([0, 1, 0x3f, 0x40, 0x7f, 0x80, 0xc0, 0xff, rng.int(256)]);
      return { bytes: b, op: 'byte-set' };
    }
    case 2:
      return { bytes: b.slice(0, rng.int(b.length + 1)), op: 'truncate' };
    case 3: {
      const at = rng.int(b.length + 1);
      const ins = rng.bytes(1 + rng.int(8));
      return { bytes: concat([b.subarray(0, at), ins, b.subarray(at)]), op: 'insert' };
    }
    case 4: {
      const at = rng.int(b.length + 1);
      const n = 1 + rng.int(8);
      return { bytes: concat([b.subarray(0, at), b.subarray(at + n)]), op: 'delete' };
    }
    case 5: {
      const which = rng.int(4);
      setU16(b, 4 + 2 * which, rng.next() < 0.5 ? rng.pick(INTERESTING_U16) : ((b[5 + 2 * which]! + rng.pick([-1, 1, 2])) & 0xffff));
      return { bytes: b, op: `count-${['qd', 'an', 'ns', 'ar'][which]}` };
    }
    case 6: {
      if (!rr) return { bytes: b, op: 'rdlength-none' };
      const cur = (b[rr.rdlengthAt]! << 8) | b[rr.rdlengthAt + 1]!;
      setU16(b, rr.rdlengthAt, rng.next() < 0.5 ? rng.pick(INTERESTING_U16) : Math.max(0, cur + rng.pick([-2, -1, 1, 2, 16])));
      return { bytes: b, op: 'rdlength' };
    }
    case 7: {
      // A compression pointer to itself, forwards, or to the header.
      const at = scan.nameStarts.length > 0 ? rng.pick(scan.nameStarts) : 12;
      const target = rng.pick([at, at + 2, rng.int(Math.max(1, b.length)), 0, 12]);
      setU16(b, at, 0xc000 | (target & 0x3fff));
      return { bytes: b, op: 'compression-loop' };
    }
    case 8: {
      const at = scan.nameStarts.length > 0 ? rng.pick(scan.nameStarts) : 12;
      if (at < b.length) b[at] = rng.pick([63, 64, 0x7f, 0xbf, 0xff, b.length - at]);
      return { bytes: b, op: 'label-length' };
    }
    case 9: {
      const cut = rng.int(b.length + 1);
      const from = rng.int(other.length + 1);
      return { bytes: concat([b.subarray(0, cut), other.subarray(from)]), op: 'splice' };
    }
    default: {
      if (!rr) return { bytes: b, op: 'rdata-none' };
      const len = rr.end - rr.rdataAt;
      if (len > 0) b[rr.rdataAt + rng.int(len)]! ^= 1 << rng.int(8);
      return { bytes: b, op: 'rdata-bit' };
    }
  }
}

function randomName(rng: Prng, near: readonly Name[]): Name {
  const base = near.length > 0 ? rng.pick(near) : [];
  switch (rng.int(4)) {
    case 0:
      return ['x' + rng.int(1000), ...base];
    case 1:
      return base.slice(1);
    case 2:
      return ['*', ...base.slice(1)];
    default:
      return rng.pick([...near, base]);
  }
}

function editRdata(rng: Prng, rr: RR, near: readonly Name[]): { rdata: Uint8Array; what: string } {
  const d = Uint8Array.from(rr.rdata);
  const field = (at: number, width: number, what: string): { rdata: Uint8Array; what: string } => {
    if (at + width > d.length) return { rdata: d, what: `${what}-short` };
    for (let i = 0; i < width; i++) d[at + i] = rng.next() < 0.5 ? rng.int(256) : d[at + i]! ^ (1 << rng.int(8));
    return { rdata: d, what };
  };
  switch (rr.type) {
    case RRType.RRSIG: {
      const f = rng.int(9);
      if (f === 7) {
        // Signer name: replaced by another name of the message.
        const signerEnd = (() => {
          try {
            return readName(d, 18).end;
          } catch {
            return d.length;
          }
        })();
        const signer = nameToWire(randomName(rng, near));
        return { rdata: concat([d.subarray(0, 18), signer, d.subarray(signerEnd)]), what: 'rrsig-signer' };
      }
      const spec: [number, number, string][] = [
        [0, 2, 'rrsig-type-covered'],
        [2, 1, 'rrsig-algorithm'],
        [3, 1, 'rrsig-labels'],
        [4, 4, 'rrsig-original-ttl'],
        [8, 4, 'rrsig-expiration'],
        [12, 4, 'rrsig-inception'],
        [16, 2, 'rrsig-key-tag'],
      ];
      if (f < spec.length) return field(...spec[f]!);
      return field(d.length - 1 - rng.int(Math.min(64, d.length)), 1, 'rrsig-signature');
    }
    case RRType.NSEC: {
      if (rng.next() < 0.5) {
        let end = d.length;
        try {
          end = readName(d, 0).end;
        } catch {
          // keep
        }
        return { rdata: concat([nameToWire(randomName(rng, near)), d.subarray(end)]), what: 'nsec-next' };
      }
      return field(d.length - 1 - rng.int(Math.max(1, Math.min(8, d.length))), 1, 'nsec-bitmap');
    }
    case RRType.NSEC3: {
      const spec: [number, number, string][] = [
        [0, 1, 'nsec3-hash-algorithm'],
        [1, 1, 'nsec3-flags'],
        [2, 2, 'nsec3-iterations'],
        [4, 1, 'nsec3-salt-length'],
      ];
      const f = rng.int(6);
      if (f < spec.length) return field(...spec[f]!);
      if (f === 4) return field(5 + rng.int(Math.max(1, d.length - 5)), 1, 'nsec3-salt-or-next-hash');
      return field(d.length - 1 - rng.int(Math.max(1, Math.min(8, d.length))), 1, 'nsec3-bitmap');
    }
    default:
      return field(rng.int(Math.max(1, d.length)), 1, `rdata-${rr.type}`);
  }
}

type Section = 'answer' | 'authority' | 'additional';
const SECTIONS: readonly Section[] = ['answer', 'authority', 'additional'];

/** One record-level mutation of `m`, re-encoded; undefined when it cannot be encoded (e.g. a name over 255 octets). */
export function mutateRecords(rng: Prng, m: Message, pool: readonly RR[]): { bytes: Uint8Array; op: string } | undefined {
  const secs: Record<Section, RR[]> = { answer: [...m.answer], authority: [...m.authority], additional: [...m.additional] };
  const filled = SECTIONS.filter((s) => secs[s].length > 0);
  const near = [...m.answer, ...m.authority].map((r) => r.name);
  let rcode = m.rcode;
  let flags = m.flags;
  let op: string;
  const k = rng.int(10);
  if (filled.length === 0 || k === 9) {
    if (rng.next() < 0.5) {
      rcode = rng.pick([0, 1, 2, 3, 5, 6, 9]);
      op = 'rcode';
    } else {
      flags = { ...flags, ad: !flags.ad, tc: rng.next() < 0.2 ? !flags.tc : flags.tc };
      op = 'flags';
    }
  } else {
    const s = rng.pick(filled);
    const i = rng.int(secs[s].length);
    const rr = secs[s][i]!;
    switch (k) {
      case 0:
        secs[s][i] = { ...rr, type: rng.pick([RRType.A, RRType.CNAME, RRType.DNAME, RRType.NS, RRType.DS, RRType.RRSIG, RRType.NSEC, RRType.NSEC3, RRType.SOA, rng.int(65536)]) };
        op = 'type';
        break;
      case 1:
        secs[s][i] = { ...rr, name: randomName(rng, near) };
        op = 'owner';
        break;
      case 2:
        secs[s][i] = { ...rr, ttl: rng.pick([0, 1, 0x7fffffff, 0xffffffff, rng.int(1 << 30)]) };
        op = 'ttl';
        break;
      case 3:
        secs[s].splice(i, 0, rng.next() < 0.5 ? rr : { ...rr, rdata: editRdata(rng, rr, near).rdata });
        op = 'duplicate';
        break;
      case 4:
        secs[s].splice(i, 1);
        op = 'drop';
        break;
      case 5: {
        secs[s].splice(i, 1);
        secs[rng.pick(SECTIONS)].push(rr);
        op = 'move';
        break;
      }
      case 6:
        if (pool.length > 0) secs[s].push(rng.pick(pool));
        op = 'append-foreign';
        break;
      case 7:
        secs[s][i] = { ...rr, class: rng.pick([1, 3, 254, 255, rng.int(65536)]) };
        op = 'class';
        break;
      default: {
        const e = editRdata(rng, rr, near);
        secs[s][i] = { ...rr, rdata: e.rdata };
        op = e.what;
      }
    }
  }
  try {
    const bytes = encodeMessage({
      id: m.id,
      flags,
      rcode,
      question: m.question,
      answer: secs.answer,
      authority: secs.authority,
      additional: secs.additional,
      ...(m.edns ? { edns: m.edns } : {}),
    });
    return { bytes, op };
  } catch {
    return undefined;
  }
}
