/**
 * One run is one Durable Object (`RUNS`, named by the run id). It owns the live roster and
 * guarantees, in this order:
 *
 * 1. Joins are serialized: every roster change (`join`, `leave`, controls) reads and writes the
 *    Object's SQLite storage synchronously, with no await in between, so 200 presses at once
 *    give an exact roster: the first `cap` arrivals in the main roster, the rest on the waitlist
 *    in arrival order (`seq`), a leaver's place taken by the first waitlisted who fits.
 * 2. The panel follows the roster at most once a second: a change marks it dirty and sets the
 *    alarm for `lastPanelAt + 1 s`; the alarm renders the current roster and edits the message.
 *    Nothing waits in memory: an evicted Object finds the dirty mark and its alarm again.
 * 3. The alarm ends the run at `endsAt` exactly (one alarm holds the earliest of: panel update,
 *    reminder, scheduled opening, end), and survives eviction; nothing polls.
 * 4. Ending writes the durable record first (D1 batch: status, participants, quota credit with
 *    the run id as idempotency key), then edits the panel and deletes the temporary role. A
 *    failed record leaves `recorded` false and the alarm retries it.
 */
import { DurableObject } from 'cloudflare:workers';
import { GuildScheduledEventStatus } from 'discord-api-types/v10';
import { getDb } from '../../db/client';
import { createDiscord, DiscordApiError, messageNonce, type Discord } from '../../discord';
import type { Activity } from './catalog';
import { renderPanel, type LiveStatus, type PanelState, type RosterEntry } from './panel';
import { refreshQuotaPanel } from './quota-panel.service';
import { recordRunEnd } from './run-end';
import { GuildRuns } from './runs.repo';

/** What the Worker hands a new run's Object. */
export interface RunSetup {
  runId: string;
  guildId: string;
  channelId: string;
  messageId: string;
  organizerId: string;
  kind: PanelState['kind'];
  activity: Activity;
  cap: number;
  location: string | null;
  /** Scheduled runs: when they open. */
  startsAt: number | null;
  /** Temporary role already created for the run, if any. */
  roleId: string | null;
  /** The Discord guild scheduled event of a scheduled run. */
  eventId: string | null;
  /**
   * The REST base of the Worker that started the run (`DISCORD_API_BASE`): the Object talks to
   * the same Discord as its organizer (in production always the Worker's own value).
   */
  apiBase: string;
}

/** The Object's state (sync KV). */
interface RunState extends RunSetup {
  status: LiveStatus;
  locked: boolean;
  endsAt: number | null;
  dirty: boolean;
  lastPanelAt: number;
  reminded: boolean;
  /** Ended or cancelled and written to D1 (participants, quota). */
  recorded: boolean;
  /** Temporary role removed and scheduled event closed after the end. */
  cleaned: boolean;
  /** The scheduled event was made active (the run opened at its time). */
  eventActive: boolean;
  endedAt: number | null;
}

/** Why a join was refused, or where the member now stands. */
export type JoinResult =
  | { ok: true; slot: RosterEntry['slot']; position: number; className: string | null; changed: boolean }
  | { ok: false; reason: 'gone' | 'closed' | 'locked' | 'full' | 'bad_class' | 'class_full' | 'not_open' };

/** What a control action did. */
export type ControlResult = { ok: true; state: PanelState; roster: RosterEntry[] } | { ok: false; reason: 'gone' | 'closed' | 'not_headcount' | 'busy' };

/** The least time between two panel edits. */
export const PANEL_INTERVAL_MS = 1_000;

/** Retry delay of a failed record or panel edit. */
const RETRY_MS = 5_000;

/** Role changes made per alarm (each one REST call). */
const ROLE_OPS_PER_ALARM = 25;

const STATE = 'state';

/** A run's Durable Object. */
export class RunObject extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS roster (
      user_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, slot TEXT NOT NULL, class TEXT, joined_at INTEGER NOT NULL)`);
    ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS role_ops (user_id TEXT PRIMARY KEY, op TEXT NOT NULL)`);
  }

  // ---------------------------------------------------------------------------------- RPC

  /** Sets the run up (a repeat with the same run id changes nothing) and draws the first panel. */
  async init(setup: RunSetup): Promise<PanelState> {
    const existing = this.state();
    if (existing) return this.panelState(existing);
    const now = Date.now();
    const scheduled = setup.kind === 'scheduled' && setup.startsAt !== null && setup.startsAt > now;
    const state: RunState = {
      ...setup,
      status: scheduled ? 'scheduled' : 'open',
      locked: false,
      endsAt: scheduled ? null : now + setup.activity.durationMin * 60_000,
      dirty: true,
      lastPanelAt: 0,
      reminded: false,
      recorded: false,
      cleaned: false,
      eventActive: false,
      endedAt: null,
    };
    this.save(state);
    this.schedule(state);
    return this.panelState(state);
  }

  /** The run as it stands. */
  async view(): Promise<{ state: PanelState; roster: RosterEntry[] } | null> {
    const state = this.state();
    return state ? { state: this.panelState(state), roster: this.roster() } : null;
  }

  /** Joins (main roster, or bench), or changes class. Serialized: no await before the write. */
  async join(userId: string, mode: 'main' | 'bench', className: string | null): Promise<JoinResult> {
    const state = this.state();
    if (!state) return { ok: false, reason: 'gone' };
    if (state.status === 'ended' || state.status === 'cancelled') return { ok: false, reason: 'closed' };
    if (state.locked) return { ok: false, reason: 'locked' };
    const activity = state.activity;
    const cls = className === null ? null : activity.classes.find((c) => c.name === className);
    if (className !== null && !cls) return { ok: false, reason: 'bad_class' };
    const existing = this.entry(userId);
    const chosen = cls?.name ?? existing?.className ?? null;
    let slot: RosterEntry['slot'];
    if (mode === 'bench') {
      slot = 'bench';
    } else if (existing?.slot === 'main' && (chosen === existing.className || !this.classFull(state, chosen, userId))) {
      slot = 'main';
    } else if (this.classFull(state, chosen, userId) || this.count('main', userId) >= state.cap) {
      if (!activity.waitlist) return { ok: false, reason: cls && this.classFull(state, chosen, userId) ? 'class_full' : 'full' };
      slot = 'wait';
    } else {
      slot = 'main';
    }
    if (existing && existing.slot === slot && existing.className === chosen) {
      return { ok: true, slot, position: this.position(userId), className: chosen, changed: false };
    }
    // Moving from the waitlist to the bench (or between classes) keeps the arrival order.
    const seq = existing && existing.slot === slot ? existing.seq : this.nextSeq();
    this.ctx.storage.sql.exec(
      `INSERT INTO roster (user_id, seq, slot, class, joined_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(user_id) DO UPDATE SET seq = excluded.seq, slot = excluded.slot, class = excluded.class`,
      userId,
      seq,
      slot,
      chosen,
      existing?.joinedAt ?? Date.now(),
    );
    if (existing?.slot === 'main' && slot !== 'main') this.promote(state);
    if (state.roleId) this.queueRole(userId, slot === 'main' ? 'add' : 'remove');
    this.changed(state);
    return { ok: true, slot, position: this.position(userId), className: chosen, changed: true };
  }

  /** Leaves the run; the first waitlisted member who fits takes the place. */
  async leave(userId: string): Promise<{ ok: boolean; reason?: 'gone' | 'closed' | 'not_joined'; promoted: string | null }> {
    const state = this.state();
    if (!state) return { ok: false, reason: 'gone', promoted: null };
    if (state.status === 'ended' || state.status === 'cancelled') return { ok: false, reason: 'closed', promoted: null };
    const existing = this.entry(userId);
    if (!existing) return { ok: false, reason: 'not_joined', promoted: null };
    this.ctx.storage.sql.exec('DELETE FROM roster WHERE user_id = ?', userId);
    const promoted = existing.slot === 'main' ? this.promote(state) : null;
    if (state.roleId) this.queueRole(userId, 'remove');
    this.changed(state);
    return { ok: true, promoted };
  }

  /** Lock/unlock joins, mark started, set the location, or convert a headcount into a run. */
  async control(action: 'lock' | 'unlock' | 'start' | 'convert' | 'location', value: string | null = null): Promise<ControlResult> {
    const state = this.state();
    if (!state) return { ok: false, reason: 'gone' };
    if (state.status === 'ended' || state.status === 'cancelled') return { ok: false, reason: 'closed' };
    if (action === 'lock') state.locked = true;
    else if (action === 'unlock') state.locked = false;
    else if (action === 'start') state.status = 'started';
    else if (action === 'location') state.location = value;
    else if (action === 'convert') {
      if (state.kind !== 'headcount') return { ok: false, reason: 'not_headcount' };
      state.kind = 'run';
      state.endsAt = Date.now() + state.activity.durationMin * 60_000;
    }
    this.changed(state);
    return { ok: true, state: this.panelState(state), roster: this.roster() };
  }

  /** Ends (participants and quota recorded) or cancels the run now. */
  async finish(how: 'ended' | 'cancelled'): Promise<ControlResult> {
    const state = this.state();
    if (!state) return { ok: false, reason: 'gone' };
    if (state.status === 'ended' || state.status === 'cancelled') return { ok: false, reason: 'closed' };
    this.close(how);
    try {
      await this.settle();
    } finally {
      this.schedule(this.state()!);
    }
    const after = this.state()!;
    return { ok: true, state: this.panelState(after), roster: this.roster() };
  }

  // -------------------------------------------------------------------------------- alarm

  /**
   * Everything due: opening, reminder, end, record retry, panel, role changes; then the next
   * alarm. State is reread after every await (a join may have changed it meanwhile) and
   * written through `mutate`, so nothing stale is ever saved over a newer change.
   */
  override async alarm(): Promise<void> {
    const now = Date.now();
    const opened = this.mutate((s) => {
      if (s.status !== 'scheduled' || s.startsAt === null || now < s.startsAt) return false;
      s.status = 'open';
      s.endsAt = s.startsAt + s.activity.durationMin * 60_000;
      s.dirty = true;
      return true;
    });
    let state = this.state();
    if (!state) return;
    if (opened) {
      await new GuildRuns(getDb(this.env), state.guildId).update(state.runId, { status: 'open', endsAt: state.endsAt });
      if (state.eventId && !state.eventActive) {
        await this.discord(state)
          .guilds.editScheduledEvent(state.guildId, state.eventId, { status: GuildScheduledEventStatus.Active })
          .then(() => this.mutate((s) => (s.eventActive = true)))
          .catch((error) => console.error(JSON.stringify({ msg: 'run event start failed', run: state!.runId, error: String(error) })));
      }
    }
    // Marked first: a reminder is sent at most once (each DM also carries a nonce).
    const remind = this.mutate((s) => {
      if (s.reminded || s.kind !== 'scheduled' || s.startsAt === null || now < s.startsAt - s.activity.remindMin * 60_000) return false;
      s.reminded = true;
      return true;
    });
    if (remind) await this.remind(this.state()!);
    state = this.state()!;
    // A headcount nobody converted lapses (cancelled, nothing credited); a run ends.
    if ((state.status === 'open' || state.status === 'started') && state.endsAt !== null && now >= state.endsAt) this.close(state.kind === 'headcount' ? 'cancelled' : 'ended');
    try {
      await this.settle();
    } finally {
      this.schedule(this.state()!);
    }
  }

  // ------------------------------------------------------------------------------ internals

  /** Applies `change` to the stored state and saves it, synchronously; returns what `change` returned. */
  private mutate<T>(change: (state: RunState) => T): T | undefined {
    const state = this.state();
    if (!state) return undefined;
    const out = change(state);
    this.save(state);
    return out;
  }

  private close(how: 'ended' | 'cancelled'): void {
    this.mutate((s) => {
      s.status = how;
      s.endedAt = Date.now();
      s.dirty = true;
      if (s.roleId) this.ctx.storage.sql.exec('DELETE FROM role_ops');
    });
  }

  /** One settle at a time in this instance (the alarm and an End press may overlap). */
  private settling: Promise<void> | null = null;

  private settle(): Promise<void> {
    const run = (this.settling ?? Promise.resolve()).catch(() => undefined).then(() => this.settleNow());
    this.settling = run;
    return run;
  }

  /** Writes what is owed: the end record, the panel, role changes, cleanup. Throws only after trying all. */
  private async settleNow(): Promise<void> {
    let failure: unknown = null;
    let state = this.state();
    if (!state) return;
    const closed = state.status === 'ended' || state.status === 'cancelled';
    if (closed && !state.recorded) {
      try {
        await recordRunEnd(this.env, state, state.status as 'ended' | 'cancelled', this.roster());
        this.mutate((s) => (s.recorded = true));
        if (state.status === 'ended') {
          await refreshQuotaPanel({ db: getDb(this.env), discord: this.discord(state) }, state.guildId).catch((error) =>
            console.error(JSON.stringify({ msg: 'quota panel refresh failed', run: state!.runId, error: String(error) })),
          );
        }
      } catch (error) {
        failure = error;
      }
    }
    state = this.state()!;
    if (state.dirty && Date.now() >= state.lastPanelAt + PANEL_INTERVAL_MS) await this.drawPanel().catch((e) => (failure ??= e));
    if (!closed) await this.applyRoleOps(this.state()!).catch((e) => (failure ??= e));
    state = this.state()!;
    if (closed && state.recorded && (state.roleId || state.eventId) && !state.cleaned) {
      await this.cleanUp(state)
        .then(() => this.mutate((s) => (s.cleaned = true)))
        .catch((e) => (failure ??= e));
    }
    if (failure) {
      console.error(JSON.stringify({ msg: 'run settle failed', run: state.runId, error: String(failure) }));
      throw failure;
    }
  }

  /** After the end: the temporary role deleted, the scheduled event completed or cancelled. */
  private async cleanUp(state: RunState): Promise<void> {
    const discord = this.discord(state);
    const gone = (e: unknown) => {
      if (!(e instanceof DiscordApiError && e.status === 404)) throw e;
    };
    if (state.roleId) await discord.guilds.deleteRole(state.guildId, state.roleId, 'Run over').catch(gone);
    if (state.eventId) {
      const status = state.eventActive ? GuildScheduledEventStatus.Completed : GuildScheduledEventStatus.Canceled;
      await discord.guilds.editScheduledEvent(state.guildId, state.eventId, { status }).catch(gone);
    }
  }

  private async drawPanel(): Promise<void> {
    // Cleared before the edit: a change during it marks the panel dirty again.
    const state = this.mutate((s) => {
      s.dirty = false;
      s.lastPanelAt = Date.now();
      return s;
    })!;
    try {
      await this.discord(state).channels.editMessage(state.channelId, state.messageId, renderPanel(this.panelState(state), this.roster()));
    } catch (error) {
      // A deleted panel is not worth retrying; anything else is.
      if (error instanceof DiscordApiError && (error.status === 404 || error.status === 403)) return;
      this.mutate((s) => (s.dirty = true));
      throw error;
    } finally {
      // The interval counts from the edit's answer too: a slow edit never lets the next one
      // reach Discord less than a second after it.
      this.mutate((s) => (s.lastPanelAt = Date.now()));
    }
  }

  private async applyRoleOps(state: RunState): Promise<void> {
    if (!state.roleId) return;
    const ops = this.ctx.storage.sql.exec<{ user_id: string; op: string }>('SELECT user_id, op FROM role_ops LIMIT ?', ROLE_OPS_PER_ALARM).toArray();
    const members = this.discord(state).members;
    for (const { user_id: userId, op } of ops) {
      try {
        if (op === 'add') await members.addRole(state.guildId, userId, state.roleId, 'Joined the run');
        else await members.removeRole(state.guildId, userId, state.roleId, 'Left the run');
      } catch (error) {
        // A member who left the guild, or a role staff deleted: nothing to do.
        if (!(error instanceof DiscordApiError && (error.status === 404 || error.status === 403))) throw error;
      }
      this.ctx.storage.sql.exec('DELETE FROM role_ops WHERE user_id = ? AND op = ?', userId, op);
    }
  }

  private async remind(state: RunState): Promise<void> {
    const discord = this.discord(state);
    const when = state.startsAt ? `<t:${Math.floor(state.startsAt / 1000)}:R>` : 'soon';
    const link = `https://discord.com/channels/${state.guildId}/${state.channelId}/${state.messageId}`;
    const text = `⏰ **${state.activity.emoji} ${state.activity.name}** starts ${when}${state.location ? ` at **${state.location}**` : ''}. ${link}`;
    const joined = this.roster().filter((e) => e.slot !== 'wait');
    const unreachable: string[] = [];
    for (const entry of joined) {
      try {
        await discord.users.sendDm(entry.userId, { content: text, nonce: await messageNonce('runs.remind', state.runId, entry.userId), enforce_nonce: true });
      } catch (error) {
        if (error instanceof DiscordApiError && error.isCannotDm) unreachable.push(entry.userId);
        else console.error(JSON.stringify({ msg: 'run reminder failed', run: state.runId, error: String(error) }));
      }
    }
    if (unreachable.length) {
      // Members whose DMs are closed are pinged in the run's channel instead.
      for (let i = 0; i < unreachable.length; i += 80) {
        const users = unreachable.slice(i, i + 80);
        await discord.channels.createMessage(state.channelId, {
          content: `${users.map((u) => `<@${u}>`).join(' ')} ${text}`.slice(0, 2000),
          allowed_mentions: { parse: [], users },
          nonce: await messageNonce('runs.remind-channel', state.runId, String(i)),
          enforce_nonce: true,
        });
      }
    }
  }

  /** Promotes the first waitlisted member who fits; returns their id. */
  private promote(state: RunState): string | null {
    if (this.count('main') >= state.cap) return null;
    const waiting = this.ctx.storage.sql.exec<{ user_id: string; class: string | null }>("SELECT user_id, class FROM roster WHERE slot = 'wait' ORDER BY seq").toArray();
    for (const w of waiting) {
      if (this.classFull(state, w.class, w.user_id)) continue;
      this.ctx.storage.sql.exec("UPDATE roster SET slot = 'main' WHERE user_id = ?", w.user_id);
      if (state.roleId) this.queueRole(w.user_id, 'add');
      return w.user_id;
    }
    return null;
  }

  private classFull(state: RunState, className: string | null, exceptUser: string): boolean {
    const limit = className ? state.activity.classes.find((c) => c.name === className)?.limit : null;
    if (!limit) return false;
    const [row] = this.ctx.storage.sql
      .exec<{ n: number }>("SELECT count(*) AS n FROM roster WHERE slot = 'main' AND class = ? AND user_id != ?", className, exceptUser)
      .toArray();
    return (row?.n ?? 0) >= limit;
  }

  private count(slot: RosterEntry['slot'], exceptUser = ''): number {
    const [row] = this.ctx.storage.sql.exec<{ n: number }>('SELECT count(*) AS n FROM roster WHERE slot = ? AND user_id != ?', slot, exceptUser).toArray();
    return row?.n ?? 0;
  }

  private position(userId: string): number {
    const entry = this.entry(userId);
    if (!entry) return 0;
    const [row] = this.ctx.storage.sql.exec<{ n: number }>('SELECT count(*) AS n FROM roster WHERE slot = ? AND seq <= ?', entry.slot, entry.seq).toArray();
    return row?.n ?? 0;
  }

  private entry(userId: string): RosterEntry | undefined {
    return this.roster(userId)[0];
  }

  private roster(userId?: string): RosterEntry[] {
    const rows = userId
      ? this.ctx.storage.sql.exec<Record<string, string | number | null>>('SELECT * FROM roster WHERE user_id = ?', userId).toArray()
      : this.ctx.storage.sql.exec<Record<string, string | number | null>>('SELECT * FROM roster ORDER BY seq').toArray();
    return rows.map((r) => ({
      userId: String(r.user_id),
      seq: Number(r.seq),
      slot: r.slot as RosterEntry['slot'],
      className: r.class === null ? null : String(r.class),
      joinedAt: Number(r.joined_at),
    }));
  }

  /** Arrival order: one past the latest arrival still on the roster. */
  private nextSeq(): number {
    const [row] = this.ctx.storage.sql.exec<{ n: number }>('SELECT coalesce(max(seq), 0) + 1 AS n FROM roster').toArray();
    return row?.n ?? 1;
  }

  private queueRole(userId: string, op: 'add' | 'remove'): void {
    this.ctx.storage.sql.exec('INSERT INTO role_ops (user_id, op) VALUES (?, ?) ON CONFLICT(user_id) DO UPDATE SET op = excluded.op', userId, op);
  }

  /** Marks the panel dirty and sets the alarm for whatever is next. */
  private changed(state: RunState): void {
    state.dirty = true;
    this.save(state);
    this.schedule(state);
  }

  /** One alarm: the earliest of panel update, role changes, reminder, opening, end, retry. */
  private schedule(state: RunState): void {
    const now = Date.now();
    const due: number[] = [];
    const closed = state.status === 'ended' || state.status === 'cancelled';
    if (state.dirty) due.push(Math.max(now, state.lastPanelAt + PANEL_INTERVAL_MS));
    if (closed) {
      if (!state.recorded || ((state.roleId || state.eventId) && !state.cleaned)) due.push(now + RETRY_MS);
    } else {
      if (state.roleId && this.ctx.storage.sql.exec('SELECT 1 FROM role_ops LIMIT 1').toArray().length) due.push(Math.max(now, state.lastPanelAt + PANEL_INTERVAL_MS));
      if (state.status === 'scheduled' && state.startsAt !== null) due.push(state.startsAt);
      if (state.kind === 'scheduled' && !state.reminded && state.startsAt !== null) due.push(state.startsAt - state.activity.remindMin * 60_000);
      if (state.endsAt !== null) due.push(state.endsAt);
    }
    if (due.length === 0) {
      void this.ctx.storage.deleteAlarm();
      return;
    }
    void this.ctx.storage.setAlarm(Math.min(...due));
  }

  private state(): RunState | undefined {
    return this.ctx.storage.kv.get<RunState>(STATE);
  }

  private save(state: RunState): void {
    this.ctx.storage.kv.put(STATE, state);
  }

  private panelState(state: RunState): PanelState {
    const { runId, kind, status, locked, activity, organizerId, location, cap, startsAt, endsAt, roleId } = state;
    return { runId, kind, status, locked, activity, organizerId, location, cap, startsAt, endsAt, roleId };
  }

  private discord(state: RunState): Discord {
    return createDiscord({ ...this.env, DISCORD_API_BASE: state.apiBase || this.env.DISCORD_API_BASE });
  }
}
