// Opens a real core on a temp data folder (real SQLite file, real files, the simulator on loopback).
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Core, type CoreOptions } from '../../src/main/core/core'
import { MemorySettings, type StoredSettings } from '../../src/main/core/settings/settings'
import type { KeySource } from '../../src/main/core/settings/keys'
import { startSimulator } from '../../src/main/demo/server'

export function tempDir(prefix = 'bs-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

export interface TestCoreOptions extends Partial<CoreOptions> {
  stored?: StoredSettings
}

export async function openTestCore(o: TestCoreOptions = {}): Promise<Core> {
  const dataDir = o.dataDir ?? tempDir()
  const keys: KeySource = o.keys ?? { get: () => null }
  return Core.open({
    dataDir,
    settings: o.settings ?? new MemorySettings({ outputRoot: join(dataDir, 'out'), demo: { durationMs: 300, failureRate: 0 }, ...o.stored }),
    keys,
    eventIntervalMs: 20,
    startSimulator,
    ...o
  })
}

export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const start = Date.now()
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`Timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}
