/**
 * The posted message of a role menu: an embed listing the roles, and either rows of up to
 * five buttons (at most 25) or one select menu. Every `custom_id` carries the menu id (and
 * the role, for buttons), so a press needs no message lookup.
 */
import {
  ButtonStyle,
  ComponentType,
  type APIActionRowComponent,
  type APIComponentInMessageActionRow,
  type APIMessageComponentEmoji,
  type RESTPostAPIChannelMessageJSONBody,
} from 'discord-api-types/v10';
import { encodeCustomId } from '../../core/custom-id';
import { UserError } from '../../core/errors';
import type { RoleMenu, RoleMenuMode } from './schema';

/** Custom id key of a role button: `role-menus.pick:<menuId>:<roleId>`. */
export const PICK_KEY = 'role-menus.pick';
/** Custom id key of a menu's select: `role-menus.choose:<menuId>`. */
export const CHOOSE_KEY = 'role-menus.choose';

/** What each mode tells members. */
export const MODE_HELP: Record<RoleMenuMode, string> = {
  toggle: 'Pick any of these roles; pick one again to drop it.',
  unique: 'Pick one of these roles; picking another swaps it.',
  'add-only': 'Pick the roles you want; they stay until staff remove them.',
};

const CUSTOM_EMOJI = /^<(a?):([A-Za-z0-9_]{2,32}):(\d{15,21})>$/;

/**
 * A stored emoji (`name:id`, `a:name:id` or unicode) from what staff typed, or a `UserError`.
 * Unicode emoji are short and hold no letters or digits.
 */
export function parseEmoji(input: string): string {
  const text = input.trim();
  const custom = CUSTOM_EMOJI.exec(text);
  if (custom) return `${custom[1] ? 'a:' : ''}${custom[2]}:${custom[3]}`;
  if (text.length > 0 && text.length <= 16 && !/[A-Za-z0-9<>:\s]/.test(text)) return text;
  throw new UserError('bad_emoji', `\`${input.slice(0, 40)}\` is not an emoji. Use a unicode emoji (🎮) or pick a server emoji from the picker.`);
}

/** The component emoji of a stored emoji. */
export function componentEmoji(stored: string): APIMessageComponentEmoji {
  const parts = stored.split(':');
  if (parts.length === 3) return { animated: true, name: parts[1]!, id: parts[2]! };
  if (parts.length === 2) return { name: parts[0]!, id: parts[1]! };
  return { name: stored };
}

/** How a stored emoji is written in text. */
function inlineEmoji(stored: string): string {
  const parts = stored.split(':');
  if (parts.length === 3) return `<a:${parts[1]}:${parts[2]}>`;
  if (parts.length === 2) return `<:${parts[0]}:${parts[1]}>`;
  return stored;
}

/** The posted message of `menu` (a menu must have at least one role to be posted). */
export function menuMessage(menu: RoleMenu): RESTPostAPIChannelMessageJSONBody {
  const lines = menu.options.map((o) => `${o.emoji ? `${inlineEmoji(o.emoji)} ` : ''}<@&${o.roleId}>${o.description ? ` · ${o.description}` : ''}`);
  const rules = [MODE_HELP[menu.mode]];
  if (menu.requiredRoleId) rules.push(`Only members with <@&${menu.requiredRoleId}> can use this menu.`);
  if (menu.maxPerMember && menu.mode !== 'unique') rules.push(`At most ${menu.maxPerMember} of these roles each.`);
  const description = [menu.description, lines.join('\n') || '*No roles yet.*', rules.join(' ')].filter(Boolean).join('\n\n');
  return {
    embeds: [{ title: menu.name, description: description.slice(0, 4096), color: 0x5865f2 }],
    components: menu.options.length === 0 ? [] : menu.style === 'select' ? selectRows(menu) : buttonRows(menu),
    allowed_mentions: { parse: [] },
  };
}

function buttonRows(menu: RoleMenu): APIActionRowComponent<APIComponentInMessageActionRow>[] {
  const rows: APIActionRowComponent<APIComponentInMessageActionRow>[] = [];
  menu.options.forEach((o, i) => {
    if (i % 5 === 0) rows.push({ type: ComponentType.ActionRow, components: [] });
    rows[rows.length - 1]!.components.push({
      type: ComponentType.Button,
      style: ButtonStyle.Secondary,
      label: o.label.slice(0, 80),
      custom_id: encodeCustomId(PICK_KEY, menu.id, o.roleId),
      ...(o.emoji ? { emoji: componentEmoji(o.emoji) } : {}),
    });
  });
  return rows;
}

function selectRows(menu: RoleMenu): APIActionRowComponent<APIComponentInMessageActionRow>[] {
  const most = menu.mode === 'unique' ? 1 : Math.min(menu.options.length, menu.maxPerMember ?? menu.options.length);
  return [
    {
      type: ComponentType.ActionRow,
      components: [
        {
          type: ComponentType.StringSelect,
          custom_id: encodeCustomId(CHOOSE_KEY, menu.id),
          placeholder: menu.mode === 'unique' ? 'Pick a role' : 'Pick roles (each one you pick is switched)',
          min_values: 1,
          max_values: most,
          options: menu.options.map((o) => ({
            label: o.label.slice(0, 100),
            value: o.roleId,
            ...(o.description ? { description: o.description.slice(0, 100) } : {}),
            ...(o.emoji ? { emoji: componentEmoji(o.emoji) } : {}),
          })),
        },
      ],
    },
  ];
}
