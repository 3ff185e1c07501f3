// Lint, and the layering of the code enforced rather than hoped for (as VS Code's layers checker does):
// a folder's name says which runtime its code may use.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import globals from 'globals'
import { builtinModules } from 'node:module'

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)]

const MAIN_PATHS = [
  { name: 'electron', message: 'Only src/main/index.ts (the Electron shell) may import electron: the core runs in plain Node.' },
  { name: 'electron-store', message: 'Only the Electron shell may use electron-store.' }
]
const MAIN_PATTERNS = [{ group: ['**/renderer/**', '**/preload/**'], message: 'Main code may not import renderer or preload code.' }]
const SQL_PATHS = [{ name: 'better-sqlite3', message: 'Only src/main/core/storage opens the library and runs SQL: ask the Store.' }]
const SQL_PATTERNS = [{ group: ['**/storage/db'], message: 'Only src/main/core/storage opens the library and runs SQL: ask the Store.' }]

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'native/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off'
    }
  },
  {
    files: ['src/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...nodeBuiltins, 'electron', 'better-sqlite3', 'ws', 'sharp', 'react'].map((name) => ({
            name,
            message: 'src/shared is the contract: it runs in every process, so it may only import zod and other src/shared files.'
          })),
          patterns: [{ group: ['../main/*', '../renderer/*', '../preload/*'], message: 'src/shared may not depend on a process-specific folder.' }]
        }
      ]
    }
  },
  {
    files: ['src/main/**'],
    ignores: ['src/main/index.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: MAIN_PATHS, patterns: MAIN_PATTERNS }]
    }
  },
  {
    // The core is the domain and its infrastructure: the entry points (the Electron shell, the headless
    // bridge, the CLI) and serving the renderer build on it, never the other way round; the Demo's
    // simulator is handed in (its types may be named, its code never loaded).
    files: ['src/main/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...MAIN_PATHS, ...SQL_PATHS],
          patterns: [
            ...MAIN_PATTERNS,
            {
              group: ['**/cli', '**/cli/**', '**/headless', '**/headless/**', '**/serve/**'],
              message: 'The core may not import the CLI, the headless bridge or the renderer server: they are built on it.'
            },
            {
              group: ['**/demo/**'],
              allowTypeImports: true,
              message: 'The core may not load the simulator: the entry point hands it in (CoreOptions.startSimulator); only its types may be named.'
            },
            ...SQL_PATTERNS
          ]
        }
      ]
    }
  },
  {
    // Only the storage folder opens the library and runs SQL: everything else asks the store by name.
    files: ['src/main/core/storage/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: MAIN_PATHS,
          patterns: [
            ...MAIN_PATTERNS,
            { group: ['**/cli', '**/cli/**', '**/headless', '**/headless/**', '**/serve/**', '**/demo/**'], message: 'Storage depends on nothing above it.' }
          ]
        }
      ]
    }
  },
  {
    files: ['src/main/cli/**', 'src/main/headless/**', 'src/main/serve/**', 'src/main/demo/**', 'src/main/*.ts'],
    ignores: ['src/main/index.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [...MAIN_PATHS, ...SQL_PATHS], patterns: [...MAIN_PATTERNS, ...SQL_PATTERNS] }]
    }
  },
  {
    // SQL runs in src/main/core/storage only: a `.prepare()`, `.exec()`, `.pragma()` or `.transaction()` on
    // the database anywhere else in main is a store method that is missing.
    files: ['src/main/**'],
    ignores: ['src/main/core/storage/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'CallExpression[callee.property.name=/^(prepare|pragma|transaction)$/]',
          message: 'Only src/main/core/storage runs SQL: give the Store a method for this.'
        },
        {
          selector: "MemberExpression[property.name='db']",
          message: 'The Store keeps its database to itself (Store.db is private): give the Store a method for this.'
        },
        {
          selector: "MemberExpression[property.name='sql']",
          message: "Store.sql is for the storage folder's own tables: give the Store (or a storage module) a method for this."
        }
      ]
    }
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...nodeBuiltins, 'electron', 'better-sqlite3', 'ws', 'sharp'].map((name) => ({
            name,
            message: 'The renderer runs in a sandboxed browser page: no Node built-ins or Node-only packages.'
          })),
          patterns: [
            { group: ['**/main/**', '**/preload/**'], message: 'The renderer talks to main only through the contract in src/shared.' },
            {
              group: ['**/shared/contract'],
              allowTypeImports: true,
              message: 'Import only types from the contract in the renderer (runtime values are in shared/model): it would bundle zod.'
            }
          ]
        }
      ]
    }
  },
  {
    files: ['src/preload/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'A sandboxed preload can only use electron.' })),
          patterns: [{ group: ['**/main/**', '**/renderer/**'], message: 'The preload exposes the contract only.' }]
        }
      ]
    }
  }
)
