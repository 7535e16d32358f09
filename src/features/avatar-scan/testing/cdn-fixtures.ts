/**
 * The avatars the scanner tests' local CDN serves (`scripts/model/scanner-global-setup.ts`),
 * keyed by avatar hash. Shared by the server (Node) and the tests (workerd).
 */
import { TEST_IMAGE_KINDS, type TestImageKind } from './images';

/** The hash under which a generated image of `kind` is served (256 px PNG). */
export function fixtureHash(kind: TestImageKind): string {
  return (TEST_IMAGE_KINDS.indexOf(kind) + 1).toString(16).padStart(32, '0');
}

/** Answers 404 (any unknown hash does). */
export const MISSING_HASH = 'f'.repeat(32);
/** Answers 200 with bytes that are not a PNG. */
export const GARBAGE_HASH = 'e'.repeat(32);
/** Answers 503. */
export const UNAVAILABLE_HASH = 'd'.repeat(32);

/** What the fixture CDN does for `hash`. */
export type CdnFixture = { kind: TestImageKind } | { status: 503 } | { garbage: true };

/** Every hash the fixture CDN knows. */
export const CDN_FIXTURES: Record<string, CdnFixture> = {
  ...Object.fromEntries(TEST_IMAGE_KINDS.map((kind) => [fixtureHash(kind), { kind }])),
  [GARBAGE_HASH]: { garbage: true },
  [UNAVAILABLE_HASH]: { status: 503 },
};
