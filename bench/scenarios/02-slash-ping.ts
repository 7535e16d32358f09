/** `/ping` in a guild: routing, context, reply, and the batched command-log write in `waitUntil`. */
import { slashCommand, user } from '../../src/testing/interactions';
import { defineScenario, expectThat } from '../scenario';

const GUILD_ID = '1200000000000000001';
const member = user({ id: '1300000000000000001' });

export default defineScenario({
  name: '/ping',
  description: '/ping by an ordinary member in a guild (command-log row written in waitUntil)',
  targets: { throughputRatio: 0.9, p99Ms: 10 },
  interaction: () => slashCommand('ping', { guildId: GUILD_ID, user: member }),
  expect: (body) => {
    const reply = body as { type?: number; data?: { content?: string } };
    expectThat(reply.type === 4 && reply.data?.content === 'Pong!', "'Pong!' reply", body);
  },
});
