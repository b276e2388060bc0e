// Next.js configuration. pg is a Node server dependency: keep it out of the bundles.
/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // `next start` gzips pages, scripts and answers itself (Next.js's default). DASHBOARD_COMPRESS=off
  // leaves that to a proxy in front that compresses (nginx, Caddy): gzip in the app's process costs
  // about a quarter of the kept answers served per second under load (docs/benchmarks.md). On Vercel the edge
  // compresses whatever this says. The answers' routes cannot send gzip of their own: Next.js drops
  // a route handler's Content-Encoding and Content-Length (next/dist/server/send-response.js in 16.4)
  // and would gzip its bytes a second time.
  compress: compressSetting(process.env.DASHBOARD_COMPRESS),
  // The `use cache` directive alone: it keeps the dashboard's answers until a refresh changes them
  // (lib/dashboard/answer-cache.ts). Not the top-level `cacheComponents`, which Next.js 16 prefers
  // (it warns that this flag is deprecated): that would also change how every page and route renders
  // (prerendered by default, no route segment `dynamic`), while every route here runs per request.
  experimental: { useCache: true },
  // The in-memory LRU behind `use cache` under `next start` (Next.js's default, stated here because
  // the answers cache relies on it for its bound): least recently used answers go first.
  cacheMaxMemorySize: 50 * 1024 * 1024,
  serverExternalPackages: ['pg'],
};

/** DASHBOARD_COMPRESS: unset, empty or "on" compresses; "off" does not; anything else stops the start. */
function compressSetting(value) {
  if (value === undefined || value === '' || value === 'on') return true;
  if (value === 'off') return false;
  throw new Error(`DASHBOARD_COMPRESS must be "on" or "off" (got "${value}")`);
}

export default nextConfig;
