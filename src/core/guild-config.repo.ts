/**
 * A guild's platform configuration: channels by purpose, staff roles, module flags and
 * feature settings. Guild-scoped (the guild id is fixed at construction) and audited: every
 * change writes its `audit_log` row in the same `db.batch` as the change itself.
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
import { auditLog, guildChannels, guildSettings, moduleFlags, staffRoles } from './schema';
import { isStaffLevel, type StaffLevel } from './staff';

/** A guild's configuration, read in one round trip. */
export interface ConfigSnapshot {
  channels: Record<string, string>;
  staffRoles: { roleId: string; level: StaffLevel }[];
  modules: Record<string, boolean>;
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
    const [row] = await this.db
      .select({ value: guildSettings.value })
      .from(guildSettings)
      .where(and(eq(guildSettings.guildId, this.guildId), eq(guildSettings.key, key)));
    return schema.parse(row?.value ?? {});
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

  /** Replaces a feature's settings object (validate it with the feature's schema first). */
  async setSettings(actorId: string, key: string, value: unknown): Promise<void> {
    const [row] = await this.db
      .select({ value: guildSettings.value })
      .from(guildSettings)
      .where(and(eq(guildSettings.guildId, this.guildId), eq(guildSettings.key, key)));
    const change = this.db
      .insert(guildSettings)
      .values({ guildId: this.guildId, key, value, updatedAt: Date.now() })
      .onConflictDoUpdate({ target: [guildSettings.guildId, guildSettings.key], set: { value, updatedAt: Date.now() } });
    await this.audited(actorId, `settings.${key}`, row?.value ?? null, value, change);
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
