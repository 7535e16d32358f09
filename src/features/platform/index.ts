import { defineFeature } from '../../core/define';
import { configCommand } from './commands/config.command';
import { helpCommand } from './commands/help.command';
import { pingCommand } from './commands/ping.command';

/** The platform's own commands: configuration, help and ping. */
export const platform = defineFeature({
  name: 'platform',
  description: 'Gatehouse',
  toggleable: false,
  channels: { bot_log: 'Gatehouse reports its own problems here' },
  commands: [configCommand, helpCommand, pingCommand],
});
