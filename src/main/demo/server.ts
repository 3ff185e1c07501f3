// Folder src/main/demo/ — the built-in simulator, out of the core: one engine (engine.ts) and every
// provider's protocol as its docs describe it (letzai.ts, bfl.ts, wondercat.ts, apixo.ts, umrgen.ts), with
// generated media (media.ts). The entry points hand it to the core for the Demo provider; tests and
// benchmarks start it themselves. May import src/shared and Node; never electron or the core's state.
//
// The built-in simulator: every provider's protocol under its own path prefix on an API server, and the
// result files on a second server (another origin, like the providers' delivery hosts), both on 127.0.0.1.
// It is the zero-config Demo provider and what every test and benchmark talks to over real HTTP.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { applyFault, BodyTooLargeError, MAX_BODY_BYTES, sendJson, SimEngine, type RequestRecord, type SimOptions, type SimProvider } from './engine'
import { handleApixo } from './apixo'
import { handleBfl } from './bfl'
import { handleLetzai } from './letzai'
import { jobLook, mediaFile } from './media'
import { handleUmrgen } from './umrgen'
import { handleWondercat } from './wondercat'

/** What a protocol handler may need beyond the path: the full URL (query) and the ledger row it may correct. */
export interface HandlerContext {
  /** The request URL, parsed (path and query); `req.url` keeps the raw string. */
  url: URL
  /** This request's ledger row; a handler may set `target` (e.g. 'cancel', 'download'). */
  record: RequestRecord
}

type Handler = (engine: SimEngine, req: IncomingMessage, res: ServerResponse, path: string, ctx: HandlerContext) => Promise<void>

const PROTOCOLS: Partial<Record<SimProvider, Handler>> = {
  letzai: handleLetzai,
  bfl: handleBfl,
  wondercat: handleWondercat,
  apixo: handleApixo,
  umrgen: handleUmrgen
}

export interface Simulator {
  engine: SimEngine
  /** Base URL of a provider's API on the simulator, to configure its adapter with. */
  baseUrl(provider: SimProvider): string
  close(): Promise<void>
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

async function serveFile(engine: SimEngine, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://x')
  const upload = /^\/uploads\/([A-Za-z0-9_-]+)$/.exec(url.pathname)
  if (upload) return serveUpload(engine, req, res, upload[1])
  const match = /^\/files\/([0-9a-f]+)\/(\d+)\.(png|jpg|webp|mp4|wav)$/.exec(url.pathname)
  const job = match ? engine.jobs.get(match[1]) : undefined
  const carriedKey = Boolean(req.headers.authorization || req.headers['x-key'])
  const record = {
    at: Date.now(),
    provider: 'files' as const,
    target: 'download' as const,
    method: req.method ?? 'GET',
    path: url.pathname,
    carriedKey,
    status: 200
  }
  engine.log(record)
  if (!job || !match) {
    record.status = 404
    return sendJson(res, 404, { error: 'no such file' })
  }
  if (Number(url.searchParams.get('exp')) < engine.now()) {
    record.status = 403
    return sendJson(res, 403, { error: 'URL expired' })
  }
  if (await applyFault(engine.takeFault('files', 'download'), res)) {
    record.status = res.statusCode
    return
  }
  const entry = engine.ledger.get(job.id)
  if (entry) entry.downloads++
  const [body, type] = await mediaFile(match[3], jobLook(job, match[2]))
  res.writeHead(200, { 'Content-Type': type, 'Content-Length': body.length })
  res.end(body)
}

/** Media a client uploaded (Wondercat), served back as uploaded. */
function serveUpload(engine: SimEngine, req: IncomingMessage, res: ServerResponse, id: string): void {
  const carriedKey = Boolean(req.headers.authorization || req.headers['x-key'])
  const file = engine.uploads.get(id)
  engine.log({
    at: Date.now(),
    provider: 'files',
    target: 'download',
    method: req.method ?? 'GET',
    path: `/uploads/${id}`,
    carriedKey,
    status: file ? 200 : 404
  })
  if (!file) return sendJson(res, 404, { error: 'no such upload' })
  res.writeHead(200, { 'Content-Type': file.mime, 'Content-Length': file.bytes.length })
  res.end(file.bytes)
}

/** Only requests addressed to this server by its loopback name pass: a web page that points a DNS name at 127.0.0.1 (DNS rebinding) or sends a foreign Host gets 421. */
function hostAllowed(req: IncomingMessage, port: number): boolean {
  return req.headers.host === `127.0.0.1:${port}` || req.headers.host === `localhost:${port}`
}

/** A body must declare its length, within the cap: checked before any handler reads it. */
function bodyRefusal(req: IncomingMessage): { status: number; error: string } | null {
  if (req.method === 'GET' || req.method === 'HEAD') return null
  const length = req.headers['content-length']
  if (length === undefined) return req.headers['transfer-encoding'] ? { status: 411, error: 'a request body must declare its Content-Length' } : null
  return Number(length) > MAX_BODY_BYTES ? { status: 413, error: `request body over ${MAX_BODY_BYTES} bytes` } : null
}

function answerError(res: ServerResponse, err: Error): void {
  if (res.headersSent) return void res.destroy()
  // A body too large is refused and the rest of it not read; the connection closes after the answer.
  if (err instanceof BodyTooLargeError) return sendJson(res, 413, { error: err.message }, { Connection: 'close' })
  sendJson(res, 500, { error: err.message })
}

export async function startSimulator(options: SimOptions = {}): Promise<Simulator> {
  const engine = new SimEngine(options)
  let apiPort = 0
  let filesPort = 0
  const api = createServer((req, res) => {
    if (!hostAllowed(req, apiPort)) return sendJson(res, 421, { error: 'wrong Host for this server' })
    const refused = bodyRefusal(req)
    if (refused) return sendJson(res, refused.status, { error: refused.error }, { Connection: 'close' })
    const url = new URL(req.url ?? '/', 'http://x')
    const [, prefix] = url.pathname.split('/')
    const handler = PROTOCOLS[prefix as SimProvider]
    const path = url.pathname.slice(prefix.length + 1) + url.search
    if (handler) {
      const carriedKey = Boolean(req.headers.authorization || req.headers['x-key'])
      const target = req.method === 'POST' ? 'submit' : 'poll'
      const record: RequestRecord = {
        at: Date.now(),
        provider: prefix as SimProvider,
        target,
        method: req.method ?? 'GET',
        path: url.pathname,
        carriedKey,
        status: 0,
        host: req.headers.host
      }
      engine.log(record)
      res.on('finish', () => (record.status = res.statusCode))
      handler(engine, req, res, path.split('?')[0], { url, record }).catch((err: Error) => answerError(res, err))
      return
    }
    sendJson(res, 404, { error: 'unknown provider prefix' })
  })
  const files = createServer((req, res) => {
    if (!hostAllowed(req, filesPort)) return sendJson(res, 421, { error: 'wrong Host for this server' })
    serveFile(engine, req, res).catch((err: Error) => answerError(res, err))
  })
  // Keep-alive sockets would hold close() open for their idle timeout.
  for (const s of [api, files]) s.keepAliveTimeout = 1000
  const apiBase = await listen(api)
  apiPort = Number(new URL(apiBase).port)
  engine.filesBase = await listen(files)
  filesPort = Number(new URL(engine.filesBase).port)
  return {
    engine,
    baseUrl: (provider) => `${apiBase}/${provider}`,
    close: async () => {
      for (const s of [api, files]) s.closeAllConnections()
      await Promise.all([api, files].map((s) => new Promise((r) => s.close(r))))
    }
  }
}
