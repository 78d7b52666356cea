/**
 * The validation time handed to loadTrustAnchorFile / parseRootAnchorsXml
 * (RFC 9718 §2.3: a KeyDigest is used only from validFrom until
 * validUntil). `now` defaults to the current time, so the shipped file
 * drops KSK-2010 (validUntil 2019-01-11) without being told; a Date,
 * milliseconds or a non-finite number is a ConfigError, never a silent
 * choice of the wrong anchors.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ROOT_ANCHORS_PATH, loadTrustAnchorFile, parseAnchorText, parseRootAnchorsXml } from '../../src/dnssec/anchors.js';
import { MAX_UNIX_SECONDS } from '../../src/dnssec/anchor-args.js';
import { ConfigError } from '../../src/errors.js';
import type { RR } from '../../src/wire/message.js';

const dsTag = (ds: RR): number => (ds.rdata[0]! << 8) | ds.rdata[1]!;
const KSK_2010 = 19036;
const KSK_2017 = 20326;
const xml = readFileSync(DEFAULT_ROOT_ANCHORS_PATH, 'utf8');

describe('now defaults to the current time (RFC 9718 §2.3)', () => {
  it('loadTrustAnchorFile without now drops KSK-2010, whose validity ended in 2019', () => {
    const tags = loadTrustAnchorFile(DEFAULT_ROOT_ANCHORS_PATH)[0]!.ds.map(dsTag);
    expect(tags).toContain(KSK_2017);
    expect(tags).not.toContain(KSK_2010);
    // The same file at a time inside KSK-2010's window keeps it: the default is what dropped it.
    expect(loadTrustAnchorFile(DEFAULT_ROOT_ANCHORS_PATH, Date.parse('2018-01-01T00:00:00Z') / 1000)[0]!.ds.map(dsTag)).toContain(KSK_2010);
  });

  it('parseRootAnchorsXml without now gives the same anchors as with the current time', () => {
    const tags = parseRootAnchorsXml(xml, 'root-anchors.xml')[0]!.ds.map(dsTag);
    expect(tags).not.toContain(KSK_2010);
    expect(tags).toEqual(parseRootAnchorsXml(xml, 'root-anchors.xml', Math.floor(Date.now() / 1000))[0]!.ds.map(dsTag));
  });
});

describe('now must be a finite number of unix seconds', () => {
  const bad: [string, unknown, RegExp][] = [
    ['a Date', new Date(), /now must be a finite number of unix seconds .*not a Date/],
    ['milliseconds (Date.now())', Date.now(), /looks like milliseconds; give unix seconds/],
    ['NaN', Number.NaN, /not number NaN/],
    ['Infinity', Number.POSITIVE_INFINITY, /not number Infinity/],
    ['a negative number', -1, /not number -1/],
    ['a numeric string', '1700000000', /not the string "1700000000"/],
    ['null', null, /not null/],
    ['the bound itself', MAX_UNIX_SECONDS, /looks like milliseconds/],
  ];

  it.each(bad)('loadTrustAnchorFile refuses %s with a ConfigError', (_what, now, message) => {
    expect(() => loadTrustAnchorFile(DEFAULT_ROOT_ANCHORS_PATH, now as number)).toThrow(ConfigError);
    expect(() => loadTrustAnchorFile(DEFAULT_ROOT_ANCHORS_PATH, now as number)).toThrow(message);
    expect(() => loadTrustAnchorFile(DEFAULT_ROOT_ANCHORS_PATH, now as number)).toThrow(/^loadTrustAnchorFile: /);
  });

  it.each(bad)('parseRootAnchorsXml refuses %s with a ConfigError', (_what, now, message) => {
    expect(() => parseRootAnchorsXml(xml, 'root-anchors.xml', now as number)).toThrow(ConfigError);
    expect(() => parseRootAnchorsXml(xml, 'root-anchors.xml', now as number)).toThrow(message);
  });

  it('accepts 0 and the largest seconds value below the bound (year 5138)', () => {
    // At 0 (1970) no KeyDigest is valid yet: that is an anchor-file error, not a ConfigError.
    expect(() => parseRootAnchorsXml(xml, 'root-anchors.xml', 0)).toThrow(/no <KeyDigest> is valid/);
    expect(parseRootAnchorsXml(xml, 'root-anchors.xml', MAX_UNIX_SECONDS - 1)[0]!.ds.map(dsTag)).toEqual([KSK_2017, 38696]);
  });
});

describe('the other arguments must be strings', () => {
  it.each([
    ['loadTrustAnchorFile(URL)', () => loadTrustAnchorFile(new URL('file:///x') as unknown as string), /^loadTrustAnchorFile: path must be a string, not an object$/],
    ['loadTrustAnchorFile(undefined)', () => loadTrustAnchorFile(undefined as unknown as string), /^loadTrustAnchorFile: path must be a string, not undefined$/],
    ['parseAnchorText(Buffer)', () => parseAnchorText(Buffer.from('. DS 1 8 2 AB') as unknown as string, 'f'), /^parseAnchorText: the text must be a string, not an object$/],
    ['parseRootAnchorsXml(null)', () => parseRootAnchorsXml(null as unknown as string, 'f'), /^parseRootAnchorsXml: the XML text must be a string, not null$/],
  ])('%s is a ConfigError', (_what, fn, message) => {
    expect(fn).toThrow(ConfigError);
    expect(fn).toThrow(message);
  });
});
