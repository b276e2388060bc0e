// Next.js configuration. pg is a Node server dependency: keep it out of the bundles.
/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  serverExternalPackages: ['pg'],
};

export default nextConfig;
