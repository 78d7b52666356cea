/**
 * The report addresses of DMARC (RFC 7489 §6.2, §6.4 dmarc-uri) and TLS-RPT
 * (RFC 8460 §3 tlsrpt-uri) are URIs (RFC 3986 §3: a scheme, ":", then URI
 * characters or percent-escapes) in which "," and "!" MUST be
 * percent-encoded; ";" ends the tag. Pure.
 */
import { trimWspEnd, trimWspStart } from './wsp.js';

const URI = /^[A-Za-z][A-Za-z0-9+.-]*:(?:[A-Za-z0-9\-._~:/?#[\]@$&'()*+=]|%[0-9A-Fa-f]{2})+$/;

/** True when `text` is one such URI. */
export function isReportUri(text: string): boolean {
  return URI.test(text);
}

/** A comma-separated URI list: the items, white space around each comma dropped (RFC 7489 §6.4, RFC 8460 §3: *WSP "," *WSP). */
export function uriList(value: string): string[] {
  const items = value.split(',');
  return items.map((item, i) => {
    const start = i > 0 ? trimWspStart(item) : item;
    return i < items.length - 1 ? trimWspEnd(start) : start;
  });
}
