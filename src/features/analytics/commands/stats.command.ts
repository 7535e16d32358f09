import { defineCommandGroup, type Subcommand, type SubcommandGroup } from '../../../core/define';
import { STATS } from './stats/index';

/** `/stats …`: activity charts for moderators, built from the list in `./stats/index.ts`. */
export const statsCommand = defineCommandGroup({
  name: 'stats',
  description: 'Server activity: charts of messages, busy hours, channels, joins and lurkers',
  level: 'moderator',
  cooldown: 5,
  subcommands: Object.fromEntries(STATS.flatMap((s): [string, Subcommand<any>][] => (s.subcommand ? [[s.name, s.subcommand]] : []))),
  groups: Object.fromEntries(STATS.flatMap((s): [string, SubcommandGroup][] => (s.group ? [[s.name, s.group]] : []))),
});
