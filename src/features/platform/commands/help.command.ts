import type { APIEmbedField } from 'discord-api-types/v10';
import { defineCommand } from '../../../core/define';
import type { Command, Preconditions } from '../../../core/define';
import { isOperator } from '../../../core/operators';
import { meetsLevel, type StaffLevel } from '../../../core/staff';

/** Every invocable leaf of a command: `[usage, description, preconditions]`. */
function leaves(command: Command): [string, string, Preconditions][] {
  const own: Preconditions = { level: command.level, operator: command.operator };
  if (command.kind !== 'chat') return [[`Apps → ${command.name}`, command.description, own]];
  if ('handler' in command) return [[`/${command.name}`, command.description, own]];
  const out: [string, string, Preconditions][] = [];
  for (const [name, leaf] of Object.entries(command.subcommands)) {
    out.push([`/${command.name} ${name}`, leaf.description, { level: leaf.level ?? command.level, operator: leaf.operator ?? command.operator }]);
  }
  for (const [group, def] of Object.entries(command.groups ?? {})) {
    for (const [name, leaf] of Object.entries(def.subcommands)) {
      out.push([`/${command.name} ${group} ${name}`, leaf.description, { level: leaf.level ?? command.level, operator: leaf.operator ?? command.operator }]);
    }
  }
  return out;
}

/** `/help`: the commands the caller may use here, grouped by feature (operators' commands to operators only). */
export const helpCommand = defineCommand({
  name: 'help',
  description: 'List the commands you can use',
  guildOnly: false,
  handler: async (ctx) => {
    const level: StaffLevel = ctx.guildId ? await ctx.level() : 'everyone';
    let operator: Promise<boolean> | undefined;
    const mayUse = async (pre: Preconditions) => {
      if (!meetsLevel(level, pre.level ?? 'everyone')) return false;
      if (!pre.operator) return true;
      operator ??= isOperator(ctx.user.id, ctx.env, ctx.discord).catch(() => false);
      return operator;
    };
    const fields: APIEmbedField[] = [];
    for (const feature of ctx.registry.features) {
      if (ctx.guildId && feature.toggleable !== false && !(await ctx.config.moduleEnabled(feature.name, feature.enabledByDefault ?? true))) continue;
      const lines: string[] = [];
      for (const [usage, description, pre] of (feature.commands ?? []).flatMap(leaves)) {
        if (await mayUse(pre)) lines.push(`\`${usage}\` ${description}`);
      }
      if (lines.length) fields.push({ name: feature.description.slice(0, 256), value: lines.join('\n').slice(0, 1024) });
    }
    return ctx.reply({ embeds: [{ title: 'What you can do here', fields: fields.slice(0, 25) }], ephemeral: true });
  },
});
