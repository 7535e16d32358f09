/**
 * Changing the levels settings, shared by `/levels` and the dashboard: one `updateSettings`
 * (versioned, audited with before and after) and the rules engine's cached copy dropped.
 */
import type { GuildConfig } from '../../core/guild-config.repo';
import { forgetEngine } from '../rules/run.service';
import { LEVELS_SETTINGS_KEY, levelsSettingsSchema, type LevelsSettings } from './settings';

/** Applies `fn` to the guild's levels settings (retried on a concurrent write); the settings as saved. */
export function changeLevelsSettings(config: GuildConfig, actorId: string, fn: (s: LevelsSettings) => LevelsSettings): Promise<LevelsSettings> {
  return config.updateSettings(actorId, LEVELS_SETTINGS_KEY, levelsSettingsSchema, fn).finally(() => forgetEngine(config.guildId));
}
