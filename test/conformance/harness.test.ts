/**
 * The replay harness itself: the .rpl reader and the emulated recursive
 * resolver, on a small hand-written scenario (no signatures need to verify
 * here: the resolver does not validate).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { nameFromText, nameToText } from '../../src/wire/name.js';
import { RRType, typeToText } from '../../src/wire/rrtype.js';
import { rdataToText } from '../../src/wire/presentation.js';
import type { Message } from '../../src/wire/message.js';
import { RplError, parseRpl } from './rpl.js';
import { ReplayResolver, chainEnd } from './replay-resolver.js';
import { loadScenario, noEntryForStubQuestion, parseOverrideDate, runScenario, scenarioDir, scenarioTime, validationTimes } from './scenario.js';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SIG = 'MC0CFQCN+qHdJxoI/2tNKwsb08pra/G7aAIUAWA5sDdJTbrXA1/3OaesGBAO3sI=';

const TEXT = `; test scenario
server:
	trust-anchor: "example.com. 3600 IN DS 2854 3 1 46e4ffc6e9a4793b488954bd3f0cc6af0dfb201b"
	val-override-date: "-1"
stub-zone:
	name: "."
	stub-addr: 10.0.0.1 # root
CONFIG_END
SCENARIO_BEGIN harness test
RANGE_BEGIN 0 100
	ADDRESS 10.0.0.1
ENTRY_BEGIN
MATCH opcode subdomain
ADJUST copy_id copy_query
REPLY QR NOERROR
SECTION QUESTION
com. IN NS
SECTION AUTHORITY
com. IN NS a.gtld.net.
SECTION ADDITIONAL
a.gtld.net. IN A 10.0.0.2
ENTRY_END
RANGE_END
RANGE_BEGIN 0 100
	ADDRESS 10.0.0.2
ENTRY_BEGIN
MATCH opcode subdomain
ADJUST copy_id copy_query
REPLY QR NOERROR
SECTION QUESTION
example.com. IN NS
SECTION AUTHORITY
example.com. IN NS ns.example.com.
example.com. IN DS 2854 3 1 46e4ffc6e9a4793b488954bd3f0cc6af0dfb201b
example.com. 3600 IN RRSIG DS 3 2 3600 20070926134150 20070829134150 1 com. ${SIG}
SECTION ADDITIONAL
ns.example.com. IN A 10.0.0.3
ENTRY_END
ENTRY_BEGIN
MATCH opcode qtype qname
ADJUST copy_id
REPLY QR NOERROR
SECTION QUESTION
signed.com. IN DS
SECTION ANSWER
signed.com. IN DS 30899 5 1 f7ed618f24d5e5202927e1d27bc2e84a141cb4b3
ENTRY_END
ENTRY_BEGIN
MATCH opcode subdomain
ADJUST copy_id copy_query
REPLY QR NOERROR
SECTION QUESTION
signed.com. IN NS
SECTION AUTHORITY
signed.com. IN NS ns.unsigned.com.
ENTRY_END
ENTRY_BEGIN
MATCH opcode subdomain
ADJUST copy_id copy_query
REPLY QR NOERROR
SECTION QUESTION
unsigned.com. IN NS
SECTION AUTHORITY
unsigned.com. IN NS ns.unsigned.com.
SECTION ADDITIONAL
ns.unsigned.com. IN A 10.0.0.4
ENTRY_END
RANGE_END
RANGE_BEGIN 0 100
	ADDRESS 10.0.0.4
ENTRY_BEGIN
MATCH opcode qtype qname
ADJUST copy_id copy_query
REPLY QR AA NOERROR
SECTION QUESTION
unsigned.com. IN DS
SECTION AUTHORITY
unsigned.com. IN SOA ns.unsigned.com. host.unsigned.com. 7 3600 300 86400 3600
ENTRY_END
RANGE_END
RANGE_BEGIN 0 100
	ADDRESS 10.0.0.3
ENTRY_BEGIN
MATCH opcode qtype qname
REPLY QR AA NOERROR
SECTION QUESTION
www.example.com. IN A
SECTION ANSWER
www.example.com. IN A 10.20.30.40
www.example.com. IN CNAME other.example.com.
www.example.com. 3600 IN RRSIG A 3 3 3600 20070926134150 20070829134150 2854 example.com. ${SIG}
ENTRY_END
ENTRY_BEGIN
MATCH opcode qtype qname
REPLY QR AA NOERROR
SECTION QUESTION
alias.example.com. IN A
SECTION ANSWER
alias.example.com. IN CNAME www.example.com.
ENTRY_END
ENTRY_BEGIN
MATCH opcode qtype qname
REPLY QR AA NOERROR
SECTION QUESTION
bad.example.com. IN A
SECTION ANSWER
; an empty signature, and base64 without padding
bad.example.com. 3600 IN RRSIG A 3 3 3600 20070926134150 20070829134150 2854 example.com.
bad.example.com. 3600 IN RRSIG A 3 3 3600 20070926134150 20070829134150 2854 example.com. AAAAAA
ENTRY_END
RANGE_END
STEP 1 QUERY
ENTRY_BEGIN
REPLY RD DO
SECTION QUESTION
alias.example.com. IN A
ENTRY_END
STEP 10 CHECK_ANSWER
ENTRY_BEGIN
MATCH all ede=9
REPLY QR RD RA AD DO NOERROR
SECTION QUESTION
alias.example.com. IN A
ENTRY_END
STEP 11 TIME_PASSES ELAPSE 10
SCENARIO_END
`;

const n = (s: string) => nameFromText(s);
/** The 1-based line of `text` in TEXT (an entry's question is 5 lines below its ENTRY_BEGIN). */
const lineOf = (text: string) => TEXT.split('\n').indexOf(text) + 1;
const rrsText = (msg: Message, section: 'answer' | 'authority') =>
  msg[section].map((rr) => `${nameToText(rr.name)} ${typeToText(rr.type)} ${rdataToText(rr.type, rr.rdata)}`);

describe('rpl reader', () => {
  const sc = parseRpl(TEXT, 'test.rpl');

  it('reads the config block', () => {
    expect(sc.config.trustAnchors).toEqual(['example.com. 3600 IN DS 2854 3 1 46e4ffc6e9a4793b488954bd3f0cc6af0dfb201b']);
    expect(sc.config.valOverrideDate).toBe('-1');
    expect([...sc.config.stubZones.values()].map((z) => [nameToText(z.zone), z.addresses])).toEqual([['.', ['10.0.0.1']]]);
    expect(sc.config.forwardZones.size).toBe(0);
  });

  it('reads ranges, entries and steps', () => {
    expect(sc.title).toBe('harness test');
    expect(sc.ranges.map((r) => r.addresses)).toEqual([['10.0.0.1'], ['10.0.0.2'], ['10.0.0.4'], ['10.0.0.3']]);
    const e = sc.ranges[1]!.entries[0]!;
    expect([...e.match]).toEqual(['opcode', 'subdomain']);
    expect([...e.adjust]).toEqual(['copy_id', 'copy_query']);
    expect(e.authority.map((rr) => typeToText(rr.type))).toEqual(['NS', 'DS', 'RRSIG']);
    expect(sc.steps.map((s) => `${s.step} ${s.kind}`)).toEqual(['1 QUERY', '10 CHECK_ANSWER', '11 TIME_PASSES']);
    const check = sc.steps[1]!;
    expect('entry' in check && check.entry.ede).toBe(9);
    expect('entry' in check && [...check.entry.flags]).toEqual(['QR', 'RD', 'RA', 'AD', 'DO']);
  });

  it('accepts an RRSIG with an empty signature and base64 without padding', () => {
    const [empty, unpadded] = sc.ranges[3]!.entries[2]!.answer;
    // 18 fixed octets + signer example.com. (13) + signature
    expect(empty!.rdata.length).toBe(18 + 13);
    expect(unpadded!.rdata.length).toBe(18 + 13 + 4);
  });

  it('reports the line of bad input', () => {
    const bad = TEXT.replace('www.example.com. IN A 10.20.30.40', 'www.example.com. IN A 10.20.30');
    expect(() => parseRpl(bad, 'bad.rpl')).toThrow(RplError);
    const line = TEXT.split('\n').indexOf('www.example.com. IN A 10.20.30.40') + 1;
    expect(() => parseRpl(bad, 'bad.rpl')).toThrow(`bad.rpl line ${line}: bad record`);
    expect(() => parseRpl('server:\n', 'x.rpl')).toThrow(/no CONFIG_END/);
  });

  it('picks a time inside every RRSIG window for val-override-date -1', () => {
    const t = scenarioTime(sc);
    expect(t).toBeGreaterThan(parseOverrideDate('20070829134150')!);
    expect(t).toBeLessThan(parseOverrideDate('20070926134150')!);
    expect(parseOverrideDate('20070916134226')).toBe(Date.UTC(2007, 8, 16, 13, 42, 26) / 1000);
  });
});

describe('replay resolver', () => {
  it('follows referrals from the root hint and chases a CNAME, dropping data beside the CNAME it follows', async () => {
    const r = new ReplayResolver(parseRpl(TEXT, 'test.rpl'));
    r.step = 1;
    const msg = await r.query(n('alias.example.com.'), RRType.A);
    expect(msg.rcode).toBe(0);
    expect(msg.flags.cd && msg.edns?.dnssecOk).toBe(true);
    expect(rrsText(msg, 'answer')).toEqual([
      'alias.example.com. CNAME www.example.com.',
      'www.example.com. A 10.20.30.40',
      `www.example.com. RRSIG A 3 3 3600 20070926134150 20070829134150 2854 example.com. ${SIG}`,
    ]);
    expect(r.log.map((l) => l.server)).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.3']);
  });

  it('answers a DS query from the parent referral, at the parent side of the cut', async () => {
    const r = new ReplayResolver(parseRpl(TEXT, 'test.rpl'));
    const msg = await r.query(n('example.com.'), RRType.DS);
    expect(rrsText(msg, 'answer').map((t) => t.split(' ').slice(0, 2).join(' '))).toEqual(['example.com. DS', 'example.com. RRSIG']);
    expect(r.log.map((l) => l.server)).toEqual(['10.0.0.1', '10.0.0.2']);
  });

  it('a DS query below a known cut that no entry answers gets SERVFAIL, recorded as unanswered, not a NODATA it made up (issue 10 correction 7)', async () => {
    const r = new ReplayResolver(parseRpl(TEXT, 'test.rpl'));
    await r.query(n('www.example.com.'), RRType.A);
    const msg = await r.query(n('www.example.com.'), RRType.DS);
    expect(msg.rcode).toBe(2);
    expect(msg.answer.length + msg.authority.length).toBe(0);
    expect(r.unanswered).toEqual([expect.stringMatching(/^www\.example\.com\. DS: no entry/)]);
  });

  it('a DS query after a referral without DS or NSEC goes on to the child\'s servers, as Unbound\'s iterator does, and their entry answers it (issue 10 correction 7)', async () => {
    const r = new ReplayResolver(parseRpl(TEXT, 'test.rpl'));
    // The referral to unsigned.com. is learnt first (it carries no DS and no NSEC).
    await r.query(n('www.unsigned.com.'), RRType.A);
    r.log.length = 0;
    const msg = await r.query(n('unsigned.com.'), RRType.DS);
    expect(msg.rcode).toBe(0);
    expect(rrsText(msg, 'answer')).toEqual([]);
    expect(rrsText(msg, 'authority')).toEqual(['unsigned.com. SOA ns.unsigned.com. host.unsigned.com. 7 3600 300 86400 3600']);
    expect(r.log.map((l) => `${l.server} ${l.question} ${l.entryLine ?? 'none'}`)).toEqual([
      `10.0.0.2 unsigned.com. DS ${lineOf('unsigned.com. IN NS') - 5}`,
      `10.0.0.4 unsigned.com. DS ${lineOf('unsigned.com. IN DS') - 5}`,
    ]);
  });

  it('a DS query after a referral without DS or NSEC is answered by the parent zone\'s own DS entry (val_dsnsec.rpl; issue 10 correction 7)', async () => {
    const r = new ReplayResolver(parseRpl(TEXT, 'test.rpl'));
    await r.query(n('www.signed.com.'), RRType.A);
    r.log.length = 0;
    const msg = await r.query(n('signed.com.'), RRType.DS);
    expect(rrsText(msg, 'answer')).toEqual(['signed.com. DS 30899 5 1 F7ED618F24D5E5202927E1D27BC2E84A141CB4B3']);
    expect(r.log.map((l) => `${l.server} ${l.question} ${l.entryLine ?? 'none'}`)).toEqual([`10.0.0.2 signed.com. DS ${lineOf('signed.com. IN DS') - 5}`]);
  });

  it('answers SERVFAIL when no server has an entry, and says so', async () => {
    const r = new ReplayResolver(parseRpl(TEXT, 'test.rpl'));
    const msg = await r.query(n('nothere.example.com.'), RRType.A);
    expect(msg.rcode).toBe(2);
    expect(r.unanswered).toEqual([expect.stringMatching(/^nothere\.example\.com\. A: no entry/)]);
  });

  it('finds the end of CNAME and DNAME chains', () => {
    const sc = parseRpl(TEXT, 'test.rpl');
    const answer = sc.ranges[3]!.entries[1]!.answer;
    expect(nameToText(chainEnd(answer, n('alias.example.com.'), RRType.A).name)).toBe('www.example.com.');
    expect(chainEnd(answer, n('alias.example.com.'), RRType.A).complete).toBe(false);
    expect(chainEnd(answer, n('alias.example.com.'), RRType.CNAME).complete).toBe(true);
  });
});

describe('the validator clock follows TIME_PASSES (issue 10 correction 7)', () => {
  it('steps after TIME_PASSES ELAPSE 10 are validated 10 s later; steps before it at the scenario date', () => {
    const text = TEXT.replace('SCENARIO_END', 'STEP 12 QUERY\nENTRY_BEGIN\nREPLY RD DO\nSECTION QUESTION\nalias.example.com. IN A\nENTRY_END\nSTEP 13 TIME_PASSES ELAPSE 5\nSCENARIO_END');
    const sc = parseRpl(text, 'time.rpl');
    const t = validationTimes(sc);
    const start = scenarioTime(sc);
    expect(t.get(1)).toBe(start);
    expect(t.get(10)).toBe(start);
    expect(t.get(11)).toBe(start + 10);
    expect(t.get(12)).toBe(start + 10);
    expect(t.get(13)).toBe(start + 15);
  });
});

describe('out-of-zone answer records are dropped (RFC 2181 §5.4.1, issue 10 correction 7)', () => {
  it('the example.com. server\'s A record for www.other.net. is not passed on; its in-zone CNAME is', () => {
    const OUT = `ENTRY_BEGIN
MATCH opcode qtype qname
REPLY QR AA NOERROR
SECTION QUESTION
out.example.com. IN A
SECTION ANSWER
out.example.com. IN CNAME www.other.net.
www.other.net. IN A 6.6.6.6
ENTRY_END
`;
    const text = TEXT.replace('ENTRY_BEGIN\nMATCH opcode qtype qname\nREPLY QR AA NOERROR\nSECTION QUESTION\nalias.example.com. IN A', `${OUT}ENTRY_BEGIN\nMATCH opcode qtype qname\nREPLY QR AA NOERROR\nSECTION QUESTION\nalias.example.com. IN A`);
    expect(text).toContain('out.example.com. IN CNAME');
    const r = new ReplayResolver(parseRpl(text, 'out.rpl'));
    const reply = r.resolve(n('out.example.com.'), RRType.A);
    const answer = reply.answer.map((rr) => `${nameToText(rr.name)} ${typeToText(rr.type)} ${rdataToText(rr.type, rr.rdata)}`);
    expect(answer).toContain('out.example.com. CNAME www.other.net.');
    expect(answer.join(' ')).not.toMatch(/6\.6\.6\.6/);
  });
});

describe('a step expected bogus that ends in no answer (issue 10 correction 7)', () => {
  const unanswered = ['www.example.com. DS: no entry for www.example.com. DS at the servers of example.com.'];

  it('is accepted only for a DS question without an entry, named by the validator\'s error, that is not the step\'s own question', () => {
    expect(noEntryForStubQuestion('upstream answered SERVFAIL to www.example.com. DS', unanswered, 'www.example.com. A')).toBe('www.example.com. DS');
    // The error names another question: a real failure.
    expect(noEntryForStubQuestion('upstream answered SERVFAIL to example.com. DNSKEY', unanswered, 'www.example.com. A')).toBeUndefined();
    // The step's own question without an entry is no stub-only question.
    expect(noEntryForStubQuestion('upstream answered SERVFAIL to www.example.com. DS', unanswered, 'www.example.com. DS')).toBeUndefined();
    // Only DS questions: a missing DNSKEY or answer entry is a failure.
    expect(noEntryForStubQuestion('upstream answered SERVFAIL to example.com. DNSKEY', ['example.com. DNSKEY: no entry'], 'www.example.com. A')).toBeUndefined();
    expect(noEntryForStubQuestion('upstream answered SERVFAIL to www.example.com. DS', [], 'www.example.com. A')).toBeUndefined();
  });

  it('val_nx_nodeny.rpl: the stub\'s DS query at www.example.com. has no entry, so the bogus NXDOMAIN step ends in no answer, flagged as such', async () => {
    const out = await runScenario(loadScenario(scenarioDir(packageRoot), 'val_nx_nodeny.rpl'));
    const step = out.steps.find((s) => s.step === 10)!;
    expect(step.expected).toBe('bogus');
    expect(step.got).toBe('no-answer');
    expect(step.ok).toBe(true);
    expect(step.noEntryFor).toBe('www.example.com. DS');
    expect(out.summary).toMatch(/no answer instead of bogus at steps 10 \(www\.example\.com\. DS\)/);
  });

  it('a no-answer caused by a missing DNSKEY entry is a failure, not accepted', async () => {
    // The test scenario has no DNSKEY entry for example.com.
    const sc = parseRpl(TEXT.replace('STEP 10 CHECK_ANSWER\nENTRY_BEGIN\nMATCH all ede=9\nREPLY QR RD RA AD DO NOERROR', 'STEP 10 CHECK_ANSWER\nENTRY_BEGIN\nMATCH all\nREPLY QR RD RA DO SERVFAIL'), 'bogus.rpl');
    const out = await runScenario(sc);
    const step = out.steps.find((s) => s.step === 10)!;
    expect(step.expected).toBe('bogus');
    expect(step.got).toBe('no-answer');
    expect(step.ok).toBe(false);
    expect(step.noEntryFor).toBeUndefined();
    expect(out.verdict).toBe('fail');
  });
});
