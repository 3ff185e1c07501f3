// UMRGEN's protocol as ../shared/providers/README.md pins it:
//   POST /api/v1/generate {prompt, width?, height?, steps?, seed?} → {job_id, state: "queued", session_id}
//   GET  /api/v1/status/{job_id} → {job_id, state, image_url, error, progress}; queued, running, completed, failed
//   GET  /outputs/{session}/umrgen_{job_id}.png?session_id={session}: the file, on the API host itself, no key
// `image_url` is that relative path. The session id holds characters (`~`) that a client re-encoding the query
// would change, and the download answers 403 unless its raw query is exactly the one handed out, so only a
// client that appends `image_url` to the base verbatim gets the file.
// Tests shape a job through `job.extra`: noFile: completed with `image_url: null`; staleSession: the server
// forgot the session, so the download answers 403 while the status still hands out the same URL. A job that should hang in
// `running` gets a far-away `readyAt` from the test's onCreate hook.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { randomBytes } from 'node:crypto'
import { applyFault, bearer, readBody, sendJson, type SimEngine } from './engine'
import { promptPng } from './media'
import type { HandlerContext } from './server'

const STATE = { queued: 'queued', running: 'running', succeeded: 'completed', failed: 'failed', canceled: 'failed' } as const

async function serveOutput(engine: SimEngine, req: IncomingMessage, res: ServerResponse, session: string, jobId: string, ctx: HandlerContext): Promise<void> {
  ctx.record.target = 'download'
  const job = engine.jobs.get(jobId)
  if (!job || job.provider !== 'umrgen' || engine.state(job).phase !== 'succeeded' || job.extra.noFile) return sendJson(res, 404, { detail: 'Not Found' })
  const rawQuery = (req.url ?? '').split('?')[1] ?? ''
  const expected = `session_id=${String(job.extra.sessionId)}`
  if (session !== job.extra.sessionId || rawQuery !== expected || job.extra.staleSession) return sendJson(res, 403, { detail: 'Forbidden: invalid or stale session_id' })
  if (await applyFault(engine.takeFault('umrgen', 'download'), res)) return
  const entry = engine.ledger.get(job.id)
  if (entry) entry.downloads++
  const body = promptPng(`${job.prompt}#0`)
  res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': body.length })
  res.end(body)
}

export async function handleUmrgen(engine: SimEngine, req: IncomingMessage, res: ServerResponse, path: string, ctx: HandlerContext): Promise<void> {
  const parts = path.split('/').slice(1)
  const output = req.method === 'GET' && parts[0] === 'outputs' && parts.length === 3 ? /^umrgen_([0-9a-f]+)\.png$/.exec(parts[2]) : null
  // Outputs need no key (the session id is the capability); the API does.
  if (output) return serveOutput(engine, req, res, decodeURIComponent(parts[1]), output[1], ctx)
  if (parts[0] !== 'api' || parts[1] !== 'v1') return sendJson(res, 404, { detail: 'Not Found' })
  if (!engine.checkKey('umrgen', bearer(req))) return sendJson(res, 401, { detail: 'Invalid API key' })
  const submit = req.method === 'POST' && parts[2] === 'generate' && parts.length === 3
  const status = req.method === 'GET' && parts[2] === 'status' && parts.length === 4
  if (!submit && !status) return sendJson(res, 404, { detail: 'Not Found' })
  const fault = engine.takeFault('umrgen', submit ? 'submit' : 'poll')
  if (await applyFault(fault, res)) return
  if (!engine.takeToken('umrgen')) {
    engine.rateLimited429s++
    return sendJson(res, 429, { detail: 'Too many requests' }, { 'Retry-After': String(engine.options.rateLimit?.retryAfterSeconds ?? 1) })
  }

  if (submit) {
    let body: { prompt?: unknown }
    try {
      body = JSON.parse(await readBody(req))
    } catch {
      return sendJson(res, 422, { detail: 'Body is not JSON' })
    }
    if (typeof body?.prompt !== 'string' || !body.prompt) return sendJson(res, 422, { detail: 'prompt is required' })
    const sessionId = `sid_${randomBytes(4).toString('hex')}~${randomBytes(2).toString('hex')}`
    const job = engine.createJob('umrgen', { model: 'default', kind: 'image', prompt: body.prompt, extra: { sessionId } })
    return sendJson(res, 200, { job_id: job.id, state: 'queued', session_id: job.extra.sessionId })
  }

  const job = engine.jobs.get(parts[3])
  if (!job || job.provider !== 'umrgen') return sendJson(res, 404, { detail: 'Job not found' })
  const state = engine.recordPoll(job)
  const sid = String(job.extra.sessionId)
  const body: Record<string, unknown> = {
    job_id: job.id,
    state: fault?.fault === 'unknown_status' ? 'warming' : STATE[state.phase],
    image_url: null,
    error: null,
    progress: Math.round(state.progress * 100)
  }
  if (state.phase === 'succeeded' && !job.extra.noFile) body.image_url = `/outputs/${sid}/umrgen_${job.id}.png?session_id=${sid}`
  if (state.phase === 'failed') body.error = 'CUDA error: the simulated model refused this prompt'
  return sendJson(res, 200, body)
}
