/** Timer kinds modmail-ops keeps on the ticket object (a module of its own: no imports, no cycles). */
export const TIMER = { close: 'close', stale: 'stale', autoclose: 'autoclose' } as const;
