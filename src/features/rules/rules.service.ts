/**
 * Saving rules: a definition is checked (zod, in `rule-format.ts`), its currencies resolved
 * to ids (`effects.N.currency: no currency "x"`), and the guild's rules with it checked for a
 * chain that would loop, before anything is written. Presets create their currency first.
 */
import { UserError } from '../../core/errors';
import type { Db } from '../../db/client';
import { ensureCurrency, findCurrency } from '../economy/public';
import { forgetEngine } from './run.service';
import { levelsSettings } from '../levels/levels.service';
import { findLoop, parseRule, type Rule, type StoredRule } from './rule-format';
import { GuildRules } from './rules.repo';
import { PRESETS, type PresetName } from './presets';
import { GuildConfig } from '../../core/guild-config.repo';
import { LEVELS_SETTINGS_KEY, levelsSettingsSchema } from '../levels/settings';

/** Resolves currency names to ids; throws a `UserError` naming the effect's path. */
export async function resolveCurrencies(db: Db, guildId: string, rule: Rule): Promise<Rule> {
  const effects = [];
  for (const [i, e] of rule.effects.entries()) {
    if (e.type !== 'credit' && e.type !== 'debit') {
      effects.push(e);
      continue;
    }
    const currency = await findCurrency(db, guildId, e.currency);
    if (!currency) throw new UserError('invalid_rule', `effects.${i}.currency: there is no currency \`${e.currency}\` (see \`/currency list\`).`);
    if (currency.archived) throw new UserError('invalid_rule', `effects.${i}.currency: \`${currency.name}\` is archived.`);
    effects.push({ ...e, currency: currency.id });
  }
  return { ...rule, effects };
}

/** Refuses a rule set with a chain that would loop (names the rules). */
async function assertNoLoop(db: Db, guildId: string, rule: Rule): Promise<void> {
  const others = (await new GuildRules(db, guildId).list()).filter((r) => r.rule.name !== rule.name && r.enabled).map((r) => r.rule);
  const settings = await levelsSettings(db, guildId);
  const loop = findLoop([...others, rule], new Set(settings.currencyId ? [settings.currencyId] : []));
  if (loop) throw new UserError('rule_loop', `This rule would make a loop: ${loop.map((n) => `\`${n}\``).join(' → ')}. Nothing was saved.`);
}

/** Validates, resolves and saves a rule definition (JSON value). */
export async function saveRule(db: Db, guildId: string, actorId: string, input: unknown, replace: boolean): Promise<StoredRule> {
  const parsed = parseRule(input);
  if (!parsed.ok) throw new UserError('invalid_rule', `The rule is not valid: ${parsed.error}. Nothing was saved.`);
  const rule = await resolveCurrencies(db, guildId, parsed.rule);
  await assertNoLoop(db, guildId, rule);
  const saved = await new GuildRules(db, guildId).save(actorId, rule, replace);
  forgetEngine(guildId);
  return saved;
}

/** Applies a preset: its currency (created if missing), levels on it if none, and its rule. */
export async function applyPreset(db: Db, guildId: string, actorId: string, name: PresetName): Promise<StoredRule> {
  const preset = PRESETS[name];
  const currency = await ensureCurrency(db, guildId, preset.currency, actorId);
  if (preset.levels) {
    await new GuildConfig(db, guildId).updateSettings(actorId, LEVELS_SETTINGS_KEY, levelsSettingsSchema, (s) => (s.currencyId ? s : { ...s, currencyId: currency.id }));
  }
  const rule = { ...preset.rule, effects: preset.rule.effects.map((e) => ({ ...e, currency: currency.id })) };
  return saveRule(db, guildId, actorId, rule, true);
}

/** A rule by name, or a `UserError`. */
export async function ruleByName(db: Db, guildId: string, name: string): Promise<StoredRule> {
  const rule = await new GuildRules(db, guildId).byName(name.trim().toLowerCase());
  if (!rule) throw new UserError('unknown_rule', `There is no rule \`${name}\`. See \`/rules list\`.`);
  return rule;
}
