/**
 * Runs the cron jobs registered for a trigger. Jobs run side by side; one failing job does
 * not stop the others, and the run fails (visibly, in the Workers dashboard) if any did.
 */
import { lazyServices } from './interaction-context';
import type { Registry } from './registry';

/** Runs every job registered for `controller.cron`. */
export async function runCrons(registry: Registry, controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
  const jobs = registry.crons.get(controller.cron) ?? [];
  const services = lazyServices({ env, waitUntil: (p) => ctx.waitUntil(p) });
  const results = await Promise.allSettled(
    jobs.map(({ feature, def }) =>
      def.handler({ ...services, scheduledTime: controller.scheduledTime, cron: controller.cron }).catch((error) => {
        console.error(JSON.stringify({ msg: 'cron failed', job: `${feature.name}.${def.name}`, error: String(error), stack: (error as Error)?.stack }));
        throw error;
      }),
    ),
  );
  const failed = results.filter((r) => r.status === 'rejected').length;
  if (failed > 0) throw new Error(`${failed} of ${jobs.length} cron jobs failed for "${controller.cron}"`);
}
