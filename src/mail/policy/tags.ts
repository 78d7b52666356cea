/**
 * The `tag=value; tag=value` lists of DKIM (RFC 6376 §3.2), DMARC
 * (RFC 7489 §6.4), MTA-STS (RFC 8461 §3.1) and TLS-RPT (RFC 8460 §3).
 * Pure; never throws.
 */

export interface TagList {
  /** Tags in order of appearance (first occurrence wins), names as written. */
  readonly tags: ReadonlyMap<string, string>;
  /** The first tag's name, e.g. "v". */
  readonly first: string | undefined;
  readonly problems: readonly string[];
}

/** Splits a tag list; whitespace around names and values is dropped, an empty last element is allowed. */
export function parseTagList(text: string, rfc: string): TagList {
  const tags = new Map<string, string>();
  const problems: string[] = [];
  let first: string | undefined;
  const parts = text.split(';');
  for (const [i, raw] of parts.entries()) {
    const part = raw.trim();
    if (part === '') {
      if (i !== parts.length - 1) problems.push(`empty tag (${rfc})`);
      continue;
    }
    const eq = part.indexOf('=');
    if (eq <= 0) {
      problems.push(`"${part}" is not tag=value (${rfc})`);
      continue;
    }
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    first ??= name;
    if (tags.has(name)) {
      problems.push(`duplicate tag ${name} (${rfc})`);
      continue;
    }
    tags.set(name, value);
  }
  return { tags, first, problems };
}

/** TXT records whose text starts with `prefix` (case-insensitive) followed by `;`, whitespace or the end. */
export function recordsWithVersion(texts: readonly string[], version: string): string[] {
  const re = new RegExp(`^${version.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s*;|\\s|$)`, 'i');
  return texts.filter((t) => re.test(t));
}
