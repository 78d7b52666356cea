/** The code samples of README.md (fenced blocks), for the tests that check them. */

export interface Sample {
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly lang: string;
  readonly code: string;
}

/** The fenced blocks of `markdown` in `langs` whose code names the package. */
export function packageSamples(markdown: string, langs: readonly string[]): Sample[] {
  const out: Sample[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w+)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i]!.startsWith('```'); i++) body.push(lines[i]!);
    const code = body.join('\n');
    if (langs.includes(open[1]!) && /['"]dnssec-stub['"]/.test(code)) out.push({ line: start + 1, lang: open[1]!, code });
  }
  return out;
}

