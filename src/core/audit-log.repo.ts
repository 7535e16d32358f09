/**
 * `GuildAuditLog`: one guild's configuration audit log, read newest first for the dashboard,
 * filtered by actor (index `(guild_id, actor_id, created_at)`) and by area.
 *
 * An entry's area is the first segment of its action (`gate.question.add` → `gate`), with
 * the platform's own actions named for what they change (`channel.*` → `channels`,
 * `staff_role.*` → `roles`, `module.*` → `modules`) and a feature's settings under the
 * feature (`settings.gate` → `gate`).
 */
import { and, desc, eq, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { auditLog, type AuditLogRow } from './schema';

const PLATFORM_AREAS: Record<string, string> = { channel: 'channels', staff_role: 'roles', module: 'modules' };
const AREA_PREFIXES = Object.fromEntries(Object.entries(PLATFORM_AREAS).map(([prefix, area]) => [area, prefix]));

/** Where a page of the audit log continues: the time and id of the last entry shown. */
export interface AuditCursor {
  at: number;
  id: number;
}

/** The area of an audit action. */
export function areaOf(action: string): string {
  const [head = '', second = ''] = action.split('.');
  if (head === 'settings') return second;
  return PLATFORM_AREAS[head] ?? head;
}

/** Guild-scoped reads of the audit log. */
export class GuildAuditLog {
  constructor(
    private readonly db: Db,
    readonly guildId: string,
  ) {}

  /** One entry, or null. */
  async get(id: number): Promise<AuditLogRow | null> {
    const [row] = await this.db.select().from(auditLog).where(and(eq(auditLog.guildId, this.guildId), eq(auditLog.id, id)));
    return row ?? null;
  }

  /**
   * A page of entries, newest first (keyset on `(created_at, id)`, so the guild's and the
   * actor's indexes give the order); `next` is where the following page starts.
   */
  async page(options: { actorId?: string; area?: string; before?: AuditCursor; limit: number }): Promise<{ rows: AuditLogRow[]; next: AuditCursor | null }> {
    const area = options.area;
    const prefix = area ? (AREA_PREFIXES[area] ?? area) : null;
    // GLOB, not LIKE: `_` in `staff_role` is a literal there.
    const inArea = prefix ? or(sql`${auditLog.action} GLOB ${`${prefix}.*`}`, eq(auditLog.action, `settings.${area}`)) : undefined;
    const rows = await this.db
      .select()
      .from(auditLog)
      .where(
        and(
          eq(auditLog.guildId, this.guildId),
          options.actorId ? eq(auditLog.actorId, options.actorId) : undefined,
          options.before
            ? or(lt(auditLog.createdAt, options.before.at), and(eq(auditLog.createdAt, options.before.at), lt(auditLog.id, options.before.id)))
            : undefined,
          inArea,
        ),
      )
      .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
      .limit(options.limit + 1);
    const more = rows.length > options.limit;
    const page = more ? rows.slice(0, options.limit) : rows;
    const last = page.at(-1);
    return { rows: page, next: more && last ? { at: last.createdAt, id: last.id } : null };
  }
}
