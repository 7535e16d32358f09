/**
 * One `/stats` subcommand (or subcommand group) per file, listed once in `./index.ts`; the
 * command is built from that list, so adding a view is adding a file and a line.
 */
import type { OptionDefs, Subcommand, SubcommandGroup } from '../../../../core/define';
import type { CommandContext } from '../../../../core/context';
import { UserError } from '../../../../core/errors';

/** An entry of `/stats`: a subcommand, or a group of them (`/stats roles accept`). */
export type Stat = { name: string; subcommand: Subcommand<any>; group?: never } | { name: string; group: SubcommandGroup; subcommand?: never };

/** Declares a `/stats` subcommand with its options typed for its handler. */
export function defineStat<O extends OptionDefs = {}>(name: string, subcommand: Subcommand<O>): Stat {
  return { name, subcommand };
}

/** Declares a `/stats` subcommand group. */
export function defineStatGroup(name: string, group: SubcommandGroup): Stat {
  return { name, group };
}

/** The days option of most views (default 30). */
export function daysOption(value: number | undefined, fallback = 30, max = 366): number {
  const days = value ?? fallback;
  if (!Number.isInteger(days) || days < 1 || days > max) throw new UserError('bad_range', `\`days\` must be a whole number from 1 to ${max} (got ${String(days)}).`);
  return days;
}

/** Replaces the deferred answer with a chart and its one-line summary. */
export async function sendChart(ctx: CommandContext, png: Uint8Array, filename: string, summary: string): Promise<void> {
  await ctx.editOriginal({ content: summary.slice(0, 2000), attachments: [{ id: 0, filename }] } as never, [{ name: filename, data: png, contentType: 'image/png' }]);
}

/** `1234` → `1,234`. */
export const n = (v: number) => Math.round(v).toLocaleString('en-US');

/** `MM-DD` of a UTC day start (chart labels). */
export const dayLabel = (t: number) => new Date(t).toISOString().slice(5, 10);
