/**
 * The activity catalog of a guild: what runs can be started (name, emoji, class choices, default
 * cap, auto-end duration, quota weight), kept as one settings object (`runs.catalog`) so staff
 * edits are versioned and audited by the platform (`GuildConfig.updateSettings`). A run takes a
 * snapshot of its activity when it starts: editing the catalog never changes a live run.
 *
 * Quota weights are stored in hundredths of a point (`weight: 150` is 1.5 points), the unit the
 * ledger's integer amounts carry too (docs/runs.md).
 */
import * as z from 'zod';
import { UserError } from '../../core/errors';
import type { GuildConfig } from '../../core/guild-config.repo';

/** Settings key of the catalog. */
export const CATALOG_KEY = 'runs.catalog';

/** Most activities per guild (autocomplete shows 25). */
export const MAX_ACTIVITIES = 25;

/** Most classes per activity (a select menu holds 25 options). */
export const MAX_CLASSES = 20;

/** The largest cap a run may have. */
export const MAX_CAP = 500;

/** One class or role choice of an activity. */
export const activityClassSchema = z.object({
  name: z.string().min(1).max(32),
  emoji: z.string().max(64).default(''),
  /** Most members of this class in the main roster; null: no limit. */
  limit: z.number().int().min(1).max(MAX_CAP).nullable().default(null),
});

/** One activity. */
export const activitySchema = z.object({
  name: z.string().min(1).max(40),
  emoji: z.string().max(64).default(''),
  classes: z.array(activityClassSchema).max(MAX_CLASSES).default([]),
  cap: z.number().int().min(1).max(MAX_CAP).default(10),
  durationMin: z.number().int().min(5).max(24 * 60).default(120),
  /** Quota points the organizer earns, in hundredths. */
  weight: z.number().int().min(0).max(100_00).default(100),
  /** Past the cap: waitlist (true) or refuse (false). */
  waitlist: z.boolean().default(true),
  /** Create a temporary role for the run's members (deleted when it ends). */
  tempRole: z.boolean().default(false),
  /** Minutes before a scheduled run starts that joined members are reminded. */
  remindMin: z.number().int().min(0).max(24 * 60).default(15),
});

/** An activity as stored. */
export type Activity = z.output<typeof activitySchema>;

/** The catalog settings object. */
export const catalogSchema = z.object({ activities: z.array(activitySchema).max(MAX_ACTIVITIES).default([]) });

/** Ready-made catalogs staff can load with `/run activity preset`. */
export const PRESETS: Record<'raid' | 'event', z.input<typeof activitySchema>[]> = {
  raid: [
    {
      name: 'Raid',
      emoji: '⚔️',
      classes: [
        { name: 'Tank', emoji: '🛡️', limit: 2 },
        { name: 'Healer', emoji: '💚', limit: 4 },
        { name: 'Melee', emoji: '🗡️' },
        { name: 'Ranged', emoji: '🏹' },
        { name: 'Caster', emoji: '🔮' },
      ],
      cap: 20,
      durationMin: 180,
      weight: 150,
      tempRole: true,
    },
    {
      name: 'Dungeon',
      emoji: '🏰',
      classes: [
        { name: 'Tank', emoji: '🛡️', limit: 1 },
        { name: 'Healer', emoji: '💚', limit: 1 },
        { name: 'DPS', emoji: '🗡️', limit: 3 },
      ],
      cap: 5,
      durationMin: 60,
      weight: 50,
    },
  ],
  event: [{ name: 'Event', emoji: '📅', cap: 50, durationMin: 120, weight: 100 }],
};

/** The guild's catalog. */
export async function readCatalog(config: GuildConfig): Promise<Activity[]> {
  return (await config.settings(CATALOG_KEY, catalogSchema)).activities;
}

/** The activity named `name` (case-insensitive), or a `UserError` listing what exists. */
export function findActivity(catalog: Activity[], name: string): Activity {
  const wanted = name.trim().toLowerCase();
  const found = catalog.find((a) => a.name.toLowerCase() === wanted);
  if (found) return found;
  const names = catalog.map((a) => `\`${a.name}\``).join(', ');
  throw new UserError(
    'unknown_activity',
    catalog.length ? `There is no activity \`${name.slice(0, 40)}\`. This server has ${names}.` : 'This server has no activities yet: staff add them with `/run activity add` or `/run activity preset`.',
  );
}

/** Reads a weight such as `1.5` into hundredths (150); a `UserError` for anything else. */
export function parseWeight(raw: string): number {
  const text = raw.trim();
  if (!/^\d{1,3}(?:\.\d{1,2})?$/.test(text)) throw new UserError('bad_weight', `\`${raw.slice(0, 20)}\` is not a weight: use a number of points with at most two decimals, e.g. \`1.5\`.`);
  const hundredths = Math.round(Number(text) * 100);
  if (hundredths > 100_00) throw new UserError('bad_weight', 'A weight is at most 100 points.');
  return hundredths;
}

/** Hundredths of a point as text: 150 → `1.5`, 100 → `1`. */
export function formatPoints(hundredths: number): string {
  const sign = hundredths < 0 ? '-' : '';
  const abs = Math.abs(hundredths);
  const whole = Math.floor(abs / 100);
  const frac = abs % 100;
  return `${sign}${whole}${frac ? `.${String(frac).padStart(2, '0').replace(/0$/, '')}` : ''}`;
}

/** Reads class definitions typed as `Tank:🛡️:2, Healer:💚, DPS`. */
export function parseClasses(raw: string): z.input<typeof activityClassSchema>[] {
  const parts = raw.split(',').map((p) => p.trim()).filter(Boolean);
  if (parts.length > MAX_CLASSES) throw new UserError('bad_classes', `An activity has at most ${MAX_CLASSES} classes.`);
  const seen = new Set<string>();
  return parts.map((part) => {
    const [name = '', emoji = '', limit] = part.split(':').map((s) => s.trim());
    if (!name || name.length > 32) throw new UserError('bad_classes', `\`${part.slice(0, 40)}\` is not a class: write \`Name:emoji:limit\` (emoji and limit optional), 32 characters at most.`);
    if (seen.has(name.toLowerCase())) throw new UserError('bad_classes', `The class \`${name}\` is listed twice.`);
    seen.add(name.toLowerCase());
    const n = limit ? Number(limit) : null;
    if (n !== null && (!Number.isInteger(n) || n < 1 || n > MAX_CAP)) throw new UserError('bad_classes', `The limit of \`${name}\` must be a whole number from 1 to ${MAX_CAP}.`);
    return { name, emoji, limit: n };
  });
}
