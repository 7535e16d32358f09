/**
 * Role menus: a named set of up to 25 self-assignable roles, posted as buttons or a select
 * menu. `(guild_id, name)` and `(menu_id, role_id)` are unique; the 25-role cap is enforced
 * in the inserting statement. A press reads the menu and its options (one batch) and
 * writes nothing.
 */
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** toggle: pick any, press again to drop; unique: one role of the menu at a time; add-only: roles are never removed. */
export const ROLE_MENU_MODES = ['toggle', 'unique', 'add-only'] as const;

/** A menu mode. */
export type RoleMenuMode = (typeof ROLE_MENU_MODES)[number];

/** How a menu is posted. */
export const ROLE_MENU_STYLES = ['buttons', 'select'] as const;

/** A menu style. */
export type RoleMenuStyle = (typeof ROLE_MENU_STYLES)[number];

/** One menu. */
export const roleMenus = sqliteTable(
  'role_menus',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    guildId: text('guild_id').notNull(),
    name: text('name').notNull(),
    mode: text('mode', { enum: ROLE_MENU_MODES }).notNull(),
    style: text('style', { enum: ROLE_MENU_STYLES }).notNull().default('buttons'),
    description: text('description'),
    /** Only members holding this role may use the menu. */
    requiredRoleId: text('required_role_id'),
    /** Roles of this menu one member may hold at once; null: no limit. */
    maxPerMember: integer('max_per_member'),
    channelId: text('channel_id'),
    messageId: text('message_id'),
    createdBy: text('created_by').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('role_menus_guild_name').on(t.guildId, t.name)],
);

/** One role of a menu. */
export const roleMenuOptions = sqliteTable(
  'role_menu_options',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    guildId: text('guild_id').notNull(),
    menuId: integer('menu_id').notNull(),
    roleId: text('role_id').notNull(),
    /** The role's name when it was added (buttons and select options show it). */
    label: text('label').notNull(),
    /** A unicode emoji, or a custom one as `name:id` / `a:name:id`. */
    emoji: text('emoji'),
    description: text('description'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('role_menu_options_menu_role').on(t.menuId, t.roleId), index('role_menu_options_guild').on(t.guildId, t.menuId)],
);

/** A menu row. */
export type RoleMenuRow = typeof roleMenus.$inferSelect;
/** An option row. */
export type RoleMenuOptionRow = typeof roleMenuOptions.$inferSelect;
/** A menu with its options, in the order they were added. */
export interface RoleMenu extends RoleMenuRow {
  options: RoleMenuOptionRow[];
}
