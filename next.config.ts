import type { NextConfig } from "next";
import { ACTION_BODY_LIMIT_BYTES } from "./lib/config/edge";

const nextConfig: NextConfig = {
  // Native and Node-only modules stay outside the server bundle (piscina starts its threads from its
  // own files; lib/users/hash-worker.cjs, the bcrypt worker, is loaded by path and never bundled;
  // gpt-tokenizer's tables are megabytes of JavaScript that lib/gateway/estimate loads on first use).
  serverExternalPackages: ["@libsql/client", "libsql", "ioredis", "bcryptjs", "nodemailer", "rate-limiter-flexible", "undici", "piscina", "gpt-tokenizer"],
  poweredByHeader: false,
  // Gateway streams (SSE) must leave chunk by chunk; gzip in the app server would hold them back.
  // Compression of pages is left to the reverse proxy in front.
  compress: false,
  experimental: {
    // The create/edit forms post small payloads; keep the action body limit tight.
    serverActions: { bodySizeLimit: ACTION_BODY_LIMIT_BYTES },
  },
};

export default nextConfig;
