/**
 * Splits master-file text into entries (RFC 1035 §5.1): one entry per line,
 * or several lines joined by "(" ... ")". ";" starts a comment anywhere
 * outside a quoted string (also after a record and inside parentheses).
 * Quoted strings keep their backslash escapes; so do unquoted tokens, whose
 * escapes ("\.", "\059", "\ ") are decoded later by the field that reads them.
 *
 * Comment lines that stand on their own (outside parentheses) are returned
 * too, because sectioned text (sections.ts) uses them as markers.
 */
import { FieldError } from './encoding.js';

export interface Token {
  /** Raw text, escapes kept; for a quoted string, without the quotes. */
  readonly text: string;
  readonly quoted: boolean;
  /** 1-based line the token starts on. */
  readonly line: number;
}

export interface Entry {
  readonly kind: 'entry';
  readonly tokens: readonly Token[];
  readonly line: number;
  /** The line started with white space: the owner is the previous one (RFC 1035 §5.1). */
  readonly ownerOmitted: boolean;
}

export interface CommentLine {
  readonly kind: 'comment';
  /** The text from the first ";" to the end of the line. */
  readonly text: string;
  readonly line: number;
}

export type LexItem = Entry | CommentLine;

/** A lexical error at a 1-based line. */
export class LexError extends FieldError {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\r';
}

/** Characters that end an unquoted token. */
function isDelimiter(c: string): boolean {
  return isSpace(c) || c === '\n' || c === '(' || c === ')' || c === ';' || c === '"';
}

export function lex(text: string): LexItem[] {
  const items: LexItem[] = [];
  let line = 1;
  let depth = 0;
  let openLine = 0;
  let tokens: Token[] = [];
  let entryLine = 0;
  let ownerOmitted = false;
  let atLineStart = true;
  let i = 0;
  const n = text.length;
  const flush = (): void => {
    if (tokens.length > 0) items.push({ kind: 'entry', tokens, line: entryLine, ownerOmitted });
    tokens = [];
  };
  const push = (tok: Token): void => {
    if (tokens.length === 0) entryLine = tok.line;
    tokens.push(tok);
  };
  while (i < n) {
    const c = text[i]!;
    if (atLineStart && depth === 0) {
      atLineStart = false;
      flush();
      ownerOmitted = isSpace(c);
      // A comment that stands alone on its line.
      let j = i;
      while (j < n && isSpace(text[j]!)) j++;
      if (text[j] === ';') {
        let end = text.indexOf('\n', j);
        if (end < 0) end = n;
        items.push({ kind: 'comment', text: text.slice(j, end).replace(/\r$/, ''), line });
        i = end;
        continue;
      }
    }
    if (c === '\n') {
      line++;
      atLineStart = true;
      i++;
    } else if (isSpace(c)) {
      i++;
    } else if (c === ';') {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === '(') {
      if (depth === 0) openLine = line;
      depth++;
      if (depth > 1) throw new LexError('nested parentheses', line);
      i++;
    } else if (c === ')') {
      if (depth === 0) throw new LexError('")" without "("', line);
      depth--;
      i++;
    } else if (c === '"') {
      const start = ++i;
      while (i < n && text[i] !== '"') {
        if (text[i] === '\n') throw new LexError('unterminated quoted string', line);
        if (text[i] === '\\') i++;
        i++;
      }
      if (i >= n) throw new LexError('unterminated quoted string', line);
      push({ text: text.slice(start, i), quoted: true, line });
      i++;
    } else {
      const start = i;
      while (i < n && !isDelimiter(text[i]!)) {
        if (text[i] === '\\') {
          if (i + 1 >= n || text[i + 1] === '\n') throw new LexError('dangling backslash', line);
          i++;
        }
        i++;
      }
      push({ text: text.slice(start, i), quoted: false, line });
    }
  }
  if (depth > 0) throw new LexError(`"(" opened at line ${openLine} is never closed`, line);
  flush();
  return items;
}
