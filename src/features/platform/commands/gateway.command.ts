import type { APIEmbed } from 'discord-api-types/v10';
import { defineCommandGroup, sub } from '../../../core/define';
import { gatewayStatus, startGateway, type GatewayStatus } from '../../../core/gateway/gateway.service';
import type { RelayStatus } from '../../../discord/gateway/shards';

function duration(ms: number | null): string {
  if (ms === null) return '—';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h}h ${m % 60}m` : `${Math.floor(h / 24)}d ${h % 24}h`;
}

function shardLine(s: RelayStatus): string {
  const icon = s.stopped ? '⛔' : s.connected ? '✅' : '⏳';
  const close = s.lastClose ? `last close \`${s.lastClose.code}\` ${s.lastClose.meaning}` : 'no close yet';
  return [
    `${icon} **shard ${s.shard ? `${s.shard[0]}/${s.shard[1]}` : '?'}**: ${s.state}${s.stopped ? ` (${s.stopped.reason})` : ''}`,
    `session age ${duration(s.sessionAgeMs)} · ACK latency ${s.lastAckLatencyMs === null ? '—' : `${s.lastAckLatencyMs} ms`} · last seq ${s.lastSeq ?? '—'}`,
    `events forwarded ${s.eventsForwarded} in ${s.queueMessages} queue message${s.queueMessages === 1 ? '' : 's'}${s.pendingEvents ? ` (${s.pendingEvents} waiting)` : ''} · ${close}`,
    ...quarantineLines(s),
  ].join('\n');
}

/** The events a shard set aside because no queue message can hold them (newest three). */
function quarantineLines(s: RelayStatus): string[] {
  if (!s.quarantined) return [];
  return [
    `⚠️ ${s.quarantined} event${s.quarantined === 1 ? '' : 's'} quarantined (too large for the queue; kept in the relay, not delivered):`,
    ...s.quarantine.slice(0, 3).map((q) => `- \`${q.sourceId ?? '?'}\` ${q.type ?? '?'}, ${(q.bytes / 1000).toFixed(1)} KB: ${q.reason.slice(0, 120)}`),
  ];
}

/** Renders the relay's status as an embed. */
export function gatewayEmbed(status: GatewayStatus): APIEmbed {
  return {
    title: `Gateway relay: ${!status.started ? 'not started' : status.ok ? 'running' : 'needs attention'}`,
    description: status.shards.map(shardLine).join('\n\n').slice(0, 4000) || 'No shard has been started. Use `/gateway start`.',
  };
}

/**
 * `/gateway start|status`: the gateway connection that delivers member joins, messages and
 * DMs. One relay serves every guild (and `start` clears a fatal stop), so it is the bot's
 * operators' control, not any one guild's administrators'.
 */
export const gatewayCommand = defineCommandGroup({
  name: 'gateway',
  description: 'The gateway connection (member joins, messages, DMs)',
  operator: true,
  defaultMemberPermissions: '32',
  subcommands: {
    start: sub({
      description: 'Start the gateway relay, or restart it after fixing what stopped it',
      handler: async (ctx) =>
        ctx.defer(
          async () => {
            const status = await startGateway(ctx.env, { force: true, discord: ctx.discord });
            await ctx.editOriginal({ embeds: [gatewayEmbed(status)] });
          },
          { ephemeral: true },
        ),
    }),
    status: sub({
      description: 'Show the gateway relay status',
      handler: async (ctx) => ctx.reply({ embeds: [gatewayEmbed(await gatewayStatus(ctx.env))], ephemeral: true }),
    }),
  },
});
