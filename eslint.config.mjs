import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

// Next's own rules (React, hooks, a11y, Next, TypeScript), and the layer rules of
// shared/ARCHITECTURE.md that a reviewer would otherwise have to catch by eye.

// An empty collection made at module level is state that grows at run time (a constant lookup table
// built from a literal list is not).
const moduleLevel = (what) => [
  `Program > VariableDeclaration > VariableDeclarator > NewExpression[callee.name=/^(${what})$/][arguments.length=0]`,
  `Program > ExportNamedDeclaration > VariableDeclaration > VariableDeclarator > NewExpression[callee.name=/^(${what})$/][arguments.length=0]`,
];

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true }],
    },
  },
  {
    // Server code: state both bundles must see goes through lib/shared; only lib/config reads the environment.
    files: ["lib/**/*.{ts,tsx}", "db/**/*.ts", "app/**/*.{ts,tsx}", "components/**/*.{ts,tsx}", "middleware.ts"],
    ignores: ["lib/shared.ts", "lib/config/**"],
    rules: {
      "no-restricted-syntax": [
        "error",
        ...moduleLevel("Map|Set|WeakMap").map((selector) => ({
          selector,
          message: "Module-level collections exist once per bundle: keep shared state in shared(name, init) (lib/shared.ts).",
        })),
        { selector: "Identifier[name='globalThis']", message: "Use shared(name, init) from lib/shared.ts for process-wide state." },
        { selector: "MemberExpression[object.name='process'][property.name='env']", message: "Only lib/config reads process.env; take the value from config()." },
      ],
    },
  },
  {
    // Dependencies point one way: app → components → lib → db.
    files: ["components/**/*.{ts,tsx}"],
    rules: { "no-restricted-imports": ["error", { patterns: [{ group: ["@/app/*"], message: "components/ never imports from app/: take the action as a prop, or move the component beside its route (_components/)." }] }] },
  },
  {
    files: ["lib/**/*.{ts,tsx}", "db/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [{ group: ["@/app/*", "@/components/*"], message: "lib/ and db/ never import from app/ or components/." }] }] },
  },
  globalIgnores([".next/**", "dist/**", "data/**", "test-results/**", "node_modules/**", "next-env.d.ts"]),
]);
