/**
 * The term syntax of an SPF record (RFC 7208 §12; §4.6: a syntax error
 * anywhere in the record is a permerror, before anything is evaluated).
 * Mechanism and modifier names and macro letters are ABNF literals: any
 * case. Pure; linear in the record's length.
 */
import { isIPv6 } from 'node:net';

const QUALIFIED = /^[+?~-]?([A-Za-z0-9]+)(.*)$/s;
/** §12 modifier = name "=" macro-string; name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ). */
const MODIFIER = /^([A-Za-z][A-Za-z0-9._-]*)=(.*)$/s;
/** §7.1 macro-string = *( macro-expand / macro-literal ). */
const MACRO_STRING = /^(?:[\x21-\x24\x26-\x7e]|%[%_-]|%\{[slodiphcrtv]\d*r?[.\-+,/_=]*\})*$/i;
const ENDS_IN_MACRO = /(?:%[%_-]|%\{[slodiphcrtv]\d*r?[.\-+,/_=]*\})$/i;
/** §12 ip4-network with qnum (no leading zeros), then ip4-cidr-length. */
const IP4 = /^:((?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3})(?:\/(0|[1-9]\d?))?$/;
const IP6 = /^:([0-9A-Fa-f:.]+)(?:\/(0|[1-9]\d{0,2}))?$/;
/** a / mx: [ ":" domain-spec ] [ dual-cidr-length ]; the domain-spec stops at "/". */
const A_MX = /^(?::([^/]*))?(?:\/(0|[1-9]\d?))?(?:\/\/(0|[1-9]\d{0,2}))?$/;

/** §12 toplabel = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum ). */
function isTopLabel(label: string): boolean {
  return /^[A-Za-z0-9-]+$/.test(label) && !label.startsWith('-') && !label.endsWith('-') && (/[A-Za-z]/.test(label) || label.includes('-'));
}

/** §12 domain-spec = macro-string domain-end; domain-end = ( "." toplabel [ "." ] ) / macro-expand (one label alone is read as a toplabel, as mox). */
function isDomainSpec(text: string | undefined): boolean {
  if (text === undefined || text === '' || !MACRO_STRING.test(text)) return false;
  if (ENDS_IN_MACRO.test(text)) return true;
  return isTopLabel(text.replace(/\.$/, '').split('.').pop()!);
}

const cidr = (bits: string | undefined, max: number): boolean => bits === undefined || Number(bits) <= max;

function isDirective(term: string): boolean {
  const m = QUALIFIED.exec(term);
  if (!m) return false;
  const rest = m[2]!;
  switch (m[1]!.toLowerCase()) {
    case 'all':
      return rest === '';
    case 'include':
    case 'exists':
      return rest.startsWith(':') && isDomainSpec(rest.slice(1));
    case 'ptr':
      return rest === '' || (rest.startsWith(':') && isDomainSpec(rest.slice(1)));
    case 'a':
    case 'mx': {
      const a = A_MX.exec(rest);
      return a !== null && (a[1] === undefined || isDomainSpec(a[1])) && cidr(a[2], 32) && cidr(a[3], 128);
    }
    case 'ip4': {
      const a = IP4.exec(rest);
      return a !== null && cidr(a[2], 32);
    }
    case 'ip6': {
      const a = IP6.exec(rest);
      return a !== null && isIPv6(a[1]!) && cidr(a[2], 128);
    }
    default:
      return false;
  }
}

/** The permerror of the record's terms (the text after the version), or null when they follow §12 and §6. */
export function spfTermError(terms: readonly string[]): string | null {
  const seen = new Map<string, number>();
  for (const term of terms) {
    const mod = /^[+?~-]/.test(term) ? null : MODIFIER.exec(term);
    if (mod) {
      const name = mod[1]!.toLowerCase();
      seen.set(name, (seen.get(name) ?? 0) + 1);
      if (name === 'redirect' || name === 'exp' ? isDomainSpec(mod[2]) : MACRO_STRING.test(mod[2]!)) continue;
    } else if (isDirective(term)) continue;
    return `permerror: "${term}" is not a mechanism or modifier (RFC 7208 §4.6, §12)`;
  }
  for (const name of ['redirect', 'exp']) {
    const n = seen.get(name) ?? 0;
    if (n > 1) return `permerror: ${name}= appears ${n} times (RFC 7208 §6)`;
  }
  return null;
}
