/**
 * Canonical form and the signed data of an RRSIG (RFC 4034 §3.1.8.1, §6;
 * RFC 4035 §5.3.2; RFC 6840 §5.1), built from the raw RDATA octets.
 */
import { compareBytes } from '../wire/bytes.js';
import { type Name, nameToCanonicalWire, readName, writeName, lowerName } from '../wire/name.js';
import type { RR } from '../wire/message.js';
import { concat } from '../wire/message.js';
import { LOWERCASE_RDATA_NAMES, RDATA_NAME_LAYOUT } from '../wire/rdata-names.js';
import type { RrsigData } from './records.js';

/**
 * RDATA in canonical form (RFC 4034 §6.2 item 3, RFC 6840 §5.1): embedded
 * names lowercased for the listed types only; all other octets unchanged.
 * RDATA that cannot be walked (malformed) is returned unchanged: it then
 * simply fails to verify.
 */
export function canonicalRdata(type: number, rdata: Uint8Array): Uint8Array {
  if (!LOWERCASE_RDATA_NAMES.has(type)) return rdata;
  const layout = RDATA_NAME_LAYOUT.get(type)!;
  let out: Uint8Array | undefined;
  let pos = 0;
  for (const field of layout) {
    if (field === 'N') {
      let end: number;
      try {
        ({ end } = readName(rdata, pos));
      } catch {
        return rdata;
      }
      for (let i = pos; i < end; ) {
        const len = rdata[i]!;
        if (len === 0 || (len & 0xc0) !== 0) break;
        for (let j = i + 1; j <= i + len; j++) {
          const c = rdata[j]!;
          if (c >= 0x41 && c <= 0x5a) {
            out ??= rdata.slice();
            out[j] = c + 0x20;
          }
        }
        i += len + 1;
      }
      pos = end;
    } else if (field === 'S') {
      if (pos >= rdata.length) return rdata;
      pos += 1 + rdata[pos]!;
    } else {
      pos += field;
    }
    if (pos > rdata.length) return rdata;
  }
  return out ?? rdata;
}


/**
 * Canonical RR ordering within an RRset (RFC 4034 §6.3): by canonical RDATA
 * as left-justified unsigned octet sequences; duplicates removed.
 */
export function canonicalRdataSet(type: number, rrs: readonly RR[]): Uint8Array[] {
  const rdatas = rrs.map((rr) => canonicalRdata(type, rr.rdata));
  rdatas.sort(compareBytes);
  const out: Uint8Array[] = [];
  for (const r of rdatas) {
    const last = out[out.length - 1];
    if (!last || compareBytes(last, r) !== 0) out.push(r);
  }
  return out;
}

/**
 * The owner name used in the signed data (RFC 4035 §5.3.2): when the RRSIG
 * labels field is smaller than the owner's label count, the RRset was
 * synthesised from a wildcard: owner = "*." + rightmost `labels` labels.
 */
export function signedOwner(owner: Name, labels: number): Name {
  const count = owner.length > 0 && owner[0] === '*' ? owner.length - 1 : owner.length;
  if (labels >= count) return owner;
  return ['*', ...owner.slice(owner.length - labels)];
}

/**
 * signed_data = RRSIG_RDATA | RR(1) | RR(2)... (RFC 4034 §3.1.8.1), where
 * RRSIG_RDATA has the signer's name in canonical form, and each RR is
 * owner | type | class | original TTL | RDATA length | canonical RDATA,
 * in canonical order without duplicates.
 */
export function signedData(sig: RrsigData, owner: Name, type: number, cls: number, rrs: readonly RR[]): Uint8Array {
  const prefix = sig.signedPrefix.slice();
  writeName(prefix, 18, lowerName(sig.signerName), true);
  const ownerWire = nameToCanonicalWire(signedOwner(owner, sig.labels));
  const rdatas = canonicalRdataSet(type, rrs);
  const parts: Uint8Array[] = [prefix];
  for (const rdata of rdatas) {
    const head = new Uint8Array(ownerWire.length + 10);
    head.set(ownerWire, 0);
    const dv = new DataView(head.buffer);
    let o = ownerWire.length;
    dv.setUint16(o, type);
    dv.setUint16(o + 2, cls);
    dv.setUint32(o + 4, sig.originalTtl >>> 0);
    dv.setUint16(o + 8, rdata.length);
    o += 10;
    parts.push(head, rdata);
  }
  return concat(parts);
}
