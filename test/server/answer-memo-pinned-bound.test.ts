// serve keeps, per question, the upstream message a verdict was reached on (AnswerMemo.pin), to answer later
// result-cache hits from it. Those messages are held apart from the memo of recent upstream messages, so they
// must be bounded by the octets they hold as well: otherwise 20,000 questions whose answers are large (a 64 KB
// TXT RRset over TCP, from a zone the client picks) pin over a gigabyte in the proxy an MTA depends on.
import { describe, expect, it } from 'vitest';
import { AnswerMemo } from '../../src/server/answer-memo.js';
import { nameFromText } from '../../src/wire/name.js';
import type { ResponseSource } from '../../src/types.js';
import { sizedMessage } from './sized-message.js';

const source: ResponseSource = { query: () => Promise.resolve(sizedMessage(60_000)) };

describe('the messages verdicts were reached on (pinned) are bounded', () => {
  it('by octets held, as the upstream messages are: the least recently pinned go first', () => {
    const memo = new AnswerMemo(source, 1000, 200_000);
    for (let i = 0; i < 10; i++) memo.pin(nameFromText(`n${i}.`), 16, sizedMessage(60_000));
    const kept = Array.from({ length: 10 }, (_, i) => memo.pinned(nameFromText(`n${i}.`), 16)).filter(Boolean);
    expect(kept.length).toBe(3);
    expect(memo.pinned(nameFromText('n9.'), 16)).toBeDefined();
    expect(memo.pinned(nameFromText('n0.'), 16)).toBeUndefined();
  });

  it('by entries, and one message larger than the bound is still kept (the latest verdict has its message)', () => {
    const memo = new AnswerMemo(source, 2, 10_000);
    memo.pin(nameFromText('a.'), 16, sizedMessage(10));
    memo.pin(nameFromText('b.'), 16, sizedMessage(10));
    memo.pin(nameFromText('c.'), 16, sizedMessage(10));
    expect(memo.pinned(nameFromText('a.'), 16)).toBeUndefined();
    expect(memo.pinned(nameFromText('c.'), 16)).toBeDefined();
    memo.pin(nameFromText('big.'), 16, sizedMessage(60_000));
    expect(memo.pinned(nameFromText('big.'), 16)).toBeDefined();
    expect(memo.pinned(nameFromText('c.'), 16)).toBeUndefined();
  });

  it('pinning the same question again replaces its message and its octets', () => {
    const memo = new AnswerMemo(source, 1000, 200_000);
    for (let i = 0; i < 10; i++) memo.pin(nameFromText('same.'), 16, sizedMessage(60_000));
    memo.pin(nameFromText('other.'), 16, sizedMessage(60_000));
    memo.pin(nameFromText('third.'), 16, sizedMessage(60_000));
    expect(memo.pinned(nameFromText('same.'), 16)).toBeDefined();
  });
});
