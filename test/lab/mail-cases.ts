/**
 * The mail cases of the lab (mail-cases.json) and the assertions every mail
 * test makes on a report: live (mail.test.ts) and replayed from
 * fixtures/lab/mail (mail-fixtures.test.ts).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { Lookup, MailReport } from '../../src/mail/types.js';

const HERE = dirname(fileURLToPath(import.meta.url));

export interface MailCase {
  readonly name: string;
  readonly domain: string;
  readonly dkim?: readonly string[];
  readonly status: 'secure' | 'insecure' | 'bogus';
  readonly dane: readonly (readonly [string, string])[];
  readonly rfc: string;
  readonly nullMx?: boolean;
  readonly implicit?: boolean;
  readonly tlsaName?: string;
  readonly unusable?: number;
  readonly spf?: { readonly record: string | null; readonly problems: number };
  readonly dmarc?: { readonly policy: string };
  readonly mtaSts?: { readonly id: string };
  readonly tlsRpt?: { readonly rua: readonly string[] };
  readonly dkimKeyType?: string;
  /** The first host has no TLSA lookup (DANE does not apply, RFC 7672 §2.2.1-§2.2.3). */
  readonly noTlsa?: boolean;
  /** Text the one-line summary (what an MTA does) must contain. */
  readonly summary?: string;
}

export const mailCases: readonly MailCase[] = (JSON.parse(readFileSync(join(HERE, 'mail-cases.json'), 'utf8')) as { cases: MailCase[] }).cases;

/** Every lookup of a report. */
export function lookupsOf(r: MailReport): Lookup[] {
  return [r.mx.lookup, ...r.hosts.flatMap((h) => [...h.addresses.lookups, ...(h.tlsa?.lookups ?? [])]), r.spf.lookup, r.dmarc.lookup, r.mtaSts.lookup, r.tlsRpt.lookup, ...r.dkim.map((d) => d.lookup)];
}

/** The facts each case names, asserted on a report (library or JSON alike). */
export function expectFacts(c: MailCase, r: MailReport): void {
  expect(r.status, `${c.name} overall status`).toBe(c.status);
  expect(r.hosts.map((h) => [h.name, h.dane]), `${c.name} DANE verdicts (${c.rfc})`).toEqual(c.dane);
  for (const h of r.hosts) expect(h.reason.length).toBeGreaterThan(0);
  expect(r.mx.nullMx).toBe(c.nullMx ?? false);
  expect(r.mx.implicit).toBe(c.implicit ?? false);
  if (c.tlsaName) expect(r.hosts[0]!.tlsa!.name).toBe(c.tlsaName);
  if (c.unusable !== undefined) {
    const t = r.hosts[0]!.tlsa!;
    expect(t.status).toBe('secure');
    expect(t.records.filter((x) => !x.usable).length).toBe(c.unusable);
    expect(t.usable).toBe(0);
  }
  if (c.spf) {
    expect(r.spf.record).toBe(c.spf.record);
    expect(r.spf.problems.length).toBe(c.spf.problems);
  }
  if (c.dmarc) expect(r.dmarc.policy).toBe(c.dmarc.policy);
  if (c.mtaSts) expect(r.mtaSts.id).toBe(c.mtaSts.id);
  if (c.tlsRpt) expect(r.tlsRpt.rua).toEqual(c.tlsRpt.rua);
  if (c.dkimKeyType) expect(r.dkim[0]?.keyType).toBe(c.dkimKeyType);
  if (c.noTlsa) expect(r.hosts[0]!.tlsa, `${c.name}: no TLSA lookup`).toBeNull();
  if (c.summary) expect(r.summary, `${c.name} summary`).toContain(c.summary);
}

