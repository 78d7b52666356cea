/** TXT RDATA made of the given character-strings (RFC 1035 §3.3.14), each string's octets as latin1. */
export function txtRdata(...strings: string[]): Uint8Array {
  const parts = strings.map((s) => Buffer.from(s, 'latin1'));
  return Uint8Array.from(parts.flatMap((b) => [b.length, ...b]));
}
