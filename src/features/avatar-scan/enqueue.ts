import type { ScanRequest } from './scan-request';

/** Queues a scan for the scanner Worker (the bot never runs the model itself). */
export async function enqueueScan(env: Pick<Env, 'SCANS'>, request: ScanRequest): Promise<void> {
  await env.SCANS.send(request, { contentType: 'json' });
}
