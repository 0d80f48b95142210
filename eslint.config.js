import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "data/", "coverage/", "public/", "test-artifacts/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      eqeqeq: ["error", "always"],
      "no-console": "off",
    },
  },
  {
    files: ["src/pathway/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: ["knex", "express", "node:*", "fs", "../**"] }],
      "no-restricted-properties": ["error", { object: "Date", property: "now", message: "Time comes in as an argument." }],
      "no-restricted-syntax": ["error", { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: "Time comes in as an argument." }],
    },
  },
);
