/**
 * Asserts the covered-records invariant (issue 13 item 1; see cover-of.ts)
 * in vitest tests.
 */
import { expect } from 'vitest';
import type { ValidationResult } from '../../src/validator/result.js';
import { coverOf } from './cover-of.js';

export { coverOf };

/** Asserts the invariant over one result (secure, insecure or bogus). */
export function assertCovered(result: ValidationResult): void {
  if (result.status === 'bogus') {
    expect(result.records, `bogus ${result.name} ${result.type} hands out records`).toEqual([]);
    return;
  }
  const uncovered = result.records.filter((r) => coverOf(result, r) === undefined).map((r) => r.text);
  expect(uncovered, `${result.status} ${result.name} ${result.type}: records without a verified RRSIG, a DNAME synthesis or a proven insecure cut`).toEqual([]);
}
