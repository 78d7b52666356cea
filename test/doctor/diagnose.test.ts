/**
 * The doctor's diagnosis (src/doctor/diagnose.ts) for the resolver
 * behaviours the three lab resolvers do not show: a validating resolver
 * across a network (RFC 4035 §4.9.3), one that sets AD on a bogus answer,
 * one that ignores CD (RFC 4035 §3.2.2), one without EDNS (RFC 6891), and
 * one that does not answer. The facts are what the probes record.
 */
import { describe, expect, it } from 'vitest';
import { type ServerFacts, diagnose, isLoopback } from '../../src/doctor/diagnose.js';
import type { ProbeReply, ProbeResult } from '../../src/doctor/probe.js';
import { EDE } from '../../src/types.js';
import { RRType, Rcode } from '../../src/wire/rrtype.js';

const reply = (r: Partial<ProbeReply> = {}): ProbeResult => ({
  ok: true,
  reply: { rcode: Rcode.NOERROR, ad: false, tc: false, edns: true, size: 600, answer: [], authority: [], signedInAnswer: [], ...r },
});
const none: ProbeResult = { ok: false, error: 'UDP query to 192.0.2.53:53: no acceptable answer within 2000 ms' };

/** A validating resolver that passes everything, on loopback. */
function good(over: Partial<ServerFacts> = {}): ServerFacts {
  return {
    server: '127.0.0.1:53',
    protocol: 'udp',
    loopback: true,
    udp: reply(),
    tcp: reply(),
    buffers: [
      { size: 4096, result: reply({ size: 1500 }) },
      { size: 1232, result: reply({ tc: true }) },
      { size: 512, result: reply({ tc: true }) },
    ],
    dnskey: reply({ answer: [RRType.DNSKEY, RRType.DNSKEY, RRType.RRSIG], signedInAnswer: [RRType.DNSKEY] }),
    ds: reply({ answer: [RRType.DS, RRType.RRSIG], signedInAnswer: [RRType.DS] }),
    negative: reply({ rcode: Rcode.NXDOMAIN, authority: [RRType.SOA, RRType.RRSIG, RRType.NSEC3, RRType.RRSIG] }),
    secureAd: reply({ ad: true, answer: [RRType.DNSKEY, RRType.RRSIG] }),
    bogus: reply({ rcode: Rcode.SERVFAIL }),
    bogusCd: reply({ answer: [RRType.A, RRType.RRSIG] }),
    validation: { status: 'secure', rcode: 'NOERROR', reasons: [] },
    denialValidation: { status: 'secure', rcode: 'NXDOMAIN', reasons: [] },
    probeName: 'example.',
    bogusName: 'bogus.example.',
    ...over,
  };
}

describe('diagnose', () => {
  it('a validating resolver on loopback: AD trustworthy, NSEC3 denial seen, usable, no problems', () => {
    const d = diagnose(good());
    expect(d).toMatchObject({ validates: true, cdHonoured: true, adTrustworthy: true, usableForValidation: true, ednsBuffer: 4096 });
    expect(d.dnssecRecords).toEqual({ rrsigs: true, dnskey: true, ds: true, denial: 'nsec3' });
    expect(d.problems).toEqual([]);
  });

  it('the same resolver across a network: validates, but its AD cannot be trusted (RFC 4035 §4.9.3)', () => {
    const d = diagnose(good({ server: '192.0.2.53:53', loopback: false }));
    expect(d.validates).toBe(true);
    expect(d.adTrustworthy).toBe(false);
    expect(d.usableForValidation).toBe(true);
    expect(d.problems.join(' ')).toMatch(/not on loopback.*RFC 4035 §4\.9\.3/);
  });

  it('AD on a secure answer but NOERROR for the bogus name: does not validate', () => {
    const d = diagnose(good({ bogus: reply({ answer: [RRType.A] }) }));
    expect(d.validates).toBe(false);
    expect(d.adTrustworthy).toBe(false);
    expect(d.problems.join(' ')).toMatch(/answers the bogus name bogus\.example\. with rcode 0, not SERVFAIL/);
  });

  it('SERVFAIL for the bogus name even with CD=1: CD not honoured (RFC 4035 §3.2.2)', () => {
    const d = diagnose(good({ bogusCd: reply({ rcode: Rcode.SERVFAIL }) }));
    expect(d.cdHonoured).toBe(false);
    expect(d.problems.join(' ')).toMatch(/ignores CD=1/);
  });

  it('no bogus name given: validation judged by AD alone, and the doctor says what was not checked', () => {
    const d = diagnose(good({ bogus: undefined, bogusCd: undefined, bogusName: undefined }));
    expect(d.validates).toBe(true);
    expect(d.cdHonoured).toBeNull();
    expect(d.problems.join(' ')).toMatch(/--bogus-name/);
  });

  it('no EDNS in any answer: reported, and the buffer is null', () => {
    const noOpt = reply({ edns: false });
    const d = diagnose(good({ buffers: [4096, 1232, 512].map((size) => ({ size, result: noOpt })) }));
    expect(d.ednsBuffer).toBeNull();
    expect(d.edns).toBe(false);
    expect(d.problems.join(' ')).toMatch(/no EDNS/);
  });

  it.each(['tcp', 'tls', 'https'] as const)('over %s (no UDP buffer probes): EDNS judged by the DNSKEY answer, the buffer null', (protocol) => {
    const d = diagnose(good({ protocol, buffers: [] }));
    expect(d).toMatchObject({ edns: true, ednsBuffer: null, validates: true, cdHonoured: true, adTrustworthy: true });
    expect(d.problems).toEqual([]);
    const noOpt = diagnose(good({ protocol, buffers: [], dnskey: reply({ edns: false, answer: [RRType.DNSKEY, RRType.RRSIG], signedInAnswer: [RRType.DNSKEY] }) }));
    expect(noOpt.edns).toBe(false);
    expect(noOpt.problems.join(' ')).toMatch(/no EDNS/);
  });

  it('AD trustworthy over DoT or DoH: the advice names the encrypted transport, not resolv.conf (glibc speaks plain DNS only)', () => {
    expect(diagnose(good()).advice.join(' ')).toMatch(/options trust-ad/);
    const d = diagnose(good({ protocol: 'tls', buffers: [] }));
    expect(d.advice.join(' ')).toMatch(/asks it over DNS over TLS/);
    expect(d.advice.join(' ')).not.toMatch(/options trust-ad/);
  });

  it('large UDP answers lost: the largest working buffer is the one that came back', () => {
    const d = diagnose(good({ buffers: [{ size: 4096, result: none }, { size: 1232, result: reply({ tc: true }) }, { size: 512, result: reply({ tc: true }) }] }));
    expect(d.ednsBuffer).toBe(1232);
  });

  it('nothing answers: not reachable, not usable, advice to check the address', () => {
    const d = diagnose(
      good({
        udp: none,
        tcp: none,
        buffers: [],
        dnskey: none,
        ds: none,
        negative: none,
        secureAd: none,
        bogus: none,
        bogusCd: none,
        validation: { status: 'error', error: 'all upstream tries failed' },
        denialValidation: { status: 'error', error: 'all upstream tries failed' },
      }),
    );
    expect(d).toMatchObject({ reachable: false, tcp: false, validates: null, usableForValidation: false });
    expect(d.why).toMatch(/no answer: all upstream tries failed/);
    expect(d.advice[0]).toMatch(/check the address/);
  });

  it('a secure positive answer but a bogus denial: not usable, and why names the denial', () => {
    const d = diagnose(good({ denialValidation: { status: 'bogus', rcode: 'NXDOMAIN', reasons: [{ kind: 'denial-missing', ede: EDE.NSEC_MISSING, text: 'no NSEC proof' }] } }));
    expect(d.usableForValidation).toBe(false);
    expect(d.why).toMatch(/nonexistent name under example\. .*bogus \(no NSEC proof, EDE 12\)/);
  });

  it.each([
    ['127.0.0.1', true],
    ['127.87.0.53', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['10.0.0.1', false],
    ['192.0.2.53', false],
    ['2001:db8::1', false],
  ])('isLoopback(%s) = %s', (host, expected) => {
    expect(isLoopback(host)).toBe(expected);
  });
});
