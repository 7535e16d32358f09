/**
 * The emulator core against a stand-in bot (a plain HTTP server answering /interactions) and
 * the real fake Discord: what Discord would show for a reply in time, a late reply, and a reply
 * Discord refuses; interactions carry the member, their permissions and `resolved` from the world.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionState } from '../testing/fake-discord/state';
import { startFakeDiscord } from '../testing/fake-discord/server';
import { DEV_APPLICATION_ID } from './dev-vars';
import { Emulator, INTERACTION_DEADLINE_MS } from './emulator';

describe('emulator interactions', () => {
  const state = new SessionState('default', { applicationId: DEV_APPLICATION_ID, requireUserAgent: false });
  const { privateKey } = generateKeyPairSync('ed25519');
  const received: Record<string, unknown>[] = [];
  let fake: Awaited<ReturnType<typeof startFakeDiscord>>;
  let bot: Server;
  let emulator: Emulator;
  let g: ReturnType<SessionState['seedGuild']>;
  let nina: string;

  beforeAll(async () => {
    fake = await startFakeDiscord({ port: 0, defaultState: state });
    bot = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const i = JSON.parse(body) as { data: { name: string } };
        received.push(i as unknown as Record<string, unknown>);
        const answer = (r: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(r));
        if (i.data.name === 'slow') setTimeout(() => answer({ type: 4, data: { content: 'late' } }), INTERACTION_DEADLINE_MS + 500);
        else if (i.data.name === 'bad') answer({ type: 4, data: { content: 'x'.repeat(2001) } });
        else answer({ type: 4, data: { content: 'only you', flags: 64 } });
      });
    });
    await new Promise<void>((r) => bot.listen(0, '127.0.0.1', () => r()));
    g = state.seedGuild({ roles: [{ name: 'Member' }], channels: [{ name: 'general' }] });
    nina = state.addMember(g.guildId, { username: 'nina', roles: ['Member'] }).userId;
    emulator = new Emulator({
      state,
      fakeUrl: fake.url,
      botUrl: `http://127.0.0.1:${(bot.address() as AddressInfo).port}`,
      signingKey: JSON.stringify(privateKey.export({ format: 'jwk' })),
      cdnUrl: 'http://cdn.invalid',
      guildId: g.guildId,
    });
  });
  afterAll(async () => {
    await fake.close();
    bot.closeAllConnections();
    bot.close();
  });

  it('sends the member, permissions and resolved users as Discord does; an ephemeral reply is shown to that member only', async () => {
    const meta = await emulator.command(nina, g.channels.general!, 'ok', [{ name: 'who', type: 6, value: g.ownerId }]);
    expect(meta.status).toBe('answered');
    const sent = received.at(-1) as { member: { user: { id: string }; roles: string[]; permissions: string }; data: { resolved: { users: Record<string, unknown>; members: Record<string, unknown> } }; application_id: string };
    expect(sent.application_id).toBe(DEV_APPLICATION_ID);
    expect(sent.member.user.id).toBe(nina);
    expect(sent.member.roles).toEqual([g.roles.Member]);
    expect(sent.member.permissions).toMatch(/^\d+$/);
    expect(Object.keys(sent.data.resolved.users)).toEqual([g.ownerId]);
    expect(Object.keys(sent.data.resolved.members)).toEqual([g.ownerId]);
    const views = emulator.snapshot().messages[g.channels.general!]!;
    expect(views.map((v) => [v.message.content, v.visibleTo])).toEqual([['only you', nina]]);
    expect(views[0]!.interaction).toEqual({ userId: nina, label: '/ok' });
  });

  it('shows "This interaction failed" when the bot has not answered within 3 s, and ignores the late answer', async () => {
    const meta = await emulator.command(nina, g.channels.general!, 'slow');
    expect(meta.status).toBe('failed');
    expect(meta.error).toBe('This interaction failed');
    await new Promise((r) => setTimeout(r, 700));
    expect(emulator.snapshot().messages[g.channels.general!]!.some((v) => v.message.content === 'late')).toBe(false);
  }, 10_000);

  it("shows Discord's refusal of a reply it would not accept, and the call is red in the panel", async () => {
    const meta = await emulator.command(nina, g.channels.general!, 'bad');
    expect(meta.status).toBe('failed');
    expect(meta.error).toMatch(/^Discord refused the bot's answer: .*content/);
    const snap = emulator.snapshot();
    expect(snap.calls.at(-1)!.violation).toMatch(/content/);
    expect(snap.calls.at(-1)!.path).not.toContain(meta.token.slice(0, 20));
    expect(snap.interactions.every((i) => i.token === '')).toBe(true);
  });
});
