// The page's 503, answered by the proxy (a page cannot choose that status): the same words as the
// page's own error banner, in a small document of its own, with Retry-After.
import { RETRY_AFTER_SECONDS } from './failure';

const STYLE = `body{font-family:system-ui,sans-serif;margin:0;color:#1c1c1c;background:#fafafa}
main{max-width:60rem;margin:0 auto;padding:24px}
.banner{display:flex;justify-content:space-between;align-items:center;gap:12px;padding:10px 12px;border-radius:10px;background:#fdecea;color:#8a1c13}
.button{white-space:nowrap;color:inherit}
@media (prefers-color-scheme:dark){body{color:#eee;background:#121212}.banner{background:#3b1512;color:#ffb4ab}}`;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `nonce`: the request's Content-Security-Policy nonce, which the page's one style element carries. */
export function unavailablePage(message: string, nonce: string): Response {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`
    + `<meta name="robots" content="noindex"><title>Campaign analytics · unavailable</title><style nonce="${escapeHtml(nonce)}">${STYLE}</style></head>`
    + `<body><main class="page"><h1>Campaign analytics</h1><div class="banner error" role="alert" data-testid="error-banner">`
    + `<span>Could not load the dashboard: ${escapeHtml(message)}</span><a class="button" href="">Retry</a></div></main></body></html>`;
  return new Response(html, {
    status: 503,
    headers: { 'content-type': 'text/html; charset=utf-8', 'retry-after': String(RETRY_AFTER_SECONDS), 'cache-control': 'no-store' },
  });
}
