/**
 * jsonErrorOffset (src/fixtures/json-position.ts) finds where a JSON text
 * stops being JSON, so that a garbled fixture is reported with its line:
 * it must agree with JSON.parse on what is valid (RFC 8259), and point at
 * the first offending character.
 */
import { describe, expect, it } from 'vitest';
import { jsonErrorOffset, lineColumn } from '../../src/fixtures/json-position.js';

function agreesWithJsonParse(text: string): boolean {
  let valid = true;
  try {
    JSON.parse(text);
  } catch {
    valid = false;
  }
  return (jsonErrorOffset(text) === undefined) === valid;
}

describe('jsonErrorOffset', () => {
  it.each([
    ['{ not json', 2],
    ['{\n "a": 1,\n "b": [1,2,\n}', 23],
    ['{"a":1}\n}', 8],
    ['', 0],
    ['{"a": "x\ny"}', 8],
    ['{"a":1', 6],
    ['[1 2]', 3],
    ['{"a" 1}', 5],
    ['{"a":1,}', 7],
    ['[01]', 2],
    ['{"a":"\\x"}', 6],
    ['[-]', 1],
  ])('%j: offset %i', (text, offset) => {
    expect(jsonErrorOffset(text)).toBe(offset);
    expect(agreesWithJsonParse(text)).toBe(true);
  });

  it.each(['{}', '[]', ' {"a": [1, -2.5e3, true, false, null, "x\\u00e9\\n"], "b": {}} ', '"s"', '0', '[[[[]]]]'])('%j is valid', (text) => {
    expect(jsonErrorOffset(text)).toBeUndefined();
  });

  it('agrees with JSON.parse on every single-character deletion and replacement of a fixture-shaped text', () => {
    const base = JSON.stringify({ format: 'dnssec-stub-fixture', version: 1, time: 1.5e9, trustAnchors: ['. DS 1 8 2 AB'], exchanges: [{ name: 'a.', type: 'A', text: 'x\ty' }], ok: [true, false, null, -0.5] }, null, 1);
    const replacements = ['', '"', ',', ':', '}', ']', '{', '[', 'x', '0', '-', '\\', '\n'];
    for (let i = 0; i < base.length; i++) {
      for (const r of replacements) {
        const text = base.slice(0, i) + r + base.slice(i + 1);
        expect(agreesWithJsonParse(text), JSON.stringify(text)).toBe(true);
      }
    }
  });

  it('does not overflow the stack on deep nesting', () => {
    expect(jsonErrorOffset('['.repeat(100_000))).toBe(100_000);
  });

  it('lineColumn counts from 1', () => {
    expect(lineColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
    expect(lineColumn('ab', 0)).toEqual({ line: 1, column: 1 });
  });
});
