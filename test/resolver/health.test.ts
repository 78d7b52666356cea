/**
 * The per-server health table (src/resolver/health.ts), pure, with the
 * clock passed in: RTO from RTT as RFC 6298 §2 computes it, doubling on a
 * lost try (§5.5) once for tries lost together (Unbound rtt_lost), back-off
 * growing with failures, one probe per back-off, and the order servers are
 * asked in.
 */
import { describe, expect, it } from 'vitest';
import { BASE_BACKOFF_MS, HealthTable, MAX_BACKOFF_MS, MIN_RTO_MS, UNKNOWN_RTO_MS } from '../../src/resolver/health.js';

describe('HealthTable', () => {
  it('starts every server at the unknown RTO, capped by the try timeout', () => {
    expect(new HealthTable(2, 5000).rto(0)).toBe(UNKNOWN_RTO_MS);
    expect(new HealthTable(2, 150).rto(1)).toBe(150);
  });

  it('RTO = SRTT + 4·RTTVAR after answers (RFC 6298 §2), never below the minimum', () => {
    const h = new HealthTable(1, 5000);
    h.answered(0, 200); // SRTT 200, RTTVAR 100: RTO 600
    expect(h.rto(0)).toBe(600);
    h.answered(0, 200); // RTTVAR 75, SRTT 200: RTO 500
    expect(h.rto(0)).toBe(500);
    const fast = new HealthTable(1, 5000);
    fast.answered(0, 1);
    expect(fast.rto(0)).toBe(MIN_RTO_MS);
  });

  it('doubles the RTO on a lost try, once for tries lost together, and an answer resets it', () => {
    const h = new HealthTable(1, 5000);
    h.answered(0, 100); // RTO 300
    const used = h.rto(0);
    h.lost(0, used);
    expect(h.rto(0)).toBe(600);
    h.lost(0, used); // waited the old, shorter RTO: no second doubling
    expect(h.rto(0)).toBe(600);
    h.lost(0, h.rto(0));
    expect(h.rto(0)).toBe(1200);
    h.answered(0, 100);
    expect(h.rto(0)).toBeLessThan(600);
  });

  it('backs a failing server off for 1 s, 2 s, 4 s ... up to the maximum; an answer clears it', () => {
    const h = new HealthTable(1, 5000);
    h.failed(0, 0);
    expect(h.view(0).backoffUntil).toBe(BASE_BACKOFF_MS);
    h.failed(0, 0);
    expect(h.view(0).backoffUntil).toBe(2 * BASE_BACKOFF_MS);
    for (let i = 0; i < 20; i++) h.failed(0, 0);
    expect(h.view(0).backoffUntil).toBe(MAX_BACKOFF_MS);
    expect(h.backedOff(0, MAX_BACKOFF_MS - 1)).toBe(true);
    h.answered(0, 10);
    expect(h.view(0)).toMatchObject({ failures: 0, backoffUntil: 0 });
  });

  it('ignores the failure of a try sent before the server answered another query', () => {
    const h = new HealthTable(1, 5000);
    const atSend = h.answerCount(0);
    h.answered(0, 10);
    h.failed(0, 0, atSend);
    expect(h.view(0).failures).toBe(0);
    h.failed(0, 0, h.answerCount(0));
    expect(h.view(0).failures).toBe(1);
  });

  it('probes a backed-off server once its back-off ends, once per back-off', () => {
    const h = new HealthTable(2, 5000);
    h.failed(0, 0);
    expect(h.probeDue(0, 500)).toBe(false); // still backed off
    expect(h.probeDue(0, 1500)).toBe(true);
    expect(h.probeDue(0, 1600)).toBe(false); // already probed
    h.failed(0, 2000); // the probe failed: backed off to 4000
    expect(h.probeDue(0, 4500)).toBe(true);
    expect(h.probeDue(1, 4500)).toBe(false); // a healthy server is never probed
  });

  it('orders healthy servers by RTO (ties in the given order), backed-off ones last; by the given order with byRtt false', () => {
    const h = new HealthTable(3, 5000);
    h.answered(2, 1); // fast
    h.failed(1, 0); // backed off until 1000
    expect(h.order(10, [0, 1, 2])).toEqual([2, 0, 1]);
    expect(h.order(10, [0, 1, 2], false)).toEqual([0, 2, 1]);
    expect(h.order(2000, [0, 1, 2])).toEqual([2, 0, 1]); // back-off over; its lost RTO still ranks it after
  });
});
