/** A queue binding that records what is sent to it (a stand-in for Cloudflare's queue, not for our code). */
export function recordingQueue() {
  const sent: unknown[] = [];
  const queue = {
    send: async (body: unknown) => void sent.push(body),
    sendBatch: async (msgs: Iterable<{ body: unknown }>) => void [...msgs].forEach((m) => sent.push(m.body)),
  } as unknown as Queue;
  return { sent, queue };
}
