/**
 * The seams modmail-ops fills (this file is theirs after the merge): admission of a new
 * ticket (blocks, minimum account age, the per-guild cap), the handlers the ticket object's
 * alarm dispatches to by timer kind, and what happens after a member's message (a timed close
 * is cancelled by it). The work is in `admission.ts` and `timers.service.ts`.
 */
import type { BaseContext } from '../../core/context';
import { admitOpen as admit } from './admission';
import { onMemberMessage, opsAlarmHandlers } from './timers.service';
import type { OpsSettings } from './ops.config';
import type { EntryRow, TicketRow } from './schema';
import type { OpenRequest, Refusal, TicketTimer } from './ticket.types';

/** What an alarm handler gets: the usual services and the object's timer controls. */
export interface TicketAlarmContext extends BaseContext {
  /** Sets (or replaces) the object's timer of `timer.kind`. */
  scheduleAt(timer: TicketTimer): void;
  /** Removes the object's timer of `kind`. */
  cancel(kind: string): void;
}

/** Runs one due timer. A throw keeps the timer and tries it again a minute later. */
export type TicketAlarmHandler = (ctx: TicketAlarmContext, timer: TicketTimer) => Promise<void>;

/** Alarm handlers by timer kind. A due timer of an unknown kind is dropped with a log line. */
export const ticketAlarmHandlers: Record<string, TicketAlarmHandler> = {
  // Looked up when a timer fires (timers.service imports the ticket object, which imports this file).
  close: (ctx, timer) => opsAlarmHandlers.close!(ctx, timer),
  stale: (ctx, timer) => opsAlarmHandlers.stale!(ctx, timer),
  autoclose: (ctx, timer) => opsAlarmHandlers.autoclose!(ctx, timer),
};

/**
 * Whether a new ticket may open (called inside the ticket object, before the ticket row is
 * written; never for an open that finds the existing ticket).
 * @returns null to admit, or the refusal the member reads
 */
export function admitOpen(ctx: BaseContext, request: OpenRequest): Promise<Refusal | null> {
  return admit(ctx, request);
}

/** Called after a member's message (`entry`) was relayed into `ticket` (recorded and posted); `settings` when the caller read them already. */
export async function afterMemberMessage(ctx: BaseContext, ticket: TicketRow, entry: EntryRow, settings?: OpsSettings): Promise<void> {
  await onMemberMessage(ctx, ticket, entry, settings);
}
