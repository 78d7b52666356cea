/**
 * Access control for the proxy, checked before any other work on a query
 * (as Unbound's access-control: the source address decides, first).
 * Loopback (127.0.0.0/8, ::1) is always allowed; more networks only when
 * given explicitly with --allow CIDR.
 */
import { isIP } from 'node:net';

export class AclError extends Error {
  override name = 'AclError';
}

interface Net {
  readonly bytes: Uint8Array;
  readonly prefix: number;
}

/** Address bytes of an IP literal (16 for IPv6; IPv4-mapped IPv6 becomes IPv4). */
export function ipBytes(address: string): Uint8Array | undefined {
  const zone = address.indexOf('%');
  const ip = zone >= 0 ? address.slice(0, zone) : address;
  const family = isIP(ip);
  if (family === 4) return new Uint8Array(ip.split('.').map(Number));
  if (family !== 6) return undefined;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return ipBytes(mapped[1]!);
  const [head, tail] = ip.includes('::') ? (ip.split('::') as [string, string]) : [ip, undefined];
  const parse = (part: string): number[] => {
    if (part === '') return [];
    const groups = part.split(':');
    const out: number[] = [];
    for (const g of groups) {
      if (g.includes('.')) {
        out.push(...(ipBytes(g) ?? []));
      } else {
        const v = parseInt(g, 16);
        out.push(v >> 8, v & 0xff);
      }
    }
    return out;
  };
  const h = parse(head);
  const t = tail === undefined ? [] : parse(tail);
  const bytes = new Uint8Array(16);
  bytes.set(h, 0);
  bytes.set(t, 16 - t.length);
  return bytes;
}

/** Parses "ADDR/PREFIX" (or a bare address: a host). Throws AclError. */
export function parseCidr(text: string): Net {
  const slash = text.indexOf('/');
  const addr = slash >= 0 ? text.slice(0, slash) : text;
  const bytes = ipBytes(addr);
  if (!bytes || addr.includes('%')) throw new AclError(`--allow ${JSON.stringify(text)}: not an IP network (e.g. 192.0.2.0/24, 2001:db8::/32)`);
  const max = bytes.length * 8;
  const prefixText = slash >= 0 ? text.slice(slash + 1) : String(max);
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) throw new AclError(`--allow ${JSON.stringify(text)}: bad prefix length`);
  return { bytes, prefix: Number(prefixText) };
}

function contains(net: Net, addr: Uint8Array): boolean {
  if (net.bytes.length !== addr.length) return false;
  let bits = net.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((net.bytes[i]! & mask) !== (addr[i]! & mask)) return false;
  }
  return true;
}

export const LOOPBACK_NETS: readonly string[] = ['127.0.0.0/8', '::1/128'];

/** Whether an address literal is loopback. */
export function isLoopback(address: string): boolean {
  const b = ipBytes(address);
  return b !== undefined && LOOPBACK_NETS.some((n) => contains(parseCidr(n), b));
}

export class AccessList {
  private readonly nets: readonly Net[];

  /** `allow`: CIDRs allowed besides loopback. Throws AclError on a bad one. */
  constructor(allow: readonly string[] = []) {
    this.nets = [...LOOPBACK_NETS, ...allow].map(parseCidr);
  }

  /** Decisions by address text: a client sends many queries (profiled: parsing was 3% of a warm answer). */
  private readonly seen = new Map<string, boolean>();

  /** True when a query from `address` may be served. Anything unparsable is refused. */
  allows(address: string | undefined): boolean {
    if (address === undefined) return false;
    let ok = this.seen.get(address);
    if (ok === undefined) {
      const b = ipBytes(address);
      ok = b !== undefined && this.nets.some((n) => contains(n, b));
      if (this.seen.size >= 4096) this.seen.clear();
      this.seen.set(address, ok);
    }
    return ok;
  }
}
