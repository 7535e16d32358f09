/**
 * What modmail-ops contributes to the modmail feature's manifest (`index.ts` spreads these):
 * `/close`, `/reopen`, `/snippet`, the snippet list's pager and close-on-leave. The
 * `/modmail block|unblock|stats|limits` subcommands are spread into the `/modmail` group
 * (`commands/ops.subcommands.ts`).
 */
import { closeCommand } from './commands/close.command';
import { reopenCommand } from './commands/reopen.command';
import { snippetCommand } from './commands/snippet.command';
import { snippetsPageComponent } from './components/snippets-page.component';
import { closeOnLeaveEvent } from './events/close-on-leave.event';

export const opsCommands = [closeCommand, reopenCommand, snippetCommand];
export const opsComponents = [snippetsPageComponent];
export const opsEvents = [closeOnLeaveEvent];
