import { describe, expect, it } from 'vitest';
import { INTERNAL_EVENT_TYPES } from '../../core/internal-events';
import { parseRule } from './rule-format';

const credit = { type: 'credit', currency: 'xp', amount: 5 };

describe('rule triggers on internal events', () => {
  it('accepts every internal event type as a trigger (case_created, member_joined, ticket_closed, …)', () => {
    for (const event of INTERNAL_EVENT_TYPES) expect(parseRule({ name: 'r', trigger: { event }, effects: [credit] }).ok, event).toBe(true);
    expect(parseRule({ name: 'r', trigger: { event: 'no_such_event' }, effects: [credit] }).ok).toBe(false);
  });

  it('emits only events a rule may stand for: not another feature’s record such as ticket_opened', () => {
    expect(parseRule({ name: 'r', trigger: { event: 'MESSAGE_CREATE' }, effects: [{ type: 'emit', event: 'milestone_earned' }] }).ok).toBe(true);
    expect(parseRule({ name: 'r', trigger: { event: 'MESSAGE_CREATE' }, effects: [{ type: 'emit', event: 'ticket_opened' }] }).ok).toBe(false);
  });
});
