import type { APIMessageStringSelectInteractionData } from 'discord-api-types/v10';
import { defineComponent } from '../../../core/define';
import { UserError } from '../../../core/errors';
import { CHOOSE_KEY, PICK_KEY } from '../menu-message';
import { pick } from '../role-menus.service';

function menuIdOf(raw: string | undefined): number {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id <= 0) throw new UserError('bad_button', 'This role menu is broken; ask staff to post it again.');
  return id;
}

/** A role button: `role-menus.pick:<menuId>:<roleId>`. */
export const pickComponent = defineComponent({
  key: PICK_KEY,
  handler: async (ctx, [menuId, roleId]) => pick(ctx, menuIdOf(menuId), roleId ? [roleId] : []),
});

/** A menu's select: `role-menus.choose:<menuId>`, the chosen roles in `values`. */
export const chooseComponent = defineComponent({
  key: CHOOSE_KEY,
  handler: async (ctx, [menuId]) => pick(ctx, menuIdOf(menuId), (ctx.interaction.data as APIMessageStringSelectInteractionData).values ?? []),
});
