// Next.js configuration. pg is a Node server dependency: keep it out of the bundles.
/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // `next start` gzips pages, scripts and answers itself (Next.js's default, stated here because an
  // earlier build turned it off): a self-hosted server needs no compressing proxy. The answers' routes
  // cannot send gzip of their own: Next.js drops a route handler's Content-Encoding and Content-Length
  // (next/dist/server/send-response.js in 16.4) and would gzip its bytes a second time.
  compress: true,
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
