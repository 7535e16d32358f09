/**
 * Saves the emulator's fake-Discord world (users, guilds, roles, members, bans, channels,
 * messages, DM channels, registered commands) to a JSON file and loads it back, so the seeded
 * server survives `npm start` restarts. Interactions and recorded calls are not kept.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { APIApplicationCommand, APIMessage, APIRole } from 'discord-api-types/v10';
import type { BanRec, ChannelRec, GuildRec, MemberRec, SessionState, UserRec } from '../testing/fake-discord/state.ts';

interface SavedGuild {
  id: string;
  name: string;
  ownerId: string;
  roles: APIRole[];
  members: MemberRec[];
  bans: BanRec[];
  channelIds: string[];
}

/** The file's shape (version 1). */
export interface SavedWorld {
  version: 1;
  applicationId: string;
  users: UserRec[];
  guilds: SavedGuild[];
  channels: ChannelRec[];
  messages: Record<string, APIMessage[]>;
  dmChannelByUser: Record<string, string>;
  commands: Record<string, APIApplicationCommand[]>;
  commandIds: Record<string, string>;
  /** Emulator-level extras (e.g. the seeded guild id). */
  meta: Record<string, unknown>;
}

/** The world of `state` as JSON-able data. */
export function saveWorld(state: SessionState, meta: Record<string, unknown>): SavedWorld {
  return {
    version: 1,
    applicationId: state.applicationId,
    users: [...state.users.values()],
    guilds: [...state.guilds.values()].map((g) => ({
      id: g.id,
      name: g.name,
      ownerId: g.ownerId,
      roles: [...g.roles.values()],
      members: [...g.members.values()],
      bans: [...g.bans.values()],
      channelIds: g.channelIds,
    })),
    channels: [...state.channels.values()],
    messages: Object.fromEntries(state.messages),
    dmChannelByUser: Object.fromEntries(state.dmChannelByUser),
    commands: Object.fromEntries(state.commands),
    commandIds: Object.fromEntries(state.commandIds),
    meta,
  };
}

/** Replaces the world of `state` with `saved` (the bot user is kept as the state made it). */
export function loadWorld(state: SessionState, saved: SavedWorld): void {
  if (saved.applicationId !== state.applicationId) throw new Error(`saved world belongs to application ${saved.applicationId}, not ${state.applicationId}`);
  state.users = new Map(saved.users.map((u) => [u.id, u]));
  state.guilds = new Map(
    saved.guilds.map((g): [string, GuildRec] => [
      g.id,
      {
        id: g.id,
        name: g.name,
        ownerId: g.ownerId,
        roles: new Map(g.roles.map((r) => [r.id, r])),
        members: new Map(g.members.map((m) => [m.userId, m])),
        bans: new Map(g.bans.map((b) => [b.userId, b])),
        channelIds: g.channelIds,
      },
    ]),
  );
  state.channels = new Map(saved.channels.map((c) => [c.id, c]));
  state.messages = new Map(Object.entries(saved.messages));
  state.dmChannelByUser = new Map(Object.entries(saved.dmChannelByUser));
  state.commands = new Map(Object.entries(saved.commands));
  state.commandIds = new Map(Object.entries(saved.commandIds));
}

/** Reads a saved world, or null when the file is missing or unreadable. */
export function readWorld(path: string): SavedWorld | null {
  if (!existsSync(path)) return null;
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as SavedWorld;
    return parsed.version === 1 ? parsed : null;
  } catch {
    return null;
  }
}

/** Writes the world atomically (temp file + rename). */
export function writeWorld(path: string, world: SavedWorld): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp`, JSON.stringify(world));
  renameSync(`${path}.tmp`, path);
}
