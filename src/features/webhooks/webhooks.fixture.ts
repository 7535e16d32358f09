/**
 * Webhooks test world: the dashboard world with webhooks on (`WEBHOOKS_SECRET`, local targets),
 * the WEBHOOKS queue recorded (a stand-in for Cloudflare's queue, not for our code) and drained
 * through the real consumer, and hook URLs on the test receiver (src/testing/webhook-receiver.ts).
 */
import { recordingQueue } from '../../testing/recording-queue';
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { vi } from 'vitest';
import { getDb } from '../../db/client';
import { dashboardWorld, type DashboardWorld } from '../../testing/dashboard';
import type { ReceivedHook, ReceiverPlan } from '../../testing/webhook-receiver';
import { consumeWebhooks } from './delivery.service';

export const TEST_WEBHOOKS_SECRET = 'test-webhooks-master-secret-0123456789abcdef';


export interface WebhooksWorld extends DashboardWorld {
  /** Queue messages sent and not drained yet. */
  sent: unknown[];
  db: ReturnType<typeof getDb>;
  /** A fresh hook URL on the receiver, with its plan. */
  hook(plan?: ReceiverPlan): Promise<{ url: string; received(): Promise<ReceivedHook[]> }>;
  /**
   * Runs the consumer over the messages sent so far (with `env`, default the world's); returns
   * the retried messages with their delays (they are not sent again: call `redeliver`).
   */
  drain(env?: Env): Promise<{ acked: number; retried: { body: unknown; delaySeconds: number | undefined }[] }>;
}

let hookCount = 0;

export async function webhooksWorld(overrides: Partial<Env> & { WEBHOOKS_SECRET?: string } = {}): Promise<WebhooksWorld> {
  const q = recordingQueue();
  const w = await dashboardWorld({ WEBHOOKS_LOCAL: 'true', WEBHOOKS: q.queue, ...({ WEBHOOKS_SECRET: TEST_WEBHOOKS_SECRET } as Partial<Env>), ...(overrides as Partial<Env>) });
  const base = w.env.TEST_WEBHOOK_RECEIVER_URL;
  return {
    ...w,
    sent: q.sent,
    db: getDb(w.env),
    async hook(plan = {}) {
      const name = `h${Date.now().toString(36)}${++hookCount}`;
      await fetch(`${base}/plans/${name}`, { method: 'PUT', body: JSON.stringify(plan) });
      return { url: `${base}/hooks/${name}`, received: async () => (await fetch(`${base}/received/${name}`)).json() as Promise<ReceivedHook[]> };
    },
    async drain(env = w.env) {
      const bodies = q.sent.splice(0);
      const batch = createMessageBatch('gatehouse-webhooks', bodies.map((body, i) => ({ id: `m${Date.now()}-${i}`, timestamp: new Date(), attempts: 1, body })));
      const delays = new Map<string, number | undefined>();
      for (const m of batch.messages) {
        const retry = m.retry.bind(m);
        m.retry = (options?: QueueRetryOptions) => {
          delays.set(m.id, options?.delaySeconds);
          retry(options);
        };
      }
      const ctx = createExecutionContext();
      await consumeWebhooks(batch, env, ctx);
      const result = await getQueueResult(batch, ctx);
      return {
        acked: result.explicitAcks.length,
        retried: batch.messages.filter((m) => result.retryMessages.some((r: { msgId: string }) => r.msgId === m.id)).map((m) => ({ body: m.body, delaySeconds: delays.get(m.id) })),
      };
    },
  };
}

/** Moves the clock (Date only) forward by `seconds`. */
export function advance(seconds: number): void {
  vi.setSystemTime(Date.now() + seconds * 1000);
}
