/** PING → PONG: signature check and envelope parsing, no routing. */
import { ping } from '../../src/testing/interactions';
import { defineScenario, expectThat } from '../scenario';

export default defineScenario({
  name: 'PING',
  description: 'type 1 PING answered with PONG',
  targets: { throughputRatio: 0.95, cpuRatio: 1.1 },
  interaction: () => ping(),
  expect: (body) => expectThat((body as { type?: number }).type === 1, 'PONG', body),
});
