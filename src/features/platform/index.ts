import { dashboardSessionSweepCron } from '../../core/api/session-sweep.cron';
import { defineFeature } from '../../core/define';
import { gatewayKeepAliveCron, gatewayReplanCron } from '../../core/gateway/keep-alive.cron';
import { eventRetentionCron } from '../../core/gateway/retention.cron';
import { configCommand } from './commands/config.command';
import { gatewayCommand } from './commands/gateway.command';
import { helpCommand } from './commands/help.command';
import { pingCommand } from './commands/ping.command';
import { memberJoinedEvent, memberLeftEvent } from './events/member-events.event';

/** The platform's own commands (configuration, help, ping, gateway) and the relay's crons. */
export const platform = defineFeature({
  name: 'platform',
  description: 'Gatehouse',
  toggleable: false,
  channels: { bot_log: 'Gatehouse reports its own problems here' },
  commands: [configCommand, helpCommand, pingCommand, gatewayCommand],
  events: [memberJoinedEvent, memberLeftEvent],
  crons: [gatewayKeepAliveCron, gatewayReplanCron, eventRetentionCron, dashboardSessionSweepCron],
});
