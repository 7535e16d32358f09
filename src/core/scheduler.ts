/**
 * Runs the cron jobs registered for a trigger. Jobs run side by side; one failing job does
 * not stop the others, and the run fails (visibly, in the Workers dashboard) if any did.
 *
 * All jobs of a trigger share one invocation and so one subrequest budget
 * (`SUBREQUEST_BUDGET`): each job gets an equal share and its own counted `ctx.db` and
 * `ctx.discord`; a job that ends returns what it did not use, and the jobs still running may
 * borrow it. Each job's run is logged as `{ msg: 'cron run', job, budget, used, claimed, done, left }`.
 */
import { BudgetPool, subrequestBudget, type Budget } from './budget';
import type { CronReport } from './define';
import { lazyServices } from './interaction-context';
import type { Registry } from './registry';

/** Runs every job registered for `controller.cron`. */
export async function runCrons(registry: Registry, controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
  const jobs = registry.crons.get(controller.cron) ?? [];
  const pool = new BudgetPool(subrequestBudget(env));
  const budgets = pool.split(jobs.length);
  const results = await Promise.allSettled(
    jobs.map(async ({ feature, def }, i) => {
      const job = `${feature.name}.${def.name}`;
      const budget = budgets[i]!;
      const services = lazyServices({ env, waitUntil: (p) => ctx.waitUntil(p), budget });
      try {
        const report = await def.handler({ ...services, budget, registry, scheduledTime: controller.scheduledTime, cron: controller.cron });
        logRun(job, budget, report);
      } catch (error) {
        logRun(job, budget, undefined, error);
        console.error(JSON.stringify({ msg: 'cron failed', job, error: String(error), stack: (error as Error)?.stack }));
        throw error;
      } finally {
        budget.close();
      }
    }),
  );
  const failed = results.filter((r) => r.status === 'rejected').length;
  if (failed > 0) throw new Error(`${failed} of ${jobs.length} cron jobs failed for "${controller.cron}"`);
}

function logRun(job: string, budget: Budget, report: void | CronReport, error?: unknown): void {
  // Quiet minutes stay quiet: a job that found nothing to do (or made no subrequest and reports nothing) is not logged.
  const idle = report ? report.claimed === 0 && report.done === 0 && report.left === 0 : budget.used === 0;
  if (idle && !error && !budget.overrun) return;
  const line = { msg: 'cron run', job, budget: budget.limit, used: budget.used, ...(report ?? {}), ...(error ? { failed: true } : {}) };
  if (budget.overrun) console.warn(JSON.stringify({ ...line, overrun: true }));
  else console.log(JSON.stringify(line));
}
