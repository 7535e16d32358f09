import { defineFeature } from '../../core/define';
import { anonymousReplyCommand, replyCommand, sendToMemberCommand } from './commands/reply.command';
import { modmailCommand, modmailSettingsCommand } from './commands/modmail.command';
import { ticketCommand } from './commands/ticket.command';
import { dmCancelComponent, dmOpenComponent, dmPickComponent } from './components/dm-prompt.component';
import { categoryComponent, panelComponent, serverComponent } from './components/open.component';
import { memberReplyComponent, staffReplyComponent } from './components/reply.component';
import { MODMAIL_CHANNELS } from './config';
import { dmMessageHook } from './events/dm-message.event';
import { threadMessageEvent } from './events/thread-message.event';
import { openModal } from './modals/open.modal';
import { opsCommands, opsComponents, opsEvents } from './ops.manifest';
import { memberReplyModalSubmit, staffReplyModalSubmit } from './modals/reply.modal';

/** Modmail: private conversations between a member and staff, over interactions or the gateway. */
export const modmail = defineFeature({
  name: 'modmail',
  description: 'Modmail: members talk to staff privately; staff answer in a thread',
  channels: MODMAIL_CHANNELS,
  commands: [modmailCommand, modmailSettingsCommand, replyCommand, anonymousReplyCommand, sendToMemberCommand, ticketCommand, ...opsCommands],
  components: [panelComponent, categoryComponent, serverComponent, staffReplyComponent, memberReplyComponent, dmOpenComponent, dmPickComponent, dmCancelComponent, ...opsComponents],
  modals: [openModal, staffReplyModalSubmit, memberReplyModalSubmit],
  events: [threadMessageEvent, ...opsEvents],
  lakeHooks: [dmMessageHook],
});
