/**
 * The floor: the least a Discord interactions Worker can do. It verifies the Ed25519
 * signature with WebCrypto (key imported once per isolate) and answers PONG to a PING or a
 * fixed ephemeral message to anything else. The bot is measured as a ratio to this.
 * Standalone on purpose (no imports): `bench/lib/workers.ts` transpiles it as one module.
 */

interface FloorEnv {
  DISCORD_PUBLIC_KEY: string;
}

let key: ReturnType<typeof crypto.subtle.importKey> | undefined;
const encoder = new TextEncoder();

function hexToBytes(hex: string): Uint8Array<ArrayBuffer> | null {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return null;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

async function verified(request: Request, env: FloorEnv): Promise<Uint8Array<ArrayBuffer> | null> {
  const signature = request.headers.get('x-signature-ed25519');
  const timestamp = request.headers.get('x-signature-timestamp');
  const sig = signature && signature.length === 128 ? hexToBytes(signature) : null;
  if (!sig || !timestamp) return null;
  key ??= crypto.subtle.importKey('raw', hexToBytes(env.DISCORD_PUBLIC_KEY)!, { name: 'Ed25519' }, false, ['verify']);
  const body = new Uint8Array(await request.arrayBuffer());
  const ts = encoder.encode(timestamp);
  const message = new Uint8Array(ts.length + body.length);
  message.set(ts);
  message.set(body, ts.length);
  try {
    return (await crypto.subtle.verify('Ed25519', await key, sig, message)) ? body : null;
  } catch {
    return null;
  }
}

export default {
  async fetch(request: Request, env: FloorEnv): Promise<Response> {
    const body = await verified(request, env);
    if (!body) return new Response('invalid request signature', { status: 401 });
    const interaction = JSON.parse(new TextDecoder().decode(body)) as { type?: number };
    if (interaction.type === 1) return Response.json({ type: 1 });
    return Response.json({ type: 4, data: { content: 'Pong!', flags: 64 } });
  },
};
