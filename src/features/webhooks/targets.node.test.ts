import { describe, expect, it } from 'vitest';
import { checkTarget, checkTargetUrl, isPrivateIPv4, isPrivateIPv6 } from './targets';

/** A DNS-over-HTTPS resolver answering from a table (application/dns-json). */
function doh(table: Record<string, string[]>, fail = false): typeof fetch {
  return (async (input: string | URL | Request) => {
    if (fail) throw new Error('unreachable');
    const url = new URL(String(input));
    const name = url.searchParams.get('name')!;
    const type = url.searchParams.get('type') === 'AAAA' ? 28 : 1;
    const answers = (table[name] ?? []).filter((a) => (type === 28) === a.includes(':')).map((data) => ({ type, data }));
    return new Response(JSON.stringify({ Status: 0, Answer: answers }), { headers: { 'content-type': 'application/dns-json' } });
  }) as typeof fetch;
}

const policy = (table: Record<string, string[]>, fail = false) => ({ local: false, dohUrl: 'https://dns.example/dns-query', fetch: doh(table, fail) });

describe('webhook targets', () => {
  it('knows private, loopback, link-local and reserved addresses (IPv4, IPv6, mapped, NAT64)', () => {
    for (const a of ['0.0.0.0', '10.0.0.1', '127.0.0.1', '127.255.255.254', '100.64.0.1', '169.254.169.254', '172.16.0.1', '172.31.255.255', '192.168.1.1', '192.0.0.8', '198.18.0.1', '224.0.0.1', '255.255.255.255']) expect(isPrivateIPv4(a), a).toBe(true);
    for (const a of ['1.1.1.1', '8.8.8.8', '172.32.0.1', '100.128.0.1', '192.169.0.1', '203.0.114.1']) expect(isPrivateIPv4(a), a).toBe(false);
    for (const a of ['::', '::1', 'fe80::1', 'fc00::1', 'fd12:3456::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '64:ff9b::a9fe:a9fe', '2001:db8::1', '::127.0.0.1']) expect(isPrivateIPv6(a), a).toBe(true);
    for (const a of ['2606:4700:4700::1111', '2001:4860:4860::8888', '::ffff:8.8.8.8']) expect(isPrivateIPv6(a), a).toBe(false);
  });

  it('refuses non-https, credentials, literal private addresses in every spelling, and local names', () => {
    const refused = ['http://example.com/', 'ftp://example.com/', 'https://u:p@example.com/', 'https://127.0.0.1/', 'https://0x7f000001/', 'https://2130706433/', 'https://017700000001/', 'https://127.1/', 'https://[::1]/', 'https://[::ffff:169.254.169.254]/', 'https://localhost/', 'https://a.localhost/', 'https://printer.local/', 'https://db.internal/', 'https://intranet/', 'not a url'];
    for (const url of refused) expect('reason' in checkTargetUrl(url, false), url).toBe(true);
    expect(checkTargetUrl('https://hooks.example.com/x', false)).toHaveProperty('url');
    expect(checkTargetUrl('https://8.8.8.8/x', false)).toHaveProperty('url');
    // Local deployments (emulator, tests): http and loopback allowed, credentials still not.
    expect(checkTargetUrl('http://127.0.0.1:8790/hook', true)).toHaveProperty('url');
    expect('reason' in checkTargetUrl('http://u:p@127.0.0.1/', true)).toBe(true);
  });

  it('resolves names over DNS-over-HTTPS and refuses any private answer; an unreachable resolver is a transient refusal', async () => {
    expect(await checkTarget('https://good.example/hook', policy({ 'good.example': ['93.184.216.34', '2606:2800:220:1::1'] }))).toHaveProperty('url');
    expect(await checkTarget('https://rebind.example/hook', policy({ 'rebind.example': ['93.184.216.34', '10.0.0.5'] }))).toEqual({ reason: 'resolves to a private, loopback or link-local address', transient: false });
    expect(await checkTarget('https://meta.example/', policy({ 'meta.example': ['169.254.169.254'] }))).toMatchObject({ transient: false });
    expect(await checkTarget('https://v6.example/', policy({ 'v6.example': ['::1'] }))).toMatchObject({ transient: false });
    expect(await checkTarget('https://nothing.example/', policy({}))).toMatchObject({ reason: 'does not resolve to an address', transient: true });
    expect(await checkTarget('https://good.example/', policy({}, true))).toMatchObject({ transient: true });
    // Resolution off: names are not looked up (the limit docs/api.md names).
    expect(await checkTarget('https://anything.example/', { local: false, dohUrl: '' })).toHaveProperty('url');
  });
});
