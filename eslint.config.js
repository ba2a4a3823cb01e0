// ESLint over the front end (static/js) and its tests (tests/js): `make lint`.
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["static/vendor/", ".venv/"] },
  js.configs.recommended,
  {
    rules: {
      "no-var": "error",
      "prefer-const": "error",
      eqeqeq: ["error", "always"],
    },
  },
  {
    files: ["static/js/**/*.js"],
    languageOptions: { globals: globals.browser },
    rules: {
      // A module imported by a relative path gets a URL without its fingerprint, and a second copy
      // of the module beside the one the import map gives everybody else: import by specifier.
      "no-restricted-imports": [
        "error",
        { patterns: [{ regex: "^\\.", message: "Import by specifier (#lib/...), as the import map has it." }] },
      ],
    },
  },
  {
    files: ["tests/js/**/*.js", "eslint.config.js"],
    languageOptions: { globals: globals.node },
  },
];
