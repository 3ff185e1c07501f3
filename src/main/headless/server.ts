// The headless bridge: the same contract as Electron's IPC, over HTTP (methods) and a WebSocket (events),
// serving the built renderer to a browser. It listens on 127.0.0.1 only, needs this run's random token
// (exchanged once for an HttpOnly SameSite=Strict cookie), and checks Host and Origin on every request,
// so neither a DNS-rebinding page nor any other web page can drive it.
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createReadStream, statSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'
import { EVENT_NAMES, isMethodName, parseArg } from '../../shared/contract'
import type { Core } from '../core/core'
import { rendererPages } from '../core/firstScreen'
import { isPagePath, rendererFile } from '../core/rendererFiles'
import { headlessAssetUrl } from '../../shared/assetUrl'
import { CSP } from '../../shared/csp'

const COOKIE = 'bs_token'
const MAX_BODY = 16 * 1024 * 1024

export interface HeadlessServer {
  url: string
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

export async function startHeadless(core: Core, opts: { rendererDir: string; port?: number; token?: string }): Promise<HeadlessServer> {
  const token = opts.token ?? randomBytes(24).toString('base64url')
  const renderPage = await rendererPages(opts.rendererDir, core, headlessAssetUrl, CSP)
  let port = 0
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`])
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`])

  /** Host must be ours (DNS rebinding); Origin, when a browser sends one, must be ours (other pages). */
  const trusted = (req: IncomingMessage) => {
    if (!allowedHosts().has(req.headers.host ?? '')) return false
    const origin = req.headers.origin
    return origin === undefined || allowedOrigins().has(origin)
  }
  const authed = (req: IncomingMessage) => {
    const header = req.headers.authorization
    return sameToken(cookieToken(req), token) || sameToken(header?.startsWith('Bearer ') ? header.slice(7) : undefined, token)
  }

  async function callMethod(name: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') return send(res, 405, { ok: false, error: 'Use POST' })
    if (!isMethodName(name)) return send(res, 404, { ok: false, error: `No method "${name}"` })
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

  function serveFile(res: ServerResponse, file: string, type: string, extra: Record<string, string> = {}): void {
    const size = statSync(file).size
    res.writeHead(200, { 'Content-Type': type, 'Content-Length': size, 'X-Content-Type-Options': 'nosniff', ...extra })
    createReadStream(file).pipe(res)
  }

  async function servePage(res: ServerResponse): Promise<void> {
    const page = await renderPage()
    send(res, 200, page.html, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': page.policy, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer', 'X-Content-Type-Options': 'nosniff' })
  }

  function serveStatic(pathname: string, res: ServerResponse): void {
    const file = rendererFile(opts.rendererDir, pathname)
    if (!file) return send(res, 404, 'Not found')
    // A hashed asset may be kept for good, so the next start need not fetch it (and its compiled code is
    // cached with it); index.html names the current ones, so it is always revalidated.
    const caching = file.immutable ? 'private, max-age=31536000, immutable' : 'no-cache'
    serveFile(res, file.path, file.mime, { 'Content-Security-Policy': CSP, 'Cache-Control': caching, 'Referrer-Policy': 'no-referrer' })
  }

  const server = createServer((req, res) => {
    void (async () => {
      if (!trusted(req)) return send(res, 403, 'Forbidden: wrong Host or Origin')
      const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`)
      if (url.searchParams.has('token')) {
        if (!sameToken(url.searchParams.get('token') ?? undefined, token)) return send(res, 401, 'Wrong token: open the URL printed by `npm run headless`.')
        // Trade the token in the URL for a cookie, and drop it from the address bar and history.
        return send(res, 302, '', { 'Set-Cookie': `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`, Location: url.pathname })
      }
      if (!authed(req)) return send(res, 401, 'Not signed in: open the URL printed by `npm run headless` (it carries this run\'s token).')
      if (url.pathname.startsWith('/api/')) return callMethod(url.pathname.slice(5), req, res)
      const asset = /^\/asset\/(\d+)\/(file|thumb)$/.exec(url.pathname)
      if (asset) {
        const found = core.assetFile(Number(asset[1]), asset[2] as 'file' | 'thumb')
        return found ? serveFile(res, found.path, found.mime, { 'Cache-Control': 'private, max-age=3600' }) : send(res, 404, 'File missing on disk')
      }
      if (isPagePath(url.pathname)) return servePage(res)
      serveStatic(url.pathname, res)
    })().catch((err: Error) => {
      if (!res.headersSent) send(res, 500, { ok: false, error: err.message })
    })
  })

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 })
  server.on('upgrade', (req, socket, head) => {
    if (!trusted(req) || !authed(req) || new URL(req.url ?? '/', 'http://x').pathname !== '/events' || req.headers.origin === undefined) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n')
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws))
  })
  wss.on('connection', (ws: WebSocket) => {
    const unsubscribe = EVENT_NAMES.map((event) =>
      core.on(event, (payload) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event, payload }))
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
    url: `http://127.0.0.1:${port}/?token=${token}`,
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

