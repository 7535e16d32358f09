/**
 * A guild's platform configuration: channels by purpose, staff roles, module flags and
 * feature settings. Guild-scoped (the guild id is fixed at construction) and audited: every
 * change writes its `audit_log` row in the same `db.batch` as the change itself.
 */
import { and, eq } from 'drizzle-orm';
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

/** Guild-scoped configuration repository. */
export class GuildConfig {
  constructor(
    private readonly db: Db,
    readonly guildId: string,
  ) {}

  /** The channel mapped to `purpose`, or null. */
  async channel(purpose: string): Promise<string | null> {
    const [row] = await this.db
      .select({ channelId: guildChannels.channelId })
      .from(guildChannels)
      .where(and(eq(guildChannels.guildId, this.guildId), eq(guildChannels.purpose, purpose)));
    return row?.channelId ?? null;
  }

  /** Role id → staff level. */
  async staffRoleMap(): Promise<Map<string, StaffLevel>> {
    const rows = await this.db
      .select({ roleId: staffRoles.roleId, level: staffRoles.level })
      .from(staffRoles)
      .where(eq(staffRoles.guildId, this.guildId));
    return new Map(rows.filter((r) => isStaffLevel(r.level)).map((r) => [r.roleId, r.level as StaffLevel]));
  }

  /** Whether `module` is on; `fallback` when the guild never set it. */
  async moduleEnabled(module: string, fallback: boolean): Promise<boolean> {
    const [row] = await this.db
      .select({ enabled: moduleFlags.enabled })
      .from(moduleFlags)
      .where(and(eq(moduleFlags.guildId, this.guildId), eq(moduleFlags.module, module)));
    return row?.enabled ?? fallback;
  }

  /** A feature's settings object, parsed (and defaulted) by its zod schema. */
  async settings<S extends z.ZodType>(key: string, schema: S): Promise<z.output<S>> {
    const [row] = await this.db
      .select({ value: guildSettings.value })
      .from(guildSettings)
      .where(and(eq(guildSettings.guildId, this.guildId), eq(guildSettings.key, key)));
    return schema.parse(row?.value ?? {});
  }

  /** Everything `/config show` prints, in one batch. */
  async snapshot(): Promise<ConfigSnapshot> {
    const [channels, roles, modules] = await this.db.batch([
      this.db.select().from(guildChannels).where(eq(guildChannels.guildId, this.guildId)),
      this.db.select().from(staffRoles).where(eq(staffRoles.guildId, this.guildId)),
      this.db.select().from(moduleFlags).where(eq(moduleFlags.guildId, this.guildId)),
    ]);
    return {
      channels: Object.fromEntries(channels.map((c) => [c.purpose, c.channelId])),
      staffRoles: roles.filter((r) => isStaffLevel(r.level)).map((r) => ({ roleId: r.roleId, level: r.level as StaffLevel })),
      modules: Object.fromEntries(modules.map((m) => [m.module, m.enabled])),
    };
  }

  /** Maps `purpose` to `channelId`, or unmaps it with `null`. */
  async setChannel(actorId: string, purpose: string, channelId: string | null): Promise<void> {
    const before = await this.channel(purpose);
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
    await this.db.batch([audit, ...changes]);
  }
}
