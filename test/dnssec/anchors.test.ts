import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AnchorFileError, DEFAULT_ROOT_ANCHORS_PATH, loadTrustAnchorFile, parseAnchorText, parseRootAnchorsXml,
} from '../../src/dnssec/anchors.js';
import { nameToText, nameToWire } from '../../src/wire/name.js';
import type { RR } from '../../src/wire/message.js';
import { parseZoneText, rdataToText } from '../../src/wire/presentation.js';
import { RRType } from '../../src/wire/rrtype.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT_VECTORS = resolve(HERE, '../data/vectors/real/root-trust-anchors.txt');
const unix = (iso: string): number => Date.parse(iso) / 1000;
const NOW_2026 = unix('2026-06-01T00:00:00Z');

/** RFC 4034 Appendix B key tag, written here independently of src/. */
function keyTag(rdata: Uint8Array): number {
  let ac = 0;
  for (let i = 0; i < rdata.length; i++) ac += i & 1 ? rdata[i]! : rdata[i]! << 8;
  ac += (ac >> 16) & 0xffff;
  return ac & 0xffff;
}
const dsTag = (ds: RR): number => (ds.rdata[0]! << 8) | ds.rdata[1]!;

function expectAnchorError(fn: () => unknown, fileName: string, line: number | undefined, re: RegExp): void {
  try {
    fn();
    expect.unreachable('should have thrown');
  } catch (e) {
    expect(e).toBeInstanceOf(AnchorFileError);
    const err = e as AnchorFileError;
    expect(err.fileName).toBe(fileName);
    expect(err.line).toBe(line);
    expect(err.message).toContain(fileName);
    if (line !== undefined) expect(err.message).toContain(`line ${line}`);
    expect(err.message).toMatch(re);
  }
}

describe('shipped trust-anchors/root-anchors.xml', () => {
  const xml = readFileSync(DEFAULT_ROOT_ANCHORS_PATH, 'utf8');

  it('DEFAULT_ROOT_ANCHORS_PATH is absolute and points at the package file', () => {
    expect(DEFAULT_ROOT_ANCHORS_PATH).toBe(resolve(HERE, '../../trust-anchors/root-anchors.xml'));
    expect(existsSync(DEFAULT_ROOT_ANCHORS_PATH)).toBe(true);
  });

  it('gives one root anchor with DS 20326 and 38696 in 2026', () => {
    const anchors = loadTrustAnchorFile(DEFAULT_ROOT_ANCHORS_PATH, NOW_2026);
    expect(anchors).toHaveLength(1);
    const a = anchors[0]!;
    expect(nameToText(a.zone)).toBe('.');
    expect(a.ds.map(dsTag)).toEqual([20326, 38696]);
    expect(a.ds.map((d) => rdataToText(RRType.DS, d.rdata))).toEqual([
      '20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D',
      '38696 8 2 683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16',
    ]);
    expect(a.source).toContain('root-anchors.xml KeyDigest id=Klajeyz,Kmyv6jo');
  });

  it('before 2024-07-18 only 20326 is valid; in 2015 only the retired 19036', () => {
    expect(parseRootAnchorsXml(xml, 'root-anchors.xml', unix('2024-07-17T23:59:59Z'))[0]!.ds.map(dsTag)).toEqual([20326]);
    expect(parseRootAnchorsXml(xml, 'root-anchors.xml', unix('2024-07-18T00:00:00Z'))[0]!.ds.map(dsTag)).toEqual([20326, 38696]);
    expect(parseRootAnchorsXml(xml, 'root-anchors.xml', unix('2015-01-01T00:00:00Z'))[0]!.ds.map(dsTag)).toEqual([19036]);
  });

  it('its DS records match the root KSKs of test/data/vectors/real/root-trust-anchors.txt', () => {
    if (!existsSync(ROOT_VECTORS)) throw new Error(`test vector missing: ${ROOT_VECTORS} (expected in test/data/vectors)`);
    const keys = parseZoneText(readFileSync(ROOT_VECTORS, 'utf8')).filter((r) => r.type === RRType.DNSKEY);
    expect(keys).toHaveLength(2);
    const [anchor] = loadTrustAnchorFile(DEFAULT_ROOT_ANCHORS_PATH, NOW_2026);
    for (const ds of anchor!.ds) {
      const key = keys.find((k) => keyTag(k.rdata) === dsTag(ds));
      expect(key, `DNSKEY with tag ${dsTag(ds)}`).toBeDefined();
      expect([ds.rdata[2], ds.rdata[3]]).toEqual([key!.rdata[3], 2]);
      const digest = createHash('sha256').update(nameToWire(key!.name)).update(key!.rdata).digest('hex');
      expect(Buffer.from(ds.rdata.subarray(4)).toString('hex')).toBe(digest);
    }
  });
});

const TEST_XML = `<?xml version="1.0" encoding="UTF-8"?>
<!-- test anchors -->
<TrustAnchor id="TEST" source="test">
<Zone>example.</Zone>
<KeyDigest id="old" validFrom="2000-01-01T00:00:00+00:00" validUntil="2010-01-01T00:00:00+00:00">
<KeyTag>1</KeyTag><Algorithm>8</Algorithm><DigestType>2</DigestType>
<Digest>0101010101010101010101010101010101010101010101010101010101010101</Digest>
</KeyDigest>
<KeyDigest id="cur" validFrom="2005-06-01T00:00:00Z" validUntil="2030-01-01T00:00:00-05:00">
<KeyTag>2</KeyTag><Algorithm>13</Algorithm><DigestType>2</DigestType>
<Digest>
  02020202020202020202020202020202
  02020202020202020202020202020202
</Digest>
</KeyDigest>
</TrustAnchor>
`;

describe('parseRootAnchorsXml', () => {
  it('honours validFrom and validUntil (with time zones)', () => {
    const tags = (iso: string): number[] => parseRootAnchorsXml(TEST_XML, 't.xml', unix(iso))[0]!.ds.map(dsTag);
    expect(tags('2004-01-01T00:00:00Z')).toEqual([1]);
    expect(tags('2007-01-01T00:00:00Z')).toEqual([1, 2]);
    expect(tags('2010-01-01T00:00:00Z')).toEqual([2]); // validUntil is exclusive
    expect(tags('2030-01-01T04:59:59Z')).toEqual([2]);
    expectAnchorError(() => tags('2030-01-01T05:00:00Z'), 't.xml', undefined, /no <KeyDigest> is valid/);
    expect(nameToText(parseRootAnchorsXml(TEST_XML, 't.xml', unix('2007-01-01T00:00:00Z'))[0]!.zone)).toBe('example.');
  });

  it('rejects malformed documents with file and line', () => {
    expectAnchorError(() => parseRootAnchorsXml(TEST_XML.replace('<KeyTag>2</KeyTag>', '<KeyTag>x</KeyTag>'), 't.xml', 0), 't.xml', 10, /KeyDigest id=cur: bad <KeyTag>/);
    expectAnchorError(() => parseRootAnchorsXml(TEST_XML.replace('<DigestType>2</DigestType>\n<Digest>', '<DigestType>2</DigestType>\n<Digest>zz'), 't.xml', 0), 't.xml', 7, /KeyDigest id=old: bad <Digest>/);
    expectAnchorError(() => parseRootAnchorsXml(TEST_XML.replace(' validFrom="2000-01-01T00:00:00+00:00"', ''), 't.xml', 0), 't.xml', 5, /missing validFrom/);
    expectAnchorError(() => parseRootAnchorsXml(TEST_XML.replace('<Zone>example.</Zone>', ''), 't.xml', 0), 't.xml', 3, /one <Zone>/);
    expectAnchorError(() => parseRootAnchorsXml('<foo/>', 't.xml', 0), 't.xml', undefined, /one <TrustAnchor>/);
  });

  it('checks <PublicKey>/<Flags> against the key tag and digest (RFC 9718)', () => {
    const xml = readFileSync(DEFAULT_ROOT_ANCHORS_PATH, 'utf8');
    expectAnchorError(() => parseRootAnchorsXml(xml.replace('<Flags>257</Flags>', '<Flags>256</Flags>'), 'r.xml', NOW_2026), 'r.xml', 15, /key tag/);
    expectAnchorError(() => parseRootAnchorsXml(xml.replace('E06D44B80B8F1D39', 'E06D44B80B8F1D30'), 'r.xml', NOW_2026), 'r.xml', 15, /does not hash to <Digest>/);
  });
});

describe('parseAnchorText', () => {
  const text = `; islands of trust
example.   3600 IN DS 9465 5 2 40d68db5c39f036f09d72d945e9541f3396cc822baf6b1a058865feb5864ce6b
example.   DNSKEY 257 3 5 ( AQOeX7+baTmvpVHb2CcLnL1dMRWbuscRvHXlLnXwDzvqp4tZVKp1sZMepFb8MvxhhW3y/0QZsyCjczGJ1qk8vJe52iOhInKROVLRwxGpMfzPRLMlGybr51bOV/1se0ODacj3DomyB4QB5gKTYot/K9alk5/j8vfd4jWCWD+E1Sze0Q== )
Example.Net. IN DNSKEY 257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==
example.   DS 9465 5 1 5ac2043ea052d2d854649046ff37793eed159399
example.net. DS 2371 13 2 ( 0000000000000000000000000000000000000000000000000000000000000000 )
`;
  it('groups DS and DNSKEY records by zone', () => {
    const anchors = parseAnchorText(text, 'islands.txt');
    expect(anchors.map((a) => [nameToText(a.zone), a.ds.length, a.dnskeys.length, a.source])).toEqual([
      ['example.', 2, 1, 'islands.txt'],
      ['Example.Net.', 1, 1, 'islands.txt'],
    ]);
    expect(keyTag(anchors[0]!.dnskeys[0]!.rdata)).toBe(9465);
  });

  it('reports a bad line 3 with file and line', () => {
    const bad = 'example. DS 9465 5 2 40d68db5\nexample. DS 9465 5 1 5ac2043e\nexample. DNSKEY 257 3 5 not-base64!\n';
    expectAnchorError(() => parseAnchorText(bad, 'bad.txt'), 'bad.txt', 3, /base64/);
  });

  it('refuses other types, non-zone keys, revoked keys, empty files', () => {
    expectAnchorError(() => parseAnchorText('a. DS 1 8 2 00\nb. A 192.0.2.1\n', 'f.txt'), 'f.txt', 2, /only DS and DNSKEY/);
    expectAnchorError(() => parseAnchorText('\n\na. DNSKEY 1 3 8 AQID\n', 'f.txt'), 'f.txt', 3, /Zone Key/);
    expectAnchorError(() => parseAnchorText('a. DNSKEY 385 3 8 AQID\n', 'f.txt'), 'f.txt', 1, /REVOKE/);
    expectAnchorError(() => parseAnchorText('; nothing\n', 'f.txt'), 'f.txt', undefined, /no DS or DNSKEY/);
    expectAnchorError(() => parseAnchorText('a. CH DS 1 8 2 00\n', 'f.txt'), 'f.txt', 1, /class IN/);
  });

  it("reads BIND's trust-anchors, managed-keys and trusted-keys clauses", () => {
    const conf = `// named.conf excerpt
trust-anchors {
  /* the root */
  . initial-ds 20326 8 2 "E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D";
  example.net. static-key 257 3 13 "mdsswUyr3DPW132mOi8V9xESWE8j
      To0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==";
};
managed-keys { "example.org" initial-key 257 3 13 "mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ=="; };
# legacy
trusted-keys { example.com 257 3 13 "mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ=="; };
`;
    const anchors = parseAnchorText(conf, 'named.conf');
    expect(anchors.map((a) => [nameToText(a.zone), a.ds.length, a.dnskeys.length])).toEqual([
      ['.', 1, 0], ['example.net.', 0, 1], ['example.org.', 0, 1], ['example.com.', 0, 1],
    ]);
    expect(dsTag(anchors[0]!.ds[0]!)).toBe(20326);
    expect(keyTag(anchors[1]!.dnskeys[0]!.rdata)).toBe(2371);
    expectAnchorError(
      () => parseAnchorText('trust-anchors {\n  . initial-ds 20326 8 2 "E06D";\n  . initial-foo 1 2 3 "00";\n};\n', 'n.conf'),
      'n.conf', 3, /initial-key, static-key/,
    );
    expectAnchorError(() => parseAnchorText('trust-anchors {\n . static-ds 1 8 2 "0"\n};\n', 'n.conf'), 'n.conf', 3, /missing ";"/);
  });
});

describe('loadTrustAnchorFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'anchors-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('detects XML and presentation text', () => {
    const xmlPath = join(dir, 'a.xml');
    writeFileSync(xmlPath, TEST_XML);
    expect(loadTrustAnchorFile(xmlPath, unix('2007-01-01T00:00:00Z'))[0]!.ds.map(dsTag)).toEqual([1, 2]);
    const txtPath = join(dir, 'a.txt');
    writeFileSync(txtPath, 'example. DS 1 8 2 00\n');
    const [a] = loadTrustAnchorFile(txtPath, 0);
    expect([nameToText(a!.zone), a!.source]).toEqual(['example.', txtPath]);
  });

  it('errors name the file (and line)', () => {
    const missing = join(dir, 'missing.xml');
    expectAnchorError(() => loadTrustAnchorFile(missing, 0), missing, undefined, /cannot read/);
    const bad = join(dir, 'bad.txt');
    writeFileSync(bad, 'example. DS 1 8 2 00\nexample. DS 1 8 2 00\nexample. DS 1 8 x 00\n');
    expectAnchorError(() => loadTrustAnchorFile(bad, 0), bad, 3, /number/);
  });
});
