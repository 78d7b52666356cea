/**
 * Builds fixtures/adversarial/NAME.json from test/adversarial/scenarios.ts:
 * signs each zone, validates the scenario's question against it once while
 * recording every exchange as wire bytes, and writes the capture with the
 * scenario's expected verdict. Refuses to write a fixture whose verdict is not
 * the expected one.
 *
 *   npx vite-node test/adversarial/build.ts [--only NAME]
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createValidator } from '../../src/validator/validator.js';
import { CaptureRecorder, writeFixture } from '../../src/fixtures/fixture.js';
import { encodeMessage, type Message } from '../../src/wire/message.js';
import type { Name } from '../../src/wire/name.js';
import { ZoneResponder } from '../support/adversarial-zone.js';
import { SCENARIOS } from './scenarios.js';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'adversarial');
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
mkdirSync(OUT, { recursive: true });
let bad = 0;
for (const s of SCENARIOS) {
  if (only && s.name !== only) continue;
  const build = s.build();
  const responder = new ZoneResponder(build);
  const recorder = new CaptureRecorder();
  const source = {
    async query(name: Name, type: number): Promise<Message> {
      const m = await responder.query(name, type);
      recorder.record(name, type, encodeMessage(m));
      return m;
    },
  };
  const v = createValidator({ source, trustAnchors: build.zone.dsAnchors, clock: () => build.zone.now, prefetch: false });
  const t0 = process.cpuUsage();
  const res = await v.validate(s.question.name, s.question.type);
  const cpu = process.cpuUsage(t0);
  const ms = (cpu.user + cpu.system) / 1000;
  const ok = res.status === s.expected && (!s.reason || res.reasons.some((r) => s.reason!.test(r.text)));
  console.log(`${ok ? 'ok  ' : 'BAD '} ${s.name}: ${res.status} (expected ${s.expected}) ${ms.toFixed(1)} ms, ${recorder.exchanges.length} exchanges; ${res.reasons.map((r) => `EDE ${r.ede} ${r.text}`).join(' | ').slice(0, 400)}`);
  if (!ok) {
    bad++;
    continue;
  }
  writeFixture(
    join(OUT, `${s.name}.json`),
    recorder.toFixture({ time: build.zone.now, anchors: build.zone.dsAnchors, question: s.question, expected: { status: s.expected }, description: s.description }),
  );
}
if (bad > 0) {
  console.error(`${bad} scenario(s) did not give their expected verdict; their fixtures were not written`);
  process.exitCode = 1;
}
