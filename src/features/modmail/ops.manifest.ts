/**
 * What modmail-ops contributes to the modmail feature's manifest (`index.ts` spreads these):
 * `/close`, `/reopen`, `/snippet`, the snippet list's pager, close-on-leave, and the
 * `/modmail block|unblock|stats` subcommands (spread into the `/modmail` group).
 */
import { closeCommand } from './commands/close.command';
import { opsModmailSubcommands } from './commands/ops.subcommands';
import { reopenCommand } from './commands/reopen.command';
import { snippetCommand } from './commands/snippet.command';
import { snippetsPageComponent } from './components/snippets-page.component';
import { closeOnLeaveEvent } from './events/close-on-leave.event';

export const opsCommands = [closeCommand, reopenCommand, snippetCommand];
export const opsComponents = [snippetsPageComponent];
export const opsEvents = [closeOnLeaveEvent];
export { opsModmailSubcommands };
