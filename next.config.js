// Next.js configuration. pg is a Node server dependency: keep it out of the bundles.
/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Responses leave `next start` uncompressed: Vercel compresses them at its edge whatever this says,
  // and a self-hosted server belongs behind a reverse proxy that does (nginx `gzip on`, Caddy `encode`).
  // In the app's own process gzip was the largest single cost of a kept answer (a fresh zlib stream
  // and its thread-pool hops for every ~10 kB JSON answer: about a fifth of the server's time under
  // load; docs/benchmarks.md).
  compress: false,
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

export default nextConfig;
