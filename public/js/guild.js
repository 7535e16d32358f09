/**
 * Reading a guild entry of `GET /api/guilds` (one place, so a shape change is one edit).
 */

/** The guild's id. */
export const guildId = (g) => String(g.id);

/** The guild's name. */
export const guildName = (g) => g.name ?? `Server ${g.id}`;

/** True when the bot is in the guild. */
export const guildInstalled = (g) => g.botPresent ?? g.installed ?? g.bot ?? !g.inviteUrl;

/** What the user holds there: `{ manager, level }`, or null. */
export const guildGrant = (g) => g.access ?? (g.manager !== undefined || g.level ? { manager: Boolean(g.manager), level: g.level ?? 'everyone' } : null);

/** The "add the bot" link of a guild the bot is not in. */
export const guildInvite = (g) => g.inviteUrl ?? g.invite ?? null;

/** The guild's icon on Discord's CDN, or null. */
export const guildIconUrl = (g) => g.iconUrl ?? (g.icon ? `https://cdn.discordapp.com/icons/${g.id}/${g.icon}.png?size=64` : null);
