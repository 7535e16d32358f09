import type { BaseContext } from '../../core/context';
import type { OpenOutcome, OpenRequest } from './ticket.types';

export async function openTicketNow(_ctx: BaseContext, _request: OpenRequest): Promise<OpenOutcome> {
  throw new Error('todo');
}
