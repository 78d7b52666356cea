/**
 * Unbound autotrust files (RFC 5011 state per key: `;;state=N [ NAME ]`):
 * only VALID keys are trust anchors; REVOKED and MISSING ones are not, and an
 * ADDPEND key only once its add hold-down (RFC 5011 §2.4.1: 30 days) has
 * passed since `;;lastchange`. Issue 10 correction 6.
 */
import { describe, expect, it } from 'vitest';
import { AnchorFileError, parseAnchorText } from '../../src/dnssec/anchors.js';
import { dnskeyOf } from '../../src/dnssec/records.js';
import { readShared } from '../support/record-pool.js';

const ROOT = readShared('vectors/real/root-trust-anchors.txt');
const keyLines = ROOT.split('\n').filter((l) => /^\. 172800 IN DNSKEY 257 /.test(l));
const [K2017, K2024] = keyLines.map((l) => l.replace(/^\. 172800 IN DNSKEY /, '')) as [string, string];
const T0 = 1_750_000_000;
const DAY = 86400;

function autotrust(...keys: [rdata: string, state: number, name: string, lastchange: number][]): string {
  return [
    '; autotrust trust anchor file',
    ';;id: . 1',
    ';;last_queried: 1750000000 ;;Sun Jun 15 15:06:40 2025',
    ';;query_failed: 0',
    ...keys.map(([rdata, state, name, lastchange]) => `.\t172800\tIN\tDNSKEY\t${rdata} ;{id = 0 (ksk), size = 2048b} ;;state=${state} [ ${name} ] ;;count=0 ;;lastchange=${lastchange} ;;Sun Jun 15 15:06:40 2025`),
    '',
  ].join('\n');
}

const tags = (text: string, now: number) => parseAnchorText(text, 'root.autokey', now).flatMap((a) => a.dnskeys.map((k) => dnskeyOf(k)!.keyTag)).sort((a, b) => a - b);
/** The REVOKE bit set, as Unbound stores a revoked key (flags 257 + 128 = 385). */
const revoked = (rdata: string) => rdata.replace(/^257 /, '385 ');

describe('Unbound autotrust states (RFC 5011 §4)', () => {
  it('VALID keys are trust anchors', () => {
    expect(tags(autotrust([K2017, 2, 'VALID', T0 - 400 * DAY], [K2024, 2, 'VALID', T0 - 30 * DAY]), T0)).toEqual([20326, 38696]);
  });

  it('a REVOKED key is not a trust anchor (and does not make the file unreadable)', () => {
    expect(tags(autotrust([K2017, 2, 'VALID', T0 - 400 * DAY], [revoked(K2024), 4, 'REVOKED', T0 - DAY]), T0)).toEqual([20326]);
  });

  it('a MISSING key is not a trust anchor', () => {
    expect(tags(autotrust([K2017, 3, 'MISSING', T0 - DAY], [K2024, 2, 'VALID', T0 - 40 * DAY]), T0)).toEqual([38696]);
  });

  it('an ADDPEND key counts only after 30 days of hold-down since its last change', () => {
    const file = autotrust([K2017, 2, 'VALID', T0 - 400 * DAY], [K2024, 1, 'ADDPEND', T0 - 10 * DAY]);
    expect(tags(file, T0)).toEqual([20326]);
    expect(tags(file, T0 + 20 * DAY)).toEqual([20326, 38696]);
  });

  it('a file with no key in a trusted state is an error, never "no anchor"', () => {
    expect(() => parseAnchorText(autotrust([revoked(K2017), 4, 'REVOKED', T0], [K2024, 3, 'MISSING', T0]), 'root.autokey', T0)).toThrow(AnchorFileError);
  });

  it('a plain record file without states is read as before', () => {
    expect(tags(keyLines.join('\n'), T0)).toEqual([20326, 38696]);
  });
});
