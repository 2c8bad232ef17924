import type { Metadata } from "next";
import "./globals.css";

export const metadata: Metadata = { title: "Tollgate", description: "LLM API gateway: users, keys and budgets" };

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
