/**
 * Trust anchors are judged at each validation time (RFC 9718 §2: a
 * KeyDigest is a trust anchor only between validFrom and validUntil), not
 * frozen at the time of the first question: a process that runs across a
 * root KSK roll follows it. Issue 10 correction 2.
 */
import { describe, expect, it } from 'vitest';
import { createValidator } from '../../src/validator/validator.js';
import { AnchorFileError, DEFAULT_ROOT_ANCHORS_PATH, anchorsAt, loadTrustAnchorWindows } from '../../src/dnssec/anchors.js';
import type { ResponseSource } from '../../src/types.js';
import type { ValidationResult } from '../../src/validator/result.js';
import { makeMessage } from '../support/vectors.js';

const at = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/** Answers every question with an empty NOERROR: the root anchor step is traced, with its DS list, and is bogus. */
const empty: ResponseSource = { query: async (name, type) => makeMessage(name, type, {}) };

function anchorTags(res: ValidationResult): number[] {
  const step = res.chain.find((s) => s.kind === 'anchor');
  return (step?.ds ?? []).map((d) => d.keyTag).sort((a, b) => a - b);
}

describe('trust anchors judged at each validation time (RFC 9718 §2)', () => {
  it('one validator with the shipped root anchors: KSK-2010 in 2015, KSK-2017 and KSK-2024 in 2026', async () => {
    let now = at('2015-06-01T00:00:00Z');
    const v = createValidator({ source: empty, clock: () => now });
    expect(anchorTags(await v.validate('example.com.', 'A'))).toEqual([19036]);
    now = at('2026-06-01T00:00:00Z');
    expect(anchorTags(await v.validate('example.com.', 'A'))).toEqual([20326, 38696]);
  });

  it('KSK-2024 joins at its validFrom (2024-07-18), in the same process', async () => {
    let now = at('2024-07-17T23:59:59Z');
    const v = createValidator({ source: empty, clock: () => now });
    expect(anchorTags(await v.validate('example.com.', 'A'))).toEqual([20326]);
    now = at('2024-07-18T00:00:00Z');
    expect(anchorTags(await v.validate('example.com.', 'A'))).toEqual([20326, 38696]);
  });

  it('a time when no KeyDigest is valid is an error, never "no anchor, insecure" (fail closed)', async () => {
    const v = createValidator({ source: empty, clock: () => at('2009-01-01T00:00:00Z') });
    await expect(v.validate('example.com.', 'A')).rejects.toBeInstanceOf(AnchorFileError);
  });

  it('anchorsAt keeps each KeyDigest only inside its window; anchors without windows are kept as they are', () => {
    const all = loadTrustAnchorWindows(DEFAULT_ROOT_ANCHORS_PATH);
    expect(all[0]!.ds.length).toBe(3);
    expect(anchorsAt(all, at('2018-01-01T00:00:00Z'))[0]!.ds.length).toBe(2);
    expect(anchorsAt(all, at('2018-01-01T00:00:00Z'))[0]!.source).toMatch(/KeyDigest id=Kjqmt7v,Klajeyz$/);
    expect(anchorsAt(all, at('2020-01-01T00:00:00Z'))[0]!.ds.length).toBe(1);
    const plain = [{ ...all[0]!, validity: undefined }];
    expect(anchorsAt(plain, at('2009-01-01T00:00:00Z'))[0]!.ds.length).toBe(3);
  });
});
