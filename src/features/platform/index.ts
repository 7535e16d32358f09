import { dashboardSessionSweepCron } from '../../core/api/session-sweep.cron';
import { defineFeature } from '../../core/define';
import { gatewayKeepAliveCron, gatewayReplanCron } from '../../core/gateway/keep-alive.cron';
import { eventRetentionCron } from '../../core/gateway/retention.cron';
import { deleteGrantRoute, guildSummaryRoute, listGrantsRoute, putGrantRoute } from './api';
import { platformDashboardApi } from './dashboard.api';
import { pickersRoute } from './pickers.api';
import { configCommand } from './commands/config.command';
import { gatewayCommand } from './commands/gateway.command';
import { helpCommand } from './commands/help.command';
import { pingCommand } from './commands/ping.command';

/** The platform's own commands (configuration, help, ping, gateway) and the relay's crons. */
export const platform = defineFeature({
  name: 'platform',
  description: 'Gatehouse',
  toggleable: false,
  channels: { bot_log: 'Gatehouse reports its own problems here' },
  commands: [configCommand, helpCommand, pingCommand, gatewayCommand],
  crons: [gatewayKeepAliveCron, gatewayReplanCron, eventRetentionCron, dashboardSessionSweepCron],
  api: [guildSummaryRoute, listGrantsRoute, putGrantRoute, deleteGrantRoute, ...platformDashboardApi, pickersRoute],
});
