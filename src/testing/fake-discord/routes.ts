/**
 * The fake's single route table: every Discord endpoint it implements, keyed by method + Discord
 * path template. Checked against discord-api-spec's `pathsList` when this module loads (a route
 * Discord does not have throws).
 *
 * Portable: no Node APIs.
 */
import { type AnyRoute, compileRoutes, type CompiledRoute } from './route-table.ts';
import { channelRoutes } from './routes-channels.ts';
import { guildRoutes } from './routes-guilds.ts';
import { interactionRoutes } from './routes-interactions.ts';
import { oauthRoutes } from './routes-oauth.ts';

/** All implemented routes. */
export const ROUTES: readonly AnyRoute[] = [...interactionRoutes, ...channelRoutes, ...guildRoutes, ...oauthRoutes];

/** The compiled table used by the dispatcher (throws at load if a route is not in Discord's spec). */
export const ROUTE_TABLE: readonly CompiledRoute[] = compileRoutes(ROUTES);
