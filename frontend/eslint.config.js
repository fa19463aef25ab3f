import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import reactRefresh from 'eslint-plugin-react-refresh';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const crossFeatureMessage = 'A feature must not import another feature; move shared code to src/lib.';
const crossFeatureImport = {
  viaFeaturesFolder: { regex: String.raw`(^|/)features/`, message: crossFeatureMessage },
  sibling: { regex: String.raw`^\.\./(?!\.\./)`, message: crossFeatureMessage },
};

export default defineConfig([
  // src/lib/apiTypes.ts is generated from openapi.json (`npm run gen:api`)
  globalIgnores(['dist', 'node_modules', 'coverage', 'src/lib/apiTypes.ts']),
  {
    files: ['**/*.{ts,tsx}'],
    extends: [
      js.configs.recommended,
      tseslint.configs.strictTypeChecked,
      tseslint.configs.stylisticTypeChecked,
    ],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    extends: [reactHooks.configs.flat.recommended, reactRefresh.configs.vite],
    languageOptions: { globals: globals.browser },
  },
  // Features are self-contained: they use src/lib, never another feature (shared code goes to src/lib).
  {
    files: ['src/features/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { patterns: [crossFeatureImport.viaFeaturesFolder] }] },
  },
  {
    files: ['src/features/*/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [crossFeatureImport.viaFeaturesFolder, crossFeatureImport.sibling] },
      ],
    },
  },
  {
    files: ['e2e/**/*.ts', '*.config.ts'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['**/*.js'],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node },
  },
  // The performance harness runs in node and hands functions to the page (page.evaluate).
  {
    files: ['perf/**/*.js'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
]);
