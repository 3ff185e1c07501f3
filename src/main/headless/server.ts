// Folder src/main/headless/ — the headless bridge (src/main/headless.ts runs it): the renderer in any
// browser, over HTTP and a WebSocket, used by the e2e tests. May import the core, serve/ and src/shared;
// never electron.
//
// The headless bridge: the same contract as Electron's IPC, over HTTP (methods) and a WebSocket (events),
// serving the built renderer to a browser. It listens on 127.0.0.1 only, needs this run's random token
// (exchanged once for an HttpOnly SameSite=Strict cookie), and checks Host and Origin on every request,
// so neither a DNS-rebinding page nor any other web page can drive it.
//
// The page is served on a random host, http://<nonce>.localhost:<port> (browsers resolve every
// *.localhost name to loopback themselves), so its cookie is host-only for a name no one else knows.
// Cookies are not isolated by port: one set by 127.0.0.1:<port> would be sent to every other server on
// 127.0.0.1 the browser visits, and pages on 127.0.0.1 could embed our assets with it. On top of that,
// a request whose Sec-Fetch-Site says another page made it (`same-site`, `cross-site`) is refused, for
// assets, API calls and the WebSocket alike: only our own page and an address typed in get in.
// 127.0.0.1 and localhost still answer, for non-browser clients with the token as a Bearer header.
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { open, type FileHandle } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { pipeline } from 'node:stream'
import { basename } from 'node:path'
import { WebSocketServer, type WebSocket } from 'ws'
import { EVENT_NAMES, isMethodName, parseArg } from '../../shared/contract'
import type { Core } from '../core/core'
import { rendererPages } from '../serve/firstScreen'
import { isPagePath, rendererFile } from '../serve/rendererFiles'
import { headlessAssetUrl, parseHeadlessAssetPath } from '../../shared/assetUrl'
import { CSP } from '../../shared/csp'

const COOKIE = 'bs_token'
const MAX_BODY = 16 * 1024 * 1024
/** The largest frame a client may send: the page sends nothing but pings, so this is generous. */
const MAX_FRAME = 64 * 1024
/**
 * What a client may have waiting to be sent before it is dropped: far above any one burst of events (a
 * jobsChanged is capped in size by the core), far below what would strain memory. The page reconnects and
 * refetches what it missed (src/renderer/src/bridge.ts), so dropping loses nothing.
 */
const MAX_BUFFERED = 8 * 1024 * 1024

export interface HeadlessOptions {
  rendererDir: string
  port?: number
  token?: string
  /**
   * Where the page is served: `nonce` (the default), http://<random>.localhost:<port>, whose cookie no other
   * local server receives; `ip`, http://127.0.0.1:<port>, for a browser that cannot open *.localhost names
   * (its cookie is then sent to every server on 127.0.0.1 the browser visits).
   */
  pageHost?: 'nonce' | 'ip'
  /** Bytes a WebSocket client may have queued before it is dropped (default 8 MiB). */
  maxBufferedBytes?: number
  /** Where an unexpected error is told (default: stderr). Never sent to the client. */
  onError?: (err: Error) => void
}

export interface HeadlessServer {
  /** The URL to open in a browser: the page's origin with this run's token. */
  url: string
  /** The page's origin (where the cookie lives). */
  origin: string
  /** For non-browser clients with `Authorization: Bearer <token>`: http://127.0.0.1:<port>. */
  apiOrigin: string
  port: number
  token: string
  close(): Promise<void>
}

function sameToken(a: string | undefined, b: string): boolean {
  if (!a) return false
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

function cookieToken(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, v] = part.trim().split('=')
    if (k === COOKIE) return v
  }
  return undefined
}

/**
 * Fetch metadata: a browser says which page a request comes from. Only our own page (`same-origin`) and
 * the user (`none`: an address typed in or opened from the terminal) may reach us; an <img>, <video>,
 * fetch or WebSocket from any other page, even one on another port of this machine (`same-site`), may
 * not. Clients that are not browsers send no such header.
 */
function fromOurPage(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site']
  return site === undefined || site === 'same-origin' || site === 'none'
}

export type ByteRange = { start: number; end: number } | 'unsatisfiable' | undefined

/**
 * The one byte range a Range header asks of a file of `size` bytes (RFC 9110 §14): `bytes=a-b`, `bytes=a-`
 * or `bytes=-n`, the end clamped to the file. Undefined when the whole file is to be sent: no header, or
 * one we do not serve (another unit, several ranges, malformed), which HTTP lets a server ignore.
 */
export function byteRange(header: string | undefined, size: number): ByteRange {
  if (!header) return undefined
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!m || (m[1] === '' && m[2] === '')) return undefined
  if (m[1] === '') {
    const suffix = Number(m[2])
    if (suffix === 0 || size === 0) return 'unsatisfiable'
    return { start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(m[1])
  if (m[2] !== '' && Number(m[2]) < start) return undefined
  if (start >= size) return 'unsatisfiable'
  return { start, end: m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1) }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  res.writeHead(status, {
    'Content-Type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
    'Cache-Control': 'no-store',
    ...headers
  })
  res.end(text)
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY) throw new Error(`Request body over ${MAX_BODY} bytes`)
    chunks.push(chunk as Buffer)
  }
  const text = Buffer.concat(chunks).toString('utf8')
  return text ? JSON.parse(text) : {}
}

export async function startHeadless(core: Core, opts: HeadlessOptions): Promise<HeadlessServer> {
  const token = opts.token ?? randomBytes(24).toString('base64url')
  const maxBuffered = opts.maxBufferedBytes ?? MAX_BUFFERED
  const onError = opts.onError ?? ((err: Error) => console.error(`Headless bridge: ${err.message}`))
  const renderPage = await rendererPages(opts.rendererDir, core, headlessAssetUrl, CSP)
  // 20 random letters and digits: a DNS label no other page can guess, so it cannot name our host.
  const pageName = opts.pageHost === 'ip' ? '127.0.0.1' : `${randomBytes(13).toString('hex').slice(0, 20)}.localhost`
  let port = 0
  const pageHost = () => `${pageName}:${port}`
  const allowedHosts = () => new Set([pageHost(), `127.0.0.1:${port}`, `localhost:${port}`])
  const hostOf = (req: IncomingMessage) => (req.headers.host ?? '').toLowerCase()

  /**
   * Host must be ours (DNS rebinding); Origin, when a browser sends one, must be our page's (other pages);
   * Sec-Fetch-Site, when a browser sends one, must not name another page (fromOurPage).
   */
  const trusted = (req: IncomingMessage) => {
    if (!allowedHosts().has(hostOf(req))) return false
    const origin = req.headers.origin
    return (origin === undefined || origin === `http://${pageHost()}`) && fromOurPage(req)
  }
  /** The cookie counts on the page's host only; any host takes the token as a Bearer header. */
  const authed = (req: IncomingMessage) => {
    const header = req.headers.authorization
    return (hostOf(req) === pageHost() && sameToken(cookieToken(req), token)) || sameToken(header?.startsWith('Bearer ') ? header.slice(7) : undefined, token)
  }

  async function callMethod(name: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') return send(res, 405, { ok: false, error: 'Use POST' })
    if (!isMethodName(name)) return send(res, 404, { ok: false, error: `No method "${name}"` })
    // Refused before a byte of it is read; the connection is closed so the rest is not read either.
    if (Number(req.headers['content-length'] ?? 0) > MAX_BODY)
      return send(res, 413, { ok: false, error: `Request body over ${MAX_BODY} bytes` }, { Connection: 'close' })
    let arg: unknown
    try {
      arg = ((await readJson(req)) as { arg?: unknown }).arg
    } catch (err) {
      return send(res, 400, { ok: false, error: `Bad request body: ${(err as Error).message}` })
    }
    try {
      const parsed = parseArg(name, arg)
      const result = await (core.api[name] as (a: unknown) => Promise<unknown>)(parsed)
      send(res, 200, { ok: true, result: result ?? null })
    } catch (err) {
      send(res, 400, { ok: false, error: (err as Error).message })
    }
  }

  /**
   * A file from disk, whole or the one byte range asked (video seeking). Opened once, and its size and kind
   * read from that open file, so it cannot change in between; streamed with pipeline, which closes the
   * file when the client goes away and ends the response when a read fails, so neither an aborted download
   * nor a read error (a directory where the file was, a disk error) leaks a descriptor or ends the process.
   */
  async function serveFile(req: IncomingMessage, res: ServerResponse, file: string, type: string, extra: Record<string, string> = {}): Promise<void> {
    let handle: FileHandle
    try {
      handle = await open(file, 'r')
    } catch {
      return send(res, 404, 'File missing on disk')
    }
    let size: number
    try {
      const stat = await handle.stat()
      if (!stat.isFile()) {
        await handle.close()
        return send(res, 404, 'File missing on disk')
      }
      size = stat.size
    } catch (err) {
      await handle.close().catch(() => undefined)
      throw err
    }
    const headers: Record<string, string | number> = { 'Content-Type': type, 'Accept-Ranges': 'bytes', 'X-Content-Type-Options': 'nosniff', ...extra }
    const range = byteRange(req.headers.range, size)
    if (range === 'unsatisfiable') {
      await handle.close()
      return send(res, 416, 'Range not satisfiable', { 'Content-Range': `bytes */${size}` })
    }
    const { start, end } = range ?? { start: 0, end: size - 1 }
    if (range) headers['Content-Range'] = `bytes ${start}-${end}/${size}`
    headers['Content-Length'] = end - start + 1
    res.writeHead(range ? 206 : 200, headers)
    if (req.method === 'HEAD' || size === 0) {
      await handle.close()
      res.end()
      return
    }
    // The stream owns the handle from here (autoClose): closed when it ends, fails or is destroyed.
    pipeline(handle.createReadStream({ start, end }), res, (err) => {
      // A client that went away is no error; anything else is told, never sent (headers are gone).
      if (err && (err as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') onError(err)
    })
  }

  async function servePage(res: ServerResponse): Promise<void> {
    const page = await renderPage()
    send(res, 200, page.html, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': page.policy,
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff'
    })
  }

  async function serveStatic(pathname: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const file = rendererFile(opts.rendererDir, pathname)
    if (!file) return send(res, 404, 'Not found')
    // A hashed asset may be kept for good, so the next start need not fetch it (and its compiled code is
    // cached with it); index.html names the current ones, so it is always revalidated.
    const caching = file.immutable ? 'private, max-age=31536000, immutable' : 'no-cache'
    return serveFile(req, res, file.path, file.mime, { 'Content-Security-Policy': CSP, 'Cache-Control': caching, 'Referrer-Policy': 'no-referrer' })
  }

  /** The path of a request's URL, or undefined when it is not one (it is answered 400). */
  const pathOf = (req: IncomingMessage): URL | undefined => {
    try {
      return new URL(req.url ?? '/', 'http://bridge.invalid')
    } catch {
      return undefined
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!trusted(req)) return send(res, 403, 'Forbidden: wrong Host or Origin, or a request from another page')
    const url = pathOf(req)
    if (!url) return send(res, 400, 'Bad request')
    if (url.searchParams.has('token')) {
      if (hostOf(req) !== pageHost()) return send(res, 403, 'Open the URL printed by `npm run headless` as it is (its host carries the cookie).')
      if (!sameToken(url.searchParams.get('token') ?? undefined, token)) return send(res, 401, 'Wrong token: open the URL printed by `npm run headless`.')
      // Trade the token in the URL for a cookie (host-only: no Domain), and drop it from the address bar.
      return send(res, 302, '', { 'Set-Cookie': `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`, Location: url.pathname })
    }
    if (!authed(req)) return send(res, 401, "Not signed in: open the URL printed by `npm run headless` (it carries this run's token).")
    if (url.pathname.startsWith('/api/')) return callMethod(url.pathname.slice(5), req, res)
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Use GET', { Allow: 'GET, HEAD' })
    const asset = parseHeadlessAssetPath(url.pathname)
    if (asset) {
      const found = core.assetFile(asset.assetId, asset.variant)
      return found ? serveFile(req, res, found.path, found.mime, { 'Cache-Control': 'private, max-age=3600' }) : send(res, 404, 'File missing on disk')
    }
    if (url.pathname.startsWith('/asset/')) return send(res, 404, 'Not found')
    // A finished ZIP export, for the browser to save: the export was written on this machine, the user may be on another.
    const exported = /^\/export\/([0-9a-f-]{1,64})\/zip$/.exec(url.pathname)
    if (exported) {
      const zip = core.exportedZip(exported[1])
      if (!zip) return send(res, 404, 'No such export: export again to download it')
      return serveFile(req, res, zip, 'application/zip', { 'Content-Disposition': `attachment; filename="${basename(zip).replace(/[^\w.-]/g, '_')}"` })
    }
    if (isPagePath(url.pathname)) return servePage(res)
    return serveStatic(url.pathname, req, res)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      // The message may name a path on this machine: it is told to the terminal, never to the client.
      onError(err)
      if (!res.headersSent) send(res, 500, 'Internal error (see the terminal running `npm run headless`)')
      else res.destroy()
    })
  })

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME })
  wss.on('error', onError)
  server.on('upgrade', (req, socket: Socket, head) => {
    // Until ws takes the socket over, nothing listens for its errors (a reset would end the process).
    socket.on('error', () => socket.destroy())
    if (!trusted(req) || !authed(req) || pathOf(req)?.pathname !== '/events' || req.headers.origin === undefined) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws))
  })
  wss.on('connection', (ws: WebSocket) => {
    // A frame over MAX_FRAME, a bad frame or a reset: ws closes the client itself (1009 for a frame too big,
    // 1002 for a bad one, the socket destroyed on a reset), and ends it if it does not answer; without this
    // listener the error would end the process. Not terminated here: the close frame would be lost.
    ws.on('error', () => undefined)
    const unsubscribe = EVENT_NAMES.map((event) =>
      core.on(event, (payload) => {
        if (ws.readyState !== ws.OPEN) return
        // Backpressure: a client that does not read (asleep, stalled, hostile) would have the server hold
        // every event for it. Past the cap it is dropped; the page reconnects and refetches.
        if (ws.bufferedAmount > maxBuffered) {
          ws.terminate()
          return
        }
        ws.send(JSON.stringify({ event, payload }))
      })
    )
    ws.on('close', () => unsubscribe.forEach((u) => u()))
  })

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, '127.0.0.1', resolveListen)
  })
  port = (server.address() as AddressInfo).port
  return {
    url: `http://${pageHost()}/?token=${token}`,
    origin: `http://${pageHost()}`,
    apiOrigin: `http://127.0.0.1:${port}`,
    port,
    token,
    close: async () => {
      for (const client of wss.clients) client.terminate()
      wss.close()
      server.closeAllConnections()
      await new Promise((r) => server.close(r))
    }
  }
}
