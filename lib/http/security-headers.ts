// The security headers of every page and API answer, set by proxy.ts. The Content-Security-Policy
// carries a fresh nonce per request: Next.js reads it from the request's copy of the header and puts
// it on its own scripts (the pages are rendered per request), so no other script runs.

/** 16 random bytes, base64: unguessable, new for every request. */
export function newNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}

export interface PolicyOptions {
  /** `next dev`: React needs eval for its error overlay, and the dev tools inject inline styles. */
  development: boolean;
  /** The site is served over https: ask browsers to load any stray http subresource over https. */
  https: boolean;
}

export function contentSecurityPolicy(nonce: string, options: PolicyOptions): string {
  const directives = [
    "default-src 'self'",
    // 'strict-dynamic': scripts our nonce'd scripts load may run; no host list, no inline script.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.development ? " 'unsafe-eval'" : ''}`,
    // Stylesheets from the site and Next.js's nonce'd <style> elements only. A nonce cannot mark a
    // style *attribute*; the charts position their server-rendered parts with them (top/left/height),
    // so attributes stay allowed: they cannot run code, and img-src keeps them from calling out.
    options.development ? "style-src 'self' 'unsafe-inline'" : `style-src 'self' 'nonce-${nonce}'`,
    ...(options.development ? [] : [`style-src-elem 'self' 'nonce-${nonce}'`, "style-src-attr 'unsafe-inline'"]),
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    // Nobody may frame the dashboard (clickjacking of "Refresh now", "Sign out").
    "frame-ancestors 'none'",
    ...(options.https ? ['upgrade-insecure-requests'] : []),
  ];
  return directives.join('; ');
}

/** The security headers, a policy with a nonce of its own included, on a response the proxy did not see. */
export function withSecurityHeaders<R extends Response>(response: R, options: PolicyOptions): R {
  const policy = contentSecurityPolicy(newNonce(), options);
  for (const [name, value] of Object.entries(securityHeaders(policy, options))) response.headers.set(name, value);
  return response;
}

/** Every header the proxy sets on a response, the policy included. */
export function securityHeaders(policy: string, options: Pick<PolicyOptions, 'development'>): Record<string, string> {
  return {
    'Content-Security-Policy': policy,
    // Two years, subdomains too; browsers ignore it over plain http, so development is left alone.
    ...(options.development ? {} : { 'Strict-Transport-Security': 'max-age=63072000; includeSubDomains' }),
    'X-Content-Type-Options': 'nosniff',
    // Sign-in links carry a token in their query: no address of this site is sent to another one.
    'Referrer-Policy': 'same-origin',
    // frame-ancestors' predecessor, for browsers that predate it.
    'X-Frame-Options': 'DENY',
  };
}
