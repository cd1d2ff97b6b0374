import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

// Layering (see docs/architecture.md): imports flow ui/store -> worker -> engine/io, never back.
const noReact = { group: ['react', 'react-dom', 'react/*', 'zustand', 'zustand/*', 'recharts'], message: 'engine/io/worker stay free of React and the store.' };
const noUpperLayers = (...layers) => layers.map((l) => ({ group: [`**/${l}/*`, `**/${l}`], message: `this layer must not import from src/${l}.` }));

export default tseslint.config(
  { ignores: ['scratch/', '.venv-hf/', 'dist/', 'node_modules/', 'public/', 'out/', 'coverage/', 'test-results/', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node }, ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['warn', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noReact, ...noUpperLayers('io', 'worker', 'store', 'ui', 'cli')] }] },
  },
  {
    // io may name the engine's data types (src/engine/types.ts: the decoded contract) but never run engine code.
    files: ['src/io/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [
          noReact,
          ...noUpperLayers('worker', 'store', 'ui', 'cli'),
          { group: ['**/engine/*', '**/engine/**'], message: 'io must not run engine code (type imports of the contract are fine).', allowTypeImports: true },
        ],
      }],
    },
  },
  {
    files: ['src/worker/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noReact, ...noUpperLayers('store', 'ui', 'cli')] }] },
  },
  {
    files: ['src/store/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...noUpperLayers('ui', 'cli'), { group: ['@tensorflow/*'], message: 'the store holds no tensors: talk to the worker.' }] }] },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noReact, ...noUpperLayers('store', 'ui', 'worker')] }] },
  },
);
