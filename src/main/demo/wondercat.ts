// Wonda's public API (the provider "Wondercat") as its docs describe it; paths are relative to the base, which on
// the real service is https://api.wondercat.ai/api/v1. docs/providers.md § Wondercat (= Wonda) has the source of each fact;
// GUESS marks what the simulator had to invent.
//   Authorization: Bearer <key>; a missing or wrong key → 401 {error: {message, code: "unauthorized"}}
//   POST /media/upload (multipart; field `file`, or any names for several files)
//        → {mediaId, url, mimeType, uploads: {<field>: {mediaId, url, mimeType}}} (+ errors: {<field>: "…"})
//   POST /image/generate | /video/generate | /music/generate | /audio/speech | /audio/dialogue
//        {model, prompt?, params?, attachmentMediaIds?} → {inferenceJobId}
//        an id Wonda does not know (for that endpoint) → 400 validation_error
//   GET  /jobs/inference/{id} → {inferenceJobId, model, type, status, params, errorCode, errorMessage, infoMessage,
//        createdAt, finishedAt, outputs: [{inferenceJobOutputId, outputKey, outputValue, media: {mediaId, url, mimeType, …}}], attachments}
//   GET  /jobs/publish/{id}, /jobs/editor/{id} for jobs tests create on the engine (`extra.jobType`); editor
//        outputs are {mediaId, url} without `media` (the CLI skill)
//   POST /video/edit | /image/edit | /audio/edit → 410 {error: {message: <CLI migration hint>, code: "gone"}}
//   GET  /balance (GUESS: the body), GET /capabilities {generation: {image, video, audio}, editing: {…: []}, publish: []}
// There is no cancel route: Wonda documents none. Statuses: idle then locked while waiting (publish: queued),
// in_progress, succeeded, failed, canceled. Errors are always {error: {message, code}}.
// Tests shape a job through `job.extra`: noMedia (succeeds with a text output and no media), jobType.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { randomUUID } from 'node:crypto'
import { applyFault, bearer, readRaw, sendJson, SimEngine, type SimJob, type SimKind } from './engine'
import type { HandlerContext } from './server'

type JobType = 'inference' | 'editor' | 'publish'
const JOB_TYPES = new Set<string>(['inference', 'editor', 'publish'])
const MIME = { png: 'image/png', mp4: 'video/mp4', wav: 'audio/wav' } as const

/** Model keys Wonda's sources name, per endpoint (the CLI skill's model waterfall; the MCP server's examples). */
export const WONDA_MODELS: Record<string, { kind: SimKind; models: readonly string[] }> = {
  '/image/generate': {
    kind: 'image',
    models: ['nano-banana-2', 'nano-banana-pro', 'gpt-image-2', 'seedream-4-5', 'z-image', 'grok-imagine-pro', 'runware-vectorize', 'birefnet-bg-removal']
  },
  '/video/generate': {
    kind: 'video',
    models: [
      'seedance-2',
      'seedance-2-omni',
      'seedance-2-video-edit',
      'sora2',
      'sora2pro',
      'veo3_1',
      'veo3_1-fast',
      'gemini-omni-video',
      'kling_3_pro',
      'kling_2_6_pro',
      'kling_2_6_motion_control',
      'kling2_5-pro',
      'grok-imagine-video',
      'topaz-video-upscale',
      'sync-lipsync-v2-pro',
      'bria-video-background-removal'
    ]
  },
  '/music/generate': { kind: 'audio', models: ['suno-music'] },
  '/audio/speech': { kind: 'audio', models: ['elevenlabs-tts', 'minimax-speech-2-8-hd'] },
  '/audio/dialogue': { kind: 'audio', models: ['elevenlabs-dialogue'] }
}

/** wonda.sh/docs/media-upload "Supported Formats". */
const UPLOAD_TYPES = new Set([
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
  'image/svg+xml',
  'video/mp4',
  'video/webm',
  'video/quicktime',
  'video/x-msvideo',
  'audio/mpeg',
  'audio/mp3',
  'audio/wav',
  'audio/ogg',
  'audio/webm',
  'audio/aac',
  'audio/m4a'
])

function error(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { error: { message, code } }, headers)
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | null> {
  try {
    const body = JSON.parse((await readRaw(req)).toString('utf8'))
    return body && typeof body === 'object' && !Array.isArray(body) ? body : null
  } catch {
    return null
  }
}

function outputMedia(engine: SimEngine, job: SimJob): Record<string, unknown> {
  const ext = SimEngine.extOf(job.kind)
  const image = job.kind === 'image'
  return {
    mediaId: job.extra.outputMediaId,
    url: engine.fileUrl(job, 0, ext),
    mimeType: MIME[ext],
    width: image ? 1024 : null,
    height: image ? 1024 : null,
    durationMs: image ? null : 5000,
    fps: job.kind === 'video' ? 24 : null
  }
}

/** A media id this account owns: an upload, or the output of a succeeded job. */
function knownMedia(engine: SimEngine, mediaId: unknown): boolean {
  if (typeof mediaId !== 'string') return false
  if (engine.uploads.has(mediaId)) return true
  for (const job of engine.jobs.values()) {
    if (job.provider === 'wondercat' && job.extra.outputMediaId === mediaId) return !job.extra.noMedia && engine.state(job).phase === 'succeeded'
  }
  return false
}

function statusWord(engine: SimEngine, job: SimJob, type: JobType, phase: ReturnType<SimEngine['state']>['phase']): string {
  if (phase === 'queued') {
    if (type === 'publish') return 'queued'
    return engine.now() < job.createdAt + job.queuedMs / 2 ? 'idle' : 'locked'
  }
  return phase === 'running' ? 'in_progress' : phase
}

function iso(ms: number): string {
  return new Date(ms).toISOString()
}

function jobBody(engine: SimEngine, job: SimJob, type: JobType, status: string, phase: string): Record<string, unknown> {
  const done = phase === 'succeeded' || phase === 'failed' || phase === 'canceled'
  const finishedAt = done ? iso(job.canceledAt ?? job.readyAt) : null
  if (type !== 'inference') {
    const outputs =
      phase === 'succeeded' && !job.extra.noMedia ? [{ mediaId: job.extra.outputMediaId, url: engine.fileUrl(job, 0, SimEngine.extOf(job.kind)) }] : []
    return {
      [type === 'editor' ? 'editorJobId' : 'outputJobId']: job.id,
      status,
      outputs,
      errorMessage: phase === 'failed' ? 'The simulated render failed' : null,
      createdAt: iso(job.createdAt),
      finishedAt
    }
  }
  let outputs: unknown[] = []
  if (phase === 'succeeded') {
    const base = { inferenceJobOutputId: `out-${job.id}-0`, createdAt: finishedAt }
    outputs = job.extra.noMedia
      ? [{ ...base, outputKey: 'text', outputValue: 'no media was made', media: null }]
      : [{ ...base, outputKey: job.kind, outputValue: null, media: outputMedia(engine, job) }]
  }
  return {
    inferenceJobId: job.id,
    model: job.model,
    provider: 'simulator',
    type: job.kind,
    prompt: job.prompt,
    status,
    params: job.extra.params ?? {},
    errorCode: phase === 'failed' ? 'generation_failed' : null,
    errorMessage: phase === 'failed' ? 'The simulated model refused this prompt' : null,
    infoMessage: null,
    createdAt: iso(job.createdAt),
    finishedAt,
    outputs,
    attachments: ((job.extra.attachmentMediaIds as string[] | undefined) ?? []).map((mediaId) => ({ mediaId }))
  }
}

async function upload(engine: SimEngine, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const type = req.headers['content-type'] ?? ''
  if (!type.startsWith('multipart/form-data')) return error(res, 400, 'validation_error', 'Requests must use multipart/form-data')
  let form: FormData
  try {
    form = await new Request('http://sim/upload', { method: 'POST', headers: { 'content-type': type }, body: await readRaw(req) }).formData()
  } catch {
    return error(res, 400, 'validation_error', 'Unreadable multipart body')
  }
  const uploads: Record<string, { mediaId: string; url: string; mimeType: string }> = {}
  const errors: Record<string, string> = {}
  for (const [field, value] of form.entries()) {
    if (typeof value === 'string') continue
    const mime = value.type || 'application/octet-stream'
    if (!UPLOAD_TYPES.has(mime)) {
      errors[field] = 'Unsupported MIME type'
      continue
    }
    const mediaId = randomUUID()
    engine.uploads.set(mediaId, { bytes: Buffer.from(await value.arrayBuffer()), mime, name: value.name })
    uploads[field] = { mediaId, url: `${engine.filesBase}/uploads/${mediaId}`, mimeType: mime }
  }
  const names = Object.keys(uploads)
  if (names.length === 0) {
    const [first] = Object.values(errors)
    return error(res, 400, 'validation_error', first ?? 'A file is required (field "file")')
  }
  // GUESS: the single-file fields come from the `file` field, or the only upload.
  const single = uploads.file ?? (names.length === 1 ? uploads[names[0]] : undefined)
  sendJson(res, 200, { ...(single ?? {}), uploads, ...(Object.keys(errors).length ? { errors } : {}) })
}

async function generate(engine: SimEngine, req: IncomingMessage, res: ServerResponse, route: string): Promise<void> {
  const endpoint = WONDA_MODELS[route]
  if (!String(req.headers['content-type'] ?? '').startsWith('application/json'))
    return error(res, 400, 'bad_request', 'JSON request bodies must use Content-Type: application/json')
  const body = await readJson(req)
  if (!body) return error(res, 400, 'validation_error', 'Request body must be a JSON object')
  // wonda.sh/docs/errors gives this very example.
  if (typeof body.model !== 'string' || !body.model) return error(res, 400, 'validation_error', "'model' is required")
  // GUESS: the wording; the code is the brief's (an unknown id gets 400 validation_error).
  if (!endpoint.models.includes(body.model)) return error(res, 400, 'validation_error', `Unknown model '${body.model}' for ${route}`)
  if (body.prompt !== undefined && typeof body.prompt !== 'string') return error(res, 400, 'validation_error', "'prompt' must be a string")
  if (body.params !== undefined && (typeof body.params !== 'object' || body.params === null || Array.isArray(body.params)))
    return error(res, 400, 'validation_error', "'params' must be an object")
  const params = (body.params ?? {}) as Record<string, unknown>
  const attachments = body.attachmentMediaIds ?? []
  if (!Array.isArray(attachments) || !attachments.every((m) => typeof m === 'string'))
    return error(res, 400, 'validation_error', "'attachmentMediaIds' must be an array of media ids")
  // GUESS: the status for a media id the account does not own.
  const unknown = attachments.filter((m) => !knownMedia(engine, m))
  if (unknown.length) return error(res, 400, 'validation_error', `Unknown attachmentMediaIds: ${unknown.join(', ')}`)
  // The CLI skill: "elevenlabs-tts always requires a voiceId"; the upscaler works on an attached video. GUESS: both as 400s.
  if (body.model === 'elevenlabs-tts' && typeof params.voiceId !== 'string')
    return error(res, 400, 'validation_error', "'params.voiceId' is required for elevenlabs-tts")
  if (body.model === 'topaz-video-upscale' && attachments.length === 0)
    return error(res, 400, 'validation_error', 'topaz-video-upscale needs a video in attachmentMediaIds')
  const job = engine.createJob('wondercat', {
    model: body.model,
    kind: endpoint.kind,
    prompt: typeof body.prompt === 'string' ? body.prompt : '',
    extra: { jobType: 'inference', route, params, attachmentMediaIds: attachments, outputMediaId: randomUUID() }
  })
  sendJson(res, 200, { inferenceJobId: job.id })
}

function capabilities(res: ServerResponse): void {
  const entries = (route: string) =>
    WONDA_MODELS[route].models.map((key) => ({
      key,
      label: key,
      description: '',
      attachments: ['reference_images'],
      params: { type: 'object', properties: {} }
    }))
  sendJson(res, 200, {
    // GUESS: the name of the audio group (the docs show image, video and text).
    generation: {
      image: entries('/image/generate'),
      video: entries('/video/generate'),
      audio: [...entries('/music/generate'), ...entries('/audio/speech'), ...entries('/audio/dialogue')],
      text: []
    },
    editing: { video: [], image: [], audio: [] },
    publish: []
  })
}

export async function handleWondercat(engine: SimEngine, req: IncomingMessage, res: ServerResponse, path: string, ctx: HandlerContext): Promise<void> {
  const parts = path.split('/').slice(1)
  if (!engine.checkKey('wondercat', bearer(req))) return error(res, 401, 'unauthorized', 'Missing or invalid API key')
  const fault = engine.takeFault('wondercat', req.method === 'POST' ? 'submit' : 'poll')
  if (await applyFault(fault, res)) return
  if (!engine.takeToken('wondercat')) {
    engine.rateLimited429s++
    // Wonda documents the 429 but no Retry-After; the simulator sends one only when a test or benchmark asks.
    const after = engine.options.rateLimit?.retryAfterSeconds
    return error(res, 429, 'rate_limit_exceeded', 'Too many requests', after !== undefined ? { 'Retry-After': String(after) } : {})
  }

  const route = `/${parts.join('/')}`
  const key = `${req.method} ${route}`
  if (key === 'POST /media/upload') return upload(engine, req, res)
  if (req.method === 'POST' && WONDA_MODELS[route]) return generate(engine, req, res, route)
  if (req.method === 'POST' && ['/video/edit', '/image/edit', '/audio/edit'].includes(route)) {
    ctx.record.target = 'submit'
    const media = route.split('/')[1]
    return error(res, 410, 'gone', `POST ${route} has been retired. Edits render locally with the Wonda CLI: wonda edit ${media} --operation <operation>`)
  }
  // GUESS: the body (the MCP server calls it "Current credit balance and next refill time").
  if (key === 'GET /balance') return sendJson(res, 200, { balance: 1000, nextRefillAt: iso(engine.now() + 86_400_000) })
  if (key === 'GET /capabilities') return capabilities(res)

  if (req.method === 'GET' && parts[0] === 'jobs' && JOB_TYPES.has(parts[1]) && parts[2] && parts.length === 3) {
    const type = parts[1] as JobType
    const job = engine.jobs.get(parts[2])
    if (!job || job.provider !== 'wondercat' || (job.extra.jobType ?? 'inference') !== type) return error(res, 404, 'not_found', 'Job not found')
    const state = engine.recordPoll(job)
    const status = fault?.fault === 'unknown_status' ? 'rendering' : statusWord(engine, job, type, state.phase)
    return sendJson(res, 200, jobBody(engine, job, type, status, state.phase))
  }
  error(res, 404, 'not_found', `No route ${key}`)
}
