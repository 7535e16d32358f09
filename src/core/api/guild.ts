/**
 * The one guild middleware: every `/api/guilds/:guildId/*` request passes through it. It
 * requires a session, fetches (or reuses, at most 60 s old; a write never reuses) the access
 * facts with the bot token, and lets the request on only when the caller is a manager or holds
 * a staff level (from their roles, or delegated to them or a role of theirs, `grants.repo.ts`).
 * The route's own `access` is checked next by `requireAccess` (a read-only delegation counts
 * for reads only).
 */
import type { MiddlewareHandler } from 'hono';
import { getDb } from '../../db/client';
import { GuildConfig } from '../guild-config.repo';
import { meetsLevel } from '../staff';
import { accessFacts, ACCESS_FACTS_MAX_AGE_MS, allows, grantOf, withDelegation, WRITE_FACTS_MAX_AGE_MS } from './access';
import { GuildGrants } from './grants.repo';
import type { ApiAccess } from './define';
import { ApiError } from './errors';
import { discordOf, requireSession, type ApiEnv } from './context';

const SNOWFLAKE = /^\d{17,20}$/;

/** True for methods that change something. */
export function isWrite(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';
}

/** Checks the caller may enter the guild at all; sets `guild`, `guildInfo` and `grant`. */
export const guildMiddleware: MiddlewareHandler<ApiEnv> = async (c, next) => {
  const session = requireSession(c);
  const guildId = c.req.param('guildId') ?? '';
  if (!SNOWFLAKE.test(guildId)) throw new ApiError(404, 'unknown_guild', 'There is no such server.');
  const maxAge = isWrite(c.req.method) ? WRITE_FACTS_MAX_AGE_MS : ACCESS_FACTS_MAX_AGE_MS;
  const facts = await accessFacts(discordOf(c.env), guildId, session.user.id, maxAge);
  const db = getDb(c.env);
  const roleGrant = grantOf(facts, session.user.id, await new GuildConfig(db, guildId).staffRoleMap());
  if (!roleGrant) throw new ApiError(403, 'not_member', 'You are not a member of this server.');
  const grant = roleGrant.manager ? roleGrant : withDelegation(roleGrant, await new GuildGrants(db, guildId).delegation(session.user.id, facts.memberRoles ?? []));
  if (!grant.manager && !meetsLevel(grant.level, 'helper')) throw new ApiError(403, 'no_access', 'You are not staff in this server.');
  c.set('guild', guildId);
  c.set('guildInfo', facts.guild);
  c.set('grant', grant);
  await next();
};

/** A route's access check (after `guildMiddleware`, before its request is validated). */
export function requireAccess(access: ApiAccess): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const grant = c.get('grant');
    if (!grant || !allows(grant, access, isWrite(c.req.method))) {
      throw new ApiError(403, 'level_too_low', access === 'manager' ? 'Only the server’s managers (Manage Server) may do this.' : `This needs the ${access.replace('_', ' ')} level or higher.`);
    }
    await next();
  };
}
