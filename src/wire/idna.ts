/**
 * Names as people type them. A name with non-ASCII characters is turned
 * into its A-label form (IDNA, UTS #46 as WHATWG URL and node:url
 * domainToASCII do it; RFC 5890 §2.3.2.1) before it goes on the wire, so
 * that `bücher.example` is asked as `xn--bcher-kva.example`, never as the
 * Latin-1 octets `b\252cher`. ASCII names are left exactly as given
 * (presentation form, RFC 1035 §5.1 escapes included).
 */
import { domainToASCII } from 'node:url';
import { type Name, NameError, nameFromText } from './name.js';

/**
 * ASCII characters allowed beside non-ASCII ones. domainToASCII parses a URL
 * host: it would percent-decode `%41` and cut at `/`, `?` or `#`, so any
 * other ASCII character is refused here rather than silently changed.
 */
const IDN_ASCII = /^[A-Za-z0-9.*_-]$/;

/** True when `text` holds a character outside ASCII. */
export function isNonAscii(text: string): boolean {
  return /[^\x00-\x7f]/.test(text);
}

/**
 * The A-label form of a name with non-ASCII characters; an ASCII name
 * unchanged. Throws NameError when the name is not a valid
 * internationalized name.
 */
export function toALabels(text: string): string {
  if (!isNonAscii(text)) return text;
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80 && !IDN_ASCII.test(ch)) {
      throw new NameError(`${JSON.stringify(text)} mixes non-ASCII characters with ${JSON.stringify(ch)}: not an internationalized domain name`);
    }
  }
  const ascii = domainToASCII(text);
  if (ascii === '') throw new NameError(`${JSON.stringify(text)} is not a valid internationalized domain name (IDNA)`);
  return ascii;
}

/**
 * Parses a name typed by a person: non-ASCII → A-labels, then presentation
 * form relative to the root (a trailing dot is optional). The empty string
 * is refused (the root is "."). Label (63) and name (255 octets) limits are
 * nameFromText's (RFC 1035 §2.3.4).
 */
export function nameFromInput(text: string): Name {
  if (text === '') throw new NameError('empty name (the root is ".")');
  const ascii = toALabels(text);
  return nameFromText(ascii.endsWith('.') ? ascii : `${ascii}.`);
}
