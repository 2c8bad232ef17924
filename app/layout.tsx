import type { Metadata, Viewport } from "next";
import { connection } from "next/server";
import { Toaster } from "@/components/ui/toaster";
import "./globals.css";

export const metadata: Metadata = { title: "Tollgate", description: "LLM API gateway: users, keys and budgets" };
export const viewport: Viewport = { width: "device-width", initialScale: 1, colorScheme: "light dark" };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Nothing is prerendered: every page, the not-found page included, renders per request, because its
  // scripts must carry the nonce of the CSP middleware.ts made for this response (a page built ahead of
  // time would carry none, and its scripts would be refused).
  await connection();
  return (
    <html lang="en">
      <body>
        {children}
        <Toaster />
      </body>
    </html>
  );
}
