/**
 * The API's one error shape. Expected failures are `ApiError`s (or a feature's `UserError`,
 * answered 400) rendered as `{ error: code, message }`; a request that fails its zod schema is
 * 422 `{ error: 'invalid', fields: { 'path.to.field': message } }`; anything else is logged with
 * a reference and answered 500 `{ error: 'internal', ref }`, never with a stack or a message.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type * as z from 'zod';
import { ConfigError } from '../env';
import { errorRef, UserError } from '../errors';

/** An expected API failure with its HTTP status (401, 403, 404, 409, 429, 503 …). */
export class ApiError extends UserError {
  constructor(
    readonly status: ContentfulStatusCode,
    code: string,
    message: string,
    /** Extra JSON fields of the answer (e.g. `{ login: '/api/auth/login' }`). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(code, message);
  }
}

/** `{ 'answers.0.text': 'Too long' }` from zod issues (the root is `''`). */
export function fieldErrors(issues: readonly z.core.$ZodIssue[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of issues) {
    const key = issue.path.map(String).join('.');
    fields[key] ??= issue.message;
  }
  return fields;
}

/** The 422 answer for a request that failed validation. */
export function invalidResponse(c: Context, issues: readonly z.core.$ZodIssue[]): Response {
  return c.json({ error: 'invalid', message: 'Some fields are not valid.', fields: fieldErrors(issues) }, 422);
}

/** Renders any error thrown by a route or middleware. */
export function apiErrorResponse(c: Context, error: unknown): Response {
  if (error instanceof ApiError) return c.json({ ...error.extra, error: error.code, message: error.message }, error.status);
  if (error instanceof UserError) return c.json({ error: error.code, message: error.message }, 400);
  if (error instanceof ConfigError) return c.json({ error: 'unconfigured', message: error.message }, 503);
  const ref = errorRef();
  console.error(
    JSON.stringify({ msg: 'api request failed', ref, method: c.req.method, route: c.req.routePath, error: String(error), stack: error instanceof Error ? error.stack : undefined }),
  );
  return c.json({ error: 'internal', message: `Something went wrong (ref ${ref}).`, ref }, 500);
}
