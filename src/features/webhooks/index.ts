import { defineFeature } from '../../core/define';
import { onCurrencyChanged } from '../economy/public';
import { requeueDeliveriesCron } from './crons/requeue-deliveries.cron';
import { onCurrencyChangedDeliver, webhookInternalHandlers } from './events';

onCurrencyChanged(onCurrencyChangedDeliver);

/** Outgoing webhooks: signed deliveries of internal events to the guild's subscribed URLs (docs/api.md). */
export const webhooks = defineFeature({
  name: 'webhooks',
  description: 'Outgoing webhooks: signed event deliveries to your own services',
  internalEvents: webhookInternalHandlers,
  crons: [requeueDeliveriesCron],
});
