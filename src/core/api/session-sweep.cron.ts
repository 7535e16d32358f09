import { defineCron } from '../define';
import { deleteExpiredSessions } from './session';

/** Sessions deleted per run at most (one statement); the next hour continues. */
export const SESSION_SWEEP_LIMIT = 500;

/** Hourly: deletes expired dashboard sessions (they already open nothing; this keeps the table small). */
export const dashboardSessionSweepCron = defineCron({
  name: 'dashboard-session-sweep',
  schedule: '0 * * * *',
  handler: async (ctx) => {
    const deleted = await deleteExpiredSessions(ctx.db, Date.now(), SESSION_SWEEP_LIMIT);
    return { claimed: deleted, done: deleted, left: deleted === SESSION_SWEEP_LIMIT ? 1 : 0 };
  },
});
