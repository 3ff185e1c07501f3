// The Electron shell (src/main/index.ts) is never run here: the Electron binary is not installed. Its wiring
// is exercised anyway: the main bundle is built as `electron-vite build` builds it (the project's
// electron.vite.config.ts, through electron-vite's own config resolution), then run under plain Node in a
// child process with `electron` resolved to a recording stand-in (test/helpers/electron-standin). The
// stand-in records what the shell registers and calls it as Electron would: IPC from a given frame,
// permission requests and checks, navigations, protocol requests, a quit. A shell that no longer builds
// (a bad import, a renamed export) fails the build here; one that no longer starts fails every test.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { runInNewContext } from 'node:vm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { IPC_PREFIX, METHOD_NAMES } from '../../src/shared/contract'
import { tempDir } from '../helpers/core'

const ROOT = resolve(import.meta.dirname, '../..')
const STANDIN = join(ROOT, 'test/helpers/electron-standin')
// Inside the project, so that the bundle's external packages (better-sqlite3, zod, yazl…) resolve from
// its node_modules as they do from out/main.
mkdirSync(join(ROOT, 'node_modules/.cache'), { recursive: true })
const OUT = mkdtempSync(join(ROOT, 'node_modules/.cache/bs-electron-shell-'))

function run(command: string, args: string[]): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('error', fail)
    child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${stderr}`))))
  })
}

interface Reply {
  type: 'reply'
  id: number
  ok: boolean
  value?: unknown
  error?: string
}
interface Exiting {
  type: 'exiting'
  code: number
  timeline: string[]
  dataFiles: string[]
}
interface Snapshot {
  timeline: string[]
  privilegedSchemes: { scheme: string; privileges: Record<string, boolean> }[]
  userData: string | null
  ipcChannels: string[]
  protocols: string[]
  headersReceived: boolean
  permissionRequest: boolean
  permissionCheck: boolean
  errorBoxes: { title: string; content: string }[]
  exits: number[]
  appListeners: Record<string, number>
  windows: {
    options: { webPreferences?: Record<string, unknown> }
    loadedUrl: string | null
    windowOpenHandler: boolean
    webContentsListeners: Record<string, number>
  }[]
}

/** The main bundle running under the stand-in, in a child process, driven over its IPC channel. */
class Shell {
  readonly child: ChildProcess
  readonly dataDir: string
  stderr = ''
  exiting: Exiting | null = null
  readonly exited: Promise<number | null>
  private next = 0
  private readonly pending = new Map<number, (r: Reply) => void>()

  constructor(env: Record<string, string> = {}, dataDir = tempDir()) {
    this.dataDir = dataDir
    const childEnv: NodeJS.ProcessEnv = { ...process.env, BATCH_STUDIO_DATA_DIR: dataDir, BS_STANDIN_APP_PATH: ROOT }
    delete childEnv.ELECTRON_RENDERER_URL
    this.child = spawn(process.execPath, ['--import', pathToFileURL(join(STANDIN, 'register.mjs')).href, join(OUT, 'main/index.js')], {
      cwd: ROOT,
      env: { ...childEnv, ...env },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc']
    })
    this.child.stderr!.on('data', (c: Buffer) => (this.stderr += c.toString()))
    this.child.on('message', (m: Reply | Exiting) => {
      if (m.type === 'reply') this.pending.get(m.id)?.(m)
      else this.exiting = m
    })
    // 'close', not 'exit': messages still in the IPC channel arrive before it.
    this.exited = new Promise((r) => this.child.once('close', (code) => r(code)))
    void this.exited.then(() => this.pending.forEach((settle, id) => settle({ type: 'reply', id, ok: false, error: `the shell exited: ${this.stderr}` })))
  }

  call(cmd: string, args: Record<string, unknown> = {}): Promise<Reply> {
    const id = ++this.next
    return new Promise<Reply>((settle) => {
      const timer = setTimeout(() => settle({ type: 'reply', id, ok: false, error: `no answer to ${cmd} in 10 s; stderr: ${this.stderr}` }), 10_000)
      this.pending.set(id, (r) => {
        clearTimeout(timer)
        this.pending.delete(id)
        settle(r)
      })
      if (this.child.connected) this.child.send({ id, cmd, ...args })
    })
  }

  async snapshot(): Promise<Snapshot> {
    const r = await this.call('snapshot')
    if (!r.ok) throw new Error(r.error)
    return r.value as Snapshot
  }

  /** Waits until the shell has opened its window (the last step of its start), or fails with why not. */
  async started(): Promise<Snapshot> {
    const deadline = Date.now() + 30_000
    for (;;) {
      if (this.child.exitCode !== null) throw new Error(`the shell exited (${this.child.exitCode}) while starting:\n${this.stderr}`)
      const s = await this.snapshot()
      if (s.errorBoxes.length) throw new Error(`the shell showed an error: ${JSON.stringify(s.errorBoxes)}\n${this.stderr}`)
      if (s.windows.length > 0) return s
      if (Date.now() > deadline) throw new Error(`the shell did not open its window in 30 s: ${JSON.stringify(s)}\n${this.stderr}`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  /** An ipcRenderer.invoke of `method` from a frame at `senderUrl`. */
  invoke(method: string, senderUrl: string | null, arg?: unknown): Promise<Reply> {
    return this.call('invoke', { channel: `${IPC_PREFIX}${method}`, senderUrl, arg })
  }

  stop(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL')
  }
}

const shells: Shell[] = []
const shell = (env?: Record<string, string>, dataDir?: string) => {
  const s = new Shell(env, dataDir)
  shells.push(s)
  return s
}

beforeAll(async () => {
  await run(process.execPath, [join(STANDIN, 'build-main.mjs'), OUT])
  // The renderer is built by another step (vite); the shell serves whatever out/renderer holds.
  mkdirSync(join(OUT, 'renderer'))
  writeFileSync(join(OUT, 'renderer/index.html'), '<!doctype html><html><head><title>Batch Studio</title></head><body><div id="root"></div></body></html>')
}, 180_000)

afterAll(() => {
  shells.forEach((s) => s.stop())
  rmSync(OUT, { recursive: true, force: true })
})

const OUR_PAGE = 'bs-app://app/'
const FOREIGN = [
  'https://evil.example/',
  'bs-app://app.evil.example/',
  'bs-app://evil/',
  'file:///etc/passwd',
  'http://localhost:5173/',
  'about:blank',
  'not a url',
  null
]

describe('the desktop shell, built and run with a stand-in for electron', () => {
  let app: Shell
  let snap: Snapshot
  beforeAll(async () => {
    app = shell()
    snap = await app.started()
  }, 60_000)

  it('opens one sandboxed, context-isolated window without Node, with the built preload, on its own scheme', () => {
    expect(snap.windows).toHaveLength(1)
    const prefs = snap.windows[0].options.webPreferences ?? {}
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false })
    expect(prefs.webSecurity).not.toBe(false)
    expect(prefs.nodeIntegrationInSubFrames ?? false).toBe(false)
    expect(prefs.preload).toBe(join(OUT, 'preload/index.cjs'))
    expect(existsSync(prefs.preload as string)).toBe(true)
    expect(snap.windows[0].loadedUrl).toBe(OUR_PAGE)
    expect(snap.windows[0].windowOpenHandler).toBe(true)
    expect(snap.windows[0].webContentsListeners['will-navigate']).toBe(1)
    expect(snap.userData).toBe(app.dataDir)
    expect(snap.errorBoxes).toEqual([])
    expect(snap.timeline.slice(0, 2)).toEqual(['whenReady', 'BrowserWindow'])
  })

  it('registers one IPC handler for every method of the contract, and nothing else', () => {
    expect([...snap.ipcChannels].sort()).toEqual(METHOD_NAMES.map((m) => `${IPC_PREFIX}${m}`).sort())
  })

  it('refuses every method called from any page but its own, before doing anything', async () => {
    for (const method of METHOD_NAMES) {
      for (const sender of FOREIGN) {
        const r = await app.invoke(method, sender, { prompts: ['from a foreign page'] })
        expect(r.ok, `${method} from ${sender}`).toBe(false)
        expect(r.error, `${method} from ${sender}`).toMatch(/IPC from an unexpected page/)
      }
    }
    // Nothing was queued by the foreign calls; the own page is answered, and its arguments validated.
    const jobs = await app.invoke('listJobs', OUR_PAGE, {})
    expect(jobs).toMatchObject({ ok: true, value: { total: 0 } })
    expect(await app.invoke('getSettings', `${OUR_PAGE}queue?x=1`)).toMatchObject({ ok: true, value: { defaultProvider: expect.any(String) } })
    expect((await app.invoke('cancelJobs', OUR_PAGE, { ids: 'all' })).error).toMatch(/Invalid argument to cancelJobs: ids/)
    const queued = await app.invoke('queuePrompts', OUR_PAGE, { prompts: ['a fox'], provider: 'demo' })
    expect(queued).toMatchObject({ ok: true, value: { jobIds: [expect.any(Number)] } })
  })

  it('registers privileged schemes and handlers for the app scheme and the asset scheme', async () => {
    expect(snap.privilegedSchemes.map((s) => s.scheme).sort()).toEqual(['bs-app', 'bs-asset'])
    expect(snap.privilegedSchemes.find((s) => s.scheme === 'bs-app')?.privileges).toMatchObject({ standard: true, secure: true })
    expect([...snap.protocols].sort()).toEqual(['bs-app', 'bs-asset'])
    expect((await app.call('protocol', { scheme: 'bs-asset', url: 'bs-asset://asset/999999/file' })).value).toEqual({
      status: 404,
      body: 'File missing on disk'
    })
    expect((await app.call('protocol', { scheme: 'bs-asset', url: 'bs-asset://asset/../../etc/passwd' })).value).toMatchObject({ status: 404 })
    const page = await app.call('protocol', { scheme: 'bs-app', url: 'bs-app://app/' })
    expect(page.ok, page.error).toBe(true)
    expect(page.value).toMatchObject({ status: 200, body: expect.stringContaining('<div id="root">') })
    // Every response without its own policy gets the app's Content-Security-Policy.
    const headers = (await app.call('headers', { responseHeaders: { 'content-type': ['text/html'] } })).value as { responseHeaders: Record<string, string[]> }
    expect(headers.responseHeaders['Content-Security-Policy']?.[0]).toMatch(/default-src/)
  })

  it('denies every permission request and check, but copying and full screen for its own page', async () => {
    const denied = [
      'media',
      'geolocation',
      'notifications',
      'midi',
      'midiSysex',
      'pointerLock',
      'openExternal',
      'clipboard-read',
      'display-capture',
      'hid',
      'serial',
      'usb',
      'idle-detection',
      'storage-access',
      'unknown'
    ]
    for (const permission of denied) {
      expect((await app.call('permissionRequest', { permission, url: OUR_PAGE })).value, permission).toBe(false)
      expect((await app.call('permissionCheck', { permission, origin: 'bs-app://app' })).value, permission).toBe(false)
    }
    for (const permission of ['fullscreen', 'clipboard-sanitized-write']) {
      expect((await app.call('permissionRequest', { permission, url: `${OUR_PAGE}gallery` })).value, permission).toBe(true)
      expect((await app.call('permissionCheck', { permission, origin: 'bs-app://app' })).value, permission).toBe(true)
      for (const foreign of ['https://evil.example', 'bs-app://app.evil.example', 'file://']) {
        expect((await app.call('permissionRequest', { permission, url: `${foreign}/` })).value, `${permission} for ${foreign}`).toBe(false)
        expect((await app.call('permissionCheck', { permission, origin: foreign })).value, `${permission} for ${foreign}`).toBe(false)
      }
    }
  })

  it('keeps the window on its own page: other navigations are stopped, new windows denied', async () => {
    expect((await app.call('navigate', { url: 'https://evil.example/' })).value).toEqual({ prevented: true })
    expect((await app.call('navigate', { url: 'bs-app://app.evil.example/' })).value).toEqual({ prevented: true })
    expect((await app.call('navigate', { url: 'bs-app://app/gallery' })).value).toEqual({ prevented: false })
    expect((await app.call('windowOpen', { url: 'https://example.com/' })).value).toEqual({ action: 'deny' })
    expect((await app.call('windowOpen', { url: 'bs-app://app/' })).value).toEqual({ action: 'deny' })
  })
})

describe('the desktop shell with the dev server renderer', () => {
  it('compares the dev renderer origin exactly', async () => {
    const dev = shell({ ELECTRON_RENDERER_URL: 'http://localhost:5173' })
    const snap = await dev.started()
    expect(snap.windows[0].loadedUrl).toBe('http://localhost:5173')
    for (const sender of [
      'http://localhost:5173.evil.com/',
      'http://localhost:51730/',
      'http://localhost:5173@evil.com/',
      'https://localhost:5173/',
      'bs-app://app/'
    ]) {
      expect((await dev.invoke('getSettings', sender)).error, sender).toMatch(/unexpected page/)
      expect((await dev.call('permissionCheck', { permission: 'fullscreen', origin: sender.replace(/\/$/, '') })).value, sender).toBe(false)
    }
    expect((await dev.call('navigate', { url: 'http://localhost:5173.evil.com/' })).value).toEqual({ prevented: true })
    expect(await dev.invoke('getSettings', 'http://localhost:5173/')).toMatchObject({ ok: true })
    expect(await dev.invoke('getSettings', 'http://localhost:5173/#/queue')).toMatchObject({ ok: true })
  }, 60_000)
})

describe('quitting the desktop shell', () => {
  it('closes the core (library written out and unlocked) before the process exits', async () => {
    const app = shell()
    await app.started()
    // Some work first, so that the library has something in its write-ahead log.
    expect(await app.invoke('queuePrompts', OUR_PAGE, { prompts: ['one', 'two'], provider: 'demo' })).toMatchObject({ ok: true })
    await app.call('quit')
    const code = await app.exited
    expect(code).toBe(0)
    const exiting = app.exiting!
    expect(exiting, app.stderr).not.toBeNull()
    // The first quit is held while the core closes (the WAL of the open library is there), then quit again.
    const quits = exiting.timeline.filter((t) => t.startsWith('quit()') || t === 'before-quit prevented' || t === 'exit')
    expect(quits).toEqual(['quit() with library.sqlite-wal', 'before-quit prevented', 'quit() with no WAL file', 'exit'])
    // At exit the library is closed: no WAL, no owner's pid file.
    expect(exiting.dataFiles).not.toContain('library.sqlite-wal')
    expect(exiting.dataFiles).not.toContain('library.lock')
    expect(exiting.dataFiles).toContain('library.sqlite')
  }, 60_000)
})

describe('a desktop shell whose library cannot open', () => {
  it('says so in an error box and exits with 1', async () => {
    const notAFolder = join(tempDir(), 'file')
    writeFileSync(notAFolder, 'not a folder')
    const app = shell({}, notAFolder)
    expect(await app.exited).toBe(1)
    expect(app.exiting).toMatchObject({ code: 1 })
    expect(app.stderr).toMatch(/error box: Batch Studio could not open its library/)
  }, 60_000)
})

describe('the preload, built', () => {
  it('needs nothing but electron and exposes exactly the contract, each method an invoke on its channel', async () => {
    const code = readFileSync(join(OUT, 'preload/index.cjs'), 'utf8')
    const exposed = new Map<string, Record<string, unknown>>()
    const invokes: [string, unknown][] = []
    const listeners = new Map<string, (e: unknown, message: unknown) => void>()
    const electron = {
      contextBridge: { exposeInMainWorld: (key: string, value: Record<string, unknown>) => exposed.set(key, value) },
      ipcRenderer: {
        invoke: (channel: string, arg: unknown) => (invokes.push([channel, arg]), Promise.resolve(`answer to ${channel}`)),
        on: (channel: string, listener: (e: unknown, message: unknown) => void) => listeners.set(channel, listener)
      }
    }
    // A sandboxed preload gets a require that knows only a few modules; the build must need only electron.
    const require = (id: string) => {
      if (id === 'electron') return electron
      throw new Error(`a sandboxed preload cannot require ${id}`)
    }
    const module = { exports: {} }
    const globals = { console, setTimeout, clearTimeout, queueMicrotask, URL, TextEncoder, TextDecoder, Promise }
    ;(runInNewContext(`(function (require, module, exports) {${code}\n})`, globals) as (r: typeof require, m: typeof module, e: object) => void)(
      require,
      module,
      module.exports
    )

    expect([...exposed.keys()]).toEqual(['batchStudio'])
    const bridge = exposed.get('batchStudio')!
    expect(Object.keys(bridge).sort()).toEqual([...METHOD_NAMES, 'on', 'assetUrl'].sort())
    for (const method of METHOD_NAMES) {
      expect(await (bridge[method] as (a: unknown) => Promise<unknown>)({ x: method })).toBe(`answer to ${IPC_PREFIX}${method}`)
    }
    expect(invokes).toEqual(METHOD_NAMES.map((m) => [`${IPC_PREFIX}${m}`, { x: m }]))
    const seen: unknown[] = []
    const off = (bridge.on as (e: string, l: (p: unknown) => void) => () => void)('notice', (p) => seen.push(p))
    listeners.get(`${IPC_PREFIX}event`)!({}, { event: 'notice', payload: { level: 'info', message: 'hi' } })
    listeners.get(`${IPC_PREFIX}event`)!({}, { event: 'countsChanged', payload: {} })
    off()
    listeners.get(`${IPC_PREFIX}event`)!({}, { event: 'notice', payload: { level: 'info', message: 'after' } })
    expect(seen).toEqual([{ level: 'info', message: 'hi' }])
    expect((bridge.assetUrl as (id: number, v: string) => string)(5, 'thumb')).toBe('bs-asset://asset/5/thumb')
  })
})
