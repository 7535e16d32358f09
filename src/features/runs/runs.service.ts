/**
 * Starting runs (`/run start`, `/headcount`, `/run schedule`) and answering their panels.
 *
 * Starting, in this order: the D1 row first (its unique index refuses an organizer's second
 * active run), then the irreversible acts (temporary role, Discord scheduled event, the panel
 * message posted with a nonce), then the run's Object. If any step fails, what was made is
 * undone (row deleted, role and event removed) so nothing half-written stays.
 */
import { GuildScheduledEventEntityType, GuildScheduledEventPrivacyLevel } from 'discord-api-types/v10';
import type { ComponentContext, InteractionContext, Reply } from '../../core/context';
import { UserError } from '../../core/errors';
import { meetsLevel } from '../../core/staff';
import { describeDiscordError, DiscordApiError, messageNonce } from '../../discord';
import { MAX_CAP, findActivity, formatPoints, readCatalog, type Activity } from './catalog';
import { readRunsSettings, requireOrganizer } from './config';
import { renderControls, renderPanel, type PanelState, type RosterEntry } from './panel';
import type { JoinResult, RunObject, RunSetup } from './run.object';
import { GuildRuns } from './runs.repo';
import { MIN_LEAD_MS, parseWhen } from '../reminders/public';

/** The run's Object. */
export function runStub(env: Env, runId: string): DurableObjectStub<RunObject> {
  return env.RUNS.get(env.RUNS.idFromName(runId)) as DurableObjectStub<RunObject>;
}

/** A fresh run id (also its Object's name): 32 hex digits. */
function newRunId(): string {
  return crypto.randomUUID().replaceAll('-', '');
}

function channelOf(ctx: InteractionContext): string {
  const id = ctx.interaction.channel?.id ?? ctx.interaction.channel_id;
  if (!id) throw new UserError('no_channel', 'Run this in the channel where the run should be posted.');
  return id;
}

function checkCap(cap: number | undefined, activity: Activity): number {
  const value = cap ?? activity.cap;
  if (!Number.isInteger(value) || value < 1 || value > MAX_CAP) throw new UserError('bad_cap', `A cap is a whole number from 1 to ${MAX_CAP}.`);
  return value;
}

const messageLink = (guildId: string, channelId: string, messageId: string | null) =>
  messageId ? `https://discord.com/channels/${guildId}/${channelId}/${messageId}` : `<#${channelId}>`;

/** What a start takes. */
export interface StartInput {
  activity: string;
  location?: string | undefined;
  cap?: number | undefined;
  kind: 'run' | 'headcount' | 'scheduled';
  /** Scheduled runs: what the organizer typed. */
  when?: string;
}

/** `/run start`, `/headcount`, `/run schedule`. */
export async function startRun(ctx: InteractionContext, input: StartInput): Promise<Reply> {
  const settings = await readRunsSettings(ctx);
  await requireOrganizer(ctx, settings);
  const activity = findActivity(await readCatalog(ctx.config), input.activity);
  const cap = checkCap(input.cap, activity);
  const channelId = channelOf(ctx);
  const now = Date.now();
  let startsAt: number | null = null;
  if (input.kind === 'scheduled') {
    startsAt = parseWhen(input.when ?? '', now, settings.timezone);
    if (startsAt - now < MIN_LEAD_MS) throw new UserError('when_too_soon', 'Schedule a run at least a minute ahead.');
  }
  const location = input.location?.trim() || null;
  const runs = new GuildRuns(ctx.db, ctx.guild);
  const runId = newRunId();
  const row = await runs.create({
    id: runId,
    activity: activity.name,
    organizerId: ctx.user.id,
    kind: input.kind,
    status: input.kind === 'scheduled' ? 'scheduled' : 'open',
    channelId,
    location,
    cap,
    startsAt,
    endsAt: (startsAt ?? now) + activity.durationMin * 60_000,
  });
  if (!row) {
    const active = await runs.activeOf(ctx.user.id);
    const where = active ? ` (${messageLink(ctx.guild, active.channelId, active.messageId)})` : '';
    throw new UserError('run_active', `You already have an active run${where}. End or cancel it before starting another.`);
  }
  return ctx.defer(
    async () => {
      const made: { roleId: string | null; eventId: string | null } = { roleId: null, eventId: null };
      try {
        if (activity.tempRole) {
          const role = await ctx.discord.guilds.createRole(ctx.guild, { name: `${activity.name} run`.slice(0, 100), mentionable: false }, `Run ${runId}`);
          made.roleId = role.id;
        }
        if (startsAt !== null) {
          const event = await ctx.discord.guilds.createScheduledEvent(
            ctx.guild,
            {
              name: `${activity.emoji ? `${activity.emoji} ` : ''}${activity.name}`.slice(0, 100),
              description: `Organized by ${ctx.user.global_name ?? ctx.user.username}. Join from the run's panel: ${messageLink(ctx.guild, channelId, null)}`.slice(0, 1000),
              privacy_level: GuildScheduledEventPrivacyLevel.GuildOnly,
              entity_type: GuildScheduledEventEntityType.External,
              entity_metadata: { location: (location ?? 'Discord').slice(0, 100) },
              scheduled_start_time: new Date(startsAt).toISOString(),
              scheduled_end_time: new Date(startsAt + activity.durationMin * 60_000).toISOString(),
            },
            `Run ${runId}`,
          );
          made.eventId = event.id;
        }
        const state: PanelState = {
          runId,
          kind: input.kind,
          status: startsAt !== null ? 'scheduled' : 'open',
          locked: false,
          activity,
          organizerId: ctx.user.id,
          location,
          cap,
          startsAt,
          endsAt: row.endsAt,
          roleId: made.roleId,
        };
        const panel = renderPanel(state, []);
        const message = await ctx.discord.channels.createMessage(channelId, {
          embeds: panel.embeds ?? [],
          components: panel.components ?? [],
          allowed_mentions: { parse: [] },
          nonce: await messageNonce('runs.panel', runId),
          enforce_nonce: true,
        });
        const setup: RunSetup = {
          runId,
          guildId: ctx.guild,
          channelId,
          messageId: message.id,
          organizerId: ctx.user.id,
          kind: input.kind,
          activity,
          cap,
          location,
          startsAt,
          roleId: made.roleId,
          eventId: made.eventId,
          apiBase: ctx.env.DISCORD_API_BASE,
        };
        await runStub(ctx.env, runId).init(setup);
        await runs.posted(runId, message.id, made.eventId);
        const what = input.kind === 'headcount' ? 'Headcount' : input.kind === 'scheduled' ? 'Scheduled run' : 'Run';
        const when = startsAt !== null ? ` for <t:${Math.floor(startsAt / 1000)}:F>` : '';
        await ctx.editOriginal({
          content: `${what} **${activity.name}** posted${when}: ${messageLink(ctx.guild, channelId, message.id)}. Your controls:`,
          components: renderControls({ runId, kind: input.kind, locked: false }),
        });
      } catch (error) {
        await undoStart(ctx, runs, runId, made);
        if (error instanceof DiscordApiError) throw new UserError('start_failed', `I couldn't post the run: ${describeDiscordError(error, 'post it here')}`);
        throw error;
      }
    },
    { ephemeral: true },
  );
}

async function undoStart(ctx: InteractionContext, runs: GuildRuns, runId: string, made: { roleId: string | null; eventId: string | null }): Promise<void> {
  await runs.discard(runId);
  const tries: Promise<unknown>[] = [];
  if (made.roleId) tries.push(ctx.discord.guilds.deleteRole(ctx.guild, made.roleId, 'Run could not start'));
  if (made.eventId) tries.push(ctx.discord.guilds.deleteScheduledEvent(ctx.guild, made.eventId));
  for (const result of await Promise.allSettled(tries)) {
    if (result.status === 'rejected') console.error(JSON.stringify({ msg: 'run start undo failed', run: runId, error: String(result.reason) }));
  }
}

const REFUSALS: Record<Exclude<JoinResult, { ok: true }>['reason'], string> = {
  gone: 'This run no longer exists.',
  closed: 'This run is over.',
  locked: 'Joins are locked for this run.',
  full: 'This run is full.',
  bad_class: 'This activity has no such class.',
  class_full: 'That class is full in this run; pick another.',
  not_open: 'This run is not open.',
};

/** Answers a Join / Bench press or a class choice. */
export async function pressJoin(ctx: ComponentContext, runId: string, mode: 'main' | 'bench', className: string | null): Promise<Reply> {
  const result = await runStub(ctx.env, runId).join(ctx.user.id, mode, className);
  if (!result.ok) {
    const message = result.reason === 'bad_class' && className ? `This activity has no class \`${className.slice(0, 32)}\`.` : REFUSALS[result.reason];
    throw new UserError(`run_${result.reason}`, message);
  }
  const cls = result.className ? ` as **${result.className}**` : '';
  const text =
    result.slot === 'main'
      ? result.changed
        ? `You're in${cls}: #${result.position} on the roster.`
        : `You're already in${cls} (#${result.position}).`
      : result.slot === 'wait'
        ? `The roster is full: you're #${result.position} on the waitlist${cls}, and move up when a place frees.`
        : `You're on the bench${cls}.`;
  return ctx.reply({ content: text, ephemeral: true });
}

/** Answers Leave. */
export async function pressLeave(ctx: ComponentContext, runId: string): Promise<Reply> {
  const result = await runStub(ctx.env, runId).leave(ctx.user.id);
  if (!result.ok) throw new UserError(`run_${result.reason}`, result.reason === 'not_joined' ? "You're not in this run." : REFUSALS[result.reason as 'gone' | 'closed']);
  return ctx.reply({ content: 'You left the run.', ephemeral: true });
}

/** Refuses unless the invoker organizes `state`'s run or is a moderator. */
export async function requireRunControl(ctx: InteractionContext, organizerId: string): Promise<void> {
  if (ctx.user.id === organizerId) return;
  if (meetsLevel(await ctx.level(), 'moderator')) return;
  throw new UserError('not_run_organizer', "Only this run's organizer (or a moderator) can do that.");
}

/** What the control panel says after an action. */
export function controlSummary(state: PanelState, roster: RosterEntry[], note: string): string {
  const main = roster.filter((e) => e.slot === 'main').length;
  const wait = roster.filter((e) => e.slot === 'wait').length;
  const points = state.status === 'ended' && state.kind !== 'headcount' ? ` You earned **${formatPoints(state.activity.weight)}** quota points.` : '';
  return `${note} **${state.activity.name}**: ${main}/${state.cap} on the roster${wait ? `, ${wait} waiting` : ''}.${points}`;
}
