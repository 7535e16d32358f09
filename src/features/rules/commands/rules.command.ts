import { defineCommandGroup, opt, sub } from '../../../core/define';
import type { AutocompleteContext, CommandContext } from '../../../core/context';
import { UserError } from '../../../core/errors';
import { dryRun, recompute, type DryRunReport } from '../dry-run.service';
import { PRESETS, type PresetName } from '../presets';
import { parseRuleJson, type Rule, type StoredRule } from '../rule-format';
import { GuildRules } from '../rules.repo';
import { resolveCurrencies, ruleByName, saveRule, applyPreset } from '../rules.service';
import { forgetEngine } from '../run.service';
import { listCurrencies } from '../../economy/public';
import { discordAttachmentUrl } from '../../../discord/attachments';

/** Largest rule file `/rules create` reads. */
const RULE_FILE_MAX = 16_384;

async function suggestRules(ctx: AutocompleteContext, typed: string) {
  if (!ctx.guildId) return [];
  const rules = await new GuildRules(ctx.db, ctx.guildId).list();
  return rules.filter((r) => r.rule.name.includes(typed.trim().toLowerCase())).slice(0, 25).map((r) => ({ name: r.rule.name, value: r.rule.name }));
}

const nameOption = opt.string('The rule', { required: true, maxLength: 48, autocomplete: suggestRules });
const jsonOption = opt.string('The rule as JSON (short rules)', { maxLength: 4000 });
const fileOption = opt.attachment('The rule as a JSON file');
const daysOption = opt.integer('Days of history to replay (default 7)', { minValue: 1, maxValue: 90 });

/** The rule definition given as a JSON option or a file attachment, parsed; errors name the path. */
async function ruleInput(json: string | undefined, file: { url: string; size: number } | undefined): Promise<Rule | undefined> {
  let text = json;
  if (file) {
    if (file.size > RULE_FILE_MAX) throw new UserError('invalid_rule', `The file is too large (${file.size} bytes; at most ${RULE_FILE_MAX}).`);
    const url = discordAttachmentUrl(file.url);
    if (!url) throw new UserError('invalid_rule', "That file is not a Discord attachment I can read. Nothing was saved.");
    const res = await fetch(url).catch(() => null);
    if (!res) throw new UserError('invalid_rule', "I couldn't reach Discord to read the file. Try again, or give the rule as `json`.");
    if (!res.ok) throw new UserError('invalid_rule', `I couldn't read the file (HTTP ${res.status}).`);
    text = await res.text();
  }
  if (text === undefined) return undefined;
  const parsed = parseRuleJson(text);
  if (!parsed.ok) throw new UserError('invalid_rule', `The rule is not valid: ${parsed.error}. Nothing was saved.`);
  return parsed.rule;
}

function describe(r: StoredRule): string {
  return `\`${r.rule.name}\` ${r.enabled ? '🟢' : '⚪'} on ${r.rule.trigger.event}${r.rule.trigger.event === 'MESSAGE_REACTION_ADD' ? ` (${r.rule.trigger.member})` : ''} · priority ${r.rule.priority}${r.rule.stop ? ' · stop' : ''} · v${r.version}`;
}

/** Formats a dry run for Discord (top members, refusals), within 2,000 characters. */
export function formatDryRun(report: DryRunReport, currencyNames: Map<string, string>): string {
  const name = (id: string) => currencyNames.get(id) ?? id;
  const members = [...report.members].sort((a, b) => Object.values(b[1]).reduce((x, y) => x + y, 0) - Object.values(a[1]).reduce((x, y) => x + y, 0));
  const lines = [
    `**Dry run of \`${report.rule}\`** over ${Math.round((report.until - report.since) / 86_400_000)} days: ${report.events} events read, ${report.fired} firings, ${report.members.size} members. Nothing was written.`,
    ...members.slice(0, 15).map(([user, totals]) => {
      const refused = [...(report.refusedBy.get(user) ?? [])].map(([r, n]) => `${r} ×${n}`).join(', ');
      return `<@${user}>: ${Object.entries(totals).map(([c, n]) => `${n > 0 ? '+' : ''}${n} ${name(c)}`).join(', ')}${refused ? ` (refused: ${refused})` : ''}`;
    }),
    ...(members.length > 15 ? [`… and ${members.length - 15} more members.`] : []),
    `Refused: ${[...report.refused].map(([r, n]) => `${r} ×${n}`).join(', ') || 'none'}.`,
  ];
  let out = '';
  for (const line of lines) if (out.length + line.length < 1900) out += `${line}\n`;
  return out.trimEnd();
}

function rulesChanged(ctx: CommandContext): void {
  forgetEngine(ctx.guild);
}

/** `/rules …`: the rules engine's commands (administrators). */
export const rulesCommand = defineCommandGroup({
  name: 'rules',
  description: 'Engagement rules: events that credit currencies, give roles, announce',
  level: 'administrator',
  subcommands: {
    list: sub({
      description: "List the server's rules",
      handler: async (ctx) => {
        const rules = await new GuildRules(ctx.db, ctx.guild).list();
        return ctx.reply({ ephemeral: true, content: rules.length ? rules.map(describe).join('\n').slice(0, 1990) : 'No rules yet. Start with `/rules preset`.' });
      },
    }),
    show: sub({
      description: "Show a rule's JSON",
      options: { name: nameOption },
      handler: async (ctx, { name }) => {
        const r = await ruleByName(ctx.db, ctx.guild, name);
        return ctx.reply({ ephemeral: true, content: `${describe(r)}\n\`\`\`json\n${JSON.stringify(r.rule, null, 1).slice(0, 1800)}\n\`\`\`` });
      },
    }),
    enable: sub({
      description: 'Turn a rule on',
      options: { name: nameOption },
      handler: async (ctx, { name }) => {
        const r = await new GuildRules(ctx.db, ctx.guild).setEnabled(ctx.user.id, (await ruleByName(ctx.db, ctx.guild, name)).rule.name, true);
        rulesChanged(ctx);
        return ctx.reply({ ephemeral: true, content: `Enabled ${describe(r)}.` });
      },
    }),
    disable: sub({
      description: 'Turn a rule off (kept, can be dry-run)',
      options: { name: nameOption },
      handler: async (ctx, { name }) => {
        const r = await new GuildRules(ctx.db, ctx.guild).setEnabled(ctx.user.id, (await ruleByName(ctx.db, ctx.guild, name)).rule.name, false);
        rulesChanged(ctx);
        return ctx.reply({ ephemeral: true, content: `Disabled ${describe(r)}.` });
      },
    }),
    delete: sub({
      description: 'Delete a rule (what it credited stays)',
      options: { name: nameOption },
      handler: async (ctx, { name }) => {
        const r = await ruleByName(ctx.db, ctx.guild, name);
        await new GuildRules(ctx.db, ctx.guild).delete(ctx.user.id, r.rule.name);
        rulesChanged(ctx);
        return ctx.reply({ ephemeral: true, content: `Deleted the rule \`${r.rule.name}\`.` });
      },
    }),
    create: sub({
      description: 'Create (or replace) a rule from JSON',
      options: { json: jsonOption, file: fileOption, replace: opt.boolean('Replace the rule of that name') },
      handler: async (ctx, { json, file, replace }) => {
        const input = await ruleInput(json, file);
        if (input === undefined) throw new UserError('invalid_rule', 'Give the rule as `json` or as a JSON `file` (see docs/engagement.md for the format), or use `/rules preset`.');
        const saved = await saveRule(ctx.db, ctx.guild, ctx.user.id, input, replace ?? false);
        return ctx.reply({ ephemeral: true, content: `Saved ${describe(saved)}. Try it against history with \`/rules dry-run ${saved.rule.name}\`.` });
      },
    }),
    preset: sub({
      description: 'Apply a preset (its currency and rule) in one go',
      options: {
        preset: opt.string('Which preset', { required: true, choices: Object.entries(PRESETS).map(([value, p]) => ({ name: p.description.slice(0, 100), value })) }),
      },
      handler: async (ctx, { preset }) => {
        if (!(preset in PRESETS)) throw new UserError('unknown_preset', `There is no preset \`${preset}\`.`);
        const saved = await applyPreset(ctx.db, ctx.guild, ctx.user.id, preset as PresetName);
        return ctx.reply({ ephemeral: true, content: `Applied the preset: ${describe(saved)}.` });
      },
    }),
    'dry-run': sub({
      description: 'Replay a rule (saved, or a changed version) against the last days of events; writes nothing',
      options: { name: nameOption, days: daysOption, json: jsonOption, file: fileOption },
      handler: async (ctx, { name, days, json, file }) => {
        const existing = await new GuildRules(ctx.db, ctx.guild).byName(name.trim().toLowerCase());
        const input = await ruleInput(json, file);
        if (!existing && input === undefined) throw new UserError('unknown_rule', `There is no rule \`${name}\`: give its new definition as \`json\` or \`file\` to try it.`);
        const definition = input === undefined ? existing!.rule : await resolveCurrencies(ctx.db, ctx.guild, input);
        const rule: StoredRule = { id: existing?.id ?? `dry-${definition.name}`, guildId: ctx.guild, enabled: true, version: (existing?.version ?? 0) + 1, rule: definition };
        return ctx.defer(async () => {
          const report = await runDry(ctx, rule, days ?? 7);
          await ctx.editOriginal({ content: report });
        });
      },
    }),
    recompute: sub({
      description: 'Apply the difference between a dry run of a rule and what it credited (corrections)',
      options: { name: nameOption, days: daysOption },
      handler: async (ctx, { name, days }) => {
        const rule = await ruleByName(ctx.db, ctx.guild, name);
        return ctx.defer(async () => {
          const result = await recompute(ctx.db, ctx.guild, ctx.user.id, rule, days ?? 7).catch((error: unknown) => {
            if (error instanceof RangeError) throw new UserError('not_replayable', error.message);
            throw error;
          });
          const moved = result.corrections.filter((c) => c.ok && !c.duplicate);
          const refused = result.corrections.filter((c) => !c.ok);
          await ctx.editOriginal({
            content: `Recomputed \`${rule.rule.name}\` over ${days ?? 7} days: ${moved.length} corrections (net ${moved.reduce((n, c) => n + c.amount, 0)}), ${refused.length} refused by the ledger, ${result.corrections.length - moved.length - refused.length} already applied.`,
          });
        });
      },
    }),
  },
});

async function runDry(ctx: CommandContext, rule: StoredRule, days: number): Promise<string> {
  try {
    const report = await dryRun(ctx.db, ctx.guild, rule, days);
    const names = new Map((await listCurrencies(ctx.db, ctx.guild)).map((c) => [c.id, c.name]));
    return formatDryRun(report, names);
  } catch (error) {
    if (error instanceof RangeError) return `Can't dry-run \`${rule.rule.name}\`: ${error.message}.`;
    throw error;
  }
}
