import { defineCommand, opt } from '../../../core/define';
import { startRun } from '../runs.service';
import { suggestActivities } from './suggest';

/** `/headcount activity`: the same panel, converted into a run by one press of its controls. */
export const headcountCommand = defineCommand({
  name: 'headcount',
  description: 'Gather interest for a run; convert it into the run with one press',
  options: {
    activity: opt.string('The activity (see /activity list)', { required: true, maxLength: 40, autocomplete: suggestActivities }),
    location: opt.string('Where it would meet', { maxLength: 100 }),
  },
  handler: (ctx, { activity, location }) => startRun(ctx, { activity, location, kind: 'headcount' }),
});
