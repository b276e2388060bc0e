// Next.js configuration. pg is a Node server dependency: keep it out of the bundles.
/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Cache Components: `use cache` keeps the dashboard's answers until a refresh changes them
  // (lib/dashboard/answer-cache.ts). Every route still runs at request time (lib/http/respond.ts).
  experimental: { useCache: true },
  // The in-memory LRU behind `use cache` under `next start` (Next.js's default, stated here because
  // the answers cache relies on it for its bound): least recently used answers go first.
  cacheMaxMemorySize: 50 * 1024 * 1024,
  serverExternalPackages: ['pg'],
};

export default nextConfig;
