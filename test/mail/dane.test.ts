/**
 * The RFC 7672 decision as a pure function of facts (src/mail/dane.ts) and
 * the usability of single TLSA records (src/mail/tlsa-usable.ts), by RFC
 * section.
 */
import { describe, expect, it } from 'vitest';
import { decideHost, type HostFacts, type TlsaCandidate } from '../../src/mail/dane.js';
import { judgeTlsa } from '../../src/mail/tlsa-usable.js';
import type { LookupStatus } from '../../src/mail/types.js';

const SHA256 = 'ab'.repeat(32);
const ee = judgeTlsa({ usage: 3, selector: 1, matchingType: 1, data: SHA256 });
const pkix = judgeTlsa({ usage: 1, selector: 1, matchingType: 1, data: SHA256 });
const tlsa = (status: LookupStatus, records = status === 'secure' || status === 'insecure' ? [ee] : [], name = '_25._tcp.mx.example.'): TlsaCandidate => ({ name, status, records });
const facts = (over: Partial<HostFacts>): HostFacts => ({ mxStatus: 'secure', addressStatus: 'secure', addressCount: 1, tlsa: [tlsa('secure')], ...over });

describe('RFC 7672 §3.1: which TLSA records are usable for SMTP', () => {
  it.each([
    [3, 1, 1, SHA256, true],
    [2, 0, 1, SHA256, true],
    [3, 0, 2, 'cd'.repeat(64), true],
    [3, 1, 0, 'cd'.repeat(40), true],
    [0, 0, 1, SHA256, false],
    [1, 1, 1, SHA256, false],
    [4, 1, 1, SHA256, false],
    [3, 2, 1, SHA256, false],
    [3, 1, 3, SHA256, false],
    [3, 1, 1, 'ab'.repeat(16), false],
    [3, 1, 2, SHA256, false],
    [3, 1, 0, '', false],
  ])('usage %i selector %i matching %i (%s) usable=%s', (usage, selector, matchingType, data, usable) => {
    const j = judgeTlsa({ usage, selector, matchingType, data });
    expect(j.usable).toBe(usable);
    expect(j.problem === null).toBe(usable);
  });

  it('names the RFC section in every problem (PKIX usages: §3.1.3)', () => {
    expect(pkix.problem).toMatch(/RFC 7672 §3\.1\.3/);
    expect(judgeTlsa({ usage: 3, selector: 1, matchingType: 1, data: 'ab' }).problem).toMatch(/needs 32 octets, not 1/);
  });
});

describe('RFC 7672: the DANE verdict of one host', () => {
  it('§2.2, §3.1: secure MX, addresses and TLSA with a usable record: required', () => {
    const d = decideHost(facts({}));
    expect([d.dane, d.rfc, d.tlsaIndex]).toEqual(['required', 'RFC 7672 §2.2, §3.1', 0]);
  });

  it('RFC 5321 §5.1: a host without A or AAAA records: do-not-deliver, before any DANE rule (even behind an insecure MX)', () => {
    const d = decideHost(facts({ addressCount: 0, mxStatus: 'insecure' }));
    expect([d.dane, d.rfc, d.tlsaIndex]).toEqual(['do-not-deliver', 'RFC 5321 §5.1', -1]);
  });

  it('§2.1.1: a bogus TLSA RRset: do-not-deliver', () => {
    expect(decideHost(facts({ tlsa: [tlsa('bogus')] })).dane).toBe('do-not-deliver');
  });

  it('§2.1.2: a TLSA lookup without an answer: do-not-deliver', () => {
    expect(decideHost(facts({ tlsa: [tlsa('error')] })).dane).toBe('do-not-deliver');
  });

  it('§2.1.1, §2.1.2: a bogus or failed address lookup: do-not-deliver, even behind an insecure MX', () => {
    expect(decideHost(facts({ addressStatus: 'bogus' })).rfc).toBe('RFC 7672 §2.1.1');
    expect(decideHost(facts({ addressStatus: 'error', mxStatus: 'insecure' })).dane).toBe('do-not-deliver');
  });

  it('§2.2.1: an insecure MX RRset: opportunistic, whatever the TLSA says', () => {
    const d = decideHost(facts({ mxStatus: 'insecure', tlsa: [tlsa('bogus')] }));
    expect([d.dane, d.rfc]).toEqual(['opportunistic', 'RFC 7672 §2.2.1']);
  });

  it('§2.2.3: insecure address records: opportunistic', () => {
    expect(decideHost(facts({ addressStatus: 'insecure' })).rfc).toBe('RFC 7672 §2.2.3');
  });

  it('§2.2: an insecure TLSA RRset is not used: opportunistic', () => {
    const d = decideHost(facts({ tlsa: [tlsa('insecure')] }));
    expect([d.dane, d.reason]).toEqual(['opportunistic', 'TLSA RRset _25._tcp.mx.example. is insecure: not used']);
  });

  it('§2.2: TLSA securely absent: opportunistic', () => {
    expect(decideHost(facts({ tlsa: [tlsa('secure', [])] })).reason).toMatch(/securely absent/);
  });

  it('§2.2: a secure non-empty TLSA RRset of only unusable records (PKIX-EE): encrypt, TLS mandatory without authentication, never cleartext', () => {
    const d = decideHost(facts({ tlsa: [tlsa('secure', [pkix])] }));
    expect([d.dane, d.rfc, d.tlsaIndex]).toEqual(['encrypt', 'RFC 7672 §2.2, §3.1', 0]);
    expect(d.reason).toMatch(/TLS is mandatory/);
  });

  it('§2.2, §2.2.3: unusable records at the expanded name decide (encrypt); the original name is not tried', () => {
    const d = decideHost(facts({ tlsa: [tlsa('secure', [pkix], '_25._tcp.real.example.'), tlsa('secure', [ee], '_25._tcp.alias.example.')] }));
    expect([d.dane, d.tlsaIndex]).toEqual(['encrypt', 0]);
  });

  it('§2.2: unusable records in an insecure TLSA RRset are not used at all: opportunistic', () => {
    expect(decideHost(facts({ tlsa: [tlsa('insecure', [pkix])] })).dane).toBe('opportunistic');
  });

  it('§2.2.3: the expanded name is tried first; absent there, the original name decides', () => {
    const d = decideHost(facts({ tlsa: [tlsa('secure', [], '_25._tcp.real.example.'), tlsa('secure', [ee], '_25._tcp.alias.example.')] }));
    expect([d.dane, d.tlsaIndex]).toEqual(['required', 1]);
  });

  it('§2.2.3: usable records at the expanded name win without looking further', () => {
    const d = decideHost(facts({ tlsa: [tlsa('secure', [ee], '_25._tcp.real.example.'), tlsa('bogus', [], '_25._tcp.alias.example.')] }));
    expect([d.dane, d.tlsaIndex]).toEqual(['required', 0]);
  });

  it('§2.1.1: a bogus TLSA at the expanded name stops there: do-not-deliver', () => {
    const d = decideHost(facts({ tlsa: [tlsa('bogus', [], '_25._tcp.real.example.'), tlsa('secure', [ee])] }));
    expect([d.dane, d.tlsaIndex]).toEqual(['do-not-deliver', 0]);
  });
});
