import { defineFeature } from '../../core/define';
import { banCommand, softbanCommand, unbanCommand } from './commands/ban.command';
import { caseCommand, casesCommand, casesUserCommand } from './commands/case.command';
import { kickCommand } from './commands/kick.command';
import { modconfigCommand } from './commands/modconfig.command';
import { muteCommand, unmuteCommand } from './commands/mute.command';
import { noteCommand, notesCommand } from './commands/note.command';
import { purgeCommand } from './commands/purge.command';
import { suspendCommand, unsuspendCommand } from './commands/suspend.command';
import { timeoutCommand, untimeoutCommand } from './commands/timeout.command';
import { warnUserCommand } from './commands/warn-user.command';
import { warnCommand } from './commands/warn.command';
import { casesPageComponent } from './components/cases-page.component';
import { warnModal } from './components/warn.modal';
import { MOD_LOG } from './config';
import { expirePunishmentsCron } from './crons/expire-punishments.cron';
import { reconcileCasesCron } from './crons/reconcile-cases.cron';

/** Cases, timed punishments with expiry, notes and the mod log. */
export const moderation = defineFeature({
  name: 'moderation',
  description: 'Warnings, timeouts, mutes, suspensions, kicks and bans, with cases and a mod log',
  channels: { [MOD_LOG]: 'Every moderation case is posted here' },
  commands: [
    warnCommand,
    timeoutCommand,
    untimeoutCommand,
    muteCommand,
    unmuteCommand,
    suspendCommand,
    unsuspendCommand,
    kickCommand,
    banCommand,
    softbanCommand,
    unbanCommand,
    purgeCommand,
    caseCommand,
    casesCommand,
    noteCommand,
    notesCommand,
    modconfigCommand,
    warnUserCommand,
    casesUserCommand,
  ],
  components: [casesPageComponent],
  modals: [warnModal],
  crons: [expirePunishmentsCron, reconcileCasesCron],
});
