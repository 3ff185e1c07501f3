// Starts the real headless app (`tsx src/main/headless.ts`) on a temp data folder and hands its URL to a
// test: the same process a user starts with `npm run headless`.
import { spawn, type ChildProcess } from 'node:child_process'
import dns from 'node:dns'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import type { MethodArg, MethodName, MethodResult } from '../../src/shared/contract'
import type { StoredSettings } from '../../src/main/core/settings/settings'

// The app serves its page on a random <nonce>.localhost host (src/main/headless/server.ts). Every
// *.localhost name is loopback (RFC 6761 §6.3): browsers resolve them so themselves, but Node asks the
// system resolver, which on some systems (glibc without nss-myhostname, as on these machines) does not
// know them. Playwright's own requests (route.fetch) run in this process: they resolve them as the browser.
const isLocalhostName = (host: unknown) => typeof host === 'string' && /\.localhost\.?$/i.test(host)
const systemLookup = dns.lookup
const systemLookupAsync = dns.promises.lookup
dns.lookup = ((host: string, ...rest: unknown[]) =>
  (systemLookup as (...a: unknown[]) => void)(isLocalhostName(host) ? '127.0.0.1' : host, ...rest)) as typeof dns.lookup
dns.promises.lookup = ((host: string, ...rest: unknown[]) =>
  (systemLookupAsync as (...a: unknown[]) => Promise<unknown>)(isLocalhostName(host) ? '127.0.0.1' : host, ...rest)) as typeof dns.promises.lookup

export interface HeadlessApp {
  url: string
  dataDir: string
  /** The headless Node process (for reading its memory from /proc). */
  pid: number
  /** Calls a contract method over the app's HTTP bridge, as the page would (for setting up a test). */
  call<M extends MethodName>(name: M, arg: MethodArg<M>): Promise<MethodResult<M>>
  stop(): Promise<void>
}

export interface HeadlessAppOptions {
  /** An existing data folder (e.g. a library made by bench/library-fixture.ts) instead of a new temp one. */
  dataDir?: string
  /** Extra environment for the app, e.g. `<NAME>_BASE_URL` and `<NAME>_API_KEY` pointing a provider at a simulator. */
  env?: Record<string, string>
}

export async function startHeadlessApp(settings: StoredSettings = {}, options: HeadlessAppOptions = {}): Promise<HeadlessApp> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'bs-e2e-'))
  mkdirSync(dataDir, { recursive: true })
  writeFileSync(
    join(dataDir, 'config.json'),
    JSON.stringify({ outputRoot: join(dataDir, 'Pictures'), demo: { durationMs: 1500, failureRate: 0 }, ...settings })
  )
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/main/headless.ts', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env }
  })
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
  // The page is on a random <nonce>.localhost host (the browser resolves it; Node may not): calls from here
  // go to 127.0.0.1 on the same port, with the token as a Bearer header, as any non-browser client.
  const { port, searchParams } = new URL(url)
  const origin = `http://127.0.0.1:${port}`
  const token = searchParams.get('token') ?? ''
  return {
    url,
    dataDir,
    pid: child.pid!,
    call: async (name, arg) => {
      const res = await fetch(`${origin}/api/${name}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify({ arg })
      })
      const body = (await res.json()) as { ok: boolean; result?: unknown; error?: string }
      if (!body.ok) throw new Error(`${name}: ${body.error}`)
      return body.result as never
    },
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.on('exit', () => resolve())
        child.kill('SIGTERM')
      })
  }
}

/** Collects the page's uncaught errors and console errors; a test ends by expecting none. */
export function pageProblems(page: Page): string[] {
  const problems: string[] = []
  page.on('pageerror', (err) => problems.push(err.message))
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(msg.text())
  })
  return problems
}
