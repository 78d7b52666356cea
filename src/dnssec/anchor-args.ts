/**
 * The arguments callers hand to the trust anchor readers, checked at the
 * door: a wrong one is a ConfigError that says what was given. The time
 * above all, because a wrong unit does not fail loudly on its own — it
 * silently keeps or drops the wrong trust anchors (RFC 9718 §2.3
 * validFrom/validUntil).
 */
import { ConfigError, describeValue } from '../errors.js';

/**
 * 1e11 unix seconds is the year 5138, while Date.now() (milliseconds) has
 * been above 1e12 since 2001: a value at or above this bound is
 * milliseconds given by mistake.
 */
export const MAX_UNIX_SECONDS = 1e11;

/**
 * `now` as a finite, non-negative number of unix seconds below
 * MAX_UNIX_SECONDS, or the current time when undefined. Anything else (a
 * Date, a string, NaN, milliseconds) is a ConfigError naming `fn`.
 */
export function checkUnixSeconds(now: unknown, fn: string): number {
  if (now === undefined) return Math.floor(Date.now() / 1000);
  if (typeof now !== 'number' || !Number.isFinite(now) || now < 0) {
    throw new ConfigError(`${fn}: now must be a finite number of unix seconds (Math.floor(Date.now() / 1000)), not ${describeValue(now)}`);
  }
  if (now >= MAX_UNIX_SECONDS) {
    throw new ConfigError(`${fn}: now ${now} looks like milliseconds; give unix seconds (Math.floor(Date.now() / 1000))`);
  }
  return now;
}

/** `value` as a string argument (a path, a text, a file name) of `fn`; anything else is a ConfigError. */
export function checkString(value: unknown, what: string, fn: string): string {
  if (typeof value !== 'string') throw new ConfigError(`${fn}: ${what} must be a string, not ${describeValue(value)}`);
  return value;
}

/** The arguments of a reader that takes a text (or path) and a time: checks both, returns the time. */
export function checkReaderArgs(fn: string, what: string, text: unknown, now: unknown): number {
  checkString(text, what, fn);
  return checkUnixSeconds(now, fn);
}
