/**
 * A local stand-in for Discord's CDN: `/avatars/{user}/{hash}.png?size=N` answers a PNG drawn
 * from the hash (a coloured 5×5 identicon, so each avatar change looks different), and
 * `/embed/avatars/{n}.png` the default avatars. The scanner Worker fetches avatars from here
 * (DISCORD_CDN_BASE), the page shows them.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encode } from 'fast-png';

/** A PNG identicon of `size`×`size` for `seed` (hex). */
export function identicon(seed: string, size: number): Uint8Array {
  const bytes = (seed.match(/[0-9a-f]{2}/gi) ?? ['7f', '3c', 'a0']).map((h) => parseInt(h, 16));
  const at = (i: number) => bytes[i % bytes.length]!;
  const fg = [at(0), at(1), at(2)].map((v) => 60 + (v % 160));
  const bg = [240, 240, 245];
  const data = new Uint8Array(size * size * 3);
  const cell = size / 5;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const cx = Math.min(4, Math.floor(x / cell));
      const cy = Math.min(4, Math.floor(y / cell));
      const col = cx < 3 ? cx : 4 - cx;
      const on = (at(3 + cy * 3 + col) & 1) === 1;
      const c = on ? fg : bg;
      data.set(c, (y * size + x) * 3);
    }
  }
  return encode({ width: size, height: size, data, channels: 3 });
}

/** Starts the CDN on loopback. */
export async function startCdn(port = 0): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://cdn');
    const size = Math.min(1024, Math.max(16, Number(url.searchParams.get('size') ?? '128') || 128));
    const avatar = /^\/avatars\/(\d+)\/(?:a_)?([0-9a-f]+)\.(png|webp|jpg|gif)$/.exec(url.pathname);
    const fallback = /^\/embed\/avatars\/(\d)\.png$/.exec(url.pathname);
    if (!avatar && !fallback) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('404: Not Found');
      return;
    }
    const png = identicon(avatar ? avatar[2]! : `5865f2${fallback![1]}${fallback![1]}`, size);
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(png.length), 'cache-control': 'max-age=3600' }).end(png);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
