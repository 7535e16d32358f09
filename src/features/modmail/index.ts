import { defineCommandGroup, defineFeature } from '../../core/define';
import { MODMAIL_CHANNELS } from './config';
import { opsCommands, opsComponents, opsEvents, opsModmailSubcommands } from './ops.manifest';

/** Modmail: private conversations between a member and staff. */
export const modmail = defineFeature({
  name: 'modmail',
  description: 'Modmail: private conversations between members and staff',
  channels: { ...MODMAIL_CHANNELS },
  commands: [defineCommandGroup({ name: 'modmail', description: 'Modmail tickets', level: 'helper', subcommands: { ...opsModmailSubcommands } }), ...opsCommands],
  components: [...opsComponents],
  events: [...opsEvents],
});
