/**
 * Routes a user's OAuth2 bearer token reaches (the token endpoints themselves are in oauth.ts):
 * `GET /users/@me/guilds` (scope `guilds`) lists the guilds the user is a member of, with their
 * permissions there. `GET /users/@me` (routes-channels.ts) answers the token's user.
 *
 * Portable: no Node APIs.
 */
import type { RESTAPIPartialCurrentUserGuild } from 'discord-api-types/v10';
import { DiscordHttpError } from './errors.ts';
import { type AnyRoute, intQuery, route, snowflakeQuery } from './route-table.ts';
import { compareSnowflakes } from './snowflake.ts';

/** OAuth2 user routes. */
export const oauthRoutes: AnyRoute[] = [
  route()({
    method: 'GET',
    path: '/users/@me/guilds',
    auth: 'user',
    query: (q) => [...intQuery(q, 'limit', 1, 200), ...snowflakeQuery(q, 'after'), ...snowflakeQuery(q, 'before')],
    handler: ({ state, bearer, query }) => {
      if (bearer && !bearer.scopes.includes('guilds')) throw new DiscordHttpError(403, 50001, "Missing Access (the token lacks the 'guilds' scope)");
      const userId = bearer?.userId ?? state.botUserId;
      const after = query.get('after') ?? '0';
      const limit = Number(query.get('limit') ?? '200');
      const guilds: RESTAPIPartialCurrentUserGuild[] = [...state.guilds.values()]
        .filter((g) => g.members.has(userId) && compareSnowflakes(g.id, after) > 0)
        .sort((a, b) => compareSnowflakes(a.id, b.id))
        .slice(0, limit)
        .map((g) => ({
          id: g.id,
          name: g.name,
          icon: null,
          banner: null,
          owner: g.ownerId === userId,
          permissions: state.permissions(g, userId).toString(),
          features: [],
        }));
      return { status: 200, body: guilds };
    },
  }),
];
