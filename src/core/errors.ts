/**
 * Expected failures are data: a `UserError` is rendered as an ephemeral reply with its
 * message. Anything else thrown by a handler is a bug: logged with a reference and answered
 * with "Something went wrong (ref X)".
 */
export class UserError extends Error {
  override readonly name = 'UserError';
  /**
   * @param code machine-readable identifier, stable across releases (e.g. `level_too_low`)
   * @param message what the user reads; say why and, where possible, what to do instead
   */
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A short reference a user can quote to staff, matching the log line of a failure. */
export function errorRef(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(4));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('').toUpperCase();
}
