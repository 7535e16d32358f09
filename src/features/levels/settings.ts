/**
 * The levels settings of a guild (one `guild_settings` object, key `levels`, changed through
 * `updateSettings`: versioned and audited): which XP currency levels follow, where level-ups
 * are announced, level roles, XP multipliers and the no-XP lists.
 */
import * as z from 'zod';
import type { EventFacts, XpPolicy } from '../rules/engine';

export const LEVELS_SETTINGS_KEY = 'levels';

const snowflake = z.string().regex(/^\d{17,20}$/);

export const announceModes = ['channel', 'dm', 'event', 'off'] as const;

export const levelReward = z.object({
  level: z.number().int().min(1).max(1000),
  roleId: snowflake,
  /** `stack`: kept when higher rewards come; `replace`: removed once a higher reward is reached. */
  mode: z.enum(['stack', 'replace']).default('stack'),
});
export type LevelReward = z.output<typeof levelReward>;

export const levelsSettingsSchema = z.object({
  /** The XP currency (id) levels are computed from; none: levels are off. */
  currencyId: z.string().optional(),
  announce: z
    .object({
      mode: z.enum(announceModes).default('event'),
      channelId: snowflake.optional(),
      template: z.string().min(1).max(1000).default('{user} reached level {level}!'),
    })
    .default({ mode: 'event', template: '{user} reached level {level}!' }),
  rewards: z.array(levelReward).max(50).default([]),
  multipliers: z
    .object({ roles: z.record(snowflake, z.number().min(0).max(10)).default({}), channels: z.record(snowflake, z.number().min(0).max(10)).default({}) })
    .default({ roles: {}, channels: {} }),
  noXp: z
    .object({ channels: z.array(snowflake).max(100).default([]), roles: z.array(snowflake).max(100).default([]), members: z.array(snowflake).max(500).default([]) })
    .default({ channels: [], roles: [], members: [] }),
});
export type LevelsSettings = z.output<typeof levelsSettingsSchema>;

/**
 * The combined XP multiplier of an event: the highest multiplier among the member's roles that
 * have one (1 when none has), times the channel's (1 when it has none). Amounts are rounded
 * down after multiplying; 0 credits nothing.
 */
export function combinedMultiplier(settings: Pick<LevelsSettings, 'multipliers'>, facts: Pick<EventFacts, 'roleIds' | 'channelId'>): number {
  const roleValues = (facts.roleIds ?? []).flatMap((r) => (r in settings.multipliers.roles ? [settings.multipliers.roles[r]!] : []));
  const role = roleValues.length ? Math.max(...roleValues) : 1;
  const channel = facts.channelId && facts.channelId in settings.multipliers.channels ? settings.multipliers.channels[facts.channelId]! : 1;
  return role * channel;
}

/** Why an event earns no XP (a no-XP member, role or channel), or null. */
export function noXpReason(settings: Pick<LevelsSettings, 'noXp'>, facts: Pick<EventFacts, 'roleIds' | 'channelId' | 'userId'>): string | null {
  if (settings.noXp.members.includes(facts.userId)) return 'no-XP member';
  if (facts.channelId && settings.noXp.channels.includes(facts.channelId)) return 'no-XP channel';
  if (facts.roleIds?.some((r) => settings.noXp.roles.includes(r))) return 'no-XP role';
  return null;
}

/** The XP policy the rules engine applies to credits of XP currencies. */
export function xpPolicy(settings: LevelsSettings, xpCurrencies: ReadonlySet<string>): XpPolicy {
  return {
    isXp: (currency) => xpCurrencies.has(currency),
    excluded: (facts) => noXpReason(settings, facts),
    multiplier: (facts) => combinedMultiplier(settings, facts),
  };
}

/**
 * The level roles a member at `level` should have, and those they should not: every `stack`
 * reward at or below the level, and the highest `replace` reward at or below it (lower
 * `replace` rewards go). Rewards above the level are never removed here unless they are
 * `replace` rewards below the highest reached (a member keeps roles staff gave by hand).
 */
export function rolesForLevel(rewards: readonly LevelReward[], level: number): { add: string[]; remove: string[] } {
  const reached = rewards.filter((r) => r.level <= level);
  const replace = reached.filter((r) => r.mode === 'replace').sort((a, b) => b.level - a.level);
  const top = replace[0];
  const add = new Set([...reached.filter((r) => r.mode === 'stack').map((r) => r.roleId), ...(top ? [top.roleId] : [])]);
  const remove = new Set(replace.slice(1).map((r) => r.roleId).filter((id) => !add.has(id)));
  return { add: [...add], remove: [...remove] };
}
