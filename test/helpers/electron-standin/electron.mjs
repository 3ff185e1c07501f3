// A recording stand-in for the `electron` module, for running the desktop app's built main bundle under
// plain Node (the Electron binary is not installed where the tests run). It implements just what the shell
// and electron-store call, records every registration, and answers a test over the child-process IPC
// channel: what was registered, and "call this handler as Electron would" (an IPC call from a given frame,
// a permission request, a navigation, a protocol request, a quit).
import { EventEmitter } from 'node:events'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const rec = {
  privilegedSchemes: [],
  paths: {},
  ipcHandlers: new Map(),
  ipcListeners: [],
  protocolHandlers: new Map(),
  headersReceived: null,
  permissionRequest: null,
  permissionCheck: null,
  devicePermission: null,
  errorBoxes: [],
  exits: [],
  timeline: [],
  windows: []
}

const dataFiles = () => {
  const dir = rec.paths.userData ?? process.env.BATCH_STUDIO_DATA_DIR
  try {
    return dir && existsSync(dir) ? readdirSync(dir) : []
  } catch {
    return []
  }
}

function report(message, then) {
  if (process.send && process.connected) process.send(message, then)
  else then?.()
}

class App extends EventEmitter {
  readyDone = false
  quitting = false
  setPath(name, path) {
    rec.paths[name] = path
  }
  getPath(name) {
    return rec.paths[name] ?? join(process.env.BATCH_STUDIO_DATA_DIR ?? '.', name)
  }
  getAppPath() {
    return process.env.BS_STANDIN_APP_PATH ?? process.cwd()
  }
  getVersion() {
    return '0.0.0-standin'
  }
  getName() {
    return 'Batch Studio'
  }
  isReady() {
    return true
  }
  whenReady() {
    rec.timeline.push('whenReady')
    this.readyDone = true
    return Promise.resolve()
  }
  requestSingleInstanceLock() {
    return true
  }
  /** As Electron: 'before-quit' (which may be prevented), then 'will-quit', 'quit', and the process ends. */
  quit() {
    let prevented = false
    const event = { preventDefault: () => (prevented = true) }
    rec.timeline.push(
      `quit() with ${
        dataFiles()
          .filter((f) => f.endsWith('-wal'))
          .join(',') || 'no WAL file'
      }`
    )
    this.emit('before-quit', event)
    if (prevented) {
      rec.timeline.push('before-quit prevented')
      return
    }
    this.emit('will-quit', { preventDefault() {} })
    this.emit('quit', {}, 0)
    rec.timeline.push('exit')
    report({ type: 'exiting', code: 0, timeline: rec.timeline, dataFiles: dataFiles() }, () => process.exit(0))
  }
  exit(code = 0) {
    rec.exits.push(code)
    rec.timeline.push(`exit(${code})`)
    report({ type: 'exiting', code, timeline: rec.timeline, dataFiles: dataFiles() }, () => process.exit(code))
  }
  setAppUserModelId() {}
}
export const app = new App()

class WebContents extends EventEmitter {
  static nextId = 1
  id = WebContents.nextId++
  windowOpenHandler = null
  sent = []
  session = null
  setWindowOpenHandler(handler) {
    this.windowOpenHandler = handler
  }
  send(channel, payload) {
    this.sent.push(channel)
    void payload
  }
  getURL() {
    return this.url ?? ''
  }
  isDestroyed() {
    return false
  }
}

export class BrowserWindow extends EventEmitter {
  static all = []
  static getAllWindows() {
    return [...BrowserWindow.all]
  }
  constructor(options = {}) {
    super()
    this.options = options
    this.webContents = new WebContents()
    this.progress = []
    BrowserWindow.all.push(this)
    rec.windows.push(this)
    rec.timeline.push('BrowserWindow')
  }
  loadURL(url) {
    this.webContents.url = url
    this.loadedUrl = url
    return Promise.resolve()
  }
  setProgressBar(value) {
    this.progress.push(value)
  }
  isDestroyed() {
    return false
  }
  close() {
    BrowserWindow.all = BrowserWindow.all.filter((w) => w !== this)
    this.emit('closed')
  }
}

export const ipcMain = {
  handle(channel, handler) {
    // Electron refuses a second handler for one channel.
    if (rec.ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`)
    rec.ipcHandlers.set(channel, handler)
  },
  removeHandler(channel) {
    rec.ipcHandlers.delete(channel)
  },
  on(channel, listener) {
    rec.ipcListeners.push(channel)
    void listener
  }
}

export const protocol = {
  registerSchemesAsPrivileged(schemes) {
    if (app.readyDone) throw new Error('registerSchemesAsPrivileged after ready')
    rec.privilegedSchemes.push(...schemes)
  },
  handle(scheme, handler) {
    if (rec.protocolHandlers.has(scheme)) throw new Error(`${scheme} is already handled`)
    rec.protocolHandlers.set(scheme, handler)
  }
}

const defaultSession = {
  webRequest: {
    onHeadersReceived(handler) {
      rec.headersReceived = handler
    }
  },
  setPermissionRequestHandler(handler) {
    rec.permissionRequest = handler
  },
  setPermissionCheckHandler(handler) {
    rec.permissionCheck = handler
  },
  setDevicePermissionHandler(handler) {
    rec.devicePermission = handler
  }
}
export const session = { defaultSession }

export const net = {
  async fetch(url, init) {
    if (String(url).startsWith('file:')) {
      const path = fileURLToPath(url)
      return existsSync(path) ? new Response(readFileSync(path)) : new Response('not found', { status: 404 })
    }
    return fetch(url, init)
  }
}

export const dialog = {
  showErrorBox(title, content) {
    rec.errorBoxes.push({ title, content })
    console.error(`[electron stand-in] error box: ${title}: ${content}`)
  },
  async showOpenDialog() {
    return { canceled: true, filePaths: [] }
  },
  async showSaveDialog() {
    return { canceled: true }
  }
}

export class Notification {
  static isSupported() {
    return false
  }
  show() {}
}

export const safeStorage = {
  isEncryptionAvailable: () => false,
  encryptString: (s) => Buffer.from(s),
  decryptString: (b) => b.toString(),
  getSelectedStorageBackend: () => 'basic_text'
}

export const shell = {
  openExternal: async () => undefined,
  openPath: async () => '',
  showItemInFolder: () => undefined
}

const electron = { app, BrowserWindow, ipcMain, protocol, session, net, dialog, Notification, safeStorage, shell }
export default electron

// ---- The test's side: what was registered, and calls into it as Electron would make them. ----

function snapshot() {
  return {
    timeline: rec.timeline,
    privilegedSchemes: rec.privilegedSchemes,
    userData: rec.paths.userData ?? null,
    ipcChannels: [...rec.ipcHandlers.keys()],
    ipcListeners: rec.ipcListeners,
    protocols: [...rec.protocolHandlers.keys()],
    headersReceived: rec.headersReceived !== null,
    permissionRequest: rec.permissionRequest !== null,
    permissionCheck: rec.permissionCheck !== null,
    errorBoxes: rec.errorBoxes,
    exits: rec.exits,
    appListeners: Object.fromEntries(app.eventNames().map((n) => [String(n), app.listenerCount(n)])),
    windows: rec.windows.map((w) => ({
      options: w.options,
      loadedUrl: w.loadedUrl ?? null,
      windowOpenHandler: w.webContents.windowOpenHandler !== null,
      webContentsListeners: Object.fromEntries(w.webContents.eventNames().map((n) => [String(n), w.webContents.listenerCount(n)]))
    }))
  }
}

const frame = (url) =>
  url === null
    ? null
    : {
        url,
        origin: (() => {
          try {
            return new URL(url).origin
          } catch {
            return 'null'
          }
        })()
      }

const commands = {
  snapshot: async () => snapshot(),
  /** An ipcRenderer.invoke from a frame at `senderUrl` (null: no frame, e.g. one already gone). */
  invoke: async ({ channel, senderUrl, arg }) => {
    const handler = rec.ipcHandlers.get(channel)
    if (!handler) throw new Error(`no handler for ${channel}`)
    const wc = rec.windows[0]?.webContents
    return handler({ sender: wc, senderFrame: frame(senderUrl), processId: 1, frameId: 1 }, arg)
  },
  permissionRequest: async ({ permission, url }) => {
    if (!rec.permissionRequest) throw new Error('no permission request handler')
    return new Promise((resolve) => {
      rec.permissionRequest(rec.windows[0]?.webContents, permission, (granted) => resolve(granted), { requestingUrl: url, isMainFrame: true })
      setTimeout(() => resolve('no answer'), 2000)
    })
  },
  permissionCheck: async ({ permission, origin }) => {
    if (!rec.permissionCheck) throw new Error('no permission check handler')
    return rec.permissionCheck(rec.windows[0]?.webContents, permission, origin, { requestingUrl: `${origin}/`, isMainFrame: true, embeddingOrigin: origin })
  },
  navigate: async ({ url }) => {
    let prevented = false
    rec.windows[0].webContents.emit('will-navigate', { preventDefault: () => (prevented = true), url }, url)
    return { prevented }
  },
  windowOpen: async ({ url }) => rec.windows[0].webContents.windowOpenHandler({ url }),
  protocol: async ({ scheme, url }) => {
    const handler = rec.protocolHandlers.get(scheme)
    if (!handler) throw new Error(`no handler for ${scheme}`)
    const response = await handler(new Request(url))
    return { status: response.status, body: (await response.text()).slice(0, 2000) }
  },
  headers: async ({ responseHeaders }) => new Promise((resolve) => rec.headersReceived({ url: 'bs-app://app/', responseHeaders }, (result) => resolve(result))),
  quit: async () => {
    app.quit()
    return true
  }
}

process.on('message', (message) => {
  if (!message || typeof message !== 'object' || !('cmd' in message)) return
  const { id, cmd, ...args } = message
  Promise.resolve()
    .then(() => commands[cmd](args))
    .then(
      (value) => report({ type: 'reply', id, ok: true, value: value === undefined ? null : value }),
      (err) => report({ type: 'reply', id, ok: false, error: String(err?.message ?? err) })
    )
})
