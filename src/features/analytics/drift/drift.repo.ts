/**
 * The drift watch's guild-scoped repository. Every change is written as a pair in one batch:
 * the change row, inserted only when the current state really differs (a `WHERE [NOT] EXISTS`
 * on the state table, evaluated in the same batch), then the state write. A redelivered event,
 * or the reconciliation finding what the gateway already applied, finds the state equal and
 * adds nothing, so nothing is alerted twice; the change's key (unique per guild) makes a
 * repeat of the same statement a no-op as well.
 */
import { and, asc, desc, eq, gte, inArray, isNull, lte, sql, type SQL } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { inJsonList } from '../../../db/bulk';
import type { Db } from '../../../db/client';
import { driftAudit, driftChanges, driftGuilds, driftHolders, driftRoles, type DriftChangeRow, type DriftKind } from '../drift.schema';
import { dangerousPart, isDangerous } from './permissions';

type Source = DriftChangeRow['source'];
type Stmt = BatchItem<'sqlite'>;

/** Audit log action types about roles (Discord's `AuditLogEvent`). */
export const AUDIT = { memberRoleUpdate: 25, roleCreate: 30, roleUpdate: 31, roleDelete: 32 } as const;

/** How far apart a change and its audit entry may be (gateway events; reconciliation looks back a day). */
export const ATTRIBUTION_WINDOW_MS = 5 * 60_000;
export const RECONCILE_WINDOW_MS = 25 * 3600_000;

/** A role as the drift watch needs it. */
export interface RoleFacts {
  id: string;
  name: string;
  permissions: string;
}

/** Where a change was seen: the dedup key's tail, the source and the time. */
export interface Seen {
  key: string;
  source: Source;
  at: number;
  /** Attribution window (default {@link ATTRIBUTION_WINDOW_MS}). */
  window?: number;
}

/** A difference between the baseline and the current state. */
export interface DriftItem {
  kind: 'role.added' | 'role.removed' | 'role.permissions' | 'holder.added' | 'holder.removed';
  roleId: string;
  roleName: string;
  userId?: string;
  before?: string;
  after?: string;
}

/** The drift of one guild: the differences, and when the baseline was set. */
export interface DriftReport {
  baselineAt: number | null;
  baselineBy: string | null;
  items: DriftItem[];
  roles: number;
  holders: number;
}

/** One guild's current followed roles, each with which of the asked members hold it. */
export type MembersView = Map<string, { roleId: string; holders: Set<string> }[]>;

/**
 * The current followed roles of the guilds of `members`, each with which of those members
 * hold it: one query for a chunk of member updates (`memberView` for many). Guilds with no
 * followed role are absent. Scoped to the guilds asked (lists bound as one JSON value each).
 */
export async function membersView(db: Db, members: readonly { guildId: string; userId: string }[]): Promise<MembersView> {
  const out: MembersView = new Map();
  if (members.length === 0) return out;
  const guilds = [...new Set(members.map((m) => m.guildId))];
  const users = [...new Set(members.map((m) => m.userId))];
  const rows = await db
    .select({ guildId: driftRoles.guildId, roleId: driftRoles.roleId, holder: driftHolders.userId })
    .from(driftRoles)
    .leftJoin(
      driftHolders,
      and(
        eq(driftHolders.guildId, driftRoles.guildId),
        eq(driftHolders.scope, driftRoles.scope),
        eq(driftHolders.roleId, driftRoles.roleId),
        inJsonList(driftHolders.userId, users),
      ),
    )
    .where(and(inJsonList(driftRoles.guildId, guilds), eq(driftRoles.scope, 'current')));
  for (const r of rows) {
    let roles = out.get(r.guildId);
    if (!roles) out.set(r.guildId, (roles = []));
    let role = roles.find((x) => x.roleId === r.roleId);
    if (!role) roles.push((role = { roleId: r.roleId, holders: new Set() }));
    if (r.holder !== null) role.holders.add(r.holder);
  }
  return out;
}

export class GuildDrift {
  constructor(
    private readonly db: Db,
    readonly guildId: string,
  ) {}

  // ---- state reads

  /** The guild's row (null: not enrolled). */
  async guild() {
    const [row] = await this.db.select().from(driftGuilds).where(eq(driftGuilds.guildId, this.guildId));
    return row ?? null;
  }

  /** Enrolls the guild (its first reconciliation sets the baseline). Statement. */
  enroll() {
    return this.db.insert(driftGuilds).values({ guildId: this.guildId }).onConflictDoNothing();
  }

  /** The followed roles of a scope. */
  roles(scope: 'baseline' | 'current' = 'current') {
    return this.db.select().from(driftRoles).where(and(eq(driftRoles.guildId, this.guildId), eq(driftRoles.scope, scope))).orderBy(asc(driftRoles.roleId));
  }

  /** The holders of followed roles in a scope. */
  holders(scope: 'baseline' | 'current' = 'current') {
    return this.db.select().from(driftHolders).where(and(eq(driftHolders.guildId, this.guildId), eq(driftHolders.scope, scope)));
  }

  /** The current followed roles, each with whether `userId` holds it (one query). */
  async memberView(userId: string): Promise<{ roleId: string; held: boolean }[]> {
    const rows = await this.db
      .select({ roleId: driftRoles.roleId, holder: driftHolders.userId })
      .from(driftRoles)
      .leftJoin(
        driftHolders,
        and(eq(driftHolders.guildId, driftRoles.guildId), eq(driftHolders.scope, driftRoles.scope), eq(driftHolders.roleId, driftRoles.roleId), eq(driftHolders.userId, userId)),
      )
      .where(and(eq(driftRoles.guildId, this.guildId), eq(driftRoles.scope, 'current')));
    return rows.map((r) => ({ roleId: r.roleId, held: r.holder !== null }));
  }

  /** The differences between the baseline and the current state (four reads). */
  async drift(): Promise<DriftReport> {
    const [guild, baseRoles, curRoles, baseHolders, curHolders] = await Promise.all([this.guild(), this.roles('baseline'), this.roles('current'), this.holders('baseline'), this.holders('current')]);
    return { baselineAt: guild?.baselineAt ?? null, baselineBy: guild?.baselineBy ?? null, ...diffStates({ roles: baseRoles, holders: baseHolders }, { roles: curRoles, holders: curHolders }) };
  }

  /** Changes newest first, from `since` (ms), at most `limit`. */
  timeline(since: number, limit = 200, until = Number.MAX_SAFE_INTEGER) {
    return this.db
      .select()
      .from(driftChanges)
      .where(and(eq(driftChanges.guildId, this.guildId), gte(driftChanges.occurredAt, since), lte(driftChanges.occurredAt, until)))
      .orderBy(desc(driftChanges.occurredAt), desc(driftChanges.id))
      .limit(limit);
  }

  /** Changes not posted to the mod log yet, oldest first. */
  owedAlerts(limit = 20) {
    return this.db
      .select()
      .from(driftChanges)
      .where(and(eq(driftChanges.guildId, this.guildId), isNull(driftChanges.alertedAt)))
      .orderBy(asc(driftChanges.id))
      .limit(limit);
  }

  /** The changes one alert message shows (to re-render it). */
  changesOfAlert(messageId: string) {
    return this.db
      .select()
      .from(driftChanges)
      .where(and(eq(driftChanges.guildId, this.guildId), eq(driftChanges.alertMessageId, messageId)))
      .orderBy(asc(driftChanges.id));
  }

  /** Marks changes as alerted (only those still owed: a repeat leaves the first message's link). */
  markAlerted(ids: number[], channelId: string | null, messageId: string | null, at: number) {
    return this.db
      .update(driftChanges)
      .set({ alertChannelId: channelId, alertMessageId: messageId, alertedAt: at })
      .where(and(eq(driftChanges.guildId, this.guildId), inArray(driftChanges.id, ids), isNull(driftChanges.alertedAt)));
  }

  // ---- change statements (each list goes into one batch)

  private actor(target: string, actions: readonly number[], at: number, window: number, roleId?: string): SQL {
    const roleMatch = roleId ? sql` AND (a.role_ids IS NULL OR EXISTS (SELECT 1 FROM json_each(a.role_ids) WHERE value = ${roleId}))` : sql``;
    return sql`(SELECT a.actor_id FROM analytics_drift_audit a WHERE a.guild_id = ${this.guildId} AND a.target_id = ${target}
      AND a.action_type IN (${sql.join(actions.map((n) => sql`${n}`), sql`, `)}) AND a.created_at BETWEEN ${at - window} AND ${at + window}${roleMatch}
      ORDER BY abs(a.created_at - ${at}) LIMIT 1)`;
  }

  private change(c: { key: string; kind: DriftKind; roleId: string; roleName: SQL | string; userId: string | null; before: SQL | string | null; after: string | null; actor: SQL | null; seen: Seen; when: SQL }) {
    const { seen } = c;
    return this.db
      .insert(driftChanges)
      .select(
        sql`SELECT NULL, ${this.guildId}, ${c.key}, ${c.kind}, ${c.roleId}, ${c.roleName}, ${c.userId}, ${c.before}, ${c.after}, ${c.actor ?? sql`NULL`}, ${seen.source}, ${seen.at}, NULL, NULL, NULL WHERE ${c.when}`,
      )
      .onConflictDoNothing();
  }

  private roleRow(roleId: string, extra: SQL = sql``): SQL {
    return sql`SELECT 1 FROM analytics_drift_roles r WHERE r.guild_id = ${this.guildId} AND r.scope = 'current' AND r.role_id = ${roleId}${extra}`;
  }

  private holderRow(roleId: string, userId: string): SQL {
    return sql`SELECT 1 FROM analytics_drift_holders h WHERE h.guild_id = ${this.guildId} AND h.scope = 'current' AND h.role_id = ${roleId} AND h.user_id = ${userId}`;
  }

  /**
   * A role as Discord now has it (created, updated, or read by the reconciliation): followed
   * when it carries a dangerous permission, recorded as `role.dangerous` (newly followed),
   * `role.permissions` (its dangerous part changed) or `role.safe` (no longer followed).
   * `record: false` writes the state only (the first reconciliation, which is the baseline).
   */
  roleSeen(role: RoleFacts, seen: Seen, record = true): Stmt[] {
    const part = dangerousPart(role.permissions);
    const window = seen.window ?? ATTRIBUTION_WINDOW_MS;
    const actor = this.actor(role.id, [AUDIT.roleCreate, AUDIT.roleUpdate], seen.at, window);
    const before = sql`(SELECT r.permissions FROM analytics_drift_roles r WHERE r.guild_id = ${this.guildId} AND r.scope = 'current' AND r.role_id = ${role.id})`;
    const out: Stmt[] = [];
    if (isDangerous(role.permissions)) {
      if (record) {
        out.push(
          this.change({ key: `role.dangerous:${role.id}:${seen.key}`, kind: 'role.dangerous', roleId: role.id, roleName: role.name, userId: null, before: null, after: part, actor, seen, when: sql`NOT EXISTS (${this.roleRow(role.id)})` }),
          this.change({ key: `role.permissions:${role.id}:${part}:${seen.key}`, kind: 'role.permissions', roleId: role.id, roleName: role.name, userId: null, before, after: part, actor, seen, when: sql`EXISTS (${this.roleRow(role.id, sql` AND r.permissions <> ${part}`)})` }),
        );
      }
      out.push(
        this.db
          .insert(driftRoles)
          .values({ guildId: this.guildId, scope: 'current', roleId: role.id, name: role.name, permissions: part })
          .onConflictDoUpdate({ target: [driftRoles.guildId, driftRoles.scope, driftRoles.roleId], set: { name: role.name, permissions: part } }),
      );
      return out;
    }
    if (record) out.push(this.change({ key: `role.safe:${role.id}:${seen.key}`, kind: 'role.safe', roleId: role.id, roleName: role.name, userId: null, before, after: '0', actor, seen, when: sql`EXISTS (${this.roleRow(role.id)})` }));
    return [...out, ...this.dropRole(role.id)];
  }

  /** A role deleted in Discord. */
  roleDeleted(roleId: string, seen: Seen): Stmt[] {
    const name = sql`(SELECT r.name FROM analytics_drift_roles r WHERE r.guild_id = ${this.guildId} AND r.scope = 'current' AND r.role_id = ${roleId})`;
    const before = sql`(SELECT r.permissions FROM analytics_drift_roles r WHERE r.guild_id = ${this.guildId} AND r.scope = 'current' AND r.role_id = ${roleId})`;
    const actor = this.actor(roleId, [AUDIT.roleDelete], seen.at, seen.window ?? ATTRIBUTION_WINDOW_MS);
    return [
      this.change({ key: `role.deleted:${roleId}:${seen.key}`, kind: 'role.deleted', roleId, roleName: name, userId: null, before, after: null, actor, seen, when: sql`EXISTS (${this.roleRow(roleId)})` }),
      ...this.dropRole(roleId),
    ];
  }

  private dropRole(roleId: string): Stmt[] {
    return [
      this.db.delete(driftRoles).where(and(eq(driftRoles.guildId, this.guildId), eq(driftRoles.scope, 'current'), eq(driftRoles.roleId, roleId))),
      this.db.delete(driftHolders).where(and(eq(driftHolders.guildId, this.guildId), eq(driftHolders.scope, 'current'), eq(driftHolders.roleId, roleId))),
    ];
  }

  /** A member now holds a followed role (nothing when the role is not followed or they already did). */
  holderAdded(roleId: string, userId: string, seen: Seen, record = true): Stmt[] {
    const name = sql`(SELECT r.name FROM analytics_drift_roles r WHERE r.guild_id = ${this.guildId} AND r.scope = 'current' AND r.role_id = ${roleId})`;
    const actor = this.actor(userId, [AUDIT.memberRoleUpdate], seen.at, seen.window ?? ATTRIBUTION_WINDOW_MS, roleId);
    const out: Stmt[] = [];
    if (record) {
      out.push(
        this.change({ key: `holder.added:${roleId}:${userId}:${seen.key}`, kind: 'holder.added', roleId, roleName: name, userId, before: null, after: null, actor, seen, when: sql`EXISTS (${this.roleRow(roleId)}) AND NOT EXISTS (${this.holderRow(roleId, userId)})` }),
      );
    }
    out.push(this.db.insert(driftHolders).select(sql`SELECT ${this.guildId}, 'current', ${roleId}, ${userId} WHERE EXISTS (${this.roleRow(roleId)})`).onConflictDoNothing());
    return out;
  }

  /** A member no longer holds a followed role (or left the server). */
  holderRemoved(roleId: string, userId: string, seen: Seen, record = true): Stmt[] {
    const name = sql`(SELECT r.name FROM analytics_drift_roles r WHERE r.guild_id = ${this.guildId} AND r.scope = 'current' AND r.role_id = ${roleId})`;
    const actor = this.actor(userId, [AUDIT.memberRoleUpdate], seen.at, seen.window ?? ATTRIBUTION_WINDOW_MS, roleId);
    const out: Stmt[] = [];
    if (record) out.push(this.change({ key: `holder.removed:${roleId}:${userId}:${seen.key}`, kind: 'holder.removed', roleId, roleName: name, userId, before: null, after: null, actor, seen, when: sql`EXISTS (${this.holderRow(roleId, userId)})` }));
    out.push(this.db.delete(driftHolders).where(and(eq(driftHolders.guildId, this.guildId), eq(driftHolders.scope, 'current'), eq(driftHolders.roleId, roleId), eq(driftHolders.userId, userId))));
    return out;
  }

  /**
   * Records an audit log entry and attributes the changes it explains that have no actor yet;
   * returns the alert messages to re-render (changes already posted). Two statements.
   */
  async attribute(entry: { id: string; actionType: number; targetId: string; actorId: string; roleIds: string[] | null; createdAt: number }): Promise<{ channelId: string; messageId: string }[]> {
    const isMember = entry.actionType === AUDIT.memberRoleUpdate;
    const kinds: DriftKind[] = isMember ? ['holder.added', 'holder.removed'] : ['role.dangerous', 'role.permissions', 'role.safe', 'role.deleted'];
    const target = isMember ? eq(driftChanges.userId, entry.targetId) : eq(driftChanges.roleId, entry.targetId);
    const roles = isMember && entry.roleIds?.length ? inArray(driftChanges.roleId, entry.roleIds) : undefined;
    const [, updated] = await this.db.batch([
      this.db
        .insert(driftAudit)
        .values({ entryId: entry.id, guildId: this.guildId, actionType: entry.actionType, targetId: entry.targetId, actorId: entry.actorId, roleIds: entry.roleIds, createdAt: entry.createdAt })
        .onConflictDoNothing(),
      this.db
        .update(driftChanges)
        .set({ actorId: entry.actorId })
        .where(
          and(
            eq(driftChanges.guildId, this.guildId),
            isNull(driftChanges.actorId),
            inArray(driftChanges.kind, kinds),
            target,
            roles,
            eq(driftChanges.source, 'gateway'),
            gte(driftChanges.occurredAt, entry.createdAt - ATTRIBUTION_WINDOW_MS),
            lte(driftChanges.occurredAt, entry.createdAt + ATTRIBUTION_WINDOW_MS),
          ),
        )
        .returning({ channelId: driftChanges.alertChannelId, messageId: driftChanges.alertMessageId }),
    ]);
    const seen = new Map<string, { channelId: string; messageId: string }>();
    for (const r of updated) if (r.channelId && r.messageId) seen.set(r.messageId, { channelId: r.channelId, messageId: r.messageId });
    return [...seen.values()];
  }

  /**
   * Makes the current state the new baseline (statements for one batch, e.g. inside
   * `GuildConfig.audited`), with a `baseline.accepted` row on the timeline.
   */
  acceptStatements(actorId: string, at: number, source: Source): Stmt[] {
    const g = this.guildId;
    return [
      this.db.delete(driftRoles).where(and(eq(driftRoles.guildId, g), eq(driftRoles.scope, 'baseline'))),
      this.db.delete(driftHolders).where(and(eq(driftHolders.guildId, g), eq(driftHolders.scope, 'baseline'))),
      this.db.insert(driftRoles).select(sql`SELECT guild_id, 'baseline', role_id, name, permissions FROM analytics_drift_roles WHERE guild_id = ${g} AND scope = 'current'`),
      this.db.insert(driftHolders).select(sql`SELECT guild_id, 'baseline', role_id, user_id FROM analytics_drift_holders WHERE guild_id = ${g} AND scope = 'current'`),
      this.db
        .insert(driftGuilds)
        .values({ guildId: g, baselineAt: at, baselineBy: actorId })
        .onConflictDoUpdate({ target: driftGuilds.guildId, set: { baselineAt: at, baselineBy: actorId } }),
      this.db
        .insert(driftChanges)
        .values({ guildId: g, key: `baseline.accepted:${at}:${actorId}`, kind: 'baseline.accepted', roleId: '0', roleName: '', userId: null, actorId: actorId === 'system' ? null : actorId, source, occurredAt: at, alertedAt: at })
        .onConflictDoNothing(),
    ];
  }

  // ---- reconciliation progress

  /** Starts a run (only when none is in progress); true when this call started it. */
  async startRun(now: number): Promise<boolean> {
    const rows = await this.db
      .update(driftGuilds)
      .set({ runStartedAt: now, runCursor: null })
      .where(and(eq(driftGuilds.guildId, this.guildId), isNull(driftGuilds.runStartedAt)))
      .returning({ id: driftGuilds.guildId });
    return rows.length > 0;
  }

  /** Statement: the run's cursor moves on (after its page's writes, in the same batch). */
  cursor(after: string) {
    return this.db.update(driftGuilds).set({ runCursor: after }).where(eq(driftGuilds.guildId, this.guildId));
  }

  /** Statement: the run finished. */
  finishRun(now: number) {
    return this.db.update(driftGuilds).set({ runStartedAt: null, runCursor: null, lastRunAt: now }).where(eq(driftGuilds.guildId, this.guildId));
  }
}

/** Guilds due for reconciliation: a run in progress first, then those not run for a day. */
export function dueGuilds(db: Db, now: number, limit: number) {
  return db
    .select()
    .from(driftGuilds)
    .where(sql`${driftGuilds.runStartedAt} IS NOT NULL OR ${driftGuilds.lastRunAt} <= ${now - 24 * 3600_000}`)
    .orderBy(sql`${driftGuilds.runStartedAt} IS NULL`, asc(driftGuilds.lastRunAt))
    .limit(limit);
}

/** Baseline vs current, as a list of differences (pure). */
export function diffStates(
  base: { roles: readonly { roleId: string; name: string; permissions: string }[]; holders: readonly { roleId: string; userId: string }[] },
  cur: { roles: readonly { roleId: string; name: string; permissions: string }[]; holders: readonly { roleId: string; userId: string }[] },
): { items: DriftItem[]; roles: number; holders: number } {
  const items: DriftItem[] = [];
  const baseRoles = new Map(base.roles.map((r) => [r.roleId, r]));
  const curRoles = new Map(cur.roles.map((r) => [r.roleId, r]));
  const nameOf = (id: string) => curRoles.get(id)?.name ?? baseRoles.get(id)?.name ?? id;
  for (const r of cur.roles) {
    const b = baseRoles.get(r.roleId);
    if (!b) items.push({ kind: 'role.added', roleId: r.roleId, roleName: r.name, after: r.permissions });
    else if (b.permissions !== r.permissions) items.push({ kind: 'role.permissions', roleId: r.roleId, roleName: r.name, before: b.permissions, after: r.permissions });
  }
  for (const b of base.roles) if (!curRoles.has(b.roleId)) items.push({ kind: 'role.removed', roleId: b.roleId, roleName: b.name, before: b.permissions });
  const key = (h: { roleId: string; userId: string }) => `${h.roleId}:${h.userId}`;
  const baseHolders = new Set(base.holders.map(key));
  const curHolders = new Set(cur.holders.map(key));
  for (const h of cur.holders) if (!baseHolders.has(key(h))) items.push({ kind: 'holder.added', roleId: h.roleId, roleName: nameOf(h.roleId), userId: h.userId });
  for (const h of base.holders) if (!curHolders.has(key(h))) items.push({ kind: 'holder.removed', roleId: h.roleId, roleName: nameOf(h.roleId), userId: h.userId });
  return { items, roles: cur.roles.length, holders: cur.holders.length };
}
