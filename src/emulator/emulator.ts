/**
 * The emulator's core: one fake-Discord world (the `default` session of the fake REST server,
 * held in this process), the bot it talks to, and the acts a member can do in it. Every act is
 * what Discord itself would do: interactions are built from the world, signed with the
 * development key and POSTed to the bot's `/interactions`, the HTTP answer is handed to the fake
 * as the interaction's callback (validated like every REST call); messages, joins, leaves and
 * avatar changes change the world and are dispatched through the fake gateway to the relay.
 *
 * `snapshot()` is what the page shows; `subscribe()` is told after every change (every REST call
 * the bot makes, every act), so the page is pushed updates instead of polling.
 */
import type { APIMessage, APIUser } from 'discord-api-types/v10';
import type { FakeGateway } from '../testing/fake-gateway/client.ts';
import type { RecordedCall, Violation } from '../testing/fake-discord/types.ts';
import type { ChannelRec, GuildRec, SessionState } from '../testing/fake-discord/state.ts';
import { snowflake } from '../testing/fake-discord/snowflake.ts';
import { signedRequest } from '../testing/interactions.ts';

const EPHEMERAL = 1 << 6;
const LOADING = 1 << 7;
/** Discord shows "This interaction failed" when the bot has not answered within this. */
export const INTERACTION_DEADLINE_MS = 3000;
/** How long a gateway act waits for the relay to be connected. */
const GATEWAY_WAIT_MS = 70_000;

/** Interaction types (Discord's numbers). */
export const enum Kind {
  Command = 2,
  Component = 3,
  Autocomplete = 4,
  ModalSubmit = 5,
}

/** A leaf or nested option as the page sends it (Discord's shape, without `resolved`). */
export interface OptionInput {
  name: string;
  type: number;
  value?: string | number | boolean;
  focused?: boolean;
  options?: OptionInput[];
}

/** What the emulator remembers of one interaction it sent. */
export interface InteractionMeta {
  token: string;
  id: string;
  userId: string;
  channelId: string;
  /** `/warn`, `button Claim`, `modal gate.answer`, … */
  label: string;
  at: number;
  status: 'pending' | 'answered' | 'failed';
  /** Why it failed: "This interaction failed" or Discord's refusal of the bot's answer. */
  error: string | null;
  /** The bot's HTTP answer (type 1–10). */
  response: { type: number; data?: unknown } | null;
}

/** One message as the page shows it. */
export interface MessageView {
  message: APIMessage;
  /** Ephemeral: only this user sees it ("Only you can see this"). */
  visibleTo: string | null;
  /** The interaction the message answers, if any (for the "used /warn" header). */
  interaction: { userId: string; label: string } | null;
  loading: boolean;
  error: string | null;
}

/** A REST call as the side panel shows it. */
export interface CallView {
  seq: number;
  method: string;
  route: string | null;
  path: string;
  status: number;
  reason: string | null;
  body: unknown;
  response: unknown;
  at: string;
  /** Discord's refusal (the spec validation), null when the call was fine. */
  violation: string | null;
}

/** What the page renders. */
export interface Snapshot {
  botUserId: string;
  guild: { id: string; name: string; ownerId: string } | null;
  roles: { id: string; name: string; color: number; position: number; managed: boolean }[];
  channels: { id: string; name: string; type: number; topic: string | null; parentId: string | null; dmWith: string | null }[];
  members: {
    id: string;
    username: string;
    displayName: string;
    avatarUrl: string;
    bot: boolean;
    roles: string[];
    timedOutUntil: string | null;
    inGuild: boolean;
    banned: string | null;
  }[];
  messages: Record<string, MessageView[]>;
  commands: unknown[];
  calls: CallView[];
  interactions: InteractionMeta[];
  people: Record<string, string>;
}

/** What the emulator needs around it. */
export interface EmulatorOptions {
  state: SessionState;
  /** The fake REST server's origin (for recording interaction answers through its control API). */
  fakeUrl: string;
  /** The bot Worker's origin, e.g. `http://127.0.0.1:8787`. */
  botUrl: string;
  /** The private half of DISCORD_PUBLIC_KEY, JWK JSON. */
  signingKey: string;
  /** The fake gateway instance the relay connects to (absent: gateway acts are not dispatched). */
  gateway?: FakeGateway;
  /** Avatar URLs shown on the page. */
  cdnUrl: string;
  /** The guild the page shows. */
  guildId: string | null;
}

/** Thrown for acts the page asked for that make no sense (unknown member, channel, …). */
export class ActError extends Error {}

/** The emulator core (see the file comment). */
export class Emulator {
  readonly state: SessionState;
  guildId: string | null;
  private readonly interactions = new Map<string, InteractionMeta>();
  private readonly listeners = new Set<() => void>();
  private pending: NodeJS.Timeout | null = null;

  constructor(private readonly options: EmulatorOptions) {
    this.state = options.state;
    this.guildId = options.guildId;
    this.state.onCall = () => this.changed();
  }

  /** Calls `listener` (debounced) after every change; returns an unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Marks the world changed; listeners run once after a burst of changes. */
  changed(): void {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = null;
      for (const l of this.listeners) l();
    }, 25);
  }

  /** The guild the page shows. */
  guild(): GuildRec {
    const g = this.guildId ? this.state.guilds.get(this.guildId) : undefined;
    if (!g) throw new ActError('no guild seeded yet');
    return g;
  }

  private user(userId: string): APIUser {
    if (!this.state.users.has(userId)) throw new ActError(`unknown user ${userId}`);
    return this.state.renderUser(userId);
  }

  private channel(channelId: string): ChannelRec {
    const ch = this.state.channels.get(channelId);
    if (!ch) throw new ActError(`unknown channel ${channelId}`);
    return ch;
  }

  /** The interaction payload Discord would send for `userId` acting in `channelId`. */
  buildInteraction(kind: Kind, userId: string, channelId: string, data: Record<string, unknown>, message?: APIMessage): { payload: Record<string, unknown>; id: string; token: string } {
    const ch = this.channel(channelId);
    const registered = this.state.newInteraction({ ...(ch.guildId ? { guildId: ch.guildId } : {}), channelId, userId, ...(message ? { messageId: message.id } : {}) });
    const common: Record<string, unknown> = {
      id: registered.id,
      application_id: this.state.applicationId,
      type: kind,
      token: registered.token,
      version: 1,
      locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: { '0': ch.guildId ?? undefined, '1': userId },
      attachment_size_limit: 10485760,
      channel_id: channelId,
      channel: this.state.renderChannel(ch),
      data,
      ...(message ? { message } : {}),
    };
    if (!ch.guildId) return { payload: { ...common, user: this.user(userId), context: 1, app_permissions: '0' }, ...registered };
    const guild = this.state.guilds.get(ch.guildId);
    const member = guild?.members.get(userId);
    if (!guild || !member) throw new ActError(`${userId} is not a member of the guild`);
    const rendered = this.state.renderMember(guild, member);
    return {
      payload: {
        ...common,
        guild_id: guild.id,
        guild: { id: guild.id, locale: 'en-US', features: [] },
        guild_locale: 'en-US',
        member: { ...rendered, permissions: this.state.permissions(guild, userId).toString() },
        app_permissions: this.state.permissions(guild, this.state.botUserId).toString(),
        context: 0,
      },
      ...registered,
    };
  }

  /** `resolved` for the user/role/channel/mentionable options in `options` (nested). */
  resolve(guildId: string | null, options: OptionInput[]): Record<string, Record<string, unknown>> {
    const out: Record<string, Record<string, unknown>> = {};
    const put = (kind: string, id: string, value: unknown) => ((out[kind] ??= {})[id] = value);
    const guild = guildId ? this.state.guilds.get(guildId) : undefined;
    const addUser = (id: string) => {
      if (!this.state.users.has(id)) return false;
      put('users', id, this.state.renderUser(id));
      const m = guild?.members.get(id);
      if (guild && m) {
        const { user: _user, ...member } = this.state.renderMember(guild, m);
        put('members', id, { ...member, permissions: this.state.permissions(guild, id).toString() });
      }
      return true;
    };
    const addRole = (id: string) => {
      const role = guild?.roles.get(id);
      if (role) put('roles', id, role);
      return Boolean(role);
    };
    const walk = (list: OptionInput[]) => {
      for (const o of list) {
        if (o.options) walk(o.options);
        if (o.value === undefined || o.focused) continue;
        const id = String(o.value);
        if (o.type === 6) addUser(id);
        else if (o.type === 8) addRole(id);
        else if (o.type === 9) addUser(id) || addRole(id);
        else if (o.type === 7) {
          const ch = this.state.channels.get(id);
          if (ch) put('channels', id, { id, name: ch.name, type: ch.type, permissions: '0', ...(ch.parentId ? { parent_id: ch.parentId } : {}) });
        }
      }
    };
    walk(options);
    return out;
  }

  /** Signs and POSTs an interaction to the bot; resolves with the bot's answer (or the failure). */
  async send(kind: Kind, userId: string, channelId: string, data: Record<string, unknown>, label: string, message?: APIMessage): Promise<InteractionMeta> {
    const { payload, id, token } = this.buildInteraction(kind, userId, channelId, data, message);
    const meta: InteractionMeta = { token, id, userId, channelId, label, at: Date.now(), status: 'pending', error: null, response: null };
    if (kind !== Kind.Autocomplete) this.interactions.set(token, meta);
    this.changed();
    const request = await signedRequest(this.options.signingKey, payload, { url: `${this.options.botUrl}/interactions` });
    const answer = fetch(request).then(async (res) => ({ status: res.status, text: await res.text() }));
    const late = Symbol('late');
    const first = await Promise.race([answer, new Promise<typeof late>((r) => setTimeout(() => r(late), INTERACTION_DEADLINE_MS))]);
    if (first === late) {
      // Discord gives up after 3 s and ignores an answer that comes later.
      meta.status = 'failed';
      meta.error = 'This interaction failed';
      this.changed();
      void answer.catch(() => undefined);
      return meta;
    }
    let response: { type: number; data?: unknown } | null = null;
    try {
      response = first.status === 200 ? (JSON.parse(first.text) as { type: number; data?: unknown }) : null;
    } catch {
      response = null;
    }
    if (!response) {
      meta.status = 'failed';
      meta.error = `This interaction failed (the bot answered HTTP ${first.status})`;
      this.changed();
      return meta;
    }
    meta.response = response;
    const recorded = await fetch(`${this.options.fakeUrl}/_fake/s/default/interaction-responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ interactionId: id, token, response }),
    }).then((r) => r.json() as Promise<{ status: number; body: { message?: string } | null }>);
    if (recorded.status >= 400) {
      meta.status = 'failed';
      const why = this.state.violations.filter((v) => v.path.includes(`/interactions/${id}/`)).at(-1)?.reason;
      meta.error = `Discord refused the bot's answer: ${recorded.body?.message ?? recorded.status}${why ? ` (${why})` : ''}`;
    } else meta.status = 'answered';
    this.changed();
    return meta;
  }

  /** Runs a slash command (`options` nested as Discord sends them). */
  command(userId: string, channelId: string, name: string, options: OptionInput[] = []): Promise<InteractionMeta> {
    const cmd = this.findCommand(name, 1);
    const guildId = this.channel(channelId).guildId;
    const resolved = this.resolve(guildId, options);
    const data = { id: cmd?.id ?? snowflake(), name, type: 1, ...(options.length ? { options } : {}), ...(Object.keys(resolved).length ? { resolved } : {}), ...(guildId ? { guild_id: guildId } : {}) };
    const path = [name, ...subPath(options)].join(' ');
    return this.send(Kind.Command, userId, channelId, data, `/${path}`);
  }

  /** Asks the bot for autocomplete choices of the focused option. */
  async autocomplete(userId: string, channelId: string, name: string, options: OptionInput[]): Promise<{ name: string; value: string | number }[]> {
    const cmd = this.findCommand(name, 1);
    const data = { id: cmd?.id ?? snowflake(), name, type: 1, options };
    const meta = await this.send(Kind.Autocomplete, userId, channelId, data, `autocomplete /${name}`);
    const choices = (meta.response?.data as { choices?: { name: string; value: string | number }[] } | undefined)?.choices;
    return choices ?? [];
  }

  /** A user (type 2) or message (type 3) context-menu command. */
  contextCommand(userId: string, channelId: string, name: string, type: 2 | 3, targetId: string): Promise<InteractionMeta> {
    const cmd = this.findCommand(name, type);
    const guildId = this.channel(channelId).guildId;
    let resolved: Record<string, unknown>;
    if (type === 2) resolved = this.resolve(guildId, [{ name: 'target', type: 6, value: targetId }]);
    else {
      const message = this.state.findMessage(channelId, targetId);
      if (!message) throw new ActError(`unknown message ${targetId}`);
      resolved = { messages: { [targetId]: message } };
    }
    return this.send(Kind.Command, userId, channelId, { id: cmd?.id ?? snowflake(), name, type, target_id: targetId, resolved, ...(guildId ? { guild_id: guildId } : {}) }, name);
  }

  /** Presses a button or picks from a select menu on a message. */
  component(userId: string, channelId: string, messageId: string, customId: string, values?: string[]): Promise<InteractionMeta> {
    const message = this.findAnyMessage(channelId, messageId);
    if (!message) throw new ActError(`unknown message ${messageId}`);
    const found = findComponent(message.components ?? [], customId);
    if (!found) throw new ActError(`no component ${customId} on that message`);
    const data: Record<string, unknown> = { custom_id: customId, component_type: found.type };
    if (values) {
      data.values = values;
      const guildId = this.channel(channelId).guildId;
      if ([5, 6, 7, 8].includes(found.type)) {
        const type = { 5: 6, 6: 8, 7: 9, 8: 7 }[found.type as 5 | 6 | 7 | 8];
        data.resolved = this.resolve(guildId, values.map((v) => ({ name: 'v', type, value: v })));
      }
    }
    const label = found.label ? `button ${found.label}` : `select ${customId}`;
    return this.send(Kind.Component, userId, channelId, data, label, message);
  }

  /** Submits a modal the bot opened (`fields`: text-input custom_id → value). */
  submitModal(userId: string, channelId: string, modal: { custom_id: string; components?: unknown[] }, fields: Record<string, string>, messageId?: string): Promise<InteractionMeta> {
    const message = messageId ? this.findAnyMessage(channelId, messageId) : undefined;
    const usesLabels = (modal.components ?? []).some((c) => (c as { type?: number }).type === 18);
    const components = Object.entries(fields).map(([custom_id, value]) =>
      usesLabels
        ? { type: 18, component: { type: 4, custom_id, value } }
        : { type: 1, components: [{ type: 4, custom_id, value }] },
    );
    return this.send(Kind.ModalSubmit, userId, channelId, { custom_id: modal.custom_id, components }, `modal ${modal.custom_id.split(':')[0]}`, message);
  }

  /** A member types a message in a channel (or a DM to the bot): stored, then MESSAGE_CREATE on the gateway. */
  async say(userId: string, channelId: string, content: string): Promise<APIMessage> {
    const ch = this.channel(channelId);
    const message = this.state.createMessage(channelId, { authorId: userId, content });
    const guild = ch.guildId ? this.state.guilds.get(ch.guildId) : undefined;
    const member = guild?.members.get(userId);
    const { user: _u, ...memberData } = guild && member ? this.state.renderMember(guild, member) : { user: null };
    await this.dispatch('MESSAGE_CREATE', { ...message, ...(guild ? { guild_id: guild.id, member: memberData } : {}) });
    this.changed();
    return message;
  }

  /** The DM channel between `userId` and the bot. */
  dmChannel(userId: string): string {
    return this.state.dmChannel(userId).id;
  }

  /** A new (or returning) user joins the guild: GUILD_MEMBER_ADD. */
  async join(input: { userId?: string; username?: string }): Promise<string> {
    const guild = this.guild();
    const id = input.userId ?? this.state.addUser({ username: input.username ?? `newcomer_${Math.floor(Math.random() * 1000)}` }).id;
    if (guild.bans.has(id)) throw new ActError('that user is banned from the server');
    const member = this.state.addMember(guild.id, { userId: id });
    await this.dispatch('GUILD_MEMBER_ADD', { ...this.state.renderMember(guild, member), guild_id: guild.id });
    this.changed();
    return id;
  }

  /** A member leaves: GUILD_MEMBER_REMOVE. */
  async leave(userId: string): Promise<void> {
    const guild = this.guild();
    if (!guild.members.delete(userId)) throw new ActError('not a member');
    await this.dispatch('GUILD_MEMBER_REMOVE', { guild_id: guild.id, user: this.state.renderUser(userId) });
    this.changed();
  }

  /** A member changes their avatar: GUILD_MEMBER_UPDATE with the new hash. */
  async changeAvatar(userId: string): Promise<string> {
    const guild = this.guild();
    const hash = Array.from({ length: 32 }, () => Math.floor(Math.random() * 16).toString(16)).join('');
    this.state.addUser({ id: userId, avatar: hash });
    const member = guild.members.get(userId);
    if (member) await this.dispatch('GUILD_MEMBER_UPDATE', { ...this.state.renderMember(guild, member), guild_id: guild.id });
    this.changed();
    return hash;
  }

  /**
   * Sends a dispatch to the relay. Until the relay has identified (right after start, or while it
   * reconnects) the fake gateway has no session to send on: wait for it, as a member's action
   * would sit in Discord until the bot is back, then give up with a clear message.
   */
  private async dispatch(t: string, d: unknown): Promise<void> {
    const gateway = this.options.gateway;
    if (!gateway) return;
    const deadline = Date.now() + GATEWAY_WAIT_MS;
    for (;;) {
      try {
        await gateway.dispatch(t, d);
        return;
      } catch (e) {
        if (!/ 409 /.test(String(e)) || Date.now() > deadline) {
          throw new ActError(`${t} not delivered: the bot is not connected to the gateway (${String(e).slice(0, 160)}); the minute cron reconnects it`);
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  private findCommand(name: string, type: number): { id: string } | undefined {
    const scopes = [this.guildId ?? '', 'global'];
    for (const scope of scopes) {
      const found = this.state.commands.get(scope)?.find((c) => c.name === name && (c.type ?? 1) === type);
      if (found) return found;
    }
    return undefined;
  }

  private findAnyMessage(channelId: string, messageId: string): APIMessage | undefined {
    const stored = this.state.findMessage(channelId, messageId);
    if (stored) return stored;
    for (const it of this.state.interactions.values()) {
      if (it.original?.id === messageId) return it.original;
      const f = it.followups.get(messageId);
      if (f) return f;
    }
    return undefined;
  }

  /** What the page shows (see {@link Snapshot}). */
  snapshot(): Snapshot {
    const s = this.state;
    const guild = this.guildId ? s.guilds.get(this.guildId) : undefined;
    const cdn = this.options.cdnUrl;
    const people: Record<string, string> = {};
    for (const u of s.users.values()) people[u.id] = u.globalName ?? u.username;
    const annotations = new Map<string, { userId: string; label: string; error: string | null }>();
    const messages: Record<string, MessageView[]> = {};
    const view = (m: APIMessage, visibleTo: string | null): MessageView => {
      const a = annotations.get(m.id);
      return { message: m, visibleTo, interaction: a ? { userId: a.userId, label: a.label } : null, loading: ((m.flags ?? 0) & LOADING) !== 0, error: a?.error ?? null };
    };
    const ephemeral: { channelId: string; m: APIMessage; userId: string }[] = [];
    for (const it of s.interactions.values()) {
      const meta = this.interactions.get(it.token);
      if (!meta) continue;
      for (const m of [it.original, ...it.followups.values()]) {
        if (!m) continue;
        if (m === it.original) annotations.set(m.id, { userId: meta.userId, label: meta.label, error: meta.error });
        else annotations.set(m.id, { userId: meta.userId, label: meta.label, error: null });
        if (((m.flags ?? 0) & EPHEMERAL) !== 0) ephemeral.push({ channelId: meta.channelId, m, userId: meta.userId });
      }
    }
    const channels: Snapshot['channels'] = [];
    for (const ch of s.channels.values()) {
      if (ch.guildId && ch.guildId !== guild?.id) continue;
      channels.push({ id: ch.id, name: ch.name ?? '', type: ch.type, topic: ch.topic, parentId: ch.parentId, dmWith: ch.recipientId });
      messages[ch.id] = (s.messages.get(ch.id) ?? []).map((m) => view(m, null));
    }
    for (const e of ephemeral) {
      const list = (messages[e.channelId] ??= []);
      if (list.some((v) => v.message.id === e.m.id)) continue;
      list.push(view(e.m, e.userId));
    }
    for (const list of Object.values(messages)) list.sort((a, b) => (BigInt(a.message.id) < BigInt(b.message.id) ? -1 : 1));
    channels.sort((a, b) => (a.dmWith ? 1 : 0) - (b.dmWith ? 1 : 0) || (s.channels.get(a.id)?.position ?? 0) - (s.channels.get(b.id)?.position ?? 0));

    const members: Snapshot['members'] = [];
    const seen = new Set<string>();
    const push = (userId: string) => {
      if (seen.has(userId)) return;
      seen.add(userId);
      const u = s.users.get(userId);
      if (!u) return;
      const m = guild?.members.get(userId);
      const ban = guild?.bans.get(userId);
      members.push({
        id: u.id,
        username: u.username,
        displayName: m?.nick ?? u.globalName ?? u.username,
        avatarUrl: u.avatar ? `${cdn}/avatars/${u.id}/${u.avatar}.png?size=64` : `${cdn}/embed/avatars/${Number(BigInt(u.id) >> 22n) % 6}.png`,
        bot: u.bot,
        roles: m?.roles ?? [],
        timedOutUntil: m?.communicationDisabledUntil && Date.parse(m.communicationDisabledUntil) > Date.now() ? m.communicationDisabledUntil : null,
        inGuild: Boolean(m),
        banned: ban ? (ban.reason ?? '') : null,
      });
    };
    for (const id of guild?.members.keys() ?? []) push(id);
    for (const id of guild?.bans.keys() ?? []) push(id);
    for (const u of s.users.values()) if (!u.bot) push(u.id);

    const violations = new Map<number, Violation>();
    for (const v of s.violations) violations.set(v.seq, v);
    const calls: CallView[] = s.calls.slice(-300).map((c: RecordedCall) => ({
      seq: c.seq,
      method: c.method,
      route: c.route,
      path: redactToken(c.path),
      status: c.status,
      reason: c.reason,
      body: c.body,
      response: c.response,
      at: c.at,
      violation: violations.get(c.seq)?.reason ?? null,
    }));

    return {
      botUserId: s.botUserId,
      guild: guild ? { id: guild.id, name: guild.name, ownerId: guild.ownerId } : null,
      roles: guild ? [...guild.roles.values()].sort((a, b) => b.position - a.position).map((r) => ({ id: r.id, name: r.name, color: r.color, position: r.position, managed: r.managed })) : [],
      channels,
      members,
      messages,
      commands: [...(s.commands.get(guild?.id ?? '') ?? []), ...(s.commands.get('global') ?? [])],
      calls,
      interactions: [...this.interactions.values()].slice(-100).map((m) => ({ ...m, token: '' })),
      people,
    };
  }
}

/** The subcommand group/subcommand names at the head of `options`. */
function subPath(options: OptionInput[]): string[] {
  const head = options[0];
  if (!head || (head.type !== 1 && head.type !== 2)) return [];
  return [head.name, ...subPath(head.options ?? [])];
}

/** The component with `customId` in a message's component tree. */
function findComponent(components: readonly unknown[], customId: string): { type: number; label?: string } | undefined {
  for (const c of components as { type: number; custom_id?: string; label?: string; components?: unknown[]; component?: unknown; accessory?: unknown }[]) {
    if (c.custom_id === customId) return c;
    const nested = [...(c.components ?? []), ...(c.component ? [c.component] : []), ...(c.accessory ? [c.accessory] : [])];
    const found = nested.length ? findComponent(nested, customId) : undefined;
    if (found) return found;
  }
  return undefined;
}

/** Interaction tokens never leave the emulator: the panel shows webhook paths without them. */
export function redactToken(path: string): string {
  return path.replace(/^(\/(?:webhooks|interactions)\/\d+\/)[^/]+/, '$1…');
}
