// Lint, and the layering of the code enforced rather than hoped for (as VS Code's layers checker does):
// a folder's name says which runtime its code may use.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import globals from 'globals'
import { builtinModules } from 'node:module'

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)]

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
      'no-restricted-imports': ['error', {
        paths: [...nodeBuiltins, 'electron', 'better-sqlite3', 'ws', 'sharp', 'react'].map((name) => ({ name, message: 'src/shared is the contract: it runs in every process, so it may only import zod and other src/shared files.' })),
        patterns: [{ group: ['../main/*', '../renderer/*', '../preload/*'], message: 'src/shared may not depend on a process-specific folder.' }]
      }]
    }
  },
  {
    files: ['src/main/**'],
    ignores: ['src/main/index.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'Only src/main/index.ts (the Electron shell) may import electron: the core runs in plain Node.' }, { name: 'electron-store', message: 'Only the Electron shell may use electron-store.' }],
        patterns: [{ group: ['**/renderer/**', '**/preload/**'], message: 'Main code may not import renderer or preload code.' }]
      }]
    }
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', {
        paths: [...nodeBuiltins, 'electron', 'better-sqlite3', 'ws', 'sharp'].map((name) => ({ name, message: 'The renderer runs in a sandboxed browser page: no Node built-ins or Node-only packages.' })),
        patterns: [
          { group: ['**/main/**', '**/preload/**'], message: 'The renderer talks to main only through the contract in src/shared.' },
          { group: ['**/shared/contract'], allowTypeImports: true, message: 'Import only types from the contract in the renderer (runtime values are in shared/model): it would bundle zod.' }
        ]
      }]
    }
  },
  {
    files: ['src/preload/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: nodeBuiltins.map((name) => ({ name, message: 'A sandboxed preload can only use electron.' })),
        patterns: [{ group: ['**/main/**', '**/renderer/**'], message: 'The preload exposes the contract only.' }]
      }]
    }
  }
)
