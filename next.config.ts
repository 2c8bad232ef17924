import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Native and Node-only modules stay outside the server bundle.
  serverExternalPackages: ["@libsql/client", "libsql", "ioredis", "bcryptjs", "nodemailer", "rate-limiter-flexible"],
  poweredByHeader: false,
  experimental: {
    // The create/edit forms post small payloads; keep the action body limit tight.
    serverActions: { bodySizeLimit: "100kb" },
  },
};

export default nextConfig;
