/**
 * The `tag=value; tag=value` lists of DKIM (RFC 6376 §3.2), which DMARC
 * records follow too (RFC 7489 §6.3). Pure; never throws.
 */

export interface TagList {
  /** Tags in order of appearance (first occurrence wins). */
  readonly tags: ReadonlyMap<string, string>;
  /** Every tag name in order of appearance, duplicates included. */
  readonly names: readonly string[];
  /** The first tag's name, e.g. "v". */
  readonly first: string | undefined;
  /** Names that occur more than once (RFC 6376 §3.2: the whole tag-list is then invalid). */
  readonly duplicates: ReadonlySet<string>;
  /** Syntax findings; none for a valid tag-list. */
  readonly problems: readonly string[];
}

/** RFC 6376 §3.2: tag-name = ALPHA *ALNUMPUNC. */
const TAG_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/**
 * Splits a tag list: white space around names and values is dropped (§3.2
 * tag-spec allows FWS there), an empty last element is allowed. Tag names
 * are case-sensitive (§3.2); `foldNames` lower-cases them where the record's
 * own ABNF writes them as case-insensitive literals (DMARC, RFC 7489 §6.4).
 */
export function parseTagList(text: string, rfc: string, foldNames = false): TagList {
  const tags = new Map<string, string>();
  const names: string[] = [];
  const duplicates = new Set<string>();
  const problems: string[] = [];
  const parts = text.split(';');
  for (const [i, raw] of parts.entries()) {
    const part = raw.trim();
    if (part === '') {
      if (i !== parts.length - 1) problems.push(`empty tag (${rfc})`);
      continue;
    }
    const eq = part.indexOf('=');
    const written = eq < 0 ? '' : part.slice(0, eq).trim();
    if (!TAG_NAME.test(written)) {
      problems.push(`"${part}" is not tag=value (${rfc})`);
      continue;
    }
    const name = foldNames ? written.toLowerCase() : written;
    names.push(name);
    if (tags.has(name)) {
      if (!duplicates.has(name)) problems.push(`duplicate tag ${name} (${rfc})`);
      duplicates.add(name);
      continue;
    }
    tags.set(name, part.slice(eq + 1).trim());
  }
  return { tags, names, first: names[0], duplicates, problems };
}

