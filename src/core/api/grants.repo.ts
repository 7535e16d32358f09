/**
 * Delegated dashboard access of one guild (`dashboard_grants`): who holds which level on the
 * dashboard beyond their roles, read-only or not, until when. Changes are audited through
 * `GuildConfig.audited` (action `dashboard_grant.<kind>.<id>`, before/after).
 */
import { and, eq, gt, inArray, or } from 'drizzle-orm';
import type { Db } from '../../db/client';
import type { GuildConfig } from '../guild-config.repo';
import { isStaffLevel, levelRank, type StaffLevel } from '../staff';
import { dashboardGrants, type DashboardGrantRow } from './schema';

/** What a delegated grant gives. */
export interface Delegation {
  level: StaffLevel;
  write: boolean;
  expiresAt: number;
}

/** A grant as the API shows it. */
export interface GrantView extends Delegation {
  subjectKind: 'user' | 'role';
  subjectId: string;
  grantedBy: string;
}

const view = (row: DashboardGrantRow): GrantView => ({
  subjectKind: row.subjectKind === 'role' ? 'role' : 'user',
  subjectId: row.subjectId,
  level: isStaffLevel(row.level) ? row.level : 'everyone',
  write: row.write,
  expiresAt: row.expiresAt,
  grantedBy: row.grantedBy,
});

/** Guild-scoped delegated access. */
export class GuildGrants {
  constructor(
    private readonly db: Db,
    readonly guildId: string,
  ) {}

  /** The strongest live delegation of a member (their own or one of their roles'), or null. */
  async delegation(userId: string, roleIds: readonly string[], now = Date.now()): Promise<Delegation | null> {
    const subject = roleIds.length
      ? or(and(eq(dashboardGrants.subjectKind, 'user'), eq(dashboardGrants.subjectId, userId)), and(eq(dashboardGrants.subjectKind, 'role'), inArray(dashboardGrants.subjectId, roleIds.slice(0, 90))))
      : and(eq(dashboardGrants.subjectKind, 'user'), eq(dashboardGrants.subjectId, userId));
    const rows = await this.db.select().from(dashboardGrants).where(and(eq(dashboardGrants.guildId, this.guildId), gt(dashboardGrants.expiresAt, now), subject));
    const live = rows.map(view);
    if (live.length === 0) return null;
    const top = Math.max(...live.map((g) => levelRank(g.level)));
    const strongest = live.filter((g) => levelRank(g.level) === top);
    return { level: strongest[0]!.level, write: strongest.some((g) => g.write), expiresAt: Math.max(...strongest.map((g) => g.expiresAt)) };
  }

  /** Every grant, live or expired. */
  async list(): Promise<GrantView[]> {
    return (await this.db.select().from(dashboardGrants).where(eq(dashboardGrants.guildId, this.guildId))).map(view);
  }

  private async find(kind: 'user' | 'role', id: string): Promise<GrantView | null> {
    const [row] = await this.db.select().from(dashboardGrants).where(this.key(kind, id));
    return row ? view(row) : null;
  }

  private key(kind: 'user' | 'role', id: string) {
    return and(eq(dashboardGrants.guildId, this.guildId), eq(dashboardGrants.subjectKind, kind), eq(dashboardGrants.subjectId, id));
  }

  /** Grants (or replaces) a delegation, audited. */
  async put(config: GuildConfig, actorId: string, kind: 'user' | 'role', id: string, d: Delegation): Promise<GrantView> {
    const before = await this.find(kind, id);
    const after: GrantView = { subjectKind: kind, subjectId: id, ...d, grantedBy: actorId };
    const row = { guildId: this.guildId, subjectKind: kind, subjectId: id, level: d.level, write: d.write, expiresAt: d.expiresAt, grantedBy: actorId, createdAt: Date.now() };
    const upsert = this.db
      .insert(dashboardGrants)
      .values(row)
      .onConflictDoUpdate({ target: [dashboardGrants.guildId, dashboardGrants.subjectKind, dashboardGrants.subjectId], set: { level: d.level, write: d.write, expiresAt: d.expiresAt, grantedBy: actorId } });
    await config.audited(actorId, `dashboard_grant.${kind}.${id}`, before, after, upsert);
    return after;
  }

  /** Removes a delegation, audited; false when there was none. */
  async remove(config: GuildConfig, actorId: string, kind: 'user' | 'role', id: string): Promise<boolean> {
    const before = await this.find(kind, id);
    if (!before) return false;
    await config.audited(actorId, `dashboard_grant.${kind}.${id}`, before, null, this.db.delete(dashboardGrants).where(this.key(kind, id)));
    return true;
  }
}
