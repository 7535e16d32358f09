/**
 * The dashboard's cookies: the session (HttpOnly, Secure, SameSite=Lax, path `/`) and the
 * short-lived OAuth state cookie.
 */
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { SESSION_COOKIE } from './session';

/** Sets the session cookie to expire with the session. */
export function setSessionCookie(c: Context, id: string, expiresAt: number): void {
  setCookie(c, SESSION_COOKIE, id, { httpOnly: true, secure: true, sameSite: 'Lax', path: '/', expires: new Date(expiresAt) });
}

/** Removes the session cookie. */
export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { httpOnly: true, secure: true, sameSite: 'Lax', path: '/' });
}
