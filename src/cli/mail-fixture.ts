/**
 * Mail reports in fixtures: a fixture captured by `dnssec-stub mail
 * --capture` holds the exchanges of every question of the report(s) and a
 * `mail` field (an addition to format version 1: readers that do not know
 * it ignore it):
 *
 *   "mail": { "domains": ["good.dane.lab."], "dkimSelectors": ["sel1"],
 *             "expected": { "good.dane.lab.": { "status": "secure",
 *                           "dane": { "mx.good.dane.lab.": "required" } } } }
 *
 * `demo` replays such a fixture as a mail report and checks `expected`.
 */
import type { Fixture } from '../fixtures/fixture.js';
import type { DaneVerdict, MailStatus } from '../mail/types.js';

export interface MailExpectation {
  readonly status: MailStatus;
  /** Host name -> verdict. */
  readonly dane?: Readonly<Record<string, DaneVerdict>>;
}

export interface MailFixtureField {
  readonly domains: readonly string[];
  readonly dkimSelectors: readonly string[];
  readonly expected?: Readonly<Record<string, MailExpectation>>;
}

const isStrings = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === 'string');

/** The fixture's `mail` field when it has a well-formed one. */
export function mailFixtureField(fixture: Fixture): MailFixtureField | undefined {
  const m = (fixture as Fixture & { mail?: unknown }).mail;
  if (typeof m !== 'object' || m === null) return undefined;
  const f = m as Record<string, unknown>;
  if (!isStrings(f['domains']) || f['domains'].length === 0) return undefined;
  const expected = typeof f['expected'] === 'object' && f['expected'] !== null ? (f['expected'] as Record<string, MailExpectation>) : undefined;
  return { domains: f['domains'], dkimSelectors: isStrings(f['dkimSelectors']) ? f['dkimSelectors'] : [], ...(expected ? { expected } : {}) };
}
