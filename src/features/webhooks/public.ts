/** What other parts of the app use of webhooks: the WEBHOOKS queue's consumer (bot Worker entry). */
export { consumeWebhooks, WEBHOOKS_QUEUE } from './delivery.service';
