import type { BaseContext } from '../../core/context';

/** Storage keys of the inbox. */
export const PENDING_PREFIX = 'pending:';
export const HELD_PREFIX = 'held:';
export const DONE_PREFIX = 'done:';
export const PROMPTED_KEY = 'prompted';

/** Snowflakes zero-padded to 20 digits: key order is message order. */
export function pendingKey(messageId: string): string {
  return PENDING_PREFIX + messageId.padStart(20, '0');
}

export async function drainInbox(_ctx: BaseContext, _kv: SyncKvStorage): Promise<void> {
  throw new Error('todo');
}
