/**
 * The self-updating quota leaderboard panel (placeholder until the ledger lands).
 */
import type { BaseContext } from '../../core/context';

/** Edits the guild's quota panel to the current standings, if one was posted. */
export async function refreshQuotaPanel(_ctx: BaseContext, _guildId: string): Promise<void> {}
