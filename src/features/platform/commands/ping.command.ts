import { defineCommand } from '../../../core/define';

/** `/ping`: answers at once, touching nothing. Benchmarks use it as the command floor. */
export const pingCommand = defineCommand({
  name: 'ping',
  description: 'Check that Gatehouse is answering',
  guildOnly: false,
  handler: async (ctx) => ctx.reply({ content: 'Pong!', ephemeral: true }),
});
