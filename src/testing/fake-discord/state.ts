/**
 * In-memory state of one fake-Discord session: users, guilds, roles, channels, members, bans,
 * messages, DM channels, interactions, application commands, plus the recordings (calls,
 * violations) and the test's instructions (injected failures, latency, gateway info).
 *
 * Portable: no Node APIs.
 */
import { NonceLedger } from './nonces.ts';
import { OAuthLedger } from './oauth.ts';
import type {
  APIApplication,
  APITeamMember,
  ApplicationFlags,
  TeamMemberMembershipState,
  TeamMemberRole,
  APIApplicationCommand,
  APIAttachment,
  APIBan,
  APIChannel,
  APIEmbed,
  APIGuild,
  APIGuildMember,
  APIMessage,
  APIRole,
  APIUser,
  ChannelFlags,
  ChannelType,
  GuildDefaultMessageNotifications,
  GuildExplicitContentFilter,
  GuildMemberFlags,
  GuildMFALevel,
  GuildNSFWLevel,
  GuildPremiumTier,
  GuildSystemChannelFlags,
  GuildVerificationLevel,
  MessageType,
  RoleFlags,
  UserFlags,
} from 'discord-api-types/v10';
import { DEFAULT_BOT_PERMISSIONS, DEFAULT_EVERYONE_PERMISSIONS, Permission, hasPermission, parsePermissions } from './permissions.ts';
import { compareSnowflakes, randomHex, randomToken, snowflake } from './snowflake.ts';
import type {
  AddMemberInput,
  AddUserInput,
  CreateSessionOptions,
  FailRule,
  FakeInteraction,
  InteractionRecord,
  LatencyRule,
  NewInteractionInput,
  RecordedCall,
  RecordedFile,
  SeedGuildInput,
  SeedMessageInput,
  SeededGuild,
  Violation,
} from './types.ts';

/** A user known to the fake. */
export interface UserRec {
  id: string;
  username: string;
  globalName: string | null;
  avatar: string | null;
  bot: boolean;
  dmsClosed: boolean;
}

/** A guild member. */
export interface MemberRec {
  userId: string;
  nick: string | null;
  roles: string[];
  joinedAt: string;
  communicationDisabledUntil: string | null;
  pending: boolean;
}

/** A ban. */
export interface BanRec {
  userId: string;
  reason: string | null;
}

/** A guild. Roles are stored in API shape (they carry nothing the API doesn't show). */
export interface GuildRec {
  id: string;
  name: string;
  ownerId: string;
  roles: Map<string, APIRole>;
  members: Map<string, MemberRec>;
  bans: Map<string, BanRec>;
  channelIds: string[];
}

/** A channel (guild channel or DM). */
export interface ChannelRec {
  id: string;
  type: ChannelType;
  guildId: string | null;
  name: string | null;
  topic: string | null;
  parentId: string | null;
  position: number;
  /** For DM channels: the other user. */
  recipientId: string | null;
  lastMessageId: string | null;
}

/** What the fake knows about one interaction token. */
export interface InteractionState {
  token: string;
  interactionId: string | null;
  applicationId: string;
  createdAt: number | null;
  guildId: string | null;
  channelId: string | null;
  messageId: string | null;
  callback: { type: number; data?: unknown } | null;
  callbackAt: number | null;
  original: APIMessage | null;
  followups: Map<string, APIMessage>;
}

/** Per-bucket counters used to produce realistic X-RateLimit-* headers. */
export interface RateBucket {
  windowStart: number;
  count: number;
}

/** A pending injected failure. */
export interface FailState extends FailRule {
  remaining: number;
}

/** Options for creating a message in state. */
export interface NewMessageOptions {
  authorId: string;
  content?: string | null;
  embeds?: readonly APIEmbed[] | null;
  components?: unknown;
  flags?: number | null;
  files?: readonly RecordedFile[];
  attachments?: readonly { id: string | number; filename?: string | null; description?: string | null }[] | null;
  tts?: boolean | null;
  messageReference?: { message_id?: string | null } | null;
  webhookId?: string;
  applicationId?: string;
  timestamp?: number;
  /** Store in the channel's history (false for ephemeral interaction responses). */
  store?: boolean;
}

const CDN = 'https://cdn.discordapp.com';
const BOT_ROLE_POSITION_GAP = 1;

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function toMs(value: string | number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  return typeof value === 'number' ? value : Date.parse(value);
}

function defaultUsername(): string {
  const words = ['amber', 'birch', 'cobalt', 'dune', 'ember', 'fjord', 'glade', 'harbor', 'iris', 'juniper', 'kestrel', 'lumen'];
  const word = words[Math.floor(Math.random() * words.length)] ?? 'user';
  return `${word}_${randomHex(6)}`;
}

/** The state of one session. */
export class SessionState {
  readonly id: string;
  /**
   * The bot's application id. When the session was created without one, the first application id
   * the bot uses in a path (`/applications/{id}`, `/webhooks/{id}/…`) is adopted; see {@link ownsApplication}.
   */
  applicationId: string;
  private applicationIdBound: boolean;
  readonly botUserId: string;
  readonly botUsername: string;
  readonly token: string | null;
  readonly requireUserAgent: boolean;
  /** The application's owner: a user, or the synthetic user of its team. */
  readonly ownerId: string;
  readonly team: { ownerId: string; admins: string[]; developers: string[] } | null;

  users = new Map<string, UserRec>();
  guilds = new Map<string, GuildRec>();
  channels = new Map<string, ChannelRec>();
  /** Messages per channel, ascending by id. */
  messages = new Map<string, APIMessage[]>();
  dmChannelByUser = new Map<string, string>();
  interactions = new Map<string, InteractionState>();
  /** Application commands by scope: `global` or a guild id. */
  commands = new Map<string, APIApplicationCommand[]>();
  /** Command ids by `scope|type|name`, so overwriting keeps ids stable like Discord does. */
  commandIds = new Map<string, string>();
  calls: RecordedCall[] = [];
  violations: Violation[] = [];
  failRules: FailState[] = [];
  latencyRules: LatencyRule[] = [];
  gateway: { url: string; shards: number } = { url: 'ws://127.0.0.1:0/', shards: 1 };
  rateBuckets = new Map<string, RateBucket>();
  /** Nonces of messages posted with `enforce_nonce` (see nonces.ts). */
  nonces = new NonceLedger();
  /** OAuth2 codes and bearer tokens (see oauth.ts). */
  oauth = new OAuthLedger();
  seq = 0;
  /** Called after each recorded REST call (the emulator pushes calls to its page from here). */
  onCall: ((call: RecordedCall) => void) | null = null;

  constructor(id: string, options: CreateSessionOptions = {}) {
    this.id = id;
    this.applicationId = options.applicationId ?? snowflake();
    this.applicationIdBound = options.applicationId !== undefined;
    this.botUserId = this.applicationId;
    this.botUsername = options.botUsername ?? 'Gatehouse';
    this.token = options.token ?? null;
    this.requireUserAgent = options.requireUserAgent ?? true;
    this.ownerId = options.ownerId ?? snowflake();
    this.team = options.team ? { ownerId: options.team.ownerId, admins: options.team.admins ?? [], developers: options.team.developers ?? [] } : null;
    this.reset();
  }

  /** Forget everything except the session identity (application id, bot user, options). */
  reset(): void {
    this.users = new Map();
    this.guilds = new Map();
    this.channels = new Map();
    this.messages = new Map();
    this.dmChannelByUser = new Map();
    this.interactions = new Map();
    this.commands = new Map();
    this.commandIds = new Map();
    this.calls = [];
    this.violations = [];
    this.failRules = [];
    this.latencyRules = [];
    this.gateway = { url: 'ws://127.0.0.1:0/', shards: 1 };
    this.rateBuckets = new Map();
    this.nonces = new NonceLedger();
    this.oauth = new OAuthLedger();
    this.users.set(this.botUserId, {
      id: this.botUserId,
      username: this.botUsername,
      globalName: null,
      avatar: randomHex(32),
      bot: true,
      dmsClosed: true,
    });
    for (const id of [this.ownerId, ...(this.team ? [this.team.ownerId, ...this.team.admins, ...this.team.developers] : [])]) {
      if (!this.users.has(id)) this.addUser({ id });
    }
  }

  /**
   * True when `id` is the bot's application id. An unbound session (created without
   * `applicationId`) adopts the first id it is asked about.
   */
  ownsApplication(id: string): boolean {
    if (!this.applicationIdBound) {
      this.applicationId = id;
      this.applicationIdBound = true;
    }
    return id === this.applicationId;
  }

  /** Next sequence number for calls/violations. */
  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  // ---------------------------------------------------------------- seeding

  /** Create (or update) a user. */
  addUser(input: AddUserInput = {}): UserRec {
    const id = input.id ?? snowflake();
    const existing = this.users.get(id);
    const user: UserRec = {
      id,
      username: input.username ?? existing?.username ?? defaultUsername(),
      globalName: input.globalName !== undefined ? input.globalName : (existing?.globalName ?? null),
      avatar: input.avatar !== undefined ? input.avatar : (existing?.avatar ?? randomHex(32)),
      bot: input.bot ?? existing?.bot ?? false,
      dmsClosed: input.dmsClosed ?? existing?.dmsClosed ?? false,
    };
    this.users.set(id, user);
    return user;
  }

  /** Seed a guild with @everyone, the bot's member + role, optional roles and channels. */
  seedGuild(input: SeedGuildInput = {}): SeededGuild {
    const guildId = snowflake();
    const owner = input.ownerId ? (this.users.get(input.ownerId) ?? this.addUser({ id: input.ownerId })) : this.addUser();
    const guild: GuildRec = {
      id: guildId,
      name: input.name ?? `Test Guild ${randomHex(4)}`,
      ownerId: owner.id,
      roles: new Map(),
      members: new Map(),
      bans: new Map(),
      channelIds: [],
    };
    this.guilds.set(guildId, guild);
    this.putRole(guild, { id: guildId, name: '@everyone', position: 0, permissions: parsePermissions(input.everyonePermissions, DEFAULT_EVERYONE_PERMISSIONS) });

    const roles: Record<string, string> = {};
    let nextPosition = 1;
    for (const r of input.roles ?? []) {
      const position = r.position ?? nextPosition;
      nextPosition = Math.max(nextPosition, position + 1);
      const role = this.putRole(guild, {
        name: r.name,
        position,
        permissions: parsePermissions(r.permissions, 0n),
        color: r.color ?? 0,
        hoist: r.hoist ?? false,
        mentionable: r.mentionable ?? false,
      });
      roles[r.name] = role.id;
    }
    const botRole = this.putRole(guild, {
      name: this.botUsername,
      position: input.botRolePosition ?? nextPosition + BOT_ROLE_POSITION_GAP - 1,
      permissions: parsePermissions(input.botPermissions, DEFAULT_BOT_PERMISSIONS),
      managed: true,
      botId: this.botUserId,
    });
    roles[botRole.name] = botRole.id;

    guild.members.set(owner.id, this.newMember(owner.id, [], Date.now() - 30 * 86400_000));
    guild.members.set(this.botUserId, this.newMember(this.botUserId, [botRole.id], Date.now() - 86400_000));

    const channels: Record<string, string> = {};
    const specs = input.channels ?? [];
    // Categories first so `parent` can refer to them.
    const ordered = [...specs.filter((c) => c.type === 4), ...specs.filter((c) => c.type !== 4)];
    for (const c of ordered) {
      const ch = this.addChannel(guildId, { name: c.name, type: c.type ?? 0, topic: c.topic ?? null, parentId: c.parent ? (channels[c.parent] ?? null) : null });
      channels[c.name] = ch.id;
    }
    return { guildId, everyoneRoleId: guildId, ownerId: owner.id, botUserId: this.botUserId, botRoleId: botRole.id, roles, channels };
  }

  /** Add a role to a guild. */
  putRole(
    guild: GuildRec,
    r: { id?: string; name: string; position: number; permissions: bigint; color?: number; hoist?: boolean; mentionable?: boolean; managed?: boolean; botId?: string },
  ): APIRole {
    const role: APIRole = {
      id: r.id ?? snowflake(),
      name: r.name,
      color: r.color ?? 0,
      colors: { primary_color: r.color ?? 0, secondary_color: null, tertiary_color: null },
      hoist: r.hoist ?? false,
      icon: null,
      unicode_emoji: null,
      position: r.position,
      permissions: r.permissions.toString(),
      managed: r.managed ?? false,
      mentionable: r.mentionable ?? false,
      flags: 0 as RoleFlags,
      ...(r.botId ? { tags: { bot_id: r.botId } } : {}),
    };
    guild.roles.set(role.id, role);
    return role;
  }

  /** Add a channel to a guild. */
  addChannel(guildId: string, c: { name: string; type?: ChannelType; topic?: string | null; parentId?: string | null }): ChannelRec {
    const guild = this.guilds.get(guildId);
    if (!guild) throw new Error(`unknown guild ${guildId}`);
    const ch: ChannelRec = {
      id: snowflake(),
      type: c.type ?? (0 as ChannelType.GuildText),
      guildId,
      name: c.name,
      topic: c.topic ?? null,
      parentId: c.parentId ?? null,
      position: guild.channelIds.length,
      recipientId: null,
      lastMessageId: null,
    };
    this.channels.set(ch.id, ch);
    this.messages.set(ch.id, []);
    guild.channelIds.push(ch.id);
    return ch;
  }

  private newMember(userId: string, roles: string[], joinedAtMs: number): MemberRec {
    return { userId, nick: null, roles, joinedAt: iso(joinedAtMs), communicationDisabledUntil: null, pending: false };
  }

  /** Add a member (creating the user unless `userId` names an existing one). Role names are resolved. */
  addMember(guildId: string, input: AddMemberInput = {}): MemberRec {
    const guild = this.guilds.get(guildId);
    if (!guild) throw new Error(`unknown guild ${guildId}`);
    const user = input.userId ? (this.users.get(input.userId) ?? this.addUser({ ...input, id: input.userId })) : this.addUser(input);
    const roleIds = (input.roles ?? []).map((ref) => {
      if (guild.roles.has(ref)) return ref;
      const byName = [...guild.roles.values()].find((r) => r.name === ref);
      if (!byName) throw new Error(`unknown role ${ref} in guild ${guildId}`);
      return byName.id;
    });
    const member = this.newMember(user.id, roleIds, toMs(input.joinedAt, Date.now()));
    member.nick = input.nick ?? null;
    member.communicationDisabledUntil = input.communicationDisabledUntil ?? null;
    member.pending = input.pending ?? false;
    guild.members.set(user.id, member);
    return member;
  }

  /** Get or create the DM channel with a user. */
  dmChannel(userId: string): ChannelRec {
    const existing = this.dmChannelByUser.get(userId);
    if (existing) {
      const ch = this.channels.get(existing);
      if (ch) return ch;
    }
    const ch: ChannelRec = {
      id: snowflake(),
      type: 1 as ChannelType.DM,
      guildId: null,
      name: null,
      topic: null,
      parentId: null,
      position: 0,
      recipientId: userId,
      lastMessageId: null,
    };
    this.channels.set(ch.id, ch);
    this.messages.set(ch.id, []);
    this.dmChannelByUser.set(userId, ch.id);
    return ch;
  }

  /** Register an interaction the test is about to deliver to the bot. */
  newInteraction(input: NewInteractionInput = {}): FakeInteraction {
    const createdAt = Date.now() - (input.ageMs ?? 0);
    const id = snowflake(createdAt);
    const token = `aW50ZXJhY3Rpb246${id}:${randomToken(96)}`;
    this.applicationIdBound = true;
    this.interactions.set(token, {
      token,
      interactionId: id,
      applicationId: this.applicationId,
      createdAt,
      guildId: input.guildId ?? null,
      channelId: input.channelId ?? null,
      messageId: input.messageId ?? null,
      callback: null,
      callbackAt: null,
      original: null,
      followups: new Map(),
    });
    return { id, token, applicationId: this.applicationId };
  }

  /** The interaction state for a token, created on first use for tokens the test did not register. */
  interaction(token: string, interactionId: string | null): InteractionState {
    let state = this.interactions.get(token);
    if (!state) {
      state = {
        token,
        interactionId,
        applicationId: this.applicationId,
        createdAt: null,
        guildId: null,
        channelId: null,
        messageId: null,
        callback: null,
        callbackAt: null,
        original: null,
        followups: new Map(),
      };
      this.interactions.set(token, state);
    }
    return state;
  }

  /** Seed a message as if `authorId` sent it (for history, bulk delete, etc.). */
  seedMessage(channelId: string, input: SeedMessageInput = {}): APIMessage {
    if (!this.channels.has(channelId)) throw new Error(`unknown channel ${channelId}`);
    const authorId = input.authorId ?? this.addUser().id;
    if (!this.users.has(authorId)) this.addUser({ id: authorId });
    return this.createMessage(channelId, { authorId, content: input.content ?? 'hello', timestamp: toMs(input.timestamp, Date.now()) });
  }

  // ---------------------------------------------------------------- messages

  /** Create a message in a channel and return it in API shape. */
  createMessage(channelId: string, o: NewMessageOptions): APIMessage {
    const at = o.timestamp ?? Date.now();
    const id = o.timestamp !== undefined ? snowflake(at) : snowflake();
    const content = o.content ?? '';
    const attachments = this.buildAttachments(channelId, o.files ?? [], o.attachments ?? null);
    const message: APIMessage = {
      id,
      channel_id: channelId,
      author: this.renderUser(o.authorId),
      content,
      timestamp: iso(at),
      edited_timestamp: null,
      tts: o.tts ?? false,
      mention_everyone: /@(everyone|here)\b/.test(content),
      mentions: this.mentionedUsers(content),
      mention_roles: [...content.matchAll(/<@&(\d+)>/g)].map((m) => m[1] ?? ''),
      attachments,
      embeds: (o.embeds ?? []).map((e) => ({ type: 'rich', ...e }) as APIEmbed),
      pinned: false,
      type: (o.messageReference?.message_id ? 19 : 0) as MessageType,
      flags: o.flags ?? 0,
      components: (o.components ?? []) as APIMessage['components'],
      ...(o.webhookId ? { webhook_id: o.webhookId } : {}),
      ...(o.applicationId ? { application_id: o.applicationId } : {}),
      ...(o.messageReference?.message_id ? { message_reference: { type: 0, message_id: o.messageReference.message_id, channel_id: channelId } } : {}),
    };
    if (o.store !== false) {
      const list = this.messages.get(channelId) ?? [];
      const last = list[list.length - 1];
      list.push(message);
      if (last && compareSnowflakes(last.id, id) > 0) list.sort((a, b) => compareSnowflakes(a.id, b.id));
      this.messages.set(channelId, list);
      const ch = this.channels.get(channelId);
      if (ch && (ch.lastMessageId === null || compareSnowflakes(id, ch.lastMessageId) > 0)) ch.lastMessageId = id;
    }
    return message;
  }

  /** Apply an edit body to a message (in place) and return it. */
  editMessage(
    message: APIMessage,
    body: { content?: string | null; embeds?: readonly APIEmbed[] | null; components?: unknown; flags?: number | null; attachments?: readonly { id: string | number }[] | null },
    files: readonly RecordedFile[] = [],
  ): APIMessage {
    if (body.content !== undefined) {
      message.content = body.content ?? '';
      message.mentions = this.mentionedUsers(message.content);
    }
    if (body.embeds !== undefined) message.embeds = (body.embeds ?? []).map((e) => ({ type: 'rich', ...e }) as APIEmbed);
    if (body.components !== undefined) message.components = (body.components ?? []) as APIMessage['components'];
    if (body.flags !== undefined && body.flags !== null) message.flags = body.flags;
    if (body.attachments !== undefined || files.length > 0) {
      const keep = new Set((body.attachments ?? []).map((a) => String(a.id)));
      const kept = body.attachments === undefined ? message.attachments : message.attachments.filter((a) => keep.has(a.id));
      message.attachments = [...kept, ...this.buildAttachments(message.channel_id, files, body.attachments ?? null)];
    }
    message.edited_timestamp = iso(Date.now());
    return message;
  }

  /** Remove a role from a guild and from every member holding it. */
  deleteRole(guild: GuildRec, roleId: string): void {
    guild.roles.delete(roleId);
    for (const member of guild.members.values()) member.roles = member.roles.filter((id) => id !== roleId);
  }

  /** Delete a guild channel and its messages. */
  deleteChannel(channelId: string): void {
    const ch = this.channels.get(channelId);
    if (!ch) throw new Error(`unknown channel ${channelId}`);
    this.channels.delete(channelId);
    this.messages.delete(channelId);
    const guild = ch.guildId ? this.guilds.get(ch.guildId) : undefined;
    if (guild) guild.channelIds = guild.channelIds.filter((id) => id !== channelId);
  }

  /** Find a message in a channel. */
  findMessage(channelId: string, messageId: string): APIMessage | undefined {
    return this.messages.get(channelId)?.find((m) => m.id === messageId);
  }

  /** Remove messages from a channel; returns how many were removed. */
  deleteMessages(channelId: string, ids: ReadonlySet<string>): number {
    const list = this.messages.get(channelId);
    if (!list) return 0;
    const kept = list.filter((m) => !ids.has(m.id));
    this.messages.set(channelId, kept);
    return list.length - kept.length;
  }

  private buildAttachments(
    channelId: string,
    files: readonly RecordedFile[],
    meta: readonly { id: string | number; filename?: string | null; description?: string | null }[] | null,
  ): APIAttachment[] {
    return files.map((f, index) => {
      const m = meta?.find((a) => String(a.id) === String(index) || f.field === `files[${String(a.id)}]`);
      const id = snowflake();
      const filename = m?.filename ?? f.filename;
      const url = `${CDN}/attachments/${channelId}/${id}/${encodeURIComponent(filename)}`;
      return {
        id,
        filename,
        size: f.size,
        url,
        proxy_url: url.replace(CDN, 'https://media.discordapp.net'),
        content_type: f.contentType,
        ...(m?.description ? { description: m.description } : {}),
      };
    });
  }

  private mentionedUsers(content: string): APIUser[] {
    const ids = new Set([...content.matchAll(/<@!?(\d+)>/g)].map((m) => m[1] ?? ''));
    return [...ids].filter((id) => this.users.has(id)).map((id) => this.renderUser(id));
  }

  // ---------------------------------------------------------------- permissions & hierarchy

  /** Guild-level permissions of a member (no channel overwrites). */
  permissions(guild: GuildRec, userId: string): bigint {
    if (guild.ownerId === userId) return (1n << 53n) - 1n;
    const member = guild.members.get(userId);
    let perms = BigInt(guild.roles.get(guild.id)?.permissions ?? '0');
    for (const roleId of member?.roles ?? []) perms |= BigInt(guild.roles.get(roleId)?.permissions ?? '0');
    return perms;
  }

  /** Position of a member's highest role (0 = only @everyone). The owner ranks above everything. */
  highestPosition(guild: GuildRec, userId: string): number {
    if (guild.ownerId === userId) return Number.MAX_SAFE_INTEGER;
    const member = guild.members.get(userId);
    let top = 0;
    for (const roleId of member?.roles ?? []) top = Math.max(top, guild.roles.get(roleId)?.position ?? 0);
    return top;
  }

  /** True when the bot has `flag` in the guild. */
  botCan(guild: GuildRec, flag: bigint): boolean {
    return hasPermission(this.permissions(guild, this.botUserId), flag);
  }

  /** True when the bot outranks the target member (Discord's rule for kick/ban/timeout/nick). */
  botOutranks(guild: GuildRec, targetUserId: string): boolean {
    if (targetUserId === guild.ownerId) return false;
    return this.highestPosition(guild, this.botUserId) > this.highestPosition(guild, targetUserId);
  }

  /** True when the bot can assign/remove the role (below its highest role, not managed). */
  botCanManageRole(guild: GuildRec, role: APIRole): boolean {
    if (role.managed || role.id === guild.id) return false;
    return role.position < this.highestPosition(guild, this.botUserId);
  }

  /** True when the member has Administrator. */
  isAdmin(guild: GuildRec, userId: string): boolean {
    return (this.permissions(guild, userId) & Permission.Administrator) !== 0n;
  }

  // ---------------------------------------------------------------- rendering (API shapes)

  /**
   * The bot's application as `GET /oauth2/applications/@me` answers it: discord-api-types'
   * shape plus the fields Discord's spec also requires (`type`, content filter, scopes).
   */
  renderApplication(): APIApplication & { type: null; explicit_content_filter: 0; eligible_oauth2_scopes: string[] } {
    const team = this.team;
    const teamId = this.ownerId;
    const teamMember = (userId: string, role: TeamMemberRole): APITeamMember => ({
      user: this.renderUser(userId),
      team_id: teamId,
      membership_state: 2 as TeamMemberMembershipState.Accepted,
      role,
      permissions: ['*'],
    });
    const application: APIApplication = {
      id: this.applicationId,
      name: this.botUsername,
      icon: null,
      description: '',
      summary: '',
      bot_public: true,
      bot_require_code_grant: false,
      bot: this.renderUser(this.botUserId),
      verify_key: '0'.repeat(64),
      flags: 0 as ApplicationFlags,
      flags_new: '0',
      redirect_uris: [],
      interactions_endpoint_url: null,
      role_connections_verification_url: null,
      owner: team
        ? { id: teamId, username: `team${teamId}`, discriminator: '0000', global_name: null, avatar: null, public_flags: 1024 as UserFlags, flags: 1024 as UserFlags, primary_guild: null }
        : this.renderUser(this.ownerId),
      approximate_guild_count: this.guilds.size,
      approximate_user_install_count: 0,
      approximate_user_authorization_count: 0,
      team: team
        ? {
            id: teamId,
            icon: null,
            name: 'Team',
            owner_user_id: team.ownerId,
            members: [
              teamMember(team.ownerId, 'admin' as TeamMemberRole),
              ...team.admins.map((id) => teamMember(id, 'admin' as TeamMemberRole)),
              ...team.developers.map((id) => teamMember(id, 'developer' as TeamMemberRole)),
            ],
          }
        : null,
    };
    return { ...application, type: null, explicit_content_filter: 0, eligible_oauth2_scopes: [] };
  }

  /** A user in API shape. */
  renderUser(userId: string): APIUser {
    const u = this.users.get(userId);
    if (!u) {
      return { id: userId, username: 'deleted_user', discriminator: '0', global_name: null, avatar: null };
    }
    return {
      id: u.id,
      username: u.username,
      discriminator: '0',
      global_name: u.globalName,
      avatar: u.avatar,
      public_flags: 0 as UserFlags,
      flags: 0 as UserFlags,
      banner: null,
      accent_color: null,
      avatar_decoration_data: null,
      collectibles: null,
      primary_guild: null,
      ...(u.bot ? { bot: true } : {}),
    };
  }

  /** A member in API shape. */
  renderMember(guild: GuildRec, member: MemberRec): APIGuildMember {
    return {
      user: this.renderUser(member.userId),
      nick: member.nick,
      avatar: null,
      banner: null,
      roles: [...member.roles],
      joined_at: member.joinedAt,
      premium_since: null,
      deaf: false,
      mute: false,
      flags: 0 as GuildMemberFlags,
      pending: member.pending,
      communication_disabled_until: member.communicationDisabledUntil,
    };
  }

  /** A guild in API shape. */
  renderGuild(guild: GuildRec): APIGuild {
    const system = guild.channelIds.map((id) => this.channels.get(id)).find((c) => c?.type === 0);
    return {
      id: guild.id,
      name: guild.name,
      icon: null,
      splash: null,
      discovery_splash: null,
      owner_id: guild.ownerId,
      region: 'deprecated',
      afk_channel_id: null,
      afk_timeout: 300,
      widget_enabled: false,
      widget_channel_id: null,
      verification_level: 1 as GuildVerificationLevel,
      default_message_notifications: 1 as GuildDefaultMessageNotifications,
      explicit_content_filter: 2 as GuildExplicitContentFilter,
      roles: [...guild.roles.values()].sort((a, b) => a.position - b.position),
      emojis: [],
      features: [],
      mfa_level: 0 as GuildMFALevel,
      application_id: null,
      system_channel_id: system?.id ?? null,
      system_channel_flags: 0 as GuildSystemChannelFlags,
      rules_channel_id: null,
      max_presences: null,
      max_members: 500000,
      vanity_url_code: null,
      description: null,
      banner: null,
      premium_tier: 0 as GuildPremiumTier,
      premium_subscription_count: 0,
      preferred_locale: 'en-US' as APIGuild['preferred_locale'],
      public_updates_channel_id: null,
      max_video_channel_users: 25,
      max_stage_video_channel_users: 50,
      approximate_member_count: guild.members.size,
      nsfw_level: 0 as GuildNSFWLevel,
      stickers: [],
      premium_progress_bar_enabled: false,
      hub_type: null,
      safety_alerts_channel_id: null,
      incidents_data: null,
    };
  }

  /** A channel in API shape. */
  renderChannel(ch: ChannelRec): APIChannel {
    if (ch.recipientId !== null) {
      return {
        id: ch.id,
        type: 1 as ChannelType.DM,
        name: null,
        last_message_id: ch.lastMessageId,
        flags: 0 as ChannelFlags,
        recipients: [this.renderUser(ch.recipientId)],
      };
    }
    const base = {
      id: ch.id,
      type: ch.type,
      guild_id: ch.guildId ?? undefined,
      name: ch.name ?? '',
      position: ch.position,
      permission_overwrites: [],
      parent_id: ch.parentId,
      nsfw: false,
      flags: 0,
    };
    if (ch.type === 4) return base as APIChannel;
    if (ch.type === 2 || ch.type === 13) {
      return { ...base, bitrate: 64000, user_limit: 0, rtc_region: null, last_message_id: ch.lastMessageId, rate_limit_per_user: 0 } as APIChannel;
    }
    return { ...base, topic: ch.topic, last_message_id: ch.lastMessageId, rate_limit_per_user: 0, default_auto_archive_duration: 4320 } as APIChannel;
  }

  /** A ban in API shape. */
  renderBan(ban: BanRec): APIBan {
    return { reason: ban.reason, user: this.renderUser(ban.userId) };
  }

  /** What the bot answered to one interaction. */
  renderInteraction(state: InteractionState): InteractionRecord<APIMessage> {
    return {
      token: state.token,
      interactionId: state.interactionId,
      callback: state.callback,
      callbackDelayMs: state.callbackAt !== null && state.createdAt !== null ? state.callbackAt - state.createdAt : null,
      original: state.original,
      followups: [...state.followups.values()],
    };
  }
}
