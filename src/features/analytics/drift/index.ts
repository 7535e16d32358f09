/** The role drift watch's contributions to the analytics feature (registered in its `index.ts`). */
export { driftEvents, driftMemberRolesHook } from './drift.events';
export { driftReconcileCron } from './reconcile.cron';
export { statsRolesGroup } from './stats-roles.subcommand';
