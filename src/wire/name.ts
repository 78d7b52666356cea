/**
 * Domain names as label sequences (RFC 1034 §3.1, RFC 4034 §6.1).
 *
 * A `Name` is an array of labels, most specific first, without the empty root
 * label: `www.example.com.` is `['www', 'example', 'com']` and the root is `[]`.
 * Each label is a "binary string": one JS char per octet (char codes 0..255),
 * exactly the bytes that were on the wire, original case kept. Nothing is lost,
 * and comparisons stay cheap string operations.
 */

export type Name = readonly string[];

export const ROOT: Name = Object.freeze([]) as Name;

/** Maximum wire length of a name (RFC 1035 §2.3.4). */
export const MAX_NAME_WIRE_LENGTH = 255;
/** Maximum label length (RFC 1035 §2.3.4). */
export const MAX_LABEL_LENGTH = 63;

export class NameError extends Error {
  override name = 'NameError';
}

/** ASCII-only lowercasing (RFC 4343 §3: DNS case folding is ASCII only). */
export function lowerLabel(label: string): string {
  // Fast path: most labels have no upper-case ASCII letter (a loop: cheaper than a RegExp on the hot path, bench:bulk).
  let i0 = 0;
  while (i0 < label.length && !isUpperAscii(label.charCodeAt(i0))) i0++;
  if (i0 === label.length) return label;
  let out = '';
  for (let i = 0; i < label.length; i++) {
    const c = label.charCodeAt(i);
    out += c >= 0x41 && c <= 0x5a ? String.fromCharCode(c + 0x20) : label[i];
  }
  return out;
}

function isUpperAscii(c: number): boolean {
  return c >= 0x41 && c <= 0x5a;
}

export function lowerName(name: Name): Name {
  return name.map(lowerLabel);
}

/** Case-insensitive equality (RFC 4343). */
export function nameEquals(a: Name, b: Name): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (lowerLabel(a[i]!) !== lowerLabel(b[i]!)) return false;
  }
  return true;
}

/**
 * True when `child` is `parent` or below it, compared label by label
 * ("badexample.com." is not below "example.com.").
 */
export function isSubdomain(child: Name, parent: Name): boolean {
  const offset = child.length - parent.length;
  if (offset < 0) return false;
  for (let i = 0; i < parent.length; i++) {
    if (lowerLabel(child[offset + i]!) !== lowerLabel(parent[i]!)) return false;
  }
  return true;
}

/** Strictly below `parent`. */
export function isStrictSubdomain(child: Name, parent: Name): boolean {
  return child.length > parent.length && isSubdomain(child, parent);
}

/** The parent name (one label removed); the root's parent is undefined. */
export function parentName(name: Name): Name | undefined {
  return name.length === 0 ? undefined : name.slice(1);
}

/** The last `count` labels of `name` (its ancestor with `count` labels). */
export function ancestorWithLabels(name: Name, count: number): Name {
  return name.slice(name.length - count);
}

export function isWildcard(name: Name): boolean {
  return name.length > 0 && name[0] === '*';
}

/**
 * Label count as the RRSIG Labels field counts it (RFC 4034 §3.1.3):
 * the root is 0 and a leading "*" label is not counted.
 */
export function rrsigLabelCount(name: Name): number {
  return isWildcard(name) ? name.length - 1 : name.length;
}

/** The longest common ancestor of two names. */
export function commonAncestor(a: Name, b: Name): Name {
  let n = 0;
  while (n < a.length && n < b.length) {
    if (lowerLabel(a[a.length - 1 - n]!) !== lowerLabel(b[b.length - 1 - n]!)) break;
    n++;
  }
  return a.slice(a.length - n);
}

function compareLabels(a: string, b: string): number {
  // RFC 4034 §6.1: labels compare as left-justified unsigned octet strings,
  // upper case ASCII treated as lower case; a shorter prefix sorts first.
  // (Folded code unit by code unit, without building lower-case copies.)
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (isUpperAscii(x)) x += 0x20;
    if (isUpperAscii(y)) y += 0x20;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/**
 * Canonical DNS name order (RFC 4034 §6.1): compare from the most significant
 * (rightmost) label; a name sorts before all names below it.
 */
export function compareNames(a: Name, b: Name): number {
  let i = a.length - 1;
  let j = b.length - 1;
  while (i >= 0 && j >= 0) {
    const c = compareLabels(a[i]!, b[j]!);
    if (c !== 0) return c;
    i--;
    j--;
  }
  return a.length - b.length;
}

/** Uncompressed wire form, original case (RFC 1035 §3.1). */
export function nameToWire(name: Name): Uint8Array {
  const out = new Uint8Array(nameWireLength(name));
  writeName(out, 0, name, false);
  return out;
}

/** Canonical wire form: uncompressed, ASCII lowercased (RFC 4034 §6.2). */
export function nameToCanonicalWire(name: Name): Uint8Array {
  const out = new Uint8Array(nameWireLength(name));
  writeName(out, 0, name, true);
  return out;
}

export function nameWireLength(name: Name): number {
  let n = 1;
  for (const l of name) n += 1 + l.length;
  return n;
}

/** Writes `name` uncompressed at `offset`; returns the offset after it. */
export function writeName(out: Uint8Array, offset: number, name: Name, lowercase: boolean): number {
  for (const label of name) {
    out[offset++] = label.length;
    for (let i = 0; i < label.length; i++) {
      let c = label.charCodeAt(i);
      if (lowercase && c >= 0x41 && c <= 0x5a) c += 0x20;
      out[offset++] = c;
    }
  }
  out[offset++] = 0;
  return offset;
}

export interface DecodedName {
  name: Name;
  /** Offset just after the name at its original position (after the first pointer, if any). */
  end: number;
}

/**
 * Reads a possibly compressed name (RFC 1035 §4.1.4). Pointers must point
 * strictly backwards, which also rules out loops; the total length is capped
 * at 255 octets. Throws NameError on malformed input.
 */
export function readName(buf: Uint8Array, offset: number): DecodedName {
  const labels: string[] = [];
  let pos = offset;
  let end = -1;
  let wireLength = 1;
  let lowestPointerTarget = offset;
  for (;;) {
    if (pos >= buf.length) throw new NameError('name runs past the end of the message');
    const len = buf[pos]!;
    if (len === 0) {
      pos += 1;
      break;
    }
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (pos + 1 >= buf.length) throw new NameError('truncated compression pointer');
      const target = ((len & 0x3f) << 8) | buf[pos + 1]!;
      if (end < 0) end = pos + 2;
      if (target >= lowestPointerTarget) throw new NameError('compression pointer does not point backwards');
      lowestPointerTarget = target;
      pos = target;
      continue;
    }
    if (kind !== 0) throw new NameError(`unsupported label type 0x${kind.toString(16)}`);
    if (pos + 1 + len > buf.length) throw new NameError('label runs past the end of the message');
    wireLength += 1 + len;
    if (wireLength > MAX_NAME_WIRE_LENGTH) throw new NameError('name longer than 255 octets');
    let label = '';
    for (let i = 0; i < len; i++) label += String.fromCharCode(buf[pos + 1 + i]!);
    labels.push(label);
    pos += 1 + len;
  }
  return { name: labels, end: end < 0 ? pos : end };
}

/** Presentation form of a name, with a trailing dot; RFC 4343 §2.1 escapes. */
export function nameToText(name: Name): string {
  if (name.length === 0) return '.';
  let out = '';
  for (const label of name) out += labelToText(label) + '.';
  return out;
}

function needsEscape(c: number): boolean {
  return c <= 0x20 || c >= 0x7f || c === 0x2e || c === 0x5c || c === 0x22 || c === 0x28 || c === 0x29 || c === 0x3b || c === 0x40 || c === 0x24;
}

export function labelToText(label: string): string {
  // Fast path: most labels need no escape (bench:bulk builds many names' text).
  let i0 = 0;
  while (i0 < label.length && !needsEscape(label.charCodeAt(i0))) i0++;
  if (i0 === label.length) return label;
  let out = label.slice(0, i0);
  for (let i = i0; i < label.length; i++) {
    const c = label.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f) out += '\\' + c.toString().padStart(3, '0');
    else if (needsEscape(c)) out += '\\' + label[i];
    else out += label[i];
  }
  return out;
}

/**
 * Parses a name in presentation form. A name without a trailing dot is
 * relative to `origin` (default: the root). "@" is the origin. Handles
 * `\DDD` and `\X` escapes. Throws NameError on malformed text.
 */
export function nameFromText(text: string, origin: Name = ROOT): Name {
  if (text === '@') return origin;
  if (text === '.') return ROOT;
  if (text.length === 0) throw new NameError('empty name');
  const labels: string[] = [];
  let label = '';
  let absolute = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\') {
      const d = text.slice(i + 1, i + 4);
      if (/^[0-9]{3}$/.test(d)) {
        const v = Number(d);
        if (v > 255) throw new NameError(`bad escape \\${d} in ${JSON.stringify(text)}`);
        label += String.fromCharCode(v);
        i += 3;
      } else if (i + 1 < text.length) {
        label += text[i + 1];
        i += 1;
      } else throw new NameError(`dangling escape in ${JSON.stringify(text)}`);
    } else if (ch === '.') {
      if (label.length === 0) throw new NameError(`empty label in ${JSON.stringify(text)}`);
      labels.push(label);
      label = '';
      if (i === text.length - 1) absolute = true;
    } else {
      const c = ch.charCodeAt(0);
      if (c > 0xff) throw new NameError(`non-ASCII character in name ${JSON.stringify(text)} (use its A-label)`);
      label += ch;
    }
  }
  if (label.length > 0) labels.push(label);
  for (const l of labels) {
    if (l.length > MAX_LABEL_LENGTH) throw new NameError(`label longer than 63 octets in ${JSON.stringify(text)}`);
  }
  const name = absolute ? labels : [...labels, ...origin];
  if (nameWireLength(name) > MAX_NAME_WIRE_LENGTH) throw new NameError(`name longer than 255 octets: ${JSON.stringify(text)}`);
  return name;
}

/** A stable map key for a name: lowercased presentation form. */
export function nameKey(name: Name): string {
  return nameToText(lowerName(name));
}
