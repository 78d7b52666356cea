/**
 * Replays published vector data (a pool of signed records, e.g. a captured
 * chain or an RFC appendix zone) as responses to the validator's queries.
 *
 * This is a replay of published data, not a resolver: it answers with the
 * pool's own RRsets and RRSIGs, and for names it holds nothing about it
 * returns a negative answer carrying every NSEC/NSEC3 RRset of the enclosing
 * zone (the proofs pick what they need). It never invents or signs records.
 */
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { type Name, isSubdomain, isStrictSubdomain, nameEquals, readName } from '../../src/wire/name.js';
import { type Message, type RR, encodeMessage, parseMessage } from '../../src/wire/message.js';
import { RRType, Rcode } from '../../src/wire/rrtype.js';
import { parseZoneText } from '../../src/wire/presentation.js';
import { readRrsig } from '../../src/dnssec/records.js';
import type { ResponseSource } from '../../src/validator/context.js';

export const DATA_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'data');

/** Reads a file under test/data, with a clear error when it is absent. */
export function readShared(rel: string): string {
  const path = join(DATA_DIR, rel);
  if (!existsSync(path)) {
    throw new Error(`this test needs test/data/${rel} (the vectors shipped in the repository); it is absent at ${path}`);
  }
  return readFileSync(path, 'utf8');
}

/** Parses the `; key: value`-style header lines of a vector file. */
export function headerLine(text: string, prefix: string): string | undefined {
  for (const line of text.split('\n')) {
    const m = line.match(/^;\s*(.*)$/);
    if (m && m[1]!.startsWith(prefix)) return m[1]!.slice(prefix.length).trim();
  }
  return undefined;
}

function sigCovers(rr: RR, type: number): boolean {
  const s = readRrsig(rr.rdata);
  return s !== undefined && s.typeCovered === type;
}

export class RecordPool implements ResponseSource {
  readonly records: RR[];
  /** Responses given verbatim for a (name, type), e.g. an RFC appendix B response. */
  private readonly fixed: { name: Name; type: number; message: Message }[] = [];
  readonly asked: string[] = [];

  constructor(records: readonly RR[]) {
    this.records = [...records];
  }

  static fromText(text: string): RecordPool {
    return new RecordPool(parseZoneText(text));
  }

  add(records: readonly RR[]): void {
    this.records.push(...records);
  }

  /** Answers (name, type) with exactly this message. */
  fix(name: Name, type: number, message: Message): void {
    this.fixed.push({ name, type, message });
  }

  private rrset(name: Name, type: number): RR[] {
    const rrs = this.records.filter((r) => r.type === type && nameEquals(r.name, name));
    if (rrs.length === 0) return [];
    const sigs = this.records.filter((r) => r.type === RRType.RRSIG && nameEquals(r.name, name) && sigCovers(r, type));
    return [...rrs, ...sigs];
  }

  /** The deepest zone apex (owner of SOA or DNSKEY) at or above `name`. */
  zoneOf(name: Name, strict = false): Name | undefined {
    let best: Name | undefined;
    for (const r of this.records) {
      if (r.type !== RRType.SOA && r.type !== RRType.DNSKEY) continue;
      const ok = strict ? isStrictSubdomain(name, r.name) : isSubdomain(name, r.name);
      if (ok && (!best || r.name.length > best.length)) best = r.name;
    }
    return best;
  }

  private denialRecords(zone: Name): RR[] {
    const out: RR[] = [];
    for (const type of [RRType.SOA, RRType.NSEC, RRType.NSEC3]) {
      const owners = this.records.filter((r) => r.type === type && isSubdomain(r.name, zone) && nameEquals(this.zoneOf(r.name) ?? [], zone));
      const seen: Name[] = [];
      for (const o of owners) {
        if (seen.some((n) => nameEquals(n, o.name))) continue;
        seen.push(o.name);
        out.push(...this.rrset(o.name, type));
      }
    }
    return out;
  }

  async query(name: Name, type: number): Promise<Message> {
    this.asked.push(`${name.join('.')}.|${type}`);
    const fixed = this.fixed.find((f) => f.type === type && nameEquals(f.name, name));
    if (fixed) return fixed.message;
    const answer: RR[] = [];
    let authority: RR[] = [];
    let current = name;
    let rcode: number = Rcode.NOERROR;
    for (let hop = 0; hop < 16; hop++) {
      const direct = this.rrset(current, type);
      if (direct.length > 0) {
        answer.push(...direct);
        // A wildcard expansion carries the zone's denial records (RFC 4035 §3.1.3.3).
        const sig = direct.map((r) => (r.type === RRType.RRSIG ? readRrsig(r.rdata) : undefined)).find((s) => s);
        if (sig && sig.labels < current.filter((l) => l !== '*').length) {
          const zone = this.zoneOf(current);
          if (zone) authority = this.denialRecords(zone).filter((r) => r.type !== RRType.SOA);
        }
        break;
      }
      const cname = type === RRType.CNAME ? [] : this.rrset(current, RRType.CNAME);
      const target = cname.find((r) => r.type === RRType.CNAME);
      if (target) {
        answer.push(...cname);
        current = readName(target.rdata, 0).name;
        continue;
      }
      const exists = this.records.some((r) => isSubdomain(r.name, current));
      rcode = exists ? Rcode.NOERROR : Rcode.NXDOMAIN;
      const zone = type === RRType.DS ? this.zoneOf(current, true) : this.zoneOf(current);
      if (zone) authority = this.denialRecords(zone);
      break;
    }
    const wire = encodeMessage({
      id: 0,
      flags: { qr: true, aa: false, rd: true, ra: true, cd: true },
      rcode,
      question: [{ name, type, class: 1 }],
      answer,
      authority,
    });
    return parseMessage(wire);
  }
}

