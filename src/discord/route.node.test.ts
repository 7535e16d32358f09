import { describe, expect, it } from 'vitest';
import { routeOf } from './rest';

describe('rate-limit route identity', () => {
  it('collapses ids but keeps the major parameter apart', () => {
    const a = routeOf('POST', '/channels/111111111111111111/messages');
    const b = routeOf('POST', '/channels/222222222222222222/messages');
    expect(a.route).toBe(b.route);
    expect(a.major).not.toBe(b.major);
    expect(routeOf('PUT', '/guilds/333333333333333333/members/444444444444444444/roles/555555555555555555')).toEqual({
      route: 'PUT /guilds/:id/members/:id/roles/:id',
      major: '333333333333333333',
    });
  });

  it('keys interaction webhooks by application and token, and reactions by message', () => {
    const first = routeOf('PATCH', '/webhooks/111111111111111111/tokenA/messages/@original');
    const second = routeOf('PATCH', '/webhooks/111111111111111111/tokenB/messages/@original');
    expect(first.route).toBe('PATCH /webhooks/:id/:token/messages/@original');
    expect(first.route).toBe(second.route);
    expect(first.major).not.toBe(second.major);
    expect(routeOf('PUT', '/channels/1111111111111111111/messages/2222222222222222222/reactions/%F0%9F%91%8D/@me').route).toBe(
      'PUT /channels/:id/messages/:id/reactions/:reaction',
    );
  });
});
