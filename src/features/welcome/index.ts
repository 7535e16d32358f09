import { defineFeature } from '../../core/define';
import { welcomeMemberEvent } from './events/welcome-member.event';

/** A plain welcome message for new members in servers that do not use the gate. */
export const welcome = defineFeature({
  name: 'welcome',
  description: 'Welcome new members',
  channels: { welcome: 'Where new members are welcomed' },
  events: [welcomeMemberEvent],
});
