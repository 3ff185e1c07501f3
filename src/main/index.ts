// The Electron shell, kept thin: a sandboxed window, IPC handlers generated from the contract (every
// argument validated here), the asset protocol, settings through electron-store and keys through
// safeStorage, desktop notifications and taskbar progress. Everything else is
// the plain-Node core that headless mode, the CLI and the tests also run.
import { app, BrowserWindow, dialog, ipcMain, net, Notification, protocol, safeStorage, session, shell } from 'electron'
import ElectronStore from 'electron-store'
import { existsSync } from 'node:fs'
import { dirname, join, resolve, sep } from 'node:path'
import { pathToFileURL } from 'node:url'
import { desktopAssetUrl, parseDesktopAssetUrl } from '../shared/assetUrl'
import {
  ACTIVE_STATUSES,
  ASSET_SCHEME,
  EVENT_NAMES,
  IPC_PREFIX,
  METHOD_NAMES,
  parseArg,
  TERMINAL_STATUSES,
  type MethodName,
  type PathPurpose
} from '../shared/contract'
import { Core } from './core/core'
import { startSimulator } from './demo/server'
import { sealedKeys } from './core/settings/keys'
import { rendererPages } from './serve/firstScreen'
import { rendererResponse } from './serve/rendererFiles'
import { defaultDataDir } from './core/storage/paths'
import type { SettingsStore, StoredSettings } from './core/settings/settings'
import { contentSecurityPolicy } from '../shared/csp'

// The built renderer is served over its own scheme rather than file://: only http(s) and schemes with the
// codeCache privilege keep V8's compiled code between starts, so every start after the first skips
// compiling the bundle, and no other file on disk counts as our page.
const APP_SCHEME = 'bs-app'
const APP_ORIGIN = `${APP_SCHEME}://app`
protocol.registerSchemesAsPrivileged([
  { scheme: ASSET_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }
])
const POLICY = contentSecurityPolicy(ASSET_SCHEME)

// The last line of defence: every known failure is handled where it happens (a job's history, a notice), so
// one that slips through is logged with its stack for a bug report, and the queue keeps running.
process.on('unhandledRejection', (reason) => console.error('Batch Studio: an unexpected error was not handled (the app keeps running):', reason))

const dataDir = defaultDataDir()
app.setPath('userData', dataDir)

/** Paths the user chose in main's own dialog: the only export destinations and output folders the window may name. */
const chosenPaths = new Set<string>()

const desktop = {
  openPath: (path: string) => shell.openPath(path),
  showItemInFolder: (path: string) => shell.showItemInFolder(path),
  async choosePath(purpose: PathPurpose, suggested?: string): Promise<string | null> {
    const win = BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0]
    const chosen =
      purpose === 'export-zip'
        ? (
            await dialog.showSaveDialog(win, {
              defaultPath: suggested,
              filters: [{ name: 'ZIP', extensions: ['zip'] }],
              properties: ['createDirectory', 'showOverwriteConfirmation']
            })
          ).filePath
        : (await dialog.showOpenDialog(win, { defaultPath: suggested, properties: ['openDirectory', 'createDirectory'] })).filePaths[0]
    if (!chosen) return null
    chosenPaths.add(resolve(chosen))
    return chosen
  }
}

/**
 * A renderer that names a path main's dialog did not give it (a compromised page) is refused, except inside
 * the output folder (the export's default place) and the output folder it already has.
 */
function refuseUnchosenPath(name: MethodName, arg: unknown, outputRoot: string): void {
  const path =
    name === 'startExport' || name === 'exportSheet'
      ? (arg as { destination: string }).destination
      : name === 'updateSettings'
        ? (arg as { outputRoot?: string }).outputRoot
        : undefined
  if (path === undefined) return
  const full = resolve(path)
  const root = resolve(outputRoot)
  // An export folder is chosen as its parent; the export is written inside it.
  const chosen =
    chosenPaths.has(full) || ((name === 'startExport' || name === 'exportSheet') && (chosenPaths.has(dirname(full)) || full.startsWith(root + sep)))
  if (!chosen && full !== root) throw new Error('Choose the path with the dialog (Choose…)')
}

function electronStoreSettings(): SettingsStore {
  const store = new ElectronStore<StoredSettings>({ cwd: dataDir, name: 'config' })
  return { read: () => ({ ...store.store }), write: (next) => (store.store = next) }
}

/** The Electron-ABI build of better-sqlite3 made by scripts/electron-native.mjs at install or start. */
function nativeBinding(): string | undefined {
  const file = join(app.getAppPath(), 'native', `electron-${process.versions.electron}-${process.platform}-${process.arch}`, 'better_sqlite3.node')
  return existsSync(file) ? file : undefined
}

const rendererUrl = process.env.ELECTRON_RENDERER_URL

/** scheme://host[:port] of a URL, or null; the WHATWG origin of a custom scheme is "null", so built here. */
function originOf(url: string): string | null {
  try {
    const u = new URL(url)
    return u.host ? `${u.protocol}//${u.host}` : null
  } catch {
    return null
  }
}
const OUR_ORIGIN = originOf(rendererUrl ?? `${APP_ORIGIN}/`)
/** Compared exactly: a prefix test let `http://localhost:5173.evil.com` pass for the dev server's page. */
const isOurPage = (url: string) => OUR_ORIGIN !== null && originOf(url) === OUR_ORIGIN

/** What the app's own page may be granted: copying a prompt and a video's full-screen button. */
const OUR_PERMISSIONS = new Set(['clipboard-sanitized-write', 'fullscreen'])

function createWindow(core: Core): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'Batch Studio',
    backgroundColor: '#111318',
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true
    }
  })
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url)
    return { action: 'deny' }
  })
  win.webContents.on('will-navigate', (e, url) => {
    if (!isOurPage(url)) e.preventDefault()
  })
  const unsubscribe = EVENT_NAMES.map((event) => core.on(event, (payload) => win.webContents.send(`${IPC_PREFIX}event`, { event, payload })))
  // Taskbar/dock progress over the work queued since the queue was last empty.
  let baseline: number | null = null
  unsubscribe.push(
    core.on('countsChanged', (counts) => {
      const active = ACTIVE_STATUSES.reduce((n, s) => n + counts[s], 0)
      const ended = TERMINAL_STATUSES.reduce((n, s) => n + counts[s], 0)
      if (active === 0) {
        baseline = null
        win.setProgressBar(-1)
        return
      }
      baseline ??= ended
      win.setProgressBar((ended - baseline) / (ended - baseline + active))
    }),
    core.on('batchFinished', ({ name, done, failed }) => {
      if (Notification.isSupported())
        new Notification({ title: `${name} finished`, body: `${done} done${failed ? `, ${failed} failed or need attention` : ''}` }).show()
    })
  )
  win.on('closed', () => unsubscribe.forEach((u) => u()))
  void win.loadURL(rendererUrl ?? `${APP_ORIGIN}/`)
  return win
}

async function start(): Promise<void> {
  await app.whenReady()
  // Deny every permission (camera, microphone, location, notifications from the page, MIDI, HID…), asked or
  // checked, except the two the app's own page uses.
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(OUR_PERMISSIONS.has(permission) && isOurPage(details.requestingUrl))
  )
  session.defaultSession.setPermissionCheckHandler((_contents, permission, requestingOrigin) => OUR_PERMISSIONS.has(permission) && isOurPage(requestingOrigin))
  session.defaultSession.setDevicePermissionHandler(() => false)
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    // The app protocol's page carries its own policy (POLICY plus its first screen's style attributes).
    const own = Object.keys(details.responseHeaders ?? {}).some((name) => name.toLowerCase() === 'content-security-policy')
    callback({ responseHeaders: own ? details.responseHeaders : { ...details.responseHeaders, 'Content-Security-Policy': [POLICY] } })
  })
  let core: Core
  try {
    core = await Core.open({
      dataDir,
      settings: electronStoreSettings(),
      keys: sealedKeys(join(dataDir, 'keys.json'), safeStorage),
      nativeBinding: nativeBinding(),
      desktop,
      startSimulator
    })
  } catch (err) {
    dialog.showErrorBox(
      'Batch Studio could not open its library',
      `${(err as Error).message}\n\nIf this mentions NODE_MODULE_VERSION, run \`npm start\` again: it rebuilds the database module for Electron.`
    )
    app.exit(1)
    return
  }
  for (const name of METHOD_NAMES) {
    ipcMain.handle(`${IPC_PREFIX}${name}`, (event, raw: unknown) => {
      if (!event.senderFrame || !isOurPage(event.senderFrame.url)) throw new Error('IPC from an unexpected page')
      const arg = parseArg(name, raw)
      refuseUnchosenPath(name, arg, core.settings().outputRoot)
      return (core.api[name] as (a: unknown) => Promise<unknown>)(arg)
    })
  }
  const rendererDir = join(import.meta.dirname, '../renderer')
  const page = await rendererPages(rendererDir, core, desktopAssetUrl, POLICY)
  protocol.handle(APP_SCHEME, (request) => rendererResponse(rendererDir, request.url, POLICY, page))
  protocol.handle(ASSET_SCHEME, (request) => {
    const ref = parseDesktopAssetUrl(request.url)
    const found = ref && core.assetFile(ref.assetId, ref.variant)
    return found ? net.fetch(pathToFileURL(found.path).href) : new Response('File missing on disk', { status: 404 })
  })
  createWindow(core)
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow(core)
  })
  let quitting = false
  app.on('before-quit', (e) => {
    if (quitting) return
    // Let requests in flight store their results before the library closes.
    e.preventDefault()
    quitting = true
    void core.close().finally(() => app.quit())
  })
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})

void start()
