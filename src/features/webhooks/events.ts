/**
 * Where deliveries come from: every internal event (`src/core/internal-events.ts`) but
 * `currency_changed`, which comes from economy's `onCurrencyChanged` instead: that listener
 * hears every change that moved money (commands, the dashboard, rules, milestone rewards),
 * while the internal event is only emitted when a rule triggers on it. Both key a change by
 * its ledger transaction id, so either way a change is delivered once.
 */
import type { BaseContext } from '../../core/context';
import type { InternalEventHandler } from '../../core/define';
import { GuildConfig } from '../../core/guild-config.repo';
import { INTERNAL_EVENT_TYPES } from '../../core/internal-events';
import type { CurrencyChanged } from '../economy/public';
import { enqueueEvent } from './enqueue.service';

/** Event types a subscription may take (docs/api.md lists their payloads). */
export const WEBHOOK_EVENT_TYPES = INTERNAL_EVENT_TYPES;

/** The `internalEvents` handlers: one per type. */
export const webhookInternalHandlers: InternalEventHandler[] = INTERNAL_EVENT_TYPES.filter((type) => type !== 'currency_changed').map((type) => ({
  name: `deliver-${type}`,
  type,
  handler: async (ctx, event) => {
    await enqueueEvent(ctx, event);
  },
}));

/** The `currency_changed` listener (registered by the feature's index). */
export async function onCurrencyChangedDeliver(ctx: BaseContext, e: CurrencyChanged): Promise<void> {
  if (!(await new GuildConfig(ctx.db, e.guildId).moduleEnabled('webhooks', true))) return;
  await enqueueEvent(ctx, {
    type: 'currency_changed',
    guildId: e.guildId,
    userId: e.userId,
    key: e.txId,
    occurredAt: Date.now(),
    payload: { currencyId: e.currencyId, amount: e.amount, balance: e.balance, source: e.source, txId: e.txId },
  });
}
