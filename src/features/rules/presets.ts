/**
 * Presets a server owner applies in one command (`/rules preset`): the currency they need
 * (created when missing) and the rule. Re-applying one replaces the rule of that name.
 */
import type { CurrencySpec } from '../economy/public';
import { MEE6_CURVE } from '../levels/curves';
import type { RuleInput } from './rule-format';

export interface Preset {
  description: string;
  currency: CurrencySpec;
  /** Whether levels should follow this currency (when the guild has no levels currency yet). */
  levels: boolean;
  /** The rule, crediting the currency named `currency.name`. */
  rule: RuleInput;
}

const XP: CurrencySpec = { name: 'xp', kind: 'xp', emoji: '✨', levelCurve: JSON.stringify(MEE6_CURVE) };
const COINS: CurrencySpec = { name: 'coins', kind: 'spendable', emoji: '🪙' };

export const PRESETS = {
  'mee6-messages': {
    description: 'MEE6-style message XP: 15-25 XP at most once a minute per member',
    currency: XP,
    levels: true,
    rule: {
      name: 'message-xp',
      description: 'MEE6-style: 15-25 XP per message, once a minute',
      trigger: { event: 'MESSAGE_CREATE' },
      conditions: [{ type: 'message_length', min: 1 }, { type: 'cooldown', seconds: 60 }],
      effects: [{ type: 'credit', currency: 'xp', amount: { min: 15, max: 25 } }],
    },
  },
  voice: {
    description: 'Voice XP: 5 XP per minute in a voice channel with another member, not muted or deafened',
    currency: XP,
    levels: true,
    rule: {
      name: 'voice-xp',
      description: '5 XP per eligible voice minute',
      trigger: { event: 'VOICE_MINUTE' },
      effects: [{ type: 'credit', currency: 'xp', amount: 5 }],
    },
  },
  daily: {
    description: "Daily reward: 50 coins for a member's first message of the UTC day",
    currency: COINS,
    levels: false,
    rule: {
      name: 'daily-reward',
      description: '50 coins for the first message of the day',
      trigger: { event: 'MESSAGE_CREATE' },
      conditions: [{ type: 'daily_cap', max: 1 }],
      effects: [{ type: 'credit', currency: 'coins', amount: 50 }],
    },
  },
  thanks: {
    description: '"Thanks" reactions: 10 XP to the author of a message someone reacts 🙏, ❤️ or 👍 to, 5 a day at most',
    currency: XP,
    levels: true,
    rule: {
      name: 'thanks-xp',
      description: '10 XP to the author of a thanked message',
      trigger: { event: 'MESSAGE_REACTION_ADD', member: 'author' },
      conditions: [{ type: 'emoji_in', emojis: ['🙏', '❤️', '👍'] }, { type: 'daily_cap', max: 5 }],
      effects: [{ type: 'credit', currency: 'xp', amount: 10 }],
    },
  },
} satisfies Record<string, Preset>;

export type PresetName = keyof typeof PRESETS;
