/**
 * RFC 5234 WSP (SP / HTAB) around the fields of the policy records, cut in
 * linear time: a regex such as [ \t]+$, or a split on [ \t]*,[ \t]* , is
 * tried from every position of a long white-space run, which made a hostile
 * 64 KB TXT record cost seconds. Pure.
 */

const isWsp = (c: number): boolean => c === 0x20 || c === 0x09;

/** `text` without leading WSP. */
export function trimWspStart(text: string): string {
  let i = 0;
  while (i < text.length && isWsp(text.charCodeAt(i))) i++;
  return text.slice(i);
}

/** `text` without trailing WSP. */
export function trimWspEnd(text: string): string {
  let end = text.length;
  while (end > 0 && isWsp(text.charCodeAt(end - 1))) end--;
  return text.slice(0, end);
}

/** `text` without leading and trailing WSP. */
export const trimWsp = (text: string): string => trimWspStart(trimWspEnd(text));

