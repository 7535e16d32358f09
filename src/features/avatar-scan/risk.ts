/**
 * The risk score of one avatar, from the model's class probabilities:
 *
 *     risk = porn + hentai + 0.5 × sexy        (0 … 1)
 *
 * Porn and Hentai are the classes a gated server means by "explicit"; Sexy (suggestive,
 * not explicit) counts half; Drawing and Neutral count nothing. The score is a ranking aid
 * for reviewers, not a calibrated probability (see docs/avatar-scan.md).
 */
import * as z from 'zod';
import { MODEL_CLASSES, type ClassProbabilities, type ModelClass } from './model';

/** Per-guild settings (`guild_settings` key `avatar_scan`), every key defaulted. */
export const avatarScanSettings = z.object({
  /** Risk at or above which the review card is highlighted and the review channel alerted. */
  threshold: z.number().min(0).max(1).default(0.7),
});

/** The settings key. */
export const AVATAR_SCAN_SETTINGS_KEY = 'avatar_scan';

/** Weight of each class in the risk score. */
export const RISK_WEIGHTS: Record<ModelClass, number> = { drawing: 0, hentai: 1, neutral: 0, porn: 1, sexy: 0.5 };

/** The risk score (0 … 1) of a set of class probabilities. */
export function riskScore(p: ClassProbabilities): number {
  const score = MODEL_CLASSES.reduce((sum, name) => sum + RISK_WEIGHTS[name] * p[name], 0);
  return Math.min(1, Math.max(0, score));
}

/** The most likely class. */
export function topClass(p: ClassProbabilities): ModelClass {
  return MODEL_CLASSES.reduce((best, name) => (p[name] > p[best] ? name : best), MODEL_CLASSES[0]);
}

/** Probabilities as one line: `porn 91.2% · sexy 5.0% · …`, most likely first. */
export function formatProbabilities(p: ClassProbabilities): string {
  return [...MODEL_CLASSES]
    .sort((a, b) => p[b] - p[a])
    .map((name) => `${name} ${(p[name] * 100).toFixed(1)}%`)
    .join(' · ');
}

/** What the gate's review card shows (the shape `applyAvatarRisk` takes). */
export interface AvatarVerdict {
  score: number;
  label: string;
  highlight: boolean;
  detail?: string;
}

/** Shape of a stored result that a verdict is made from. */
interface ScanOutcome {
  status: 'ok' | 'not_found' | 'undecodable' | 'failed';
  probabilities: ClassProbabilities | null;
  risk: number | null;
  error: string | null;
}

/** The review-card verdict of a scan result at the guild's `threshold`. */
export function verdictFor(result: ScanOutcome, threshold: number): AvatarVerdict {
  if (result.status === 'ok' && result.probabilities && result.risk !== null) {
    const highlight = result.risk >= threshold;
    return {
      score: result.risk,
      label: `${highlight ? 'High risk' : 'Low risk'} (top: ${topClass(result.probabilities)})`,
      highlight,
      detail: formatProbabilities(result.probabilities),
    };
  }
  const label = { not_found: 'Avatar image not found', undecodable: 'Avatar image unreadable', failed: 'Scan failed' }[result.status as Exclude<ScanOutcome['status'], 'ok'>];
  return { score: 0, label, highlight: false, ...(result.error ? { detail: result.error } : {}) };
}

/** The verdict for a member with Discord's default avatar: nothing to scan, no risk. */
export const NO_AVATAR_VERDICT: AvatarVerdict = { score: 0, label: 'No custom avatar', highlight: false };
