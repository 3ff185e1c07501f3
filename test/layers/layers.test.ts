// The layering rules in eslint.config.js really reject what they are meant to reject.
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const eslint = new ESLint()

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message)
}

async function restrictedSyntax(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  return result.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.message)
}

describe('layering', () => {
  it('keeps electron out of the core', async () => {
    expect(await restrictedImports('src/main/core/x.ts', "import { app } from 'electron'\nexport const a = app\n")).toHaveLength(1)
  })

  it('lets the Electron shell import electron', async () => {
    expect(await restrictedImports('src/main/index.ts', "import { app } from 'electron'\nexport const a = app\n")).toHaveLength(0)
  })

  it('keeps Node built-ins out of the renderer', async () => {
    const code = "import { readFileSync } from 'node:fs'\nimport path from 'path'\nexport const a = [readFileSync, path]\n"
    expect(await restrictedImports('src/renderer/src/x.ts', code)).toHaveLength(2)
  })

  it('keeps runtime dependencies out of the shared contract', async () => {
    const code = "import { createHash } from 'node:crypto'\nimport { Store } from '../main/core/store'\nexport const a = [createHash, Store]\n"
    expect(await restrictedImports('src/shared/x.ts', code)).toHaveLength(2)
  })

  it('allows zod in the shared contract', async () => {
    expect(await restrictedImports('src/shared/x.ts', "import { z } from 'zod'\nexport const a = z\n")).toHaveLength(0)
  })

  it('keeps the entry points and the renderer server out of the core', async () => {
    const code =
      "import { run } from '../cli/commands'\nimport { startHeadless } from '../headless/server'\nimport { rendererResponse } from '../serve/rendererFiles'\nexport const a = [run, startHeadless, rendererResponse]\n"
    const messages = await restrictedImports('src/main/core/x.ts', code)
    expect(messages).toHaveLength(3)
    expect(messages[0]).toMatch(/may not import the CLI/)
  })

  it('keeps the simulator code out of the core, while its types may be named', async () => {
    expect(await restrictedImports('src/main/core/jobs/x.ts', "import { startSimulator } from '../../demo/server'\nexport const a = startSimulator\n")).toEqual(
      [expect.stringMatching(/entry point hands it in/)]
    )
    expect(await restrictedImports('src/main/core/x.ts', "import type { Simulator } from '../demo/server'\nexport type A = Simulator\n")).toHaveLength(0)
    expect(await restrictedImports('src/main/headless.ts', "import { startSimulator } from './demo/server'\nexport const a = startSimulator\n")).toHaveLength(0)
  })

  it('lets only storage open the library: better-sqlite3 and storage/db elsewhere are refused', async () => {
    const code = "import Database from 'better-sqlite3'\nimport { openDb } from '../core/storage/db'\nexport const a = [Database, openDb]\n"
    expect(await restrictedImports('src/main/cli/x.ts', code)).toHaveLength(2)
    expect(await restrictedImports('src/main/core/jobs/x.ts', "import Database from 'better-sqlite3'\nexport const a = Database\n")).toHaveLength(1)
    expect(
      await restrictedImports(
        'src/main/core/storage/x.ts',
        "import Database from 'better-sqlite3'\nimport { openDb } from './db'\nexport const a = [Database, openDb]\n"
      )
    ).toHaveLength(0)
  })

  it('lets only storage run SQL or reach the store database', async () => {
    const code = "declare const store: { db: { prepare(s: string): unknown } }\nexport const a = store.db.prepare('SELECT 1')\n"
    expect(await restrictedSyntax('src/main/cli/x.ts', code)).toEqual([
      expect.stringMatching(/Only src\/main\/core\/storage runs SQL/),
      expect.stringMatching(/Store.db is private/)
    ])
    expect(
      await restrictedSyntax(
        'src/main/core/core.ts',
        'declare const d: { transaction(f: () => void): unknown }\nexport const a = d.transaction(() => undefined)\n'
      )
    ).toHaveLength(1)
    expect(await restrictedSyntax('src/main/core/storage/x.ts', code)).toHaveLength(0)
  })
})
