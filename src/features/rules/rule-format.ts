/**
 * The rule format: a rule is data, validated by zod at every boundary (the JSON attachment of
 * `/rules create`, the stored row, presets). A rule has a trigger (a lake event type or an
 * internal event), conditions checked in order (the first that refuses names the reason),
 * effects run in order when all pass, a priority (higher first) and `stop` (no lower-priority
 * rule runs for that event and member once this one fired). See docs/engagement.md.
 */
import * as z from 'zod';
import { INTERNAL_EVENT_TYPES } from '../../core/internal-events';

/** Lake event types a rule can trigger on. */
export const LAKE_TRIGGERS = ['MESSAGE_CREATE', 'MESSAGE_REACTION_ADD', 'MESSAGE_REACTION_REMOVE', 'GUILD_MEMBER_ADD', 'VOICE_MINUTE'] as const;
/** Internal events (src/core/internal-events.ts) a rule can trigger on or emit. */
export const INTERNAL_TRIGGERS = INTERNAL_EVENT_TYPES;
/** Internal events a rule's `emit` effect may emit (the others report other features' records). */
export const RULE_EMITS = ['level_up', 'milestone_earned', 'currency_changed', 'application_accepted', 'case_created'] as const;

const snowflake = z.string().regex(/^\d{17,20}$/, 'a Discord id (17-20 digits)');
const ids = z.array(snowflake).min(1).max(50);
/** A currency by name or id (resolved when the rule is saved). */
const currencyRef = z.string().min(1).max(64);

export const conditionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('channel_in'), channels: ids }),
  z.object({ type: z.literal('channel_not_in'), channels: ids }),
  z.object({ type: z.literal('has_role'), roles: ids }),
  z.object({ type: z.literal('lacks_role'), roles: ids }),
  z.object({ type: z.literal('account_age'), minDays: z.number().min(0).max(10_000) }),
  z.object({ type: z.literal('membership_age'), minDays: z.number().min(0).max(10_000) }),
  z
    .object({ type: z.literal('message_length'), min: z.number().int().min(0).max(4000).optional(), max: z.number().int().min(1).max(4000).optional() })
    .refine((c) => c.min !== undefined || c.max !== undefined, 'give min or max')
    .refine((c) => c.min === undefined || c.max === undefined || c.min <= c.max, 'min must not exceed max'),
  z.object({ type: z.literal('emoji_in'), emojis: z.array(z.string().min(1).max(64)).min(1).max(50) }),
  /** At most one firing per member per window of `seconds` (windows aligned to the epoch). */
  z.object({ type: z.literal('cooldown'), seconds: z.number().int().min(1).max(86_400 * 7) }),
  /** At most `max` firings per member per UTC day. */
  z.object({ type: z.literal('daily_cap'), max: z.number().int().min(1).max(10_000) }),
  /**
   * Counts the member's events reaching it (+1 each, losing `decayPerDay` a day); passes when
   * the count reaches `threshold`, then starts again from 0.
   */
  z.object({ type: z.literal('counter'), threshold: z.number().int().min(1).max(100_000), decayPerDay: z.number().min(0).max(100_000).default(0) }),
]);
export type Condition = z.output<typeof conditionSchema>;

const amountSchema = z.union([
  z.number().int().min(1).max(1_000_000),
  z
    .object({ min: z.number().int().min(1).max(1_000_000), max: z.number().int().min(1).max(1_000_000) })
    .refine((a) => a.min <= a.max, 'min must not exceed max'),
]);

export const effectSchema = z.discriminatedUnion('type', [
  /** XP multipliers and no-XP lists apply to a credit of an XP currency unless `multipliers: false`. */
  z.object({ type: z.literal('credit'), currency: currencyRef, amount: amountSchema, multipliers: z.boolean().default(true) }),
  z.object({ type: z.literal('debit'), currency: currencyRef, amount: z.number().int().min(1).max(1_000_000) }),
  z.object({ type: z.literal('add_role'), role: snowflake }),
  z.object({ type: z.literal('remove_role'), role: snowflake }),
  /** `to`: a channel id, `event` (the event's channel) or `dm`. Template: {user} {rule} {channel}. */
  z.object({ type: z.literal('announce'), to: z.union([snowflake, z.literal('event'), z.literal('dm')]), template: z.string().min(1).max(1500) }),
  z.object({ type: z.literal('emit'), event: z.enum(RULE_EMITS) }),
]);
export type Effect = z.output<typeof effectSchema>;

export const triggerSchema = z.object({
  event: z.enum([...LAKE_TRIGGERS, ...INTERNAL_TRIGGERS]),
  /** Reactions: `actor` credits who reacted (given), `author` the message's author (received). */
  member: z.enum(['actor', 'author']).default('actor'),
});

export const ruleSchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,47}$/, 'lower case letters, digits, - and _, up to 48'),
  description: z.string().max(200).optional(),
  trigger: triggerSchema,
  conditions: z.array(conditionSchema).max(20).default([]),
  effects: z.array(effectSchema).min(1).max(10),
  priority: z.number().int().min(-1000).max(1000).default(0),
  stop: z.boolean().default(false),
});
export type Rule = z.output<typeof ruleSchema>;
export type RuleInput = z.input<typeof ruleSchema>;

/** A saved rule: the definition plus what the store adds. */
export interface StoredRule {
  id: string;
  guildId: string;
  enabled: boolean;
  version: number;
  rule: Rule;
}

/** Parses a rule, or a one-line reason naming the first failing path (`effects.0.amount: …`). */
export function parseRule(input: unknown): { ok: true; rule: Rule } | { ok: false; error: string } {
  const parsed = ruleSchema.safeParse(input);
  if (parsed.success) return { ok: true, rule: parsed.data };
  const issue = parsed.error.issues[0]!;
  const path = issue.path.length ? issue.path.join('.') : '(rule)';
  const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more)` : '';
  return { ok: false, error: `${path}: ${issue.message}${more}` };
}

/** Parses JSON text as a rule; the error names the JSON problem or the zod path. */
export function parseRuleJson(text: string): { ok: true; rule: Rule } | { ok: false; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `not JSON: ${(error as Error).message}` };
  }
  return parseRule(value);
}

/**
 * Finds a chain that would loop: rule A emits an internal event that triggers B … that
 * triggers A. Returns the rule names of the cycle, or null. (At run time a rule already in an
 * event's chain never fires again, so even a cycle could not loop; this refuses it up front.)
 */
export function findLoop(rules: readonly Pick<Rule, 'name' | 'trigger' | 'effects'>[], levelCurrencies?: ReadonlySet<string>): string[] | null {
  const emits = (r: Pick<Rule, 'effects'>) => new Set(r.effects.flatMap((e) => (e.type === 'emit' ? [e.event] : [])));
  // Credits and debits raise currency_changed (the ledger), credits of a levelled currency level_up.
  const raises = (r: Pick<Rule, 'effects'>) => {
    const out = emits(r);
    for (const e of r.effects) {
      if (e.type !== 'credit' && e.type !== 'debit') continue;
      out.add('currency_changed');
      if (e.type === 'credit' && (!levelCurrencies || levelCurrencies.has(e.currency))) out.add('level_up');
    }
    return out;
  };
  const next = (r: Pick<Rule, 'effects'>) => rules.filter((s) => raises(r).has(s.trigger.event as never));
  const visiting: string[] = [];
  const done = new Set<string>();
  const visit = (r: Pick<Rule, 'name' | 'trigger' | 'effects'>): string[] | null => {
    const at = visiting.indexOf(r.name);
    if (at >= 0) return [...visiting.slice(at), r.name];
    if (done.has(r.name)) return null;
    visiting.push(r.name);
    for (const s of next(r)) {
      const loop = visit(s);
      if (loop) return loop;
    }
    visiting.pop();
    done.add(r.name);
    return null;
  };
  for (const r of rules) {
    const loop = visit(r);
    if (loop) return loop;
  }
  return null;
}
