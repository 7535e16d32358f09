import { defineFeature } from '../../core/define';
import { gateCommand } from './commands/gate.command';
import { modstatsCommand } from './commands/modstats.command';
import { reviewCommand } from './commands/review.command';
import { applyComponent, continueComponent } from './components/apply.component';
import { claimComponent, unclaimComponent, unclaimConfirmComponent } from './components/claim.component';
import { acceptComponent, blockComponent, kickComponent, rejectComponent } from './components/decide.component';
import { queuePageComponent } from './components/queue-page.component';
import { GATE_CHANNELS } from './config';
import { metricsRollupCron } from './crons/metrics-rollup.cron';
import { postCardsCron } from './crons/post-cards.cron';
import { staleAlertsCron } from './crons/stale-alerts.cron';
import { memberJoinEvent } from './events/member-join.event';
import { answerModal } from './modals/answer.modal';
import { reasonModal } from './modals/reason.modal';

/** Applications through modals, staff review cards, stale alerts and reviewer metrics. */
export const gate = defineFeature({
  name: 'gate',
  description: 'Application gate and staff review',
  channels: { ...GATE_CHANNELS },
  commands: [gateCommand, reviewCommand, modstatsCommand],
  components: [
    applyComponent,
    continueComponent,
    claimComponent,
    unclaimComponent,
    unclaimConfirmComponent,
    acceptComponent,
    rejectComponent,
    kickComponent,
    blockComponent,
    queuePageComponent,
  ],
  modals: [answerModal, reasonModal],
  events: [memberJoinEvent],
  crons: [staleAlertsCron, metricsRollupCron, postCardsCron],
});
