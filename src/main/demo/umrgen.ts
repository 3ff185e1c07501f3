// UMRGEN's external-agent API as umrvntr/umrgen `server.mjs` (commit 34e5a39) implements it, field for field;
// docs/providers.md § UMRGEN cites the lines. Under this simulator's /umrgen prefix:
//   every /api/* request: 60 per minute per IP in fixed windows (Math.floor(now / 60000)), checked before the
//     key: 429 {error: "Rate limit exceeded. Please try again later."}, no Retry-After
//   POST /api/v1/generate (key) → 400 {error: "Prompt is required"} | 429 {error: "CONCURRENT_LIMIT", job_id,
//     message} while any external job is queued or running | 400 {error: "Safety violation: MINORS"} (substring
//     filter on the prompt) | 202 {success, job_id: "ext_<uuid>", message}. width/height clamped to 512–2048,
//     steps to 1–13, seed 0/absent = random, a negative seed reaches the generator, which fails the job.
//   GET /api/v1/status/{id} (key) → {success, job_id, state, queue_position, eta_seconds, created_at, results?,
//     error?} until 60 s after the job ended; then completed → {success, job_id, state, image_url} and
//     failed → 404 {error: "Job not found"}
//   POST /api/v1/upload-reference (key, multipart `file`) → {success, filename, url}; max 10 stored, .png/.jpg/
//     .jpeg/.webp names only, 10 MB (500 "File too large")
//   DELETE /api/references/{filename}?session_id=… (no key) → {success: true} | 404 {error: "File not found."}
//   POST /api/job/{id}/cancel (no key) → {success: true}: a queued job is dropped (then 404), a running one
//     becomes "cancelled" and still ends completed or failed
//   GET /outputs/{session}/{file}?session_id={session} (no key, no rate limit): 403 unless the query names the
//     path's session; 400 bad name; 404 unknown file
// A 401 is {error: "Unauthorized: Invalid or missing API Key"}; unknown routes get Express's HTML 404.
// Tests shape a job through `job.extra`: noImages (completed with results.images: [], later image_url: ""),
// queueAhead (others' jobs queued before it); and the server through umrgenSimState(engine).
import type { IncomingMessage, ServerResponse } from 'node:http'
import { randomUUID } from 'node:crypto'
import { applyFault, bearer, readBody, readRaw, sendJson, type SimEngine, type SimJob } from './engine'
import { promptPng } from './media'
import type { HandlerContext } from './server'

const SESSION = 'sid_ext_gen'
const MINORS = ['loli', 'lolita', 'child', 'children', 'underage', 'minor', 'kid', 'preteen', 'pedo', 'cp']
const REF_LIMIT_BYTES = 10 * 1024 * 1024
const MAX_REF_IMAGES = 10

export interface UmrgenSimState {
  /** MAX_REQUESTS_PER_WINDOW (60) per RATE_LIMIT_WINDOW (60 s). */
  perWindow: number
  windowMs: number
  window: { key: number; count: number }
  /** The external session's reference images (sessions/sid_ext_gen/references), by filename. */
  refs: Map<string, Buffer>
  /** A job leaves the live queue this long after it ends (server.mjs: setTimeout 60000). */
  forgetAfterMs: number
}

const states = new WeakMap<SimEngine, UmrgenSimState>()

/** The simulated server's own state, for tests to inspect or shorten (e.g. forgetAfterMs). */
export function umrgenSimState(engine: SimEngine): UmrgenSimState {
  let s = states.get(engine)
  if (!s) states.set(engine, (s = { perWindow: 60, windowMs: 60_000, window: { key: -1, count: 0 }, refs: new Map(), forgetAfterMs: 60_000 }))
  return s
}

/** server.mjs clamp(): parseFloat, NaN → 0, then bounded. */
const clamp = (val: unknown, min: number, max: number) => Math.min(Math.max(parseFloat(String(val)) || 0, min), max)

function scanText(text: string): string | null {
  const norm = text
    .toLowerCase()
    .normalize('NFKC')
    .replace(/[\u200B-\u200D\uFEFF]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
  return MINORS.some((p) => norm.includes(p)) ? 'MINORS' : null
}

const validSession = (s: string) => /^sid_[a-z0-9_-]{5,50}$/i.test(s) && !s.includes('..')
const validFile = (f: string) => /^[a-zA-Z0-9._-]+$/.test(f) && !f.includes('..')

function expressNotFound(res: ServerResponse, method: string, path: string): void {
  const body = `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot ${method} ${path}</pre>\n</body>\n</html>\n`
  res.writeHead(404, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(body) })
  res.end(body)
}

function end(res: ServerResponse, status: number): void {
  res.writeHead(status)
  res.end()
}

type UmrState = 'queued' | 'running' | 'cancelled' | 'completed' | 'failed'

function stateOf(engine: SimEngine, job: SimJob): UmrState {
  const phase = engine.state(job).phase
  if (phase === 'queued' || phase === 'running') return job.extra.cancelledAt !== undefined ? 'cancelled' : phase
  return phase === 'succeeded' ? 'completed' : 'failed'
}

function externalJobs(engine: SimEngine): SimJob[] {
  return [...engine.jobs.values()].filter((j) => j.provider === 'umrgen' && !j.extra.removed)
}

/** Still in GLOBAL_QUEUE: not canceled out of it, and not yet dropped 60 s after it ended. */
function inQueue(engine: SimEngine, job: SimJob): boolean {
  if (job.provider !== 'umrgen' || job.extra.removed || job.extra.dequeued) return false
  const state = stateOf(engine, job)
  return !(state === 'completed' || state === 'failed') || engine.now() < job.readyAt + umrgenSimState(engine).forgetAfterMs
}

function imagesOf(job: SimJob): { url: string }[] {
  return job.extra.noImages ? [] : [{ url: `/outputs/${SESSION}/${String(job.extra.fileName)}?session_id=${encodeURIComponent(SESSION)}` }]
}

/** getAverageGenTime(): the mean of the last 10 completed durations in seconds, 30 before any. */
function averageGenTime(engine: SimEngine): number {
  const now = engine.now()
  const done = externalJobs(engine)
    .filter((j) => j.readyAt <= now && !j.fails)
    .sort((a, b) => a.readyAt - b.readyAt)
    .slice(-10)
    .map((j) => (j.readyAt - (j.createdAt + j.queuedMs)) / 1000)
  return done.length ? Math.round(done.reduce((a, b) => a + b, 0) / done.length) : 30
}

async function generate(engine: SimEngine, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let body: Record<string, unknown>
  try {
    const text = await readBody(req)
    body = text ? JSON.parse(text) : {}
  } catch (err) {
    // body-parser's SyntaxError lands in the /api error handler, which answers 500.
    return sendJson(res, 500, { error: (err as Error).message })
  }
  const { prompt, negative, width, height, steps, seed, loras, reference_images } = body ?? {}
  if (!prompt) return sendJson(res, 400, { error: 'Prompt is required' })
  const busy = externalJobs(engine).find((j) => inQueue(engine, j) && ['queued', 'running'].includes(stateOf(engine, j)))
  if (busy) return sendJson(res, 429, { error: 'CONCURRENT_LIMIT', job_id: busy.id, message: 'External agent already has a generation in progress.' })
  if (typeof prompt !== 'string') return sendJson(res, 500, { error: 'str.toLowerCase is not a function' })
  const safety = scanText(prompt)
  if (safety) return sendJson(res, 400, { error: `Safety violation: ${safety}` })

  const p = {
    prompt,
    negative: negative || 'bad quality, blurry',
    width: clamp(width || 1024, 512, 2048),
    height: clamp(height || 1024, 512, 2048),
    steps: clamp(steps || 4, 1, 13),
    seed: seed || Math.floor(engine.random() * 999999999),
    loras: loras || [],
    reference_images: reference_images || []
  }
  const state = umrgenSimState(engine)
  // processQueue() takes the names that exist in the session's references and silently skips the rest.
  const references = Array.isArray(p.reference_images) ? p.reference_images.filter((f): f is string => typeof f === 'string' && state.refs.has(f)) : []
  const taken = new Set(externalJobs(engine).map((j) => j.extra.fileName))
  let n = Math.floor(100000 + engine.random() * 900000)
  while (taken.has(`umrgen_${n}.png`)) n = n >= 999999 ? 100000 : n + 1
  const created = engine.createJob('umrgen', { model: 'default', kind: 'image', prompt, extra: { params: p, references, fileName: `umrgen_${n}.png` } })
  // The server's ids are `ext_<uuid>`; the engine's are hex: re-key the job and its ledger row.
  const id = `ext_${randomUUID()}`
  const entry = engine.ledger.get(created.id)
  engine.jobs.delete(created.id)
  engine.ledger.delete(created.id)
  created.id = id
  engine.jobs.set(id, created)
  if (entry) engine.ledger.set(id, entry)
  // A negative seed reaches ComfyUI's RandomNoise (min 0), whose validation refuses the prompt.
  if (typeof p.seed === 'number' && p.seed < 0) {
    created.fails = true
    created.extra.failError = JSON.stringify({
      error: { type: 'prompt_outputs_failed_validation', message: 'Prompt outputs failed validation', details: '', extra_info: {} },
      node_errors: {
        '60': {
          errors: [{ type: 'value_smaller_than_min', message: `Value ${p.seed} smaller than min of 0`, details: 'noise_seed', extra_info: {} }],
          dependent_outputs: ['Save'],
          class_type: 'RandomNoise'
        }
      }
    })
  }
  engine.save(created)
  sendJson(res, 202, { success: true, job_id: id, message: 'Job accepted and queued' })
}

function status(engine: SimEngine, res: ServerResponse, jobId: string, unknownStatus: boolean): void {
  const job = engine.jobs.get(jobId)
  if (!job || job.provider !== 'umrgen' || job.extra.removed) return sendJson(res, 404, { error: 'Job not found' })
  const state = stateOf(engine, job)
  if (!inQueue(engine, job)) {
    // Gone from GLOBAL_QUEUE: a completed job is found in the history file, any other nowhere.
    if (state !== 'completed') return sendJson(res, 404, { error: 'Job not found' })
    engine.recordPoll(job)
    return sendJson(res, 200, { success: true, job_id: job.id, state: 'completed', image_url: imagesOf(job)[0]?.url || '' })
  }
  engine.recordPoll(job)
  const pos = state === 'queued' ? Number(job.extra.queueAhead ?? 0) : -1
  const body: Record<string, unknown> = {
    success: true,
    job_id: job.id,
    state: unknownStatus ? 'warming' : state,
    queue_position: pos >= 0 ? pos : null,
    eta_seconds: pos >= 0 ? (pos + 1) * averageGenTime(engine) : 0,
    created_at: job.createdAt
  }
  // Undefined fields are left out by JSON: `results` only once completed, `error` only once failed.
  if (state === 'completed') body.results = { images: imagesOf(job) }
  if (state === 'failed') body.error = typeof job.extra.failError === 'string' ? job.extra.failError : 'Timeout waiting for prompt completion'
  sendJson(res, 200, body)
}

async function uploadReference(engine: SimEngine, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const type = req.headers['content-type'] ?? ''
  const raw = await readRaw(req)
  if (!type.startsWith('multipart/form-data')) return sendJson(res, 400, { error: 'No file uploaded' })
  let form: FormData
  try {
    form = await new Request('http://sim/upload', { method: 'POST', headers: { 'content-type': type }, body: raw }).formData()
  } catch (err) {
    return sendJson(res, 500, { error: (err as Error).message })
  }
  for (const [field, value] of form.entries()) if (typeof value !== 'string' && field !== 'file') return sendJson(res, 500, { error: 'Unexpected field' })
  const file = form.get('file')
  if (!file || typeof file === 'string') return sendJson(res, 400, { error: 'No file uploaded' })
  const bytes = Buffer.from(await file.arrayBuffer())
  if (bytes.length > REF_LIMIT_BYTES) return sendJson(res, 500, { error: 'File too large' })
  const { refs } = umrgenSimState(engine)
  if ([...refs.keys()].filter((f) => /\.(png|jpg|jpeg|webp)$/i.test(f)).length >= MAX_REF_IMAGES) {
    return sendJson(res, 400, { error: `Maximum ${MAX_REF_IMAGES} reference images allowed.` })
  }
  let safeName = file.name.replace(/[^a-zA-Z0-9._-]/g, '_')
  const dot = safeName.lastIndexOf('.')
  const ext = dot > 0 ? safeName.slice(dot).toLowerCase() : ''
  if (!['.png', '.jpg', '.jpeg', '.webp'].includes(ext)) return sendJson(res, 400, { error: 'Invalid file type.' })
  if (refs.has(safeName)) safeName = `${safeName.slice(0, dot)}_${Date.now()}${ext}`
  refs.set(safeName, bytes)
  sendJson(res, 200, { success: true, filename: safeName, url: `/references/${SESSION}/${safeName}?session_id=${encodeURIComponent(SESSION)}` })
}

export async function handleUmrgen(engine: SimEngine, req: IncomingMessage, res: ServerResponse, path: string, ctx: HandlerContext): Promise<void> {
  const parts = path.split('/').slice(1)
  const method = req.method ?? 'GET'
  const server = umrgenSimState(engine)

  // Files: outside /api, so neither rate-limited nor keyed; the session query is the capability.
  if (method === 'GET' && (parts[0] === 'outputs' || parts[0] === 'references') && parts.length === 3) {
    ctx.record.target = 'download'
    const [sid, name] = [decodeURIComponent(parts[1]), decodeURIComponent(parts[2])]
    if (!validSession(sid) || ctx.url.searchParams.get('session_id') !== sid) return end(res, 403)
    if (!validFile(name)) return end(res, 400)
    if (parts[0] === 'references') {
      const ref = sid === SESSION ? server.refs.get(name) : undefined
      if (!ref) return end(res, 404)
      res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': ref.length })
      return void res.end(ref)
    }
    const job = sid === SESSION ? [...engine.jobs.values()].find((j) => j.provider === 'umrgen' && j.extra.fileName === name) : undefined
    if (!job || stateOf(engine, job) !== 'completed' || job.extra.noImages) return end(res, 404)
    if (await applyFault(engine.takeFault('umrgen', 'download'), res)) return
    const entry = engine.ledger.get(job.id)
    if (entry) entry.downloads++
    const body = promptPng(`${job.prompt}#0`)
    res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': body.length })
    return void res.end(body)
  }
  if (parts[0] !== 'api') return expressNotFound(res, method, `/${parts.join('/')}`)

  // app.use('/api', rateLimit) comes before every route and its key check.
  const windowKey = Math.floor(engine.now() / server.windowMs)
  if (server.window.key !== windowKey) server.window = { key: windowKey, count: 0 }
  if (server.window.count >= server.perWindow) {
    engine.rateLimited429s++
    return sendJson(res, 429, { error: 'Rate limit exceeded. Please try again later.' })
  }
  server.window.count++

  const route = `${method} /${parts.join('/')}`
  // The web UI's routes, which take no key.
  if (method === 'POST' && parts[1] === 'job' && parts[3] === 'cancel' && parts.length === 4) {
    ctx.record.target = 'cancel'
    if (await applyFault(engine.takeFault('umrgen', 'cancel'), res)) return
    const job = engine.jobs.get(decodeURIComponent(parts[2]))
    if (job && inQueue(engine, job)) {
      // GLOBAL_QUEUE: a running job is marked, any other is spliced out (a queued one then never runs).
      const state = stateOf(engine, job)
      if (state === 'running') job.extra.cancelledAt = engine.now()
      else if (state === 'queued') job.extra.removed = true
      else job.extra.dequeued = true
      engine.save(job)
    }
    return sendJson(res, 200, { success: true })
  }
  if (method === 'DELETE' && parts[1] === 'references' && parts.length === 3) {
    const sid = ctx.url.searchParams.get('session_id') ?? ''
    const name = decodeURIComponent(parts[2])
    if (!sid || !validSession(sid)) return sendJson(res, 400, { error: 'Invalid session ID.' })
    if (!validFile(name)) return sendJson(res, 400, { error: 'Invalid filename.' })
    if (sid !== SESSION || !server.refs.has(name)) return sendJson(res, 404, { error: 'File not found.' })
    server.refs.delete(name)
    return sendJson(res, 200, { success: true })
  }

  const submit = route === 'POST /api/v1/generate'
  const poll = method === 'GET' && parts[1] === 'v1' && parts[2] === 'status' && parts.length === 4
  const upload = route === 'POST /api/v1/upload-reference'
  if (!submit && !poll && !upload) return expressNotFound(res, method, `/${parts.join('/')}`)
  if (!engine.checkKey('umrgen', bearer(req))) return sendJson(res, 401, { error: 'Unauthorized: Invalid or missing API Key' })
  if (upload) return uploadReference(engine, req, res)
  const fault = engine.takeFault('umrgen', submit ? 'submit' : 'poll')
  if (await applyFault(fault, res)) return
  if (submit) return generate(engine, req, res)
  return status(engine, res, decodeURIComponent(parts[3]), fault?.fault === 'unknown_status')
}
