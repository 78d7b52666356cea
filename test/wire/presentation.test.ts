import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { nameFromText, nameToWire, nameToText } from '../../src/wire/name.js';
import { parseMessage, type RR } from '../../src/wire/message.js';
import { RRType, RRClass } from '../../src/wire/rrtype.js';
import {
  PresentationError, parseRecord, parseZoneText, rdataFromText, rdataToText, rrToText,
} from '../../src/wire/presentation.js';

const VECTORS = resolve(dirname(fileURLToPath(import.meta.url)), '../data/vectors');
function readVector(rel: string): string {
  const p = join(VECTORS, rel);
  if (!existsSync(p)) throw new Error(`test vector missing: ${p} (expected in test/data/vectors)`);
  return readFileSync(p, 'utf8');
}
function listVectors(sub: string, re: RegExp): string[] {
  const dir = join(VECTORS, sub);
  if (!existsSync(dir)) throw new Error(`test vectors missing: ${dir} (expected in test/data/vectors)`);
  return readdirSync(dir).filter((f) => re.test(f)).sort().map((f) => `${sub}/${f}`);
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const fromHex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h.replace(/\s+/g, ''), 'hex'));
const origin = nameFromText('example.com.');

/** RFC 4034 Appendix B key tag (computed here independently of src/dnssec). */
function keyTag(rdata: Uint8Array): number {
  let ac = 0;
  for (let i = 0; i < rdata.length; i++) ac += i & 1 ? rdata[i]! : rdata[i]! << 8;
  ac += (ac >> 16) & 0xffff;
  return ac & 0xffff;
}

describe('rdata text -> wire -> text round trip', () => {
  // [type, input text, expected output text (dig style)]
  const cases: [string, string, string][] = [
    ['A', '192.0.2.1', '192.0.2.1'],
    ['AAAA', '2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['AAAA', '::ffff:c000:201', '::ffff:192.0.2.1'],
    ['AAAA', '::1', '::1'],
    ['AAAA', '1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['AAAA', '1:0:0:2:0:0:3:4', '1::2:0:0:3:4'],
    ['AAAA', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
    ['AAAA', '1:0:3:4:5:6:7:8', '1:0:3:4:5:6:7:8'],
    ['AAAA', '2001:db8:0:1:0:0:0:1', '2001:db8:0:1::1'],
    ['AAAA', '::', '::'],
    ['NS', 'ns1', 'ns1.example.com.'],
    ['CNAME', 'Www.Example.NET.', 'Www.Example.NET.'],
    ['DNAME', '@', 'example.com.'],
    ['PTR', 'host.example.', 'host.example.'],
    ['MD', 'a.', 'a.'], ['MF', 'a.', 'a.'], ['MB', 'a.', 'a.'], ['MG', 'a.', 'a.'], ['MR', 'a.', 'a.'],
    ['SOA', 'ns1 hostmaster ( 2024010101 1h 15M 1w 300 )', 'ns1.example.com. hostmaster.example.com. 2024010101 3600 900 604800 300'],
    ['MX', '10 mx', '10 mx.example.com.'],
    ['KX', '5 kx.example.', '5 kx.example.'],
    ['AFSDB', '1 afs.example.', '1 afs.example.'],
    ['RT', '2 relay.example.', '2 relay.example.'],
    ['PX', '10 net2.example. prmd-net2.admd-net2.example.', '10 net2.example. prmd-net2.admd-net2.example.'],
    ['MINFO', 'rmail.example. email.example.', 'rmail.example. email.example.'],
    ['RP', 'mbox.example. txt.example.', 'mbox.example. txt.example.'],
    ['TXT', '"hello world" "a\\"b\\\\c" plain \\059x', '"hello world" "a\\"b\\\\c" "plain" ";x"'],
    ['TXT', '"tab\\009nl\\010 \\255"', '"tab\\009nl\\010 \\255"'],
    ['TXT', '""', '""'],
    ['SPF', '"v=spf1 -all"', '"v=spf1 -all"'],
    ['HINFO', 'DEC-2060 "TOPS 20"', '"DEC-2060" "TOPS 20"'],
    ['SRV', '0 5 5060 sip.example.', '0 5 5060 sip.example.'],
    ['NAPTR', '100 10 "S" "SIP+D2U" "" _sip._udp.example.', '100 10 "S" "SIP+D2U" "" _sip._udp.example.'],
    ['CAA', '0 issue "letsencrypt.org"', '0 issue "letsencrypt.org"'],
    ['CAA', '128 tbs "Unknown"', '128 tbs "Unknown"'],
    ['URI', '10 1 "ftp://ftp1.example.com/public"', '10 1 "ftp://ftp1.example.com/public"'],
    ['TLSA', '3 1 1 ( 0c72ac70b745ac19998811b131d662c9 ac69dbdbe7cb23e5b514b56664c5d3d6 )', '3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6'],
    ['SMIMEA', '3 0 1 abcdef', '3 0 1 ABCDEF'],
    ['SSHFP', '4 2 123456789abcdef67890123456789abcdef67890123456789abcdef123456789', '4 2 123456789ABCDEF67890123456789ABCDEF67890123456789ABCDEF123456789'],
    ['DS', '60485 5 1 2BB183AF5F22588179A53B0A 98631FAD1A292118', '60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118'],
    ['CDS', '0 0 0 00', '0 0 0 00'],
    ['DLV', '1 RSASHA256 2 aabb', '1 8 2 AABB'],
    ['DNSKEY', '257 3 ECDSAP256SHA256 ( AQID BAU= )', '257 3 13 AQIDBAU='],
    ['CDNSKEY', '0 3 0 AA==', '0 3 0 AA=='],
    ['KEY', '256 3 5 AQID', '256 3 5 AQID'],
    ['RRSIG', 'A 8 3 3600 20300101000000 20000101000000 9033 example.net. AQID', 'A 8 3 3600 20300101000000 20000101000000 9033 example.net. AQID'],
    ['RRSIG', 'TYPE65534 13 2 60 1893456000 946684800 1 Example.NET. AQID', 'TYPE65534 13 2 60 20300101000000 20000101000000 1 Example.NET. AQID'],
    ['SIG', 'NXT 1 2 3 20050101000000 20040101000000 4 a. AQID', 'NXT 1 2 3 20050101000000 20040101000000 4 a. AQID'],
    ['NSEC', 'host.example.com. A MX RRSIG NSEC TYPE1234', 'host.example.com. A MX RRSIG NSEC TYPE1234'],
    ['NSEC', 'next.example.', 'next.example.'],
    ['NSEC3', '1 1 12 aabbccdd ( 2t7b4g4vsa5smi47k61mv5bv1a22bojr MX DNSKEY NS SOA NSEC3PARAM RRSIG )', '1 1 12 AABBCCDD 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR NS SOA MX RRSIG DNSKEY NSEC3PARAM'],
    ['NSEC3', '1 0 0 - CK0POJMG874LJREF7EFN8430QVIT8BSM', '1 0 0 - CK0POJMG874LJREF7EFN8430QVIT8BSM'],
    ['NSEC3PARAM', '1 0 12 aabbccdd', '1 0 12 AABBCCDD'],
    ['NSEC3PARAM', '1 0 0 -', '1 0 0 -'],
    ['CSYNC', '66 3 A NS AAAA', '66 3 A NS AAAA'],
    ['OPENPGPKEY', 'AQID BAU=', 'AQIDBAU='],
    ['ZONEMD', '2018031500 1 1 ( FEBE3D4CE2EC2FFA4BA99D46CD69D6D2 9711E55217057BEE7EB1A7B641A47BA7 FED2DD5B97AE499FAFA4F22C6BD647DE )', '2018031500 1 1 FEBE3D4CE2EC2FFA4BA99D46CD69D6D29711E55217057BEE7EB1A7B641A47BA7FED2DD5B97AE499FAFA4F22C6BD647DE'],
    ['NULL', '\\# 3 010203', '\\# 3 010203'],
    ['NULL', '\\# 0', '\\# 0'],
    ['SVCB', '\\# 4 00010000', '\\# 4 00010000'],
    ['TYPE65280', '\\# 3 ab CD ef', '\\# 3 ABCDEF'],
  ];
  it.each(cases)('%s %s', (typeName, input, expected) => {
    const type = RRType[typeName as keyof typeof RRType] ?? Number(typeName.slice(4));
    const wire = rdataFromText(type, input, origin);
    const text = rdataToText(type, wire);
    expect(text).toBe(expected);
    expect(hex(rdataFromText(type, text, origin))).toBe(hex(wire));
  });

  it('keeps the case of names in RDATA', () => {
    const wire = rdataFromText(RRType.MX, '10 MAIL.Example.COM.');
    expect(Buffer.from(wire.subarray(2, 7)).toString('latin1')).toBe('\u0004MAIL');
    expect(rdataToText(RRType.MX, wire)).toBe('10 MAIL.Example.COM.');
  });

  it('takes pre-split tokens', () => {
    expect(hex(rdataFromText(RRType.TXT, ['"a b"', 'c']))).toBe(hex(rdataFromText(RRType.TXT, '"a b" c')));
    expect(rdataToText(RRType.DS, rdataFromText(RRType.DS, ['1', '8', '2', 'ab', 'cd']))).toBe('1 8 2 ABCD');
  });
});

describe('wire encodings against dns-packet (independent encoder)', () => {
  const cases: [string, string, unknown][] = [
    ['A', '192.0.2.33', '192.0.2.33'],
    ['AAAA', '2001:db8::f00:baaa', '2001:db8::f00:baaa'],
    ['NS', 'ns1.example.com.', 'ns1.example.com'],
    ['CNAME', 'target.example.org.', 'target.example.org'],
    ['DNAME', 'target.example.org.', 'target.example.org'],
    ['PTR', 'host.example.', 'host.example'],
    ['MX', '10 mx.example.com.', { preference: 10, exchange: 'mx.example.com' }],
    ['SOA', 'ns.example. admin.example. 1 2 3 4 5', { mname: 'ns.example', rname: 'admin.example', serial: 1, refresh: 2, retry: 3, expire: 4, minimum: 5 }],
    ['TXT', '"one" "two three"', ['one', 'two three']],
    ['HINFO', '"INTEL-386" "UNIX"', { cpu: 'INTEL-386', os: 'UNIX' }],
    ['SRV', '1 2 443 www.example.', { priority: 1, weight: 2, port: 443, target: 'www.example' }],
    ['CAA', '0 issue "ca.example.net"', { flags: 0, tag: 'issue', value: 'ca.example.net' }],
    ['RP', 'mbox.example. txt.example.', { mbox: 'mbox.example', txt: 'txt.example' }],
    ['NAPTR', '100 50 "s" "http+I2L+I2C+I2R" "" _http._tcp.example.com.', { order: 100, preference: 50, flags: 's', services: 'http+I2L+I2C+I2R', regexp: '', replacement: '_http._tcp.example.com' }],
    ['TLSA', '3 1 1 aabbcc', { usage: 3, selector: 1, matchingType: 1, certificate: Buffer.from('aabbcc', 'hex') }],
    ['SSHFP', '1 1 0123456789abcdef0123456789abcdef01234567', { algorithm: 1, hash: 1, fingerprint: '0123456789abcdef0123456789abcdef01234567' }],
    ['DS', '60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118', { keyTag: 60485, algorithm: 5, digestType: 1, digest: Buffer.from('2BB183AF5F22588179A53B0A98631FAD1A292118', 'hex') }],
    ['DNSKEY', '257 3 8 AwEAAQ==', { flags: 257, algorithm: 8, key: Buffer.from('AwEAAQ==', 'base64') }],
    ['RRSIG', 'A 5 3 86400 20030322173103 20030220173103 2642 example.com. AQIDBA==', { typeCovered: 'A', algorithm: 5, labels: 3, originalTTL: 86400, expiration: Date.UTC(2003, 2, 22, 17, 31, 3) / 1000, inception: Date.UTC(2003, 1, 20, 17, 31, 3) / 1000, keyTag: 2642, signersName: 'example.com', signature: Buffer.from('AQIDBA==', 'base64') }],
    ['NSEC', 'host.example.com. A MX RRSIG NSEC', { nextDomain: 'host.example.com', rrtypes: ['A', 'MX', 'RRSIG', 'NSEC'] }],
    ['NSEC3', '1 1 12 AABBCCDD 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR NS SOA MX', { algorithm: 1, flags: 1, iterations: 12, salt: Buffer.from('aabbccdd', 'hex'), nextDomain: Buffer.from(rdataFromText(RRType.NSEC3, '1 1 12 AABBCCDD 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR').subarray(10)), rrtypes: ['NS', 'SOA', 'MX'] }],
  ];
  it.each(cases)('%s %s', (typeName, text, data) => {
    const packet = dnsPacket.encode({
      type: 'response',
      id: 0,
      answers: [{ type: typeName, name: 'x.example', ttl: 60, class: 'IN', data } as dnsPacket.Answer],
    });
    const reference = parseMessage(new Uint8Array(packet)).answer[0]!;
    expect(reference.type).toBe(RRType[typeName as keyof typeof RRType]);
    expect(hex(rdataFromText(reference.type, text))).toBe(hex(reference.rdata));
    expect(rdataToText(reference.type, reference.rdata).toLowerCase()).toBe(text.toLowerCase());
  });
});

describe('RFC 4034 examples', () => {
  const dnskey23 = `example.com. 86400 IN DNSKEY 256 3 5 ( AQPSKmynfzW4kyBv015MUG2DeIQ3
                                          Cbl+BBZH4b/0PY1kxkmvHjcZc8no
                                          kfzj31GajIQKY+5CptLr3buXA10h
                                          WqTkF7H6RfoRqXQeogmMHfpftf6z
                                          Mv1LyBUgia7za6ZEzOJBOztyvhjL
                                          742iU/TpPSEDhm2SNKLijfUppn1U
                                          aNvv4w==  )`;
  it('§2.3 DNSKEY: fields, multi-line base64', () => {
    const rr = parseRecord(dnskey23);
    expect(nameToText(rr.name)).toBe('example.com.');
    expect([rr.ttl, rr.class, rr.type]).toEqual([86400, RRClass.IN, RRType.DNSKEY]);
    expect([(rr.rdata[0]! << 8) | rr.rdata[1]!, rr.rdata[2], rr.rdata[3]]).toEqual([256, 3, 5]);
    expect(rr.rdata.length - 4).toBe(Buffer.from('AQPSKmynfzW4kyBv015MUG2DeIQ3Cbl+BBZH4b/0PY1kxkmvHjcZc8nokfzj31GajIQKY+5CptLr3buXA10hWqTkF7H6RfoRqXQeogmMHfpftf6zMv1LyBUgia7za6ZEzOJBOztyvhjL742iU/TpPSEDhm2SNKLijfUppn1UaNvv4w==', 'base64').length);
    // The §3.3 RRSIG below names key tag 2642 for this key.
    expect(keyTag(rr.rdata)).toBe(2642);
    expect(rrToText(rr)).toBe(
      'example.com.\t86400\tIN\tDNSKEY\t256 3 5 AQPSKmynfzW4kyBv015MUG2DeIQ3Cbl+BBZH4b/0PY1kxkmvHjcZc8nokfzj31GajIQKY+5CptLr3buXA10hWqTkF7H6RfoRqXQeogmMHfpftf6zMv1LyBUgia7za6ZEzOJBOztyvhjL742iU/TpPSEDhm2SNKLijfUppn1UaNvv4w==',
    );
  });

  it('§3.3 RRSIG: fields and times', () => {
    const rr = parseRecord(`host.example.com. 86400 IN RRSIG A 5 3 86400 20030322173103 (
                                  20030220173103 2642 example.com.
                                  oJB1W6WNGv+ldvQ3WDG0MQkg5IEhjRip8WTr
                                  PYGv07h108dUKGMeDPKijVCHX3DDKdfb+v6o
                                  B9wfuh3DTJXUAfI/M0zmO/zz8bW0Rznl8O3t
                                  GNazPwQKkRN20XPXV6nwwfoXmJQbsLNrLfkG
                                  J5D6fwFm8nN+6pBzeDQfsS3Ap3o= )`);
    const d = Buffer.from(rr.rdata);
    expect(d.readUInt16BE(0)).toBe(RRType.A);
    expect([d[2], d[3], d.readUInt32BE(4)]).toEqual([5, 3, 86400]);
    expect(d.readUInt32BE(8)).toBe(Date.UTC(2003, 2, 22, 17, 31, 3) / 1000);
    expect(d.readUInt32BE(12)).toBe(Date.UTC(2003, 1, 20, 17, 31, 3) / 1000);
    expect(d.readUInt16BE(16)).toBe(2642);
    expect(hex(d.subarray(18, 31))).toBe(hex(nameToWire(nameFromText('example.com.'))));
    expect(d.length - 31).toBe(128); // RSA-1024 signature
    expect(hex(d.subarray(31, 35))).toBe('a090755b'); // first octets of the base64 signature
  });

  it('§4.3 NSEC: wire form printed in the RFC', () => {
    const rr = parseRecord('alfa.example.com. 86400 IN NSEC host.example.com. ( A MX RRSIG NSEC TYPE1234 )');
    expect(hex(rr.rdata)).toBe(
      hex(nameToWire(nameFromText('host.example.com.'))) +
        '0006400100000003' + '041b' + '00'.repeat(26) + '20',
    );
    expect(rdataToText(rr.type, rr.rdata)).toBe('host.example.com. A MX RRSIG NSEC TYPE1234');
  });

  it('§5.3/§5.4 DS: digest and key tag of the DNSKEY', () => {
    const [key, ds] = parseZoneText(`dskey.example.com. 86400 IN DNSKEY 256 3 5 ( AQOeiiR0GOMYkDshWoSKz9Xz
                                             fwJr1AYtsmx3TGkJaNXVbfi/
                                             2pHm822aJ5iI9BMzNXxeYCmZ
                                             DRD99WYwYqUSdjMmmAphXdvx
                                             egXd/M5+X7OrzKBaMbCVdFLU
                                             Uh6DhweJBjEVv5f2wwjM9Xzc
                                             nOf+EPbtG9DMBmADjFDc2w/r
                                             ljwvFw==
                                             ) ;  key id = 60485

dskey.example.com. 86400 IN DS 60485 5 1 ( 2BB183AF5F22588179A53B0A
                                              98631FAD1A292118 )`) as [RR, RR];
    const d = Buffer.from(ds.rdata);
    expect(d.readUInt16BE(0)).toBe(60485);
    expect(keyTag(key.rdata)).toBe(60485);
    expect([d[2], d[3]]).toEqual([5, 1]);
    const digest = createHash('sha1').update(nameToWire(key.name)).update(key.rdata).digest('hex');
    expect(hex(d.subarray(4))).toBe(digest);
  });
});

describe('RFC 5155 Appendix A zone', () => {
  it('parses, round-trips, and its NSEC3 owners are the hashes of the zone names', () => {
    const rrs = parseZoneText(readVector('rfc/rfc5155-A-signed-zone.zone'), { fileName: 'rfc5155-A-signed-zone.zone' });
    const nsec3 = rrs.filter((r) => r.type === RRType.NSEC3);
    expect(nsec3.length).toBe(rrs.filter((r) => r.type === RRType.NSEC3 || r.type === RRType.RRSIG).length - 30);
    expect(nsec3.length).toBeGreaterThan(5);
    // RFC 5155 §5: H(x) = IH(salt, x, 12) with SHA-1, salt aabbccdd.
    const h = (name: string): string => {
      let v = createHash('sha1').update(nameToWire(nameFromText(name))).update(fromHex('aabbccdd')).digest();
      for (let i = 0; i < 12; i++) v = createHash('sha1').update(v).update(fromHex('aabbccdd')).digest();
      return Buffer.from(rdataFromText(RRType.NSEC3, `1 0 0 - ${encodeBase32(v)}`).subarray(6)).toString('hex');
    };
    // The owner label, decoded as base32hex by our parser, equals the SHA-1 chain for "example.".
    const apexHash = h('example.');
    const owners = nsec3.map((r) => Buffer.from(rdataFromText(RRType.NSEC3, `1 0 0 - ${r.name[0]}`).subarray(6)).toString('hex'));
    expect(owners).toContain(apexHash);
    // The chain closes: every next-hashed-owner field is some record's owner hash.
    for (const r of nsec3) {
      const saltLen = r.rdata[4]!;
      const hashLen = r.rdata[5 + saltLen]!;
      const next = Buffer.from(r.rdata.subarray(6 + saltLen, 6 + saltLen + hashLen)).toString('hex');
      expect(owners).toContain(next);
    }
    for (const r of rrs) {
      const again = parseRecord(rrToText(r));
      expect(hex(again.rdata)).toBe(hex(r.rdata));
      expect([nameToText(again.name), again.ttl, again.type, again.class]).toEqual([nameToText(r.name), r.ttl, r.type, r.class]);
    }
  });
});

/** Plain base32hex for the test (independent of src/). */
function encodeBase32(bytes: Uint8Array): string {
  const alphabet = '0123456789abcdefghijklmnopqrstuv';
  let bits = '';
  for (const b of bytes) bits += b.toString(2).padStart(8, '0');
  while (bits.length % 5) bits += '0';
  let out = '';
  for (let i = 0; i < bits.length; i += 5) out += alphabet[parseInt(bits.slice(i, i + 5), 2)];
  return out;
}

describe('every shared zone file parses and round-trips', () => {
  const files = [...listVectors('rfc', /\.(zone|txt)$/), ...listVectors('real', /\.(zone|txt)$/)];
  it.each(files)('%s', (file) => {
    const rrs = parseZoneText(readVector(file), { fileName: file });
    expect(rrs.length).toBeGreaterThan(0);
    for (const r of rrs) {
      const line = rrToText(r);
      const again = parseRecord(line);
      expect(hex(again.rdata)).toBe(hex(r.rdata));
      expect(rrToText(again)).toBe(line);
      expect(line).not.toContain('\\#'); // every type in the vectors has a real text form
    }
  });
});

describe('master file syntax (RFC 1035 §5.1)', () => {
  const zone = `$ORIGIN example.com.
$TTL 1h
@   IN  SOA ns1 hostmaster ( 1 ; serial
            7200  ; refresh
            3600 1209600 300 )
    NS  ns1            ; blank owner = @
ns1 300 A 192.0.2.1
    IN 60 AAAA 2001:db8::1   ; class then TTL
www CNAME ns1
txt TXT "semi;colon" "paren(" ( "multi"
   "line" )
$ORIGIN sub.example.com.
a   A   192.0.2.2
b.example.net. CH 2d TXT x
`;
  const rrs = parseZoneText(zone, { fileName: 'z.zone' });
  it('reads every record with owner, TTL and class rules', () => {
    expect(rrs.map((r) => `${nameToText(r.name)} ${r.ttl} ${r.class} ${r.type}`)).toEqual([
      'example.com. 3600 1 6',
      'example.com. 3600 1 2',
      'ns1.example.com. 300 1 1',
      'ns1.example.com. 60 1 28',
      'www.example.com. 3600 1 5',
      'txt.example.com. 3600 1 16',
      'a.sub.example.com. 3600 1 1',
      'b.example.net. 172800 3 16',
    ]);
    expect(rdataToText(RRType.SOA, rrs[0]!.rdata)).toBe('ns1.example.com. hostmaster.example.com. 1 7200 3600 1209600 300');
    expect(rdataToText(RRType.TXT, rrs[5]!.rdata)).toBe('"semi;colon" "paren(" "multi" "line"');
  });

  it('defaults: TTL 3600 without $TTL, previous explicit TTL, options', () => {
    expect(parseZoneText('a. A 192.0.2.1')[0]!.ttl).toBe(3600);
    expect(parseZoneText('a. 5 A 192.0.2.1\nb. A 192.0.2.2')[1]!.ttl).toBe(5);
    const [r] = parseZoneText('a A 192.0.2.1', { origin: nameFromText('zone.'), defaultTtl: 42, defaultClass: RRClass.CH });
    expect([nameToText(r!.name), r!.ttl, r!.class]).toEqual(['a.zone.', 42, RRClass.CH]);
    expect(parseZoneText('a. 1W2D3H4M5S A 192.0.2.1')[0]!.ttl).toBe(604800 + 2 * 86400 + 3 * 3600 + 4 * 60 + 5);
  });

  it('RFC 3597 mnemonics and generic RDATA', () => {
    const [a, b] = parseZoneText('a. 60 CLASS1 TYPE1 \\# 4 C0000201\nb. 60 IN TYPE65280 \\# 2 ABCD');
    expect([a!.type, a!.class, hex(a!.rdata)]).toEqual([1, 1, 'c0000201']);
    expect(rrToText(a!)).toBe('a.\t60\tIN\tA\t192.0.2.1');
    expect(rrToText(b!)).toBe('b.\t60\tIN\tTYPE65280\t\\# 2 ABCD');
    expect(rrToText({ ...b!, class: 65000 })).toBe('b.\t60\tCLASS65000\tTYPE65280\t\\# 2 ABCD');
  });

  it('takes generic RDATA that does not fit a known type as is (for fixtures of malformed records)', () => {
    const [r] = parseZoneText('a. 60 IN MX \\# 1 00');
    expect(hex(r!.rdata)).toBe('00');
    expect(rrToText(r!)).toBe('a.\t60\tIN\tMX\t\\# 1 00');
  });

  it('prints malformed RDATA of a known type in the generic form', () => {
    expect(rdataToText(RRType.A, Uint8Array.of(1, 2, 3))).toBe('\\# 3 010203');
    expect(rdataToText(RRType.MX, Uint8Array.of(0, 1, 0xc0, 0x0c))).toBe('\\# 4 0001C00C');
  });

  it.each([
    ['unknown type', 'ok. A 192.0.2.1\nbad. 60 IN BOGUS 1', 2, /unknown type/],
    ['bad IPv4', 'a. A 192.0.2.1\nb. A 192.0.2\n', 2, /IPv4/],
    ['IPv4 with a leading zero', 'a. A 192.0.2.01', 1, /IPv4/],
    ['bad IPv6', 'a. AAAA 1::2::3', 1, /IPv6/],
    ['IPv6 with 9 groups', 'a. AAAA 1:2:3:4:5:6:7:8:9', 1, /IPv6/],
    ['missing field', 'a. MX 10', 1, /missing domain name/],
    ['trailing data', 'a. A 192.0.2.1 extra', 1, /unexpected "extra"/],
    ['bad base64 on a continuation line', 'a. DNSKEY 257 3 8 (\nAQID\n!!!= )', 3, /base64/],
    ['unclosed parenthesis', 'a. TXT ( "x"\n', 2, /never closed/],
    ['$INCLUDE', '$INCLUDE other.zone', 1, /\$INCLUDE is not supported/],
    ['no previous owner', '  A 192.0.2.1', 1, /no previous owner/],
    ['generic length mismatch', 'a. TYPE999 \\# 3 ABCD', 1, /length 3/],
    ['bad time', 'a. RRSIG A 8 1 60 20301301000000 20000101000000 1 a. AQID', 1, /bad date/],
    ['salt', 'a. NSEC3PARAM 1 0 0 xyz', 1, /hex/],
    ['label too long', `a. NS ${'x'.repeat(64)}.`, 1, /63/],
    ['unterminated string', 'a. TXT "abc', 1, /unterminated/],
    ['string too long', `a. TXT "${'x'.repeat(256)}"`, 1, /255/],
    ['type without format', 'a. LOC 52 22 23.000 N 4 53 32.000 E -2.00m', 1, /RFC 3597/],
  ])('%s -> PresentationError with file and line', (_what, text, line, re) => {
    try {
      parseZoneText(text, { fileName: 'bad.zone' });
      expect.unreachable('should have thrown');
    } catch (e) {
      expect(e).toBeInstanceOf(PresentationError);
      const err = e as PresentationError;
      expect(err.line).toBe(line);
      expect(err.fileName).toBe('bad.zone');
      expect(err.message).toContain(`bad.zone line ${line}:`);
      expect(err.message).toMatch(re);
    }
  });

  it('escapes in owner names and RDATA names (RFC 1035 §5.1, RFC 4343 §2.1)', () => {
    const rr = parseRecord('a\\.b.Example. 60 IN CNAME sp\\032ace\\;x.example.');
    expect(rr.name).toEqual(['a.b', 'Example']);
    expect(rrToText(rr)).toBe('a\\.b.Example.\t60\tIN\tCNAME\tsp\\032ace\\;x.example.');
    expect(Buffer.from(rr.rdata.subarray(1, 9)).toString('latin1')).toBe('sp ace;x');
  });

  it('CRLF line ends and a comment after the closing parenthesis', () => {
    const rrs = parseZoneText('a. 60 IN MX ( 10\r\n mx.a. ) ; c\r\nb. 60 IN A 192.0.2.1\r\n');
    expect(rrs.map((r) => rdataToText(r.type, r.rdata))).toEqual(['10 mx.a.', '192.0.2.1']);
  });

  it('parseRecord wants exactly one record', () => {
    expect(() => parseRecord('a. A 192.0.2.1\nb. A 192.0.2.2')).toThrow(PresentationError);
  });
});

describe('hostile input never crashes', () => {
  // Deterministic xorshift PRNG so failures reproduce.
  let seed = 0x12345678;
  const rand = (n: number): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  const types = [...new Set(Object.values(RRType))].filter((t) => t !== RRType.OPT);

  it('rdataToText gives text for random RDATA of every type, and that text parses back to the same bytes', () => {
    for (const type of types) {
      for (let i = 0; i < 40; i++) {
        const bytes = Uint8Array.from({ length: rand(40) }, () => rand(256));
        const text = rdataToText(type, bytes);
        expect(hex(rdataFromText(type, text))).toBe(hex(bytes));
      }
    }
  });

  it('parseZoneText on random text returns records or throws PresentationError only', () => {
    const alphabet = ['a', '.', ' ', '\t', '\n', '(', ')', ';', '"', '\\', '@', '$TTL', '$ORIGIN', '1', '0', 'IN', 'A', 'TXT', 'MX', 'NSEC', 'RRSIG', 'DS', '\\#', 'é', '-', '=', '+', '/'];
    for (let i = 0; i < 3000; i++) {
      let text = '';
      for (let j = rand(30); j > 0; j--) text += alphabet[rand(alphabet.length)];
      try {
        parseZoneText(text);
      } catch (e) {
        expect(e, JSON.stringify(text)).toBeInstanceOf(PresentationError);
      }
    }
  });
});
