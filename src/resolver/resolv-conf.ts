/**
 * /etc/resolv.conf as glibc reads it (resolv.conf(5), glibc resolv/res_init.c):
 * - `nameserver ADDR`: IPv4 or IPv6 (with an optional %scope), at most
 *   MAXNS = 3 are used; none at all means 127.0.0.1.
 * - `options timeout:N attempts:N rotate`: timeout in seconds (default
 *   RES_TIMEOUT = 5, at most RES_MAXRETRANS = 30), attempts (default
 *   RES_DFLRETRY = 2, at most RES_MAXRETRY = 5); the last value wins.
 * - Lines starting with `#` or `;` are comments; on a nameserver line, text
 *   from `#` or `;` on is ignored. Unknown keywords and options are ignored.
 * One difference from glibc: leading blanks before a keyword are allowed.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { ServerAddress } from './transport.js';

export const RESOLV_CONF_PATH = '/etc/resolv.conf';
export const MAXNS = 3;
export const RES_TIMEOUT_S = 5;
export const RES_MAXRETRANS_S = 30;
export const RES_DFLRETRY = 2;
export const RES_MAXRETRY = 5;
export const FALLBACK_NAMESERVER = '127.0.0.1';

export interface ResolvConf {
  /** IP literals, in file order, at most MAXNS; IPv6 may carry a %scope. */
  nameservers: string[];
  timeoutMs: number;
  attempts: number;
  rotate: boolean;
  /** Lines or options that were ignored, with the reason (for diagnostics). */
  ignored: string[];
}

/** Parses the text of a resolv.conf. Pure: no I/O, never throws. */
export function parseResolvConf(text: string): ResolvConf {
  const nameservers: string[] = [];
  const ignored: string[] = [];
  let timeoutS = RES_TIMEOUT_S;
  let attempts = RES_DFLRETRY;
  let rotate = false;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/^[ \t]+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const m = /^(\S+)[ \t]*(.*)$/.exec(line);
    if (!m) continue;
    const keyword = m[1]!;
    const rest = m[2]!;
    if (keyword === 'nameserver') {
      const addr = rest.split(/[ \t;#]/)[0] ?? '';
      if (isIP(addr) === 0) {
        ignored.push(`line ${i + 1}: nameserver ${JSON.stringify(addr)} is not an IP address`);
      } else if (nameservers.length >= MAXNS) {
        ignored.push(`line ${i + 1}: nameserver ${addr} beyond the first ${MAXNS}`);
      } else nameservers.push(addr);
    } else if (keyword === 'options') {
      for (const opt of rest.split(/[ \t]+/)) {
        if (opt === '') continue;
        const t = /^timeout:(\d+)$/.exec(opt);
        const a = /^attempts:(\d+)$/.exec(opt);
        if (t) timeoutS = Math.min(Number(t[1]), RES_MAXRETRANS_S);
        else if (a) attempts = Math.min(Number(a[1]), RES_MAXRETRY);
        else if (opt === 'rotate') rotate = true;
        // ndots, edns0, trust-ad, ... do not concern a stub that always sends EDNS.
      }
    }
    // search, domain, sortlist, ...: not used by dnssec-stub.
  }
  return {
    nameservers: nameservers.length > 0 ? nameservers : [FALLBACK_NAMESERVER],
    // glibc (res_send.c) treats a timeout of 0 as 1 s and always tries once.
    timeoutMs: Math.max(timeoutS, 1) * 1000,
    attempts: Math.max(attempts, 1),
    rotate,
    ignored,
  };
}

/** Reads a file as text; returns undefined when it does not exist. */
export type TextLoader = (path: string) => string | undefined;

export const readTextFile: TextLoader = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
};

/** Loads resolv.conf through `load`; a missing file gives glibc's defaults. */
export function loadResolvConf(load: TextLoader = readTextFile, path: string = RESOLV_CONF_PATH): ResolvConf {
  return parseResolvConf(load(path) ?? '');
}

/** The nameservers as server addresses on `port` (53 for udp/tcp, 853 for DoT). */
export function resolvConfServers(conf: ResolvConf, port = 53): ServerAddress[] {
  return conf.nameservers.map((host) => ({ host, port }));
}
