import { ComponentType, TextInputStyle } from 'discord-api-types/v10';
import { defineUserCommand } from '../../../core/define';
import { encodeCustomId } from '../../../core/custom-id';

/** The `custom_id` key of the warn reason modal. */
export const WARN_MODAL_KEY = 'moderation.warn';

/** "Warn" on a user's context menu: asks for the reason in a modal. */
export const warnUserCommand = defineUserCommand({
  name: 'Warn',
  description: 'Warn a member (asks for a reason)',
  level: 'helper',
  handler: async (ctx, { user }) =>
    ctx.modal({
      custom_id: encodeCustomId(WARN_MODAL_KEY, user.id),
      title: `Warn ${user.username}`.slice(0, 45),
      components: [
        {
          type: ComponentType.ActionRow,
          components: [
            { type: ComponentType.TextInput, custom_id: 'reason', label: 'Reason', style: TextInputStyle.Paragraph, required: true, max_length: 500 },
          ],
        },
      ],
    }),
});
