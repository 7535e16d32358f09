import { defineModal } from '../../../core/define';
import { UserError } from '../../../core/errors';
import { submitPage } from '../apply.service';

/** One submitted page of the application form (`gate.answer:<page>:<form version>`). */
export const answerModal = defineModal({
  key: 'gate.answer',
  handler: (ctx, [rawPage, version], fields) => {
    const page = Number(rawPage);
    if (!Number.isInteger(page) || page < 1 || !version) throw new UserError('gate_bad_page', 'That form is out of date. Press **Apply** again.');
    return submitPage(ctx, page, version, fields);
  },
});
