/**
 * The per-guild calendar feed: `GET /calendar/:guildId/:token.ics`, an iCalendar (RFC 5545)
 * document of the guild's scheduled runs (from 30 days back to a year ahead), built with
 * ical-generator. The token is a secret made by `/run calendar`; a wrong token or a guild
 * without one is a plain 404 (nothing says whether the guild exists).
 */
import { Hono } from 'hono';
import ical, { ICalEventStatus } from 'ical-generator';
import { GuildConfig } from '../../core/guild-config.repo';
import { getDb } from '../../db/client';
import { catalogSchema, CATALOG_KEY } from './catalog';
import { RUNS_KEY, runsSettingsSchema } from './config';
import { GuildRuns } from './runs.repo';

const DAY = 86_400_000;

/** Constant-time comparison of two strings. */
function sameSecret(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** The feed's text for one guild. */
export async function calendarFeed(env: Env, guildId: string, now = Date.now()): Promise<string> {
  const db = getDb(env);
  const config = new GuildConfig(db, guildId);
  const [rows, catalog] = await Promise.all([new GuildRuns(db, guildId).calendar(now - 30 * DAY, now + 365 * DAY), config.settings(CATALOG_KEY, catalogSchema)]);
  const emojiOf = new Map(catalog.activities.map((a) => [a.name, a.emoji]));
  const calendar = ical({ name: 'Gatehouse runs', prodId: { company: 'gatehouse', product: 'runs', language: 'EN' }, ttl: 900 });
  for (const run of rows) {
    const start = new Date(run.startsAt!);
    const end = new Date(run.endsAt ?? run.startsAt! + 2 * 3_600_000);
    const emoji = emojiOf.get(run.activity);
    calendar.createEvent({
      id: `run-${run.id}@gatehouse`,
      start,
      end,
      stamp: new Date(run.createdAt),
      summary: `${emoji ? `${emoji} ` : ''}${run.activity}`,
      ...(run.location ? { location: run.location } : {}),
      description: `Organized by Discord user ${run.organizerId}. Cap ${run.cap}.`,
      url: run.eventId ? `https://discord.com/events/${guildId}/${run.eventId}` : `https://discord.com/channels/${guildId}/${run.channelId}/${run.messageId ?? ''}`,
      status: ICalEventStatus.CONFIRMED,
    });
  }
  return calendar.toString();
}

/** The feed's routes, mounted on the bot's HTTP app. */
export function calendarRoutes(): Hono<{ Bindings: Env }> {
  const app = new Hono<{ Bindings: Env }>();
  app.get('/calendar/:guildId/:file', async (c) => {
    const guildId = c.req.param('guildId');
    const match = /^([0-9a-f]{32})\.ics$/.exec(c.req.param('file'));
    if (!/^\d{17,20}$/.test(guildId) || !match) return c.text('not found', 404);
    const settings = await new GuildConfig(getDb(c.env), guildId).settings(RUNS_KEY, runsSettingsSchema);
    if (!settings.calendarToken || !sameSecret(settings.calendarToken, match[1]!)) return c.text('not found', 404);
    return new Response(await calendarFeed(c.env, guildId), {
      headers: { 'content-type': 'text/calendar; charset=utf-8', 'cache-control': 'private, max-age=300' },
    });
  });
  return app;
}
