/**
 * The bot's operators: the people who may use bot-wide controls (`/gateway`), whatever their
 * standing in the guild they type in. `BOT_OWNER_IDS` when it is set; otherwise the owner of
 * the application (for a team's application: the team's owner and its admins), fetched from
 * `GET /oauth2/applications/@me` once per isolate and remembered for ten minutes (a failed
 * look-up is not remembered).
 */
import { TeamMemberMembershipState, TeamMemberRole, type RESTGetAPIOAuth2CurrentApplicationResult } from 'discord-api-types/v10';
import type { Discord } from '../discord';
import { appConfig } from './env';
import { UserError } from './errors';

/** How long the application owner look-up is trusted. */
export const OPERATOR_CACHE_MS = 10 * 60_000;

const fetched = new Map<string, { at: number; ids: Promise<ReadonlySet<string>> }>();

/** The operators an application's owner field names. */
export function applicationOperators(app: RESTGetAPIOAuth2CurrentApplicationResult): Set<string> {
  if (!app.team) return new Set(app.owner ? [app.owner.id] : []);
  const ids = new Set([app.team.owner_user_id]);
  for (const member of app.team.members) {
    if (member.role === TeamMemberRole.Admin && member.membership_state === TeamMemberMembershipState.Accepted) ids.add(member.user.id);
  }
  return ids;
}

/** The operators' user ids. Throws `UserError` when they must be fetched and Discord does not answer. */
export async function operatorIds(env: Env, discord: Discord): Promise<ReadonlySet<string>> {
  const config = appConfig(env);
  if (config.BOT_OWNER_IDS.length > 0) return new Set(config.BOT_OWNER_IDS);
  const key = `${config.DISCORD_API_BASE}\n${config.DISCORD_APPLICATION_ID}`;
  const now = Date.now();
  let entry = fetched.get(key);
  if (!entry || now - entry.at > OPERATOR_CACHE_MS) {
    const ids = discord.applications.current().then(applicationOperators);
    entry = { at: now, ids };
    fetched.set(key, entry);
    ids.catch(() => {
      if (fetched.get(key)?.ids === ids) fetched.delete(key);
    });
  }
  try {
    return await entry.ids;
  } catch (error) {
    console.error(JSON.stringify({ msg: 'operator look-up failed', error: error instanceof Error ? error.name : 'Error' }));
    throw new UserError('operators_unknown', "I couldn't ask Discord who owns this bot. Try again, or set BOT_OWNER_IDS.");
  }
}

/** True when `userId` is one of the bot's operators. */
export async function isOperator(userId: string, env: Env, discord: Discord): Promise<boolean> {
  return (await operatorIds(env, discord)).has(userId);
}
