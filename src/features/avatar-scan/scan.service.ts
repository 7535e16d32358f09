/**
 * Scans one avatar: the cached result by hash, or fetch the PNG from Discord's CDN →
 * decode → resize to 224 → model → probabilities → risk score, stored per hash.
 *
 * Failures are data when they are permanent (404, undecodable image: recorded and
 * returned) and `TransientScanError` when a retry may help (network, 429, 5xx).
 */
import type { Db } from '../../db/client';
import { AvatarScans } from './avatar-scans.repo';
import { decodePngToRgb, ImageDecodeError, toModelInput } from './image';
import { getModelRunner, type ModelAssets } from './inference';
import { MODEL_VERSION } from './model';
import { riskScore } from './risk';
import type { AvatarScanRow } from './schema';

/** Discord's CDN; `DISCORD_CDN_BASE` overrides it (tests serve images locally). */
export const DEFAULT_CDN_BASE = 'https://cdn.discordapp.com';

/** Edge requested from the CDN; the model resizes to 224 from it. */
export const AVATAR_FETCH_SIZE = 256;

/** Largest image accepted from the CDN (a 256 px PNG is far below this). */
const MAX_IMAGE_BYTES = 4 * 1024 * 1024;

/** A failure worth retrying (network error, 429, 5xx). */
export class TransientScanError extends Error {
  override readonly name = 'TransientScanError';
}

/** What a scan needs. */
export interface ScanDeps {
  db: Db;
  assets: ModelAssets;
  cdnBase?: string;
  fetch?: typeof fetch;
}

/** What to scan. */
export interface ScanTarget {
  userId: string;
  avatarHash: string;
  /** Ignore a stored result and scan again. */
  force?: boolean;
}

/** The avatar's PNG URL at 256 px (animated avatars: the first frame). */
export function avatarUrl(cdnBase: string, userId: string, avatarHash: string): string {
  return `${cdnBase.replace(/\/+$/, '')}/avatars/${userId}/${avatarHash}.png?size=${AVATAR_FETCH_SIZE}`;
}

/** A stored result of the current model that need not be redone. */
function reusable(row: AvatarScanRow | null): row is AvatarScanRow {
  return !!row && row.modelVersion === MODEL_VERSION && row.status !== 'failed';
}

/**
 * The result for `target.avatarHash`: the stored one when there is one (unless `force`),
 * otherwise a fresh scan, stored before it is returned.
 */
export async function scanAvatar(deps: ScanDeps, target: ScanTarget): Promise<AvatarScanRow> {
  const scans = new AvatarScans(deps.db);
  if (!target.force) {
    const cached = await scans.get(target.avatarHash);
    if (reusable(cached)) return cached;
  }
  const base = { avatarHash: target.avatarHash, userId: target.userId, modelVersion: MODEL_VERSION };
  const url = avatarUrl(deps.cdnBase || DEFAULT_CDN_BASE, target.userId, target.avatarHash);

  let response: Response;
  try {
    response = await (deps.fetch ?? fetch)(url, { headers: { Accept: 'image/png' } });
  } catch (error) {
    throw new TransientScanError(`fetching the avatar failed: ${String(error)}`);
  }
  if (response.status === 429 || response.status === 408 || response.status >= 500) {
    await response.body?.cancel();
    throw new TransientScanError(`the CDN answered ${response.status}`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    return scans.record({ ...base, status: 'not_found', probabilities: null, risk: null, error: `CDN answered ${response.status}` });
  }
  const length = Number(response.headers.get('Content-Length') ?? 0);
  if (length > MAX_IMAGE_BYTES) {
    await response.body?.cancel();
    return scans.record({ ...base, status: 'undecodable', probabilities: null, risk: null, error: `image of ${length} bytes is too large` });
  }
  const bytes = new Uint8Array(await response.arrayBuffer());

  let input: Float32Array;
  try {
    input = toModelInput(decodePngToRgb(bytes));
  } catch (error) {
    if (!(error instanceof ImageDecodeError)) throw error;
    return scans.record({ ...base, status: 'undecodable', probabilities: null, risk: null, error: error.message });
  }
  const runner = await getModelRunner(deps.assets);
  const probabilities = await runner.classify(input);
  return scans.record({ ...base, status: 'ok', probabilities, risk: riskScore(probabilities), error: null });
}

/** Records that `target` was given up on after repeated transient failures. */
export function recordScanFailure(db: Db, target: ScanTarget, error: string): Promise<AvatarScanRow> {
  return new AvatarScans(db).recordFailure(target.avatarHash, target.userId, error);
}
