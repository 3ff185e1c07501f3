// Wondercat's protocol as ../shared/providers/README.md pins it (paths relative to the base, which on the real
// service ends in /api/v1):
//   POST /media/upload (multipart `file`) → {mediaId, url}
//   POST /image/generate | /video/generate {model, prompt, params?, inputMediaIds?} → {inferenceJobId}
//   POST /video/edit {operation: "trim", mediaIds, params: {trimStartMs, trimEndMs}} → {editorJobId}
//   GET  /jobs/{inference|editor|publish}/{id} → {id, status, outputs, errorMessage, progress}
//   POST /jobs/{inference|editor}/{id}/cancel → 200; the next poll says `canceled`
// Statuses: idle then locked while waiting (publish jobs: queued), in_progress, succeeded, failed, canceled.
// A succeeded job's outputs list a media-less entry (a log) before the media, as the real API may.
// Publish has no submit route here (out of scope); tests create publish jobs on the engine directly.
// Tests shape a job through `job.extra`: noMedia: succeeded without any media.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { randomBytes } from 'node:crypto'
import { applyFault, bearer, sendJson, SimEngine, type SimJob, type SimKind } from './engine'
import type { HandlerContext } from './server'

type JobType = 'inference' | 'editor' | 'publish'
const JOB_TYPES = new Set<string>(['inference', 'editor', 'publish'])
const MIME = { png: 'image/png', mp4: 'video/mp4', wav: 'audio/wav' } as const

async function readRaw(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(c as Buffer)
  return Buffer.concat(chunks)
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | null> {
  try {
    const body = JSON.parse((await readRaw(req)).toString('utf8'))
    return body && typeof body === 'object' && !Array.isArray(body) ? body : null
  } catch {
    return null
  }
}

function mediaOf(engine: SimEngine, job: SimJob): { mediaId: string; url: string; mimeType: string } {
  const ext = SimEngine.extOf(job.kind)
  return { mediaId: `med_${job.id}_0`, url: engine.fileUrl(job, 0, ext), mimeType: MIME[ext] }
}

/** A media id the service knows: an upload, or the output of a succeeded Wondercat job. */
function knownMedia(engine: SimEngine, mediaId: unknown): boolean {
  if (typeof mediaId !== 'string') return false
  if (engine.uploads.has(mediaId)) return true
  const m = /^med_([0-9a-f]+)_0$/.exec(mediaId)
  const job = m ? engine.jobs.get(m[1]) : undefined
  return Boolean(job && job.provider === 'wondercat' && !job.extra.noMedia && engine.state(job).phase === 'succeeded')
}

function statusWord(engine: SimEngine, job: SimJob, type: JobType, phase: ReturnType<SimEngine['state']>['phase']): string {
  if (phase === 'queued') {
    if (type === 'publish') return 'queued'
    return engine.now() < job.createdAt + job.queuedMs / 2 ? 'idle' : 'locked'
  }
  return phase === 'running' ? 'in_progress' : phase
}

function create(engine: SimEngine, res: ServerResponse, type: 'inference' | 'editor', input: { model: string; kind: SimKind; prompt: string; extra: Record<string, unknown> }): void {
  const job = engine.createJob('wondercat', { ...input, extra: { ...input.extra, type } })
  sendJson(res, 200, type === 'inference' ? { inferenceJobId: job.id } : { editorJobId: job.id })
}

export async function handleWondercat(engine: SimEngine, req: IncomingMessage, res: ServerResponse, path: string, ctx: HandlerContext): Promise<void> {
  const parts = path.split('/').slice(1)
  if (!engine.checkKey('wondercat', bearer(req))) return sendJson(res, 401, { message: 'Unauthorized' })
  const isCancel = req.method === 'POST' && parts[0] === 'jobs' && parts[3] === 'cancel'
  if (isCancel) ctx.record.target = 'cancel'
  const fault = engine.takeFault('wondercat', isCancel ? 'cancel' : req.method === 'POST' ? 'submit' : 'poll')
  if (await applyFault(fault, res)) return
  if (!engine.takeToken('wondercat')) {
    engine.rateLimited429s++
    return sendJson(res, 429, { message: 'Too many requests' }, { 'Retry-After': String(engine.options.rateLimit?.retryAfterSeconds ?? 1) })
  }

  const route = `${req.method} /${parts.join('/')}`
  if (route === 'POST /media/upload') {
    const type = req.headers['content-type'] ?? ''
    if (!type.startsWith('multipart/form-data')) return sendJson(res, 400, { message: 'expected multipart/form-data' })
    let file: ReturnType<FormData['get']>
    try {
      file = (await new Request('http://sim/upload', { method: 'POST', headers: { 'content-type': type }, body: await readRaw(req) }).formData()).get('file')
    } catch {
      return sendJson(res, 400, { message: 'unreadable multipart body' })
    }
    if (!file || typeof file === 'string') return sendJson(res, 400, { message: 'field "file" is required' })
    const mediaId = `upl_${randomBytes(8).toString('hex')}`
    engine.uploads.set(mediaId, { bytes: Buffer.from(await file.arrayBuffer()), mime: file.type || 'application/octet-stream', name: file.name })
    return sendJson(res, 200, { mediaId, url: `${engine.filesBase}/uploads/${mediaId}` })
  }

  if (route === 'POST /image/generate' || route === 'POST /video/generate') {
    const body = await readJson(req)
    if (!body) return sendJson(res, 400, { message: 'body is not a JSON object' })
    if (typeof body.model !== 'string' || !body.model) return sendJson(res, 400, { message: 'model is required' })
    if (typeof body.prompt !== 'string' || !body.prompt) return sendJson(res, 400, { message: 'prompt is required' })
    const inputs = body.inputMediaIds ?? []
    if (!Array.isArray(inputs) || !inputs.every((m) => knownMedia(engine, m))) return sendJson(res, 400, { message: `unknown inputMediaIds ${JSON.stringify(inputs)}` })
    return create(engine, res, 'inference', { model: body.model, kind: parts[0] === 'video' ? 'video' : 'image', prompt: body.prompt, extra: { params: body.params ?? null, inputMediaIds: inputs } })
  }

  if (route === 'POST /video/edit') {
    const body = await readJson(req)
    if (!body) return sendJson(res, 400, { message: 'body is not a JSON object' })
    if (body.operation !== 'trim') return sendJson(res, 400, { message: `unsupported operation ${JSON.stringify(body.operation)}` })
    const { mediaIds, params } = body as { mediaIds?: unknown; params?: { trimStartMs?: unknown; trimEndMs?: unknown } }
    if (!Array.isArray(mediaIds) || mediaIds.length === 0) return sendJson(res, 400, { message: 'mediaIds must be a non-empty array' })
    if (!mediaIds.every((m) => knownMedia(engine, m))) return sendJson(res, 404, { message: `unknown media ${JSON.stringify(mediaIds)}` })
    const start = params?.trimStartMs
    const end = params?.trimEndMs
    if (typeof start !== 'number' || typeof end !== 'number' || start < 0 || end <= start) return sendJson(res, 400, { message: 'params.trimStartMs and params.trimEndMs must be numbers with 0 <= start < end' })
    return create(engine, res, 'editor', { model: 'trim', kind: 'video', prompt: `trim ${mediaIds.join(',')} ${start}-${end}`, extra: { operation: 'trim', mediaIds, params: { trimStartMs: start, trimEndMs: end } } })
  }

  if (parts[0] === 'jobs' && JOB_TYPES.has(parts[1]) && parts[2]) {
    const type = parts[1] as JobType
    const job = engine.jobs.get(parts[2])
    if (!job || job.provider !== 'wondercat' || (job.extra.type ?? 'inference') !== type) return sendJson(res, 404, { message: 'job not found' })

    if (req.method === 'GET' && parts.length === 3) {
      const state = engine.recordPoll(job)
      const status = fault?.fault === 'unknown_status' ? 'rendering' : statusWord(engine, job, type, state.phase)
      const body: Record<string, unknown> = { id: job.id, type, status, progress: Math.round(state.progress * 100) / 100, outputs: [], errorMessage: null }
      if (state.phase === 'succeeded') {
        const log = { id: `out_${job.id}_log`, kind: 'log' }
        body.outputs = job.extra.noMedia ? [log] : [log, { id: `out_${job.id}_0`, kind: 'media', media: mediaOf(engine, job) }]
      }
      if (state.phase === 'failed') body.errorMessage = 'The simulated model refused this prompt'
      return sendJson(res, 200, body)
    }

    if (isCancel && parts.length === 4) {
      if (type === 'publish') return sendJson(res, 400, { message: 'publish jobs cannot be canceled' })
      const phase = engine.state(job).phase
      if (phase !== 'queued' && phase !== 'running') return sendJson(res, 409, { message: `job already ${phase}` })
      job.canceledAt = engine.now()
      engine.save(job)
      return sendJson(res, 200, { id: job.id, status: 'canceled' })
    }
  }
  sendJson(res, 404, { message: `no route ${route}` })
}
