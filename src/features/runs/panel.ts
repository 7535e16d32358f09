/**
 * What a run's panel and its organizer's control panel look like: pure functions of the run's
 * state and roster, rendered by the run's Durable Object (the panel) and by the command that
 * starts a run (the control panel). Custom ids are `runs.<action>:<runId>`.
 */
import {
  ButtonStyle,
  ComponentType,
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type APIComponentInMessageActionRow,
  type APIEmbed,
  type APIMessageComponentEmoji,
  type RESTPatchAPIChannelMessageJSONBody,
} from 'discord-api-types/v10';
import { encodeCustomId } from '../../core/custom-id';
import type { Activity } from './catalog';

/** Component keys. */
export const KEYS = {
  join: 'runs.join',
  bench: 'runs.bench',
  leave: 'runs.leave',
  pick: 'runs.class',
  control: 'runs.ctl',
  location: 'runs.location',
} as const;

/** Control panel actions. */
export const CONTROL_ACTIONS = ['lock', 'unlock', 'start', 'end', 'cancel', 'location', 'ping', 'convert'] as const;

/** A control panel action. */
export type ControlAction = (typeof CONTROL_ACTIONS)[number];

/** A run's life inside its Object. `started` is open with the organizer's "started" mark. */
export type LiveStatus = 'scheduled' | 'open' | 'started' | 'ended' | 'cancelled';

/** One roster entry. */
export interface RosterEntry {
  userId: string;
  slot: 'main' | 'bench' | 'wait';
  className: string | null;
  seq: number;
  joinedAt: number;
}

/** What the panel shows. */
export interface PanelState {
  runId: string;
  kind: 'run' | 'headcount' | 'scheduled';
  status: LiveStatus;
  locked: boolean;
  activity: Activity;
  organizerId: string;
  location: string | null;
  cap: number;
  startsAt: number | null;
  endsAt: number | null;
  roleId: string | null;
}

/** A Discord emoji from catalog text: a unicode emoji, or `<:name:id>` / `<a:name:id>`. */
export function componentEmoji(text: string): APIMessageComponentEmoji | undefined {
  if (!text) return undefined;
  const custom = /^<(a?):(\w{2,32}):(\d{17,20})>$/.exec(text);
  if (custom) return { name: custom[2]!, id: custom[3]!, ...(custom[1] ? { animated: true } : {}) };
  return { name: text };
}

const ts = (ms: number, style = 'R') => `<t:${Math.floor(ms / 1000)}:${style}>`;
const DESCRIPTION_BUDGET = 3600;

/** The roster as text within `budget` characters ("…and N more" past it). */
function listed(entries: RosterEntry[], activity: Activity, budget: number): string {
  const emojiOf = new Map(activity.classes.map((c) => [c.name, c.emoji]));
  const lines: string[] = [];
  let used = 0;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const cls = e.className ? ` ${emojiOf.get(e.className) || ''} ${e.className}`.replace(/\s+/g, ' ') : '';
    const line = `${i + 1}. <@${e.userId}>${cls}`;
    if (used + line.length + 1 > budget) {
      lines.push(`…and ${entries.length - i} more`);
      break;
    }
    lines.push(line);
    used += line.length + 1;
  }
  return lines.join('\n');
}

/** The panel's embed and components for the current roster. */
export function renderPanel(state: PanelState, roster: RosterEntry[]): RESTPatchAPIChannelMessageJSONBody {
  const { activity } = state;
  const main = roster.filter((e) => e.slot === 'main');
  const bench = roster.filter((e) => e.slot === 'bench');
  const wait = roster.filter((e) => e.slot === 'wait');
  const title = `${activity.emoji ? `${activity.emoji} ` : ''}${state.kind === 'headcount' ? 'Headcount: ' : ''}${activity.name}`;
  const closed = state.status === 'ended' || state.status === 'cancelled';
  const head: string[] = [`Organizer: <@${state.organizerId}>`];
  if (state.location) head.push(`Location: **${state.location}**`);
  if (state.startsAt && state.status === 'scheduled') head.push(`Starts ${ts(state.startsAt, 'F')} (${ts(state.startsAt)})`);
  if (state.endsAt && !closed && state.kind !== 'headcount') head.push(`Ends ${ts(state.endsAt)}`);
  if (state.roleId && !closed) head.push(`Role: <@&${state.roleId}>`);
  const status = closed
    ? state.status === 'ended'
      ? '**This run has ended.**'
      : '**This run was cancelled.**'
    : state.locked
      ? '🔒 Joins are locked.'
      : state.status === 'started'
        ? '▶️ In progress.'
        : state.kind === 'headcount'
          ? 'Press **Interested** to be counted.'
          : 'Press **Join** to take part.';
  head.push(status);
  const classCounts = activity.classes
    .map((c) => {
      const n = main.filter((e) => e.className === c.name).length;
      return `${c.emoji || '•'} ${c.name} ${n}${c.limit ? `/${c.limit}` : ''}`;
    })
    .join(' · ');
  const description = [head.join('\n'), classCounts, `**Roster (${main.length}/${state.cap})**`, main.length ? listed(main, activity, DESCRIPTION_BUDGET - 600) : '_nobody yet_']
    .filter(Boolean)
    .join('\n\n');
  const fields: APIEmbed['fields'] = [];
  if (bench.length) fields.push({ name: `Bench (${bench.length})`, value: listed(bench, activity, 1000) });
  if (wait.length) fields.push({ name: `Waitlist (${wait.length})`, value: listed(wait, activity, 1000) });
  const embed: APIEmbed = {
    title: title.slice(0, 256),
    description: description.slice(0, 4096),
    color: closed ? 0x99aab5 : state.locked ? 0xfaa61a : 0x5865f2,
    ...(fields.length ? { fields } : {}),
    footer: { text: `Run ${state.runId.slice(0, 8)}` },
  };
  return { embeds: [embed], components: closed ? [] : panelComponents(state), allowed_mentions: { parse: [] } };
}

function panelComponents(state: PanelState): APIActionRowComponent<APIComponentInMessageActionRow>[] {
  const headcount = state.kind === 'headcount';
  const rows: APIActionRowComponent<APIComponentInMessageActionRow>[] = [
    {
      type: ComponentType.ActionRow,
      components: [
        { type: ComponentType.Button, style: ButtonStyle.Success, label: headcount ? 'Interested' : 'Join', custom_id: encodeCustomId(KEYS.join, state.runId), disabled: state.locked },
        { type: ComponentType.Button, style: ButtonStyle.Secondary, label: headcount ? 'Maybe' : 'Bench', custom_id: encodeCustomId(KEYS.bench, state.runId), disabled: state.locked },
        { type: ComponentType.Button, style: ButtonStyle.Danger, label: 'Leave', custom_id: encodeCustomId(KEYS.leave, state.runId) },
      ],
    },
  ];
  if (state.activity.classes.length) {
    rows.push({
      type: ComponentType.ActionRow,
      components: [
        {
          type: ComponentType.StringSelect,
          custom_id: encodeCustomId(KEYS.pick, state.runId),
          placeholder: 'Pick your class to join',
          disabled: state.locked,
          options: state.activity.classes.map((c) => {
            const emoji = componentEmoji(c.emoji);
            return { label: c.name, value: c.name, ...(emoji ? { emoji } : {}) };
          }),
        },
      ],
    });
  }
  return rows;
}

/** The organizer's private control panel. */
export function renderControls(state: Pick<PanelState, 'runId' | 'kind' | 'locked'>): APIActionRowComponent<APIComponentInMessageActionRow>[] {
  const b = (action: ControlAction, label: string, style: ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Success | ButtonStyle.Danger): APIButtonComponentWithCustomId => ({
    type: ComponentType.Button,
    style,
    label,
    custom_id: encodeCustomId(KEYS.control, state.runId, action),
  });
  const first =
    state.kind === 'headcount'
      ? [b('convert', 'Convert to run', ButtonStyle.Success), b('cancel', 'Cancel', ButtonStyle.Danger)]
      : [b('start', 'Start', ButtonStyle.Success), b('end', 'End', ButtonStyle.Primary), b('cancel', 'Cancel', ButtonStyle.Danger)];
  return [
    { type: ComponentType.ActionRow, components: first },
    {
      type: ComponentType.ActionRow,
      components: [state.locked ? b('unlock', 'Unlock joins', ButtonStyle.Secondary) : b('lock', 'Lock joins', ButtonStyle.Secondary), b('location', 'Edit location', ButtonStyle.Secondary), b('ping', 'Ping joined', ButtonStyle.Secondary)],
    },
  ];
}
