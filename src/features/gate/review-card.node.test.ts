import { describe, expect, it } from 'vitest';
import { CUT_MARKER, EMBED_LIMITS, cut, embedSize, reviewButtons, reviewCard, reviewEmbed, shareBudget } from './review-card';
import type { GateApplicationRow } from './schema';

function app(overrides: Partial<GateApplicationRow> = {}): GateApplicationRow {
  return {
    id: 42,
    guildId: '100000000000000001',
    userId: '200000000000000002',
    userTag: '@newbie',
    status: 'pending',
    answers: [{ question: 'Why?', answer: 'Because' }],
    accountCreatedAt: Date.UTC(2024, 0, 1),
    joinedAt: null,
    youngAccount: false,
    submittedAt: Date.UTC(2026, 0, 1),
    claimedBy: null,
    claimedRank: null,
    claimedAt: null,
    decidedBy: null,
    decidedAt: null,
    override: false,
    reason: null,
    dmError: null,
    lastError: null,
    avatarRisk: null,
    cardChannelId: null,
    cardMessageId: null,
    alertsSent: 0,
    alertLeaseUntil: 0,
    ...overrides,
  };
}

describe('cut', () => {
  it('keeps short text and marks cut text visibly, within the limit', () => {
    expect(cut('hello', 10)).toBe('hello');
    const out = cut('x'.repeat(2000), 1024);
    expect(out).toHaveLength(1024);
    expect(out.endsWith(CUT_MARKER)).toBe(true);
  });

  it('never leaves half a surrogate pair', () => {
    const text = '😀'.repeat(600);
    const out = cut(text, 1024);
    expect(out.length).toBeLessThanOrEqual(1024);
    expect(out).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});

describe('shareBudget', () => {
  it('lets short items keep their length and splits the rest evenly', () => {
    expect(shareBudget([10, 1000, 1000], 610)).toEqual([10, 300, 300]);
    expect(shareBudget([5, 5], 100)).toEqual([5, 5]);
  });
});

describe('review card limits', () => {
  it('fits 15 maximal answers, a long title and every status line into 6,000 characters and 25 fields', () => {
    const answers = Array.from({ length: 15 }, (_, i) => ({ question: `Question number ${i + 1} is long enough to hurt`.slice(0, 45), answer: 'y'.repeat(4000) }));
    const embed = reviewEmbed(
      app({
        userTag: 'n'.repeat(400),
        answers,
        status: 'accepted',
        decidedBy: '3',
        decidedAt: Date.now(),
        reason: 'r'.repeat(1000),
        dmError: 'closed DMs',
        avatarRisk: { score: 0.91, label: 'likely NSFW', highlight: true, detail: 'd'.repeat(2000) },
      }),
    );
    expect(embed.title!.length).toBeLessThanOrEqual(EMBED_LIMITS.title);
    expect(embed.fields!.length).toBeLessThanOrEqual(EMBED_LIMITS.fields);
    for (const f of embed.fields!) {
      expect(f.name.length).toBeLessThanOrEqual(EMBED_LIMITS.fieldName);
      expect(f.value.length).toBeLessThanOrEqual(EMBED_LIMITS.fieldValue);
      expect(f.value.length).toBeGreaterThan(0);
    }
    expect(embedSize(embed)).toBeLessThanOrEqual(EMBED_LIMITS.total);
    const answerFields = embed.fields!.slice(0, 15);
    expect(answerFields.every((f) => f.value.endsWith(CUT_MARKER))).toBe(true);
  });

  it('keeps @everyone as text and never allows mentions', () => {
    const card = reviewCard(app({ answers: [{ question: 'Hi', answer: '@everyone look at me <@&1> <@2>' }] }));
    expect(card.allowed_mentions).toEqual({ parse: [] });
    expect(card.embeds![0]!.fields![0]!.value).toBe('@everyone look at me <@&1> <@2>');
  });

  it('shows the avatar-risk line and the young-account flag', () => {
    const embed = reviewEmbed(app({ youngAccount: true, avatarRisk: { score: 0.5, label: 'suspicious', highlight: true } }));
    expect(embed.description).toContain('young account');
    expect(embed.fields!.find((f) => f.name === 'Avatar risk')!.value).toBe('⚠️ **suspicious** (score 0.50)');
  });
});

describe('review buttons', () => {
  const state = (a: GateApplicationRow) => reviewButtons(a).flatMap((r) => r.components.map((b) => `${'label' in b ? b.label : ''}:${b.disabled ? 'off' : 'on'}`));
  it('follows the status', () => {
    expect(state(app())).toEqual(['Claim:on', 'Unclaim:off', 'Accept:on', 'Reject:on', 'Kick:on', 'Permanently reject:on']);
    expect(state(app({ status: 'claimed', claimedBy: '1' }))).toEqual(['Claim:off', 'Unclaim:on', 'Accept:on', 'Reject:on', 'Kick:on', 'Permanently reject:on']);
    expect(state(app({ status: 'rejected' })).every((s) => s.endsWith(':off'))).toBe(true);
    expect(state(app({ lastError: 'no perms' }))).toContain('Retry accept:on');
  });
});
