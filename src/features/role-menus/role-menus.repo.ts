/**
 * `GuildRoleMenus`: one guild's role menus. Name collisions and duplicate roles are settled
 * by unique indexes; the 25-role cap by the inserting statement itself.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { isUniqueViolation } from '../../db/errors';
import { roleMenuOptions, roleMenus, type RoleMenu, type RoleMenuMode, type RoleMenuRow, type RoleMenuStyle } from './schema';

/** Discord's limit: 25 buttons (5 rows of 5) or 25 select options. */
export const MAX_MENU_ROLES = 25;

/** What `/rolemenu create` stores. */
export interface NewMenu {
  name: string;
  mode: RoleMenuMode;
  style: RoleMenuStyle;
  description: string | null;
  requiredRoleId: string | null;
  maxPerMember: number | null;
}

/** A role to add to a menu. */
export interface NewOption {
  roleId: string;
  label: string;
  emoji: string | null;
  description: string | null;
}

/** Guild-scoped access to role menus. */
export class GuildRoleMenus {
  constructor(
    private readonly db: Db,
    readonly guildId: string,
  ) {}

  /** Creates a menu; null when the name is taken. */
  async create(actorId: string, input: NewMenu): Promise<RoleMenuRow | null> {
    const now = Date.now();
    try {
      const [row] = await this.db
        .insert(roleMenus)
        .values({ guildId: this.guildId, ...input, createdBy: actorId, createdAt: now, updatedAt: now })
        .returning();
      return row ?? null;
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
  }

  /** A menu and its options by name (one batch). */
  async byName(name: string): Promise<RoleMenu | null> {
    return this.load(and(eq(roleMenus.guildId, this.guildId), eq(roleMenus.name, name))!);
  }

  /** A menu and its options by id (one batch): what a press reads. */
  async byId(id: number): Promise<RoleMenu | null> {
    return this.load(and(eq(roleMenus.guildId, this.guildId), eq(roleMenus.id, id))!);
  }

  private async load(where: ReturnType<typeof eq>): Promise<RoleMenu | null> {
    const [menus, options] = await this.db.batch([
      this.db.select().from(roleMenus).where(where),
      this.db
        .select()
        .from(roleMenuOptions)
        .where(and(eq(roleMenuOptions.guildId, this.guildId), sql`${roleMenuOptions.menuId} = (select ${roleMenus.id} from ${roleMenus} where ${where})`))
        .orderBy(asc(roleMenuOptions.id)),
    ]);
    const menu = menus[0];
    return menu ? { ...menu, options } : null;
  }

  /** Every menu's name, for lists and autocomplete. */
  async list(): Promise<RoleMenuRow[]> {
    return this.db.select().from(roleMenus).where(eq(roleMenus.guildId, this.guildId)).orderBy(asc(roleMenus.name));
  }

  /**
   * Adds a role to a menu. `full`: the menu already has `MAX_MENU_ROLES`; `duplicate`: the
   * role is on it already.
   */
  async addOption(menuId: number, input: NewOption): Promise<'added' | 'full' | 'duplicate'> {
    const now = Date.now();
    try {
      const [, inserted] = await this.db.batch([
        this.touch(menuId),
        this.db
          .insert(roleMenuOptions)
          .select(
            sql`select null, ${this.guildId}, ${menuId}, ${input.roleId}, ${input.label}, ${input.emoji}, ${input.description}, ${now}
              where (select count(*) from ${roleMenuOptions} where ${roleMenuOptions.menuId} = ${menuId}) < ${MAX_MENU_ROLES}`,
          )
          .returning({ id: roleMenuOptions.id }),
      ]);
      return inserted.length > 0 ? 'added' : 'full';
    } catch (error) {
      if (isUniqueViolation(error)) return 'duplicate';
      throw error;
    }
  }

  /** Removes a role from a menu; false when it was not on it. */
  async removeOption(menuId: number, roleId: string): Promise<boolean> {
    const [, removed] = await this.db.batch([
      this.touch(menuId),
      this.db
        .delete(roleMenuOptions)
        .where(and(eq(roleMenuOptions.guildId, this.guildId), eq(roleMenuOptions.menuId, menuId), eq(roleMenuOptions.roleId, roleId)))
        .returning({ id: roleMenuOptions.id }),
    ]);
    return removed.length > 0;
  }

  /** Changes a menu's settings; false when there is no such menu. */
  async update(menuId: number, patch: Partial<Omit<NewMenu, 'name'>>): Promise<boolean> {
    const rows = await this.db
      .update(roleMenus)
      .set({ ...patch, updatedAt: Date.now() })
      .where(and(eq(roleMenus.guildId, this.guildId), eq(roleMenus.id, menuId)))
      .returning({ id: roleMenus.id });
    return rows.length > 0;
  }

  /** Records where the menu is posted. */
  async setPosted(menuId: number, channelId: string | null, messageId: string | null): Promise<void> {
    await this.db
      .update(roleMenus)
      .set({ channelId, messageId, updatedAt: Date.now() })
      .where(and(eq(roleMenus.guildId, this.guildId), eq(roleMenus.id, menuId)));
  }

  /** Deletes a menu and its options; returns the menu, or null. */
  async delete(name: string): Promise<RoleMenuRow | null> {
    const where = and(eq(roleMenus.guildId, this.guildId), eq(roleMenus.name, name));
    const [, deleted] = await this.db.batch([
      this.db
        .delete(roleMenuOptions)
        .where(and(eq(roleMenuOptions.guildId, this.guildId), sql`${roleMenuOptions.menuId} = (select ${roleMenus.id} from ${roleMenus} where ${where})`)),
      this.db.delete(roleMenus).where(where).returning(),
    ]);
    return deleted[0] ?? null;
  }

  private touch(menuId: number) {
    return this.db.update(roleMenus).set({ updatedAt: Date.now() }).where(and(eq(roleMenus.guildId, this.guildId), eq(roleMenus.id, menuId)));
  }
}
