// LetzAI's protocol as ../shared/providers/README.md pins it: POST /{endpoint} → {id, status:"new"};
// GET /{endpoint}/{id} → {id, status, progress, imageVersions|videoVersions, error}.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { applyFault, bearer, readBody, sendJson, type SimEngine, type SimKind } from './engine'

const KINDS: Record<string, SimKind> = { images: 'image', videos: 'video', 'image-edits': 'image', upscales: 'image' }
const STATUS = { queued: 'new', running: 'generating', succeeded: 'ready', failed: 'failed', canceled: 'failed' } as const

export async function handleLetzai(engine: SimEngine, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const [, endpoint, id] = path.split('/')
  const kind = KINDS[endpoint]
  if (!kind) return sendJson(res, 404, { error: 'no such endpoint' })
  if (!engine.checkKey('letzai', bearer(req))) return sendJson(res, 401, { error: 'Unauthorized' })
  const target = req.method === 'POST' ? 'submit' : 'poll'
  const fault = engine.takeFault('letzai', target)
  if (await applyFault(fault, res)) return
  if (!engine.takeToken('letzai')) {
    engine.rateLimited429s++
    return sendJson(res, 429, { error: 'Too many requests' }, { 'Retry-After': String(engine.options.rateLimit?.retryAfterSeconds ?? 1) })
  }

  if (req.method === 'POST' && !id) {
    let body: { prompt?: unknown; imageUrl?: unknown }
    try {
      body = JSON.parse(await readBody(req))
    } catch {
      return sendJson(res, 400, { error: 'body is not JSON' })
    }
    const needsImage = endpoint === 'upscales' || endpoint === 'image-edits'
    if (needsImage && (typeof body.imageUrl !== 'string' || !body.imageUrl)) return sendJson(res, 400, { error: 'imageUrl is required' })
    if (endpoint !== 'upscales' && (typeof body.prompt !== 'string' || !body.prompt)) return sendJson(res, 400, { error: 'prompt is required' })
    // An upscale has no prompt of its own: its picture derives from the image it starts from.
    const prompt = typeof body.prompt === 'string' && body.prompt ? body.prompt : `upscale of ${String(body.imageUrl)}`
    const job = engine.createJob('letzai', { model: endpoint, kind, prompt, extra: needsImage ? { imageUrl: body.imageUrl } : {} })
    return sendJson(res, 201, { id: job.id, status: 'new' })
  }

  if (req.method === 'GET' && id) {
    const job = engine.jobs.get(id)
    if (!job) return sendJson(res, 404, { error: 'not found' })
    const state = engine.recordPoll(job)
    const status = fault?.fault === 'unknown_status' ? 'mystery-state' : STATUS[state.phase]
    const body: Record<string, unknown> = { id: job.id, status, progress: Math.round(state.progress * 100) }
    if (state.phase === 'succeeded') {
      const ext = kind === 'video' ? 'mp4' : 'png'
      const versions = { original: engine.fileUrl(job, 0, ext), '640x640': engine.fileUrl(job, 1, ext) }
      body[kind === 'video' ? 'videoVersions' : 'imageVersions'] = versions
    }
    if (state.phase === 'failed') body.error = 'Generation failed: the simulated model refused this prompt'
    return sendJson(res, 200, body)
  }
  sendJson(res, 405, { error: 'method not allowed' })
}
