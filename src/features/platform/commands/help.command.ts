import type { APIEmbedField } from 'discord-api-types/v10';
import { defineCommand } from '../../../core/define';
import type { Command, Preconditions } from '../../../core/define';
import { meetsLevel, type StaffLevel } from '../../../core/staff';

/** Every invocable leaf of a command: `[usage, description, preconditions]`. */
function leaves(command: Command): [string, string, Preconditions][] {
  const own: Preconditions = { level: command.level };
  if (command.kind !== 'chat') return [[`Apps → ${command.name}`, command.description, own]];
  if ('handler' in command) return [[`/${command.name}`, command.description, own]];
  const out: [string, string, Preconditions][] = [];
  for (const [name, leaf] of Object.entries(command.subcommands)) {
    out.push([`/${command.name} ${name}`, leaf.description, { level: leaf.level ?? command.level }]);
  }
  for (const [group, def] of Object.entries(command.groups ?? {})) {
    for (const [name, leaf] of Object.entries(def.subcommands)) {
      out.push([`/${command.name} ${group} ${name}`, leaf.description, { level: leaf.level ?? command.level }]);
    }
  }
  return out;
}

/** `/help`: the commands the caller may use here, grouped by feature. */
export const helpCommand = defineCommand({
  name: 'help',
  description: 'List the commands you can use',
  guildOnly: false,
  handler: async (ctx) => {
    const level: StaffLevel = ctx.guildId ? await ctx.level() : 'everyone';
    const fields: APIEmbedField[] = [];
    for (const feature of ctx.registry.features) {
      if (ctx.guildId && feature.toggleable !== false && !(await ctx.config.moduleEnabled(feature.name, feature.enabledByDefault ?? true))) continue;
      const lines = (feature.commands ?? [])
        .flatMap(leaves)
        .filter(([, , pre]) => meetsLevel(level, pre.level ?? 'everyone'))
        .map(([usage, description]) => `\`${usage}\` ${description}`);
      if (lines.length) fields.push({ name: feature.description.slice(0, 256), value: lines.join('\n').slice(0, 1024) });
    }
    return ctx.reply({ embeds: [{ title: 'What you can do here', fields: fields.slice(0, 25) }], ephemeral: true });
  },
});
