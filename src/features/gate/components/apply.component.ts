import { defineComponent } from '../../../core/define';
import { openNextPage } from '../apply.service';

/** "Apply" on the gate message: opens the first unfinished page of the form. */
export const applyComponent = defineComponent({
  key: 'gate.apply',
  handler: (ctx) => openNextPage(ctx),
});

/** "Continue (page N of M)" after a finished page: opens the next modal. */
export const continueComponent = defineComponent({
  key: 'gate.continue',
  handler: (ctx) => openNextPage(ctx),
});
