import { describe, expect, it } from 'vitest';
import { markdown, renderCalls, renderComponents, renderEmbed, renderMessage, renderModal, visibleMessages } from './render.js';

const ctx = { people: { '1': 'Nina', '2': 'Gatehouse' }, roles: [{ id: '9', name: 'Member', color: 0x2ecc71 }], channels: [{ id: '5', name: 'general', type: 0 }], members: [] };
const message = (over: Record<string, unknown> = {}) => ({ id: '100', channel_id: '5', author: { id: '2', username: 'Gatehouse', bot: true }, content: 'hi', timestamp: '2026-12-01T09:00:00.000Z', embeds: [], components: [], flags: 0, ...over });

describe('embeds', () => {
  it('draws the colour bar, title, fields (inline and not), footer with timestamp; escapes everything', () => {
    const html = renderEmbed({ color: 0xe67e22, title: '<b>Case #1</b>', description: 'By <@1>', fields: [{ name: 'Member', value: '<@1>', inline: true }, { name: 'Reason', value: 'spam' }], footer: { text: 'Case id x' }, timestamp: '2026-12-01T09:00:00.000Z' }, ctx);
    expect(html).toContain('border-left-color:#e67e22');
    expect(html).toContain('&lt;b&gt;Case #1&lt;/b&gt;');
    expect(html).not.toContain('<b>');
    expect(html).toContain('<div class="embed-field inline"><div class="embed-field-name">Member</div>');
    expect(html).toContain('<div class="embed-field"><div class="embed-field-name">Reason</div>');
    expect(html).toContain('@Nina');
    expect(html).toMatch(/Case id x • \d\d\/12\/2026/);
  });

  it('markdown: bold, code, role and channel mentions, timestamps; no HTML injection', () => {
    const html = markdown('**bold** `x<y` <@&9> <#5> <t:0:R> <img src=x>', ctx);
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<code>x&lt;y</code>');
    expect(html).toContain('style="color:#2ecc71">@Member</span>');
    expect(html).toContain('#general');
    expect(html).toContain('years ago');
    expect(html).toContain('&lt;img src=x&gt;');
  });
});

describe('components', () => {
  it('buttons keep their style, label, custom_id and disabled state; link buttons are links', () => {
    const html = renderComponents([{ type: 1, components: [
      { type: 2, style: 3, label: 'Accept', custom_id: 'gate.accept:1' },
      { type: 2, style: 4, label: 'Reject', custom_id: 'gate.reject:1', disabled: true },
      { type: 2, style: 5, label: 'Docs', url: 'https://example.com' },
    ] }], ctx, '100');
    expect(html).toContain('<button class="button success" data-action="press" data-message="100" data-custom-id="gate.accept:1">Accept</button>');
    expect(html).toContain('data-custom-id="gate.reject:1" disabled>Reject');
    expect(html).toContain('<a class="button link" href="https://example.com"');
  });

  it('selects list their options (string) or the guild (user select), disabled when the bot says so', () => {
    const html = renderComponents([{ type: 1, components: [{ type: 3, custom_id: 's', placeholder: 'Pick', options: [{ label: 'A', value: 'a' }], disabled: true }] }, { type: 1, components: [{ type: 5, custom_id: 'u' }] }], { ...ctx, members: [{ id: '1', displayName: 'Nina', inGuild: true }] }, '100');
    expect(html).toContain('data-kind="string" data-message="100" data-custom-id="s" disabled>');
    expect(html).toContain('<option value="a">A</option>');
    expect(html).toContain('<option value="1">@Nina</option>');
  });
});

describe('messages', () => {
  const views = [
    { message: message({ id: '100', content: 'for everyone' }), visibleTo: null, interaction: null, loading: false, error: null },
    { message: message({ id: '101', content: 'only Nina', flags: 64, timestamp: '2026-12-01T09:00:01.000Z' }), visibleTo: '1', interaction: { userId: '1', label: '/ping' }, loading: false, error: null },
  ];

  it('an ephemeral reply is shown only to the member who acted, with "Only you can see this"', () => {
    expect(visibleMessages(views, '3').map((i) => i.view.message.id)).toEqual(['100']);
    const mine = visibleMessages(views, '1');
    expect(mine.map((i) => i.view.message.id)).toEqual(['100', '101']);
    const html = renderMessage(mine[1], ctx);
    expect(html).toContain('Only you can see this');
    expect(html).toContain('<span class="who">Nina</span> used <span class="cmd">/ping</span>');
  });

  it('a deferred reply shows "… is thinking" until the @original edit', () => {
    const html = renderMessage({ view: { ...views[0], loading: true } }, ctx);
    expect(html).toContain('Gatehouse is thinking');
    expect(html).not.toContain('for everyone');
  });

  it('an interaction without an answer in time shows "This interaction failed" to its member only', () => {
    const failed = [{ id: '7', channelId: '5', userId: '1', status: 'failed', error: 'This interaction failed', label: '/slow', at: Date.parse('2026-12-01T09:00:02.000Z') }];
    expect(visibleMessages(views, '3', failed, '5').some((i) => i.failure)).toBe(false);
    const item = visibleMessages(views, '1', failed, '5').at(-1)!;
    expect(renderMessage(item, ctx)).toContain('This interaction failed');
  });

  it("a reply Discord refused shows Discord's error on the message", () => {
    const html = renderMessage({ view: { ...views[0], error: "Discord refused the bot's answer: Invalid Form Body" } }, ctx);
    expect(html).toContain('Discord refused the bot&#39;s answer: Invalid Form Body');
  });
});

describe('REST panel and modals', () => {
  it('marks a call the spec refuses in red with the reason, and shows the audit-log reason', () => {
    const html = renderCalls([
      { seq: 1, method: 'POST', route: '/channels/{channel_id}/messages', path: '/channels/5/messages', status: 200, reason: null, body: {}, response: {}, violation: null },
      { seq: 2, method: 'PUT', route: '/guilds/{guild_id}/bans/{user_id}', path: '/guilds/1/bans/2', status: 400, reason: 'spam', body: {}, response: {}, violation: 'content: too long' },
    ]);
    expect(html.indexOf('violation')).toBeLessThan(html.indexOf('/channels/{channel_id}/messages'));
    expect(html).toContain('<details class="call violation">');
    expect(html).toContain('Discord refuses this: content: too long');
    expect(html).toContain('Audit-log reason: spam');
  });

  it('renders a modal of label components with required text inputs', () => {
    const html = renderModal({ custom_id: 'gate.answer:1', title: 'Apply', components: [{ type: 18, label: 'Why?', component: { type: 4, custom_id: 'q1', style: 2, required: true, max_length: 400 } }] });
    expect(html).toContain('<div class="modal-title">Apply</div>');
    expect(html).toContain('<textarea name="q1" data-custom-id="q1" required maxlength="400"');
  });
});
