/**
 * A guild's platform configuration: channels by purpose, staff roles, module flags and
 * feature settings. Guild-scoped (the guild id is fixed at construction) and audited: every
 * change writes its `audit_log` row in the same `db.batch` as the change itself.
 *
 * Feature settings are one JSON object per key, changed with `updateSettings`: read, change,
 * and write only at the version read (else reread and retry), so two administrators changing
 * different settings at once both keep their change.
 *
 * Channels, staff roles and module flags are read together in one query and kept per
 * isolate for `SNAPSHOT_TTL_MS`: the router consults them on most interactions. A change
 * made through this class drops the isolate's copy at once; another isolate sees it within
 * the TTL.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { z } from 'zod';
import type { Db } from '../db/client';
import { UserError } from './errors';
import { auditLog, guildChannels, guildSettings, moduleFlags, staffRoles } from './schema';
import { isStaffLevel, type StaffLevel } from './staff';

/** A guild's configuration, read in one round trip. */
export interface ConfigSnapshot {
  channels: Record<string, string>;
  staffRoles: { roleId: string; level: StaffLevel }[];
  modules: Record<string, boolean>;
}

/** How many times `updateSettings` rereads and retries after another writer got there first. */
export const SETTINGS_UPDATE_ATTEMPTS = 8;

/** A settings row as read: its value and the version a write must still find. */
interface SettingsRead {
  value: unknown;
  version: number;
}

/** How long an isolate reuses a guild's channels, staff roles and module flags. */
export const SNAPSHOT_TTL_MS = 1000;

const snapshots = new WeakMap<Db, Map<string, { at: number; value: Promise<ConfigSnapshot> }>>();

function cacheOf(db: Db): Map<string, { at: number; value: Promise<ConfigSnapshot> }> {
  let cache = snapshots.get(db);
  if (!cache) snapshots.set(db, (cache = new Map()));
  return cache;
}

/** Guild-scoped configuration repository. */
export class GuildConfig {
  constructor(
    private readonly db: Db,
    readonly guildId: string,
  ) {}

  /** The channel mapped to `purpose`, or null. */
  async channel(purpose: string): Promise<string | null> {
    return (await this.snapshot()).channels[purpose] ?? null;
  }

  /** Role id → staff level. */
  async staffRoleMap(): Promise<Map<string, StaffLevel>> {
    return new Map((await this.snapshot()).staffRoles.map((r) => [r.roleId, r.level]));
  }

  /** Whether `module` is on; `fallback` when the guild never set it. */
  async moduleEnabled(module: string, fallback: boolean): Promise<boolean> {
    return (await this.snapshot()).modules[module] ?? fallback;
  }

  /** A feature's settings object, parsed (and defaulted) by its zod schema. */
  async settings<S extends z.ZodType>(key: string, schema: S): Promise<z.output<S>> {
    return GuildConfig.parseSettings(await this.settingsRead(key), schema);
  }

  /**
   * The read behind {@link settings}, unexecuted: a caller may put it in its own `db.batch`
   * (one round trip with its write) and parse the rows with {@link GuildConfig.parseSettings}.
   */
  settingsRead(key: string) {
    return this.db
      .select({ value: guildSettings.value })
      .from(guildSettings)
      .where(and(eq(guildSettings.guildId, this.guildId), eq(guildSettings.key, key)));
  }

  /** Settings from the rows of {@link settingsRead} (defaults filled in by `schema`). */
  static parseSettings<S extends z.ZodType>(rows: readonly { value: unknown }[], schema: S): z.output<S> {
    return schema.parse(rows[0]?.value ?? {});
  }

  /** Channels, staff roles and modules: one query, reused for `SNAPSHOT_TTL_MS`. */
  snapshot(): Promise<ConfigSnapshot> {
    const cache = cacheOf(this.db);
    const now = Date.now();
    const hit = cache.get(this.guildId);
    if (hit && now - hit.at < SNAPSHOT_TTL_MS) return hit.value;
    const value = this.readSnapshot();
    cache.set(this.guildId, { at: now, value });
    value.catch(() => cache.get(this.guildId)?.value === value && cache.delete(this.guildId));
    return value;
  }

  private async readSnapshot(): Promise<ConfigSnapshot> {
    const rows = await this.db.all<{ kind: string; k: string; v: string | number }>(sql`
      SELECT 'c' AS kind, ${guildChannels.purpose} AS k, ${guildChannels.channelId} AS v FROM ${guildChannels} WHERE ${guildChannels.guildId} = ${this.guildId}
      UNION ALL SELECT 'r', ${staffRoles.roleId}, ${staffRoles.level} FROM ${staffRoles} WHERE ${staffRoles.guildId} = ${this.guildId}
      UNION ALL SELECT 'm', ${moduleFlags.module}, ${moduleFlags.enabled} FROM ${moduleFlags} WHERE ${moduleFlags.guildId} = ${this.guildId}`);
    const snapshot: ConfigSnapshot = { channels: {}, staffRoles: [], modules: {} };
    for (const { kind, k, v } of rows) {
      if (kind === 'c') snapshot.channels[k] = String(v);
      else if (kind === 'r' && isStaffLevel(String(v))) snapshot.staffRoles.push({ roleId: k, level: String(v) as StaffLevel });
      else if (kind === 'm') snapshot.modules[k] = Number(v) === 1;
    }
    return snapshot;
  }

  /** Drops this isolate's copy after a change. */
  private invalidate(): void {
    cacheOf(this.db).delete(this.guildId);
  }

  /** Maps `purpose` to `channelId`, or unmaps it with `null`. */
  async setChannel(actorId: string, purpose: string, channelId: string | null): Promise<void> {
    const before = (await this.readSnapshot()).channels[purpose] ?? null; // fresh, not cached: the audit records it
    const where = and(eq(guildChannels.guildId, this.guildId), eq(guildChannels.purpose, purpose));
    const change =
      channelId === null
        ? this.db.delete(guildChannels).where(where)
        : this.db
            .insert(guildChannels)
            .values({ guildId: this.guildId, purpose, channelId })
            .onConflictDoUpdate({ target: [guildChannels.guildId, guildChannels.purpose], set: { channelId } });
    await this.audited(actorId, `channel.${purpose}`, before, channelId, change);
  }

  /** Maps `roleId` to `level`, or unmaps it with `null`. */
  async setStaffRole(actorId: string, roleId: string, level: StaffLevel | null): Promise<void> {
    const [row] = await this.db
      .select({ level: staffRoles.level })
      .from(staffRoles)
      .where(and(eq(staffRoles.guildId, this.guildId), eq(staffRoles.roleId, roleId)));
    const where = and(eq(staffRoles.guildId, this.guildId), eq(staffRoles.roleId, roleId));
    const change =
      level === null
        ? this.db.delete(staffRoles).where(where)
        : this.db
            .insert(staffRoles)
            .values({ guildId: this.guildId, roleId, level })
            .onConflictDoUpdate({ target: [staffRoles.guildId, staffRoles.roleId], set: { level } });
    await this.audited(actorId, `staff_role.${roleId}`, row?.level ?? null, level, change);
  }

  /** Turns a module on or off. */
  async setModule(actorId: string, module: string, enabled: boolean): Promise<void> {
    const [row] = await this.db
      .select({ enabled: moduleFlags.enabled })
      .from(moduleFlags)
      .where(and(eq(moduleFlags.guildId, this.guildId), eq(moduleFlags.module, module)));
    const change = this.db
      .insert(moduleFlags)
      .values({ guildId: this.guildId, module, enabled })
      .onConflictDoUpdate({ target: [moduleFlags.guildId, moduleFlags.module], set: { enabled } });
    await this.audited(actorId, `module.${module}`, row?.enabled ?? null, enabled, change);
  }

  /**
   * Changes a feature's settings object: `change` gets the current settings (parsed by
   * `schema`) and returns the new ones, which are validated by `schema` and written only if
   * nobody wrote the key since they were read; otherwise it rereads and calls `change` again.
   * The audit row commits with the write. `change` may throw (a `UserError` reaches the user).
   * @returns the settings as saved
   */
  async updateSettings<S extends z.ZodType>(actorId: string, key: string, schema: S, change: (current: z.output<S>) => z.input<S>): Promise<z.output<S>> {
    for (let attempt = 1; ; attempt++) {
      const read = await this.readSettings(key);
      const next = schema.parse(change(schema.parse(read?.value ?? {})));
      if (await this.writeSettings(actorId, key, read, next)) return next;
      if (attempt >= SETTINGS_UPDATE_ATTEMPTS) {
        throw new UserError('settings_contended', 'These settings were being changed by someone else at the same moment. Try again.');
      }
    }
  }

  /** Replaces a feature's settings object (validated by the caller); prefer `updateSettings`. */
  async setSettings(actorId: string, key: string, value: unknown): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      if (await this.writeSettings(actorId, key, await this.readSettings(key), value)) return;
      if (attempt >= SETTINGS_UPDATE_ATTEMPTS) throw new Error(`settings ${key} of guild ${this.guildId}: lost ${attempt} write races in a row`);
    }
  }

  private async readSettings(key: string): Promise<SettingsRead | null> {
    const [row] = await this.db
      .select({ value: guildSettings.value, version: guildSettings.version })
      .from(guildSettings)
      .where(and(eq(guildSettings.guildId, this.guildId), eq(guildSettings.key, key)));
    return row ?? null;
  }

  /**
   * Writes `value` (and its audit row, in one batch) only while the row is as `read` found
   * it: same version, or still absent. Returns false when another writer got there first.
   */
  private async writeSettings(actorId: string, key: string, read: SettingsRead | null, value: unknown): Promise<boolean> {
    const now = Date.now();
    const row = and(eq(guildSettings.guildId, this.guildId), eq(guildSettings.key, key));
    const unchanged = read ? and(row, eq(guildSettings.version, read.version)) : row;
    const guard = read ? sql`exists (select 1 from ${guildSettings} where ${unchanged})` : sql`not exists (select 1 from ${guildSettings} where ${row})`;
    const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));
    // The audit row first, under the same guard the write checks: both commit or neither.
    const audit = this.db
      .insert(auditLog)
      .select(sql`select null, ${this.guildId}, ${actorId}, ${`settings.${key}`}, ${json(read?.value)}, ${json(value)}, ${now} where ${guard}`);
    const write = read
      ? this.db
          .update(guildSettings)
          .set({ value, version: sql`${guildSettings.version} + 1`, updatedAt: now })
          .where(unchanged)
          .returning({ version: guildSettings.version })
      : this.db.insert(guildSettings).values({ guildId: this.guildId, key, value, version: 1, updatedAt: now }).onConflictDoNothing().returning({ version: guildSettings.version });
    const [, written] = await this.db.batch([audit, write]);
    return written.length > 0;
  }

  /**
   * Runs `change` and its audit row in one batch, so a change is never unaudited. Features
   * with their own tables use this to audit configuration they keep elsewhere.
   */
  async audited(actorId: string, action: string, before: unknown, after: unknown, ...changes: BatchItem<'sqlite'>[]): Promise<void> {
    const audit = this.db.insert(auditLog).values({
      guildId: this.guildId,
      actorId,
      action,
      before: before ?? null,
      after: after ?? null,
      createdAt: Date.now(),
    });
    try {
      await this.db.batch([audit, ...changes]);
    } finally {
      this.invalidate();
    }
  }
}
