/**
 * Safe webhook targets. A target is an `https:` URL (or `http:` where `WEBHOOKS_LOCAL` marks
 * the deployment local) without credentials, whose host is not a private, loopback,
 * link-local, shared, multicast or reserved address: literal IPs are checked at once, names
 * are resolved over DNS-over-HTTPS (A and AAAA, `WEBHOOK_DOH_URL`) and every answer checked.
 *
 * Limits, honestly: Workers cannot pin the address `fetch` connects to, so a name that
 * resolves differently between the check and the connection (DNS rebinding) is not caught
 * here; Cloudflare's own fetch does not reach private networks of the edge either. Redirects
 * are never followed (a 3xx is a failed attempt), so a safe host cannot bounce a delivery
 * elsewhere. With `WEBHOOK_DOH_URL=off` names are not resolved at all.
 */

/** Why a target was refused; `transient` when trying again later may succeed (DNS unreachable). */
export interface TargetRefusal {
  reason: string;
  transient: boolean;
}

/** What checking needs. */
export interface TargetPolicy {
  /** http and private addresses allowed (the emulator and tests), names not resolved. */
  local: boolean;
  /** DNS-over-HTTPS JSON endpoint, or '' to skip resolution. */
  dohUrl: string;
  fetch?: typeof fetch;
}

const BLOCKED_NAMES = /(^|\.)(localhost|local|internal|localdomain|home\.arpa|intranet|lan)$/i;

function v4Parts(host: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? parts : null;
}

/** True for IPv4 addresses that are not public unicast. */
export function isPrivateIPv4(host: string): boolean {
  const p = v4Parts(host);
  if (!p) return false;
  const [a, b] = p as [number, number, number, number];
  return (
    a === 0 || // "this network"
    a === 10 ||
    a === 127 || // loopback
    (a === 100 && b >= 64 && b <= 127) || // shared (CGNAT)
    (a === 169 && b === 254) || // link-local (cloud metadata)
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0 && (p[2] === 0 || p[2] === 2)) || // IETF protocol assignments, TEST-NET-1
    (a === 198 && (b === 18 || b === 19)) || // benchmarking
    (a === 198 && b === 51 && p[2] === 100) ||
    (a === 203 && b === 0 && p[2] === 113) ||
    a >= 224 // multicast, reserved, broadcast
  );
}

/** Expands an IPv6 literal (no brackets) to 8 groups, or null. */
function v6Groups(host: string): number[] | null {
  let text = host.toLowerCase();
  if (!text.includes(':')) return null;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const p = v4Parts(v4[1]!);
    if (!p) return null;
    text = text.slice(0, -v4[1]!.length) + `${((p[0]! << 8) | p[1]!).toString(16)}:${((p[2]! << 8) | p[3]!).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parse = (s: string) => (s === '' ? [] : s.split(':').map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16) : NaN)));
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  const groups = [...head, ...Array<number>(Math.max(0, fill)).fill(0), ...tail];
  return groups.length === 8 && groups.every((g) => Number.isFinite(g)) ? groups : null;
}

/** True for IPv6 addresses that are not public unicast (IPv4-mapped ones are checked as IPv4). */
export function isPrivateIPv6(host: string): boolean {
  const g = v6Groups(host.replace(/^\[|\]$/g, ''));
  if (!g) return false;
  const v4Tail = () => `${g[6]! >> 8}.${g[6]! & 255}.${g[7]! >> 8}.${g[7]! & 255}`;
  // ::, ::1 and the deprecated IPv4-compatible ::a.b.c.d: never a public target.
  if (g.slice(0, 6).every((x) => x === 0)) return true;
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return isPrivateIPv4(v4Tail()); // IPv4-mapped
  const first = g[0]!;
  if (first === 0x64 && g[1] === 0xff9b) return isPrivateIPv4(v4Tail()); // NAT64
  return (
    (first & 0xfe00) === 0xfc00 || // unique local
    (first & 0xffc0) === 0xfe80 || // link-local
    (first & 0xffc0) === 0xfec0 || // site-local (deprecated)
    (first & 0xff00) === 0xff00 || // multicast
    (first === 0x2001 && g[1] === 0x0db8) || // documentation
    first === 0x100 // discard-only
  );
}

/** The checks that need no network: scheme, credentials, literal addresses, local names. */
export function checkTargetUrl(raw: string, local: boolean): { url: URL } | TargetRefusal {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { reason: 'is not a URL', transient: false };
  }
  if (url.protocol !== 'https:' && !(local && url.protocol === 'http:')) return { reason: local ? 'must be an http:// or https:// URL' : 'must be an https:// URL', transient: false };
  if (url.username || url.password) return { reason: 'must not carry a user name or password', transient: false };
  if (local) return { url };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (v4Parts(host)) return isPrivateIPv4(host) ? { reason: 'points at a private, loopback or link-local address', transient: false } : { url };
  if (host.includes(':')) return isPrivateIPv6(host) ? { reason: 'points at a private, loopback or link-local address', transient: false } : { url };
  if (!host.includes('.') || BLOCKED_NAMES.test(host)) return { reason: 'names a local host', transient: false };
  return { url };
}

const dohAnswer = (body: unknown): string[] => {
  const answers = (body as { Answer?: { type?: number; data?: string }[] } | null)?.Answer ?? [];
  return answers.filter((a) => (a.type === 1 || a.type === 28) && typeof a.data === 'string').map((a) => a.data!);
};

/** Resolves `host` (A and AAAA) over DoH; null when the resolver could not be asked. */
async function resolve(host: string, policy: TargetPolicy): Promise<string[] | null> {
  const doFetch = policy.fetch ?? fetch;
  try {
    const answers = await Promise.all(
      ['A', 'AAAA'].map(async (type) => {
        const res = await doFetch(`${policy.dohUrl}?name=${encodeURIComponent(host)}&type=${type}`, { headers: { accept: 'application/dns-json' }, signal: AbortSignal.timeout(3000) });
        if (!res.ok) throw new Error(`DoH ${res.status}`);
        return dohAnswer(await res.json());
      }),
    );
    return answers.flat();
  } catch {
    return null;
  }
}

/**
 * Checks a target: the URL checks, then (outside local deployments, with a resolver set) the
 * addresses its name resolves to. Resolves with the URL, or why it is refused.
 */
export async function checkTarget(raw: string, policy: TargetPolicy): Promise<{ url: URL } | TargetRefusal> {
  const checked = checkTargetUrl(raw, policy.local);
  if ('reason' in checked || policy.local || !policy.dohUrl) return checked;
  const host = checked.url.hostname;
  if (v4Parts(host) || host.includes(':') || host.startsWith('[')) return checked;
  const addresses = await resolve(host, policy);
  if (addresses === null) return { reason: 'could not be resolved (DNS over HTTPS unreachable)', transient: true };
  if (addresses.length === 0) return { reason: 'does not resolve to an address', transient: true };
  if (addresses.some((a) => isPrivateIPv4(a) || isPrivateIPv6(a))) return { reason: 'resolves to a private, loopback or link-local address', transient: false };
  return checked;
}
