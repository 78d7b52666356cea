/**
 * Second adversarial review: the key cache is shared by all questions of a
 * validator (key-chain.ts: "Until it settles, concurrent walks share the
 * same promise"). A walk runs with the budget of the question that started
 * it; a question that joins the walk inherits that budget's failures.
 *
 * FINDING R2-3 (failed on the reviewed code, fixed since): one question whose work budget
 * runs out while it is walking a zone makes every concurrent question that
 * needs the same zone fail too, although their own budgets are untouched.
 */
import { describe, expect, it } from 'vitest';
import { KeyChain } from '../../src/validator/key-chain.js';
import { QuestionContext, QueryBudgetError } from '../../src/validator/context.js';
import type { RR } from '../../src/wire/message.js';
import { RecordPool } from '../support/record-pool.js';
import { n } from '../support/vectors.js';
import { rfc6605Zone } from '../support/signed-zone.js';
import { rr } from '../support/signer.js';

const P = rfc6605Zone();
const NOW = P.now;

function pool(): RecordPool {
  const data: RR[] = [
    rr('www.example.net.', 'A', '192.0.2.1'),
    rr('example.net.', 'NSEC', 'www.example.net. SOA RRSIG NSEC DNSKEY'),
    rr('www.example.net.', 'NSEC', 'example.net. A RRSIG NSEC'),
  ];
  return new RecordPool([...P.apex, ...P.sign(data)]);
}

describe('a question that exhausts its budget inside a shared zone walk does not fail the concurrent questions that joined it', () => {
  // Attack: a hostile question (one whose chain burns its query or signature
  // budget: long CNAME chains, deep names with cut checks, many RRSIGs) is
  // sent alongside a legitimate one; both need the key entry of the same
  // name. The hostile question starts the walk; the legitimate one finds
  // the pending promise in the cache and awaits it. The walk's queries and
  // signature checks are charged to the hostile question's context: when
  // its budget runs out the shared promise rejects with QueryBudgetError
  // (or settles bogus "budget exhausted"), and the legitimate question is
  // answered bogus ("denial-of-service limit") — with its own budget unused.
  // key-chain.ts cached(): the entry is (rightly) not kept once settled, but
  // the joiners already hold it.
  // RFC 4035 §5 / the project rule "fail closed" are not at stake (the
  // result is bogus, not secure), but a question's result must not depend
  // on another question's limits: this is a cross-question denial of
  // service and a nondeterministic validation result.
  // Fix: when a joined walk fails with QueryBudgetError, or settles with an
  // entry decided under an exhausted budget (ctx.budget.exhausted of the
  // owner), a joiner retries the walk with its own context (bounded: once);
  // or key the in-flight promise by (name, context) and share only settled,
  // durable entries.
  it('question A (query budget 1) and question B (default budget) ask for the entry of www.example.net. at once: B is secure', async () => {
    const source = pool();
    const keys = new KeyChain(P.dsAnchors);
    const hostile = new QuestionContext(source, NOW, undefined, 1);
    const honest = new QuestionContext(source, NOW, undefined);
    // A starts the walk (the pending promise is cached synchronously), B joins it.
    const a = keys.entryFor(n('www.example.net.'), hostile, false).then(
      (e) => e,
      (e: unknown) => e,
    );
    const b = keys.entryFor(n('www.example.net.'), honest, false).then(
      (e) => e,
      (e: unknown) => e,
    );
    // The hostile question's own outcome: its budget did run out.
    expect(await a).toBeInstanceOf(QueryBudgetError);
    const entry = await b;
    expect(entry, String(entry)).not.toBeInstanceOf(Error);
    expect(entry).toMatchObject({ kind: 'secure', zone: n('example.net.') });
  });

  it('question A (signature budget already spent) and question B ask at once: B is secure, not bogus "budget exhausted"', async () => {
    const source = pool();
    const keys = new KeyChain(P.dsAnchors);
    const hostile = new QuestionContext(source, NOW, undefined);
    // The hostile question has spent its signature budget on its own data.
    while (hostile.budget.take()) {
      // drain
    }
    const honest = new QuestionContext(source, NOW, undefined);
    const a = keys.entryFor(n('www.example.net.'), hostile, false);
    const b = keys.entryFor(n('www.example.net.'), honest, false);
    expect(await a).toMatchObject({ kind: 'bogus' });
    const entry = await b;
    expect(entry, JSON.stringify('reasons' in entry ? entry.reasons : entry.kind)).toMatchObject({ kind: 'secure', zone: n('example.net.') });
    expect(honest.budget.used).toBeGreaterThan(0);
  });

  it('guard: B alone (no concurrent hostile walk) gets the secure entry of example.net.', async () => {
    const keys = new KeyChain(P.dsAnchors);
    const entry = await keys.entryFor(n('www.example.net.'), new QuestionContext(pool(), NOW, undefined), false);
    expect(entry).toMatchObject({ kind: 'secure', zone: n('example.net.') });
  });

  it('guard: after the hostile walk failed, a later question walks again and is secure (the failure was not cached)', async () => {
    const source = pool();
    const keys = new KeyChain(P.dsAnchors);
    await expect(keys.entryFor(n('www.example.net.'), new QuestionContext(source, NOW, undefined, 1), false)).rejects.toBeInstanceOf(QueryBudgetError);
    const entry = await keys.entryFor(n('www.example.net.'), new QuestionContext(source, NOW, undefined), false);
    expect(entry).toMatchObject({ kind: 'secure' });
  });
});
