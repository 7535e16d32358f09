/**
 * Turns an interaction's raw options into the typed values a handler declared.
 */
import {
  ApplicationCommandOptionType,
  type APIApplicationCommandInteractionDataBasicOption,
  type APIApplicationCommandInteractionDataOption,
  type APIInteractionDataResolved,
} from 'discord-api-types/v10';
import type { OptionDefs } from './define';
import { UserError } from './errors';

/** The subcommand group, subcommand and leaf options of a chat-input invocation. */
export function splitOptions(options: APIApplicationCommandInteractionDataOption[] | undefined): {
  group?: string;
  subcommand?: string;
  leaf: APIApplicationCommandInteractionDataBasicOption[];
} {
  const first = options?.[0];
  if (first?.type === ApplicationCommandOptionType.SubcommandGroup) {
    const sub = first.options[0];
    return { group: first.name, subcommand: sub?.name, leaf: sub?.options ?? [] };
  }
  if (first?.type === ApplicationCommandOptionType.Subcommand) {
    return { subcommand: first.name, leaf: first.options ?? [] };
  }
  return { leaf: (options ?? []) as APIApplicationCommandInteractionDataBasicOption[] };
}

/**
 * Typed option values for `defs`. Never trusts the client: a missing required option, a
 * value of the wrong type or an id absent from `resolved` is a `UserError`.
 */
export function parseOptions(
  defs: OptionDefs,
  raw: APIApplicationCommandInteractionDataBasicOption[],
  resolved: APIInteractionDataResolved | undefined,
): Record<string, unknown> {
  const byName = new Map(raw.map((o) => [o.name, o]));
  const out: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(defs)) {
    const option = byName.get(name);
    if (!option || option.value === undefined || option.value === null) {
      if (def.required) throw new UserError('bad_options', `The option \`${name}\` is required.`);
      out[name] = undefined;
      continue;
    }
    if (option.type !== def.type) throw new UserError('bad_options', `The option \`${name}\` has the wrong type.`);
    out[name] = resolveValue(name, option, resolved);
  }
  return out;
}

function resolveValue(
  name: string,
  option: APIApplicationCommandInteractionDataBasicOption,
  resolved: APIInteractionDataResolved | undefined,
): unknown {
  const missing = () => new UserError('bad_options', `The option \`${name}\` refers to something I can't see.`);
  const value = option.value as string | number | boolean;
  switch (option.type) {
    case ApplicationCommandOptionType.User: {
      const user = resolved?.users?.[String(value)];
      if (!user) throw missing();
      const member = resolved?.members?.[String(value)];
      return { id: user.id, user, ...(member ? { member } : {}) };
    }
    case ApplicationCommandOptionType.Channel: {
      const channel = resolved?.channels?.[String(value)];
      if (!channel) throw missing();
      return channel;
    }
    case ApplicationCommandOptionType.Role: {
      const role = resolved?.roles?.[String(value)];
      if (!role) throw missing();
      return role;
    }
    case ApplicationCommandOptionType.Attachment: {
      const attachment = resolved?.attachments?.[String(value)];
      if (!attachment) throw missing();
      return attachment;
    }
    case ApplicationCommandOptionType.String:
    case ApplicationCommandOptionType.Mentionable:
      if (typeof value !== 'string') throw new UserError('bad_options', `The option \`${name}\` must be text.`);
      return value;
    case ApplicationCommandOptionType.Integer:
      if (typeof value !== 'number' || !Number.isInteger(value)) throw new UserError('bad_options', `The option \`${name}\` must be a whole number.`);
      return value;
    case ApplicationCommandOptionType.Number:
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new UserError('bad_options', `The option \`${name}\` must be a number.`);
      return value;
    case ApplicationCommandOptionType.Boolean:
      if (typeof value !== 'boolean') throw new UserError('bad_options', `The option \`${name}\` must be true or false.`);
      return value;
  }
}
