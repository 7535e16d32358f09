/**
 * `npm run register [-- --guild <id>]`: bulk-overwrites the application's commands with
 * the registry's manifest (global, or one guild for instant updates while developing).
 * Reads DISCORD_BOT_TOKEN, DISCORD_APPLICATION_ID and DISCORD_API_BASE from the environment
 * or from .dev.vars.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Registry } from '../src/core/registry';
import { createDiscord } from '../src/discord';
import { features } from '../src/features';
import { parseVars } from './vars';

/** Registers every command; returns how many were registered. */
export async function register(env: Record<string, string | undefined>, guildId?: string): Promise<number> {
  const token = env.DISCORD_BOT_TOKEN;
  const applicationId = env.DISCORD_APPLICATION_ID;
  if (!token || !applicationId) throw new Error('DISCORD_BOT_TOKEN and DISCORD_APPLICATION_ID must be set (environment or .dev.vars)');
  const manifest = new Registry(features).manifest();
  const discord = createDiscord({ DISCORD_BOT_TOKEN: token, DISCORD_APPLICATION_ID: applicationId, DISCORD_API_BASE: env.DISCORD_API_BASE });
  const registered = await discord.commands.bulkOverwrite(manifest, guildId);
  return registered.length;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { guild: { type: 'string' } } });
  const fileVars = existsSync('.dev.vars') ? parseVars(readFileSync('.dev.vars', 'utf8')) : {};
  const env = { ...fileVars, ...process.env };
  let count: number;
  try {
    count = await register(env, values.guild);
  } catch (e) {
    // A missing value or Discord's refusal is a message for the user, not a stack trace.
    console.error(`npm run register: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
  console.log(`Registered ${count} commands ${values.guild ? `in guild ${values.guild}` : 'globally (may take up to an hour to show everywhere)'}.`);
}
