/**
 * Errors shared by every layer. A ConfigError means the caller's
 * configuration is wrong (a server that is not an IP literal, a bad option
 * value, a `now` in milliseconds): retrying cannot help, so it is a distinct
 * class from UpstreamError ("transient, no answer"), which code may retry.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A short description of a value for an error message: its type and, for simple values, the value. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof Date) return 'a Date';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return `the string ${JSON.stringify(value.length > 60 ? value.slice(0, 60) + '…' : value)}`;
    case 'number':
    case 'bigint':
    case 'boolean':
      return `${typeof value} ${String(value)}`;
    case 'undefined':
      return 'undefined';
    case 'function':
      return 'a function';
    default:
      return 'an object';
  }
}
