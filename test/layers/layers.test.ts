// The layering rules in eslint.config.js really reject what they are meant to reject.
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const eslint = new ESLint()

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message)
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
})
