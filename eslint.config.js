import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

// Layering (see docs/architecture.md): ui → store / session → worker → engine / io, the cli and bench/ beside
// the page over engine + io; imports never flow back. Test helpers are for tests only.
const noReact = { group: ['react', 'react-dom', 'react/*', 'zustand', 'zustand/*', 'recharts'], message: 'this layer stays free of React and the store.' };
const noTfjs = { group: ['@tensorflow/*'], message: 'no tfjs here: talk to the training session.' };
const noUpperLayers = (...layers) => layers.map((l) => ({ group: [`**/${l}/*`, `**/${l}`], message: `this layer must not import from src/${l}.` }));
const noBench = { group: ['**/bench/*', '**/bench/**'], message: 'src/ never imports bench/ (bench/ imports src/).' };
// session/run_machine.ts is pure (it imports no store): the run slice reduces with it.
const noSessionButMachine = { group: ['**/session/*', '!**/session/run_machine.ts'], message: 'the store holds data: only the run machine is imported from src/session.' };
const noTestHelpers = {
  regex: '(^|/)(testing(\\.tsx?)?|testing/.*|test_[^/]*|fuzz_[^/]*|tiny_sets(\\.ts)?)$',
  message: 'test helpers are for tests: product code never imports them.',
};

const TEST_FILES = ['**/*.test.ts', '**/*.test.tsx', '**/testing.ts', '**/testing.tsx', '**/testing/**', '**/test_*.ts', '**/fuzz_*.ts'];

/** The same layer rule for a folder's product files (plus: no test helpers) and for its tests. */
function layer(root, patterns, rule = 'no-restricted-imports') {
  return [
    { files: [`${root}/**/*.{ts,tsx}`], ignores: TEST_FILES, rules: { [rule]: ['error', { patterns: [...patterns, noTestHelpers] }] } },
    { files: TEST_FILES.map((t) => `${root}/${t}`), rules: { [rule]: ['error', { patterns }] } },
  ];
}

export default tseslint.config(
  { ignores: ['scratch/', 'dist/', 'node_modules/', 'public/', 'out/', 'coverage/', 'test-results/', '.venv-hf/', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node }, ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['warn', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...layer('src/engine', [noReact, ...noUpperLayers('io', 'worker', 'store', 'ui', 'cli', 'session'), noBench]),
  // io may name the engine's data types (the decoded contract, the session payloads) but never run engine code.
  ...layer(
    'src/io',
    [
      noReact,
      ...noUpperLayers('worker', 'store', 'ui', 'cli', 'session'),
      noBench,
      // (tests may build sets with the engine's test helpers)
      { regex: '(^|/)engine/(?!testing/)', message: 'io must not run engine code (type imports of the contract are fine).', allowTypeImports: true },
    ],
    '@typescript-eslint/no-restricted-imports',
  ),
  ...layer('src/worker', [noReact, ...noUpperLayers('store', 'ui', 'cli', 'session'), noBench]),
  ...layer('src/session', [noReact, noTfjs, ...noUpperLayers('ui', 'cli'), noBench]),
  ...layer('src/store', [noTfjs, ...noUpperLayers('ui', 'cli', 'worker'), noSessionButMachine, noBench]),
  ...layer('src/ui', [noTfjs, ...noUpperLayers('cli', 'worker'), noBench]),
  ...layer('src/cli', [noReact, ...noUpperLayers('store', 'ui', 'worker', 'session'), noBench]),
  // bench/ drives the engine like the CLI does; it may use the CLI's Node glue, never the page's layers.
  ...layer('bench', [noReact, ...noUpperLayers('store', 'ui', 'worker', 'session')]),
);
