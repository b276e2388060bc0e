// Where a sign-in may send the user next: a path of this site, never another one. Every route that
// takes `next` (the login page, password sign-in, the magic link, /auth/confirm, the dev sign-in)
// goes through safeNext.

/** Where to go when `next` is missing or refused. */
export const HOME = '/';

// Browsers drop tabs and newlines from URLs and read a backslash as a slash, so "/\t/evil.com" and
// "/\evil.com" become "//evil.com": another host. Refused raw and once percent-decoded (a layer that
// decodes again must not find them either).
const UNSAFE = /[\u0000-\u001f\u007f\\]|^\/\//;

/** /auth/* signs in, out or confirms: following there after a sign-in could chain into another account. */
const AUTH_PATHS = /^\/auth(\/|$)/i;

const MAX_LENGTH = 2_048;

function decodedOnce(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}

/**
 * The path (with query and fragment) to redirect to after signing in: `value` resolved against the
 * site's origin, if it stays on it and is plainly a path; otherwise "/". The answer is relative, so
 * the browser keeps the host it is on.
 */
export function safeNext(value: unknown, siteOrigin: string): string {
  if (typeof value !== 'string' || value.length > MAX_LENGTH || !value.startsWith('/')) return HOME;
  const decoded = decodedOnce(value);
  if (decoded === null || UNSAFE.test(value) || UNSAFE.test(decoded)) return HOME;
  let url: URL;
  try {
    url = new URL(value, siteOrigin);
  } catch {
    return HOME;
  }
  if (url.origin !== siteOrigin || AUTH_PATHS.test(url.pathname) || AUTH_PATHS.test(decodedOnce(url.pathname) ?? '/auth')) return HOME;
  return `${url.pathname}${url.search}${url.hash}`;
}
