// Starts the real headless app (`tsx src/main/headless.ts`) on a temp data folder and hands its URL to a
// test: the same process a user starts with `npm run headless`.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { StoredSettings } from '../../src/main/core/settings'

export interface HeadlessApp {
  url: string
  dataDir: string
  stop(): Promise<void>
}

export async function startHeadlessApp(settings: StoredSettings = {}): Promise<HeadlessApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bs-e2e-'))
  mkdirSync(dataDir, { recursive: true })
  writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ outputRoot: join(dataDir, 'Pictures'), demo: { durationMs: 1500, failureRate: 0 }, ...settings }))
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/main/headless.ts', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`headless app did not start:\n${output}`)), 30_000)
    child.stdout!.on('data', (d) => {
      output += d
      const m = /Open: (\S+)/.exec(output)
      if (m) {
        clearTimeout(timer)
        resolve(m[1])
      }
    })
    child.stderr!.on('data', (d) => (output += d))
    child.on('exit', (code) => reject(new Error(`headless app exited with ${code}:\n${output}`)))
  })
  return {
    url,
    dataDir,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.on('exit', () => resolve())
        child.kill('SIGTERM')
      })
  }
}
