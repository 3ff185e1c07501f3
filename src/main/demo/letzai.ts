// LetzAI's public API as its own material describes it (docs/providers.md § LetzAI (and the Demo): the source of every path, field
// and status; what no source says is marked GUESS there). A NestJS app: unknown routes are 404 `Cannot GET …`,
// bodies are validated strictly (an unknown field is a 400), errors are `{message, error, statusCode}`.
//   POST /images | /videos | /image-edits | /upscale      → 201, the job's DTO with status "new"
//   GET  /images/{id} | /videos/{id} | /image-edits/{id} | /upscale/{id}
//   GET  /images?page&limit                               → this key's images (a list)
//   PUT  /images/{id}/interruption                         → 204 (400 once finished)
//   POST /user-assets {extension,…}                        → {id, uploadUrl, imageUrl}; PUT the bytes to uploadUrl
// The upload URL stands in for the pre-signed S3 URL: it takes no Authorization header (S3 refuses a second
// auth mechanism) and its bytes are then served from the files host at `imageUrl`.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { randomBytes } from 'node:crypto'
import { LETZAI_BASE_MODELS } from '../../shared/catalogue/letzai'
import { applyFault, bearer, readBody, sendJson, type SimEngine, type SimJob, type SimKind } from './engine'
import type { HandlerContext } from './server'

type Endpoint = 'images' | 'videos' | 'image-edits' | 'upscale'
const KINDS: Record<Endpoint, SimKind> = { images: 'image', videos: 'video', 'image-edits': 'image', upscale: 'image' }
const ENDPOINTS = new Set<string>(Object.keys(KINDS))

/** Running jobs say "generating": the current skill's polling guide says no "in progress" is sent any more. */
const STATUS = { queued: 'new', running: 'generating', succeeded: 'ready', failed: 'failed', canceled: 'interrupted' } as const

/** The fields each create endpoint's DTO allows (current letzai-skill SKILL.md); anything else is a 400. */
const ALLOWED: Record<Endpoint | 'user-assets', readonly string[]> = {
  images: [
    'prompt',
    'baseModel',
    'mode',
    'width',
    'height',
    'quality',
    'creativity',
    'hasWatermark',
    'systemVersion',
    'hideFromUserProfile',
    'webhookUrl',
    'organizationId'
  ],
  videos: [
    'prompt',
    'originalImageCompletionId',
    'imageUrl',
    'imageUrls',
    'prompts',
    'baseModel',
    'width',
    'height',
    'resolution',
    'settings',
    'webhookUrl',
    'hidePrompt',
    'organizationId'
  ],
  'image-edits': [
    'mode',
    'prompt',
    'imageUrl',
    'inputImageUrls',
    'originalImageCompletionId',
    'originalImageCompletionIds',
    'baseModel',
    'settings',
    'imageCompletionsCount',
    'mask',
    'width',
    'height',
    'webhookUrl',
    'organizationId',
    'hidePrompt'
  ],
  upscale: ['imageId', 'imageUrl', 'mode', 'size', 'strength', 'prompt', 'webhookUrl', 'organizationId'],
  'user-assets': ['extension', 'originalFilename', 'mimeType', 'fileSize', 'caption', 'metadata', 'numberOfImages']
}
const UPLOAD_EXTENSIONS = ['jpg', 'jpeg', 'png', 'gif', 'webp', 'mp4', 'webm', 'mov', 'avi', 'mp3', 'wav', 'ogg', 'm4a', 'aac', 'flac']
const UPLOAD_MIME: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  mp4: 'video/mp4',
  webm: 'video/webm',
  mp3: 'audio/mpeg',
  wav: 'audio/wav'
}
const EDIT_MODES = ['context', 'skin', 'in', 'out']
const UPSCALE_MODES = ['default', 'nano-banana-pro', 'nano-banana-2', 'gpt-image-2', 'pruna']

/** NestJS's error body. */
function nestError(res: ServerResponse, statusCode: number, message: string | string[], headers: Record<string, string> = {}): void {
  const error = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests' }[statusCode]
  sendJson(res, statusCode, { message, ...(error && statusCode !== 401 ? { error } : {}), statusCode }, headers)
}

function isUrl(v: unknown): v is string {
  if (typeof v !== 'string') return false
  try {
    const u = new URL(v)
    return u.protocol === 'https:' || u.protocol === 'http:'
  } catch {
    return false
  }
}

const isInt = (v: unknown, min: number, max: number) => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max

/** What class-validator would say about a create body; empty when it is fine. */
function validate(endpoint: Endpoint, body: Record<string, unknown>): string[] {
  const problems = Object.keys(body)
    .filter((k) => !ALLOWED[endpoint].includes(k))
    .map((k) => `property ${k} should not exist`)
  const str = (k: string) => body[k] === undefined || typeof body[k] === 'string'
  for (const k of ['prompt', 'baseModel', 'mode', 'imageUrl', 'originalImageCompletionId', 'imageId', 'mask'])
    if (!str(k)) problems.push(`${k} must be a string`)
  for (const k of ['imageUrl']) if (body[k] !== undefined && !isUrl(body[k])) problems.push(`${k} must be a URL address`)
  for (const k of ['inputImageUrls', 'imageUrls'])
    if (body[k] !== undefined && (!Array.isArray(body[k]) || !(body[k] as unknown[]).every(isUrl))) problems.push(`each value in ${k} must be a URL address`)
  const hasPrompt = typeof body.prompt === 'string' && body.prompt.trim() !== ''
  const settings = body.settings
  if (settings !== undefined && (typeof settings !== 'object' || settings === null || Array.isArray(settings))) problems.push('settings must be an object')
  const s = (settings ?? {}) as Record<string, unknown>
  switch (endpoint) {
    case 'images':
      if (!hasPrompt) problems.push('prompt should not be empty')
      // Current skill: 480–2160; api_instructions.md: 520–2160 (the catalogue keeps to the narrower one).
      for (const k of ['width', 'height'])
        if (body[k] !== undefined && !isInt(body[k], 480, 2160)) problems.push(`${k} must not be less than 480 and not greater than 2160`)
      for (const k of ['quality', 'creativity'])
        if (body[k] !== undefined && !isInt(body[k], 1, 6)) problems.push(`${k} must not be less than 1 and not greater than 6`)
      if (body.hasWatermark !== undefined && typeof body.hasWatermark !== 'boolean') problems.push('hasWatermark must be a boolean value')
      if (body.systemVersion !== undefined && body.systemVersion !== 2 && body.systemVersion !== 3)
        problems.push('systemVersion must be one of the following values: 2, 3')
      // GUESS: an unknown base model is refused (older docs list INVALID_MODEL); aliases such as the preview id pass.
      if (typeof body.baseModel === 'string' && !(LETZAI_BASE_MODELS as readonly string[]).includes(body.baseModel))
        problems.push(`baseModel must be one of the following values: ${LETZAI_BASE_MODELS.join(', ')}`)
      break
    case 'videos':
      if (!hasPrompt) problems.push('prompt should not be empty')
      // Older skill and api_reference: a video starts from a picture (the current skill says it may be text-only).
      if (body.imageUrl === undefined && body.originalImageCompletionId === undefined && body.imageUrls === undefined)
        problems.push('imageUrl or originalImageCompletionId is required: a video starts from a source image')
      if (s.duration !== undefined && typeof s.duration !== 'number') problems.push('settings.duration must be a number')
      break
    case 'image-edits':
      if (typeof body.mode !== 'string' || !EDIT_MODES.includes(body.mode)) problems.push(`mode must be one of the following values: ${EDIT_MODES.join(', ')}`)
      if (
        body.imageUrl === undefined &&
        body.inputImageUrls === undefined &&
        body.originalImageCompletionId === undefined &&
        body.originalImageCompletionIds === undefined
      )
        problems.push('imageUrl, inputImageUrls, originalImageCompletionId or originalImageCompletionIds is required')
      if (body.mode === 'context' && !hasPrompt) problems.push('prompt should not be empty')
      // Pipedream's LetzAI action: the mask is required for inpainting, settings {panControls, zoomSize} for outpainting.
      if (body.mode === 'in' && (typeof body.mask !== 'string' || !body.mask)) problems.push('mask (a base64 image) is required for mode "in"')
      if (body.mode === 'out' && (typeof s.panControls !== 'object' || s.panControls === null || typeof s.zoomSize !== 'number'))
        problems.push('settings.panControls and settings.zoomSize are required for mode "out"')
      if (s.resolution !== undefined && s.resolution !== '2k' && s.resolution !== '4k')
        problems.push('settings.resolution must be one of the following values: 2k, 4k')
      if (body.imageCompletionsCount !== undefined && !isInt(body.imageCompletionsCount, 1, 5))
        problems.push('imageCompletionsCount must not be less than 1 and not greater than 5')
      break
    case 'upscale':
      if (body.imageId === undefined && body.imageUrl === undefined) problems.push('imageId or imageUrl is required')
      if (body.strength !== undefined && !(typeof body.strength === 'number' && body.strength >= 1 && body.strength <= 5))
        problems.push('strength must not be less than 1 and not greater than 5')
      if (body.size !== undefined && !isInt(body.size, 2, 12)) problems.push('size must not be less than 2 and not greater than 12')
      if (typeof body.mode === 'string' && !UPSCALE_MODES.includes(body.mode))
        problems.push(`mode must be one of the following values: ${UPSCALE_MODES.join(', ')}`)
      break
  }
  return problems
}

/** A job's endpoint; jobs a Demo saved before the endpoint was recorded have only the catalogue name. */
function endpointOf(job: SimJob): Endpoint | undefined {
  const named = job.extra.endpoint ?? { images: 'images', videos: 'videos', 'image-edits': 'image-edits', upscales: 'upscale' }[job.model]
  return typeof named === 'string' && ENDPOINTS.has(named) ? (named as Endpoint) : undefined
}

/** An input picture that is one of this simulator's uploads, but whose bytes never arrived (the PUT was skipped). */
function missingUpload(engine: SimEngine, urls: unknown[]): string | undefined {
  const prefix = `${engine.filesBase}/uploads/`
  return urls.find((u): u is string => typeof u === 'string' && u.startsWith(prefix) && !engine.uploads.has(u.slice(prefix.length).split('?')[0]))
}

function dto(engine: SimEngine, job: SimJob, forceStatus?: string): Record<string, unknown> {
  const endpoint = endpointOf(job) ?? 'images'
  const state = engine.state(job)
  const status = forceStatus ?? STATUS[state.phase]
  const progress = Math.round(state.progress * 100)
  const base = { id: job.id, status, progress, createdAt: new Date(job.createdAt).toISOString() }
  const failure = job.extra.failMessage ?? 'Generation failed: the simulated model refused this prompt'
  const done = state.phase === 'succeeded' && !forceStatus
  const failed = state.phase === 'failed' && !forceStatus
  const imageVersions = (j: SimJob) => ({
    original: engine.fileUrl(j, 0, 'png'),
    '1920x1920': engine.fileUrl(j, 1, 'png'),
    '640x640': engine.fileUrl(j, 2, 'png')
  })
  switch (endpoint) {
    case 'images':
      // The image DTO (Pipedream's test event, api_instructions.md): progressMessage carries a failure's words.
      return {
        ...base,
        prompt: job.prompt,
        baseModel: job.extra.baseModel ?? null,
        hasWatermark: job.extra.hasWatermark,
        privacy: 'private',
        ...(done ? { imageVersions: imageVersions(job) } : {}),
        ...(failed ? { progressMessage: failure, statusDetail: failure } : {})
      }
    case 'upscale':
      return { ...base, ...(done ? { imageVersions: imageVersions(job) } : {}), ...(failed ? { statusDetail: failure } : {}) }
    case 'videos': {
      const url = engine.fileUrl(job, 0, 'mp4')
      // Older skill: videoPaths; the current skill: videoVersions.original. A test may ask for the newer shape.
      const files = job.extra.videoShape === 'videoVersions' ? { videoVersions: { original: url } } : { videoPaths: { mp4: url } }
      return { ...base, prompt: job.prompt, settings: job.extra.settings ?? {}, ...(done ? files : {}), ...(failed ? { statusDetail: failure } : {}) }
    }
    case 'image-edits':
      // Pipedream's new-image-edit test event and both skills: the result is generatedImageCompletion.imageVersions.
      return {
        ...base,
        mode: job.extra.mode,
        prompt: job.prompt,
        inputImageUrl: job.extra.imageUrl ?? null,
        generatedImageCompletion: {
          id: `${job.id}-gen`,
          status,
          progress,
          imageVersions: done ? imageVersions(job) : {},
          ...(failed ? { statusDetail: failure } : {})
        },
        imageCompletionChoices: [],
        ...(failed ? { statusDetail: failure } : {})
      }
  }
}

export async function handleLetzai(engine: SimEngine, req: IncomingMessage, res: ServerResponse, path: string, ctx?: HandlerContext): Promise<void> {
  const method = req.method ?? 'GET'
  const parts = path.split('/').slice(1)
  const [first, id, action] = parts

  // The S3 stand-in for pre-signed uploads: no Authorization (S3 refuses a second auth mechanism), XML errors.
  if (first === '__s3' && id && method === 'PUT' && parts.length === 2) {
    const pending = engine.uploads.get(`pending:${id}`)
    const signature = ctx?.url.searchParams.get('X-Amz-Signature')
    const xml = (status: number, code: string, message: string) => {
      res.writeHead(status, { 'Content-Type': 'application/xml' })
      res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`)
    }
    if (req.headers.authorization)
      return xml(
        400,
        'InvalidArgument',
        'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified'
      )
    if (!pending || signature !== pending.name)
      return xml(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.')
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const bytes = Buffer.concat(chunks)
    engine.uploads.delete(`pending:${id}`)
    engine.uploads.set(id, { bytes, mime: String(req.headers['content-type'] ?? pending.mime), name: id })
    res.writeHead(200, { ETag: `"${randomBytes(8).toString('hex')}"`, 'Content-Length': 0 })
    return void res.end()
  }

  const isCreate = method === 'POST' && parts.length === 1 && (ENDPOINTS.has(first) || first === 'user-assets')
  const isGet = method === 'GET' && parts.length === 2 && ENDPOINTS.has(first) && Boolean(id)
  const isList = method === 'GET' && parts.length === 1 && first === 'images'
  const isInterrupt = method === 'PUT' && parts.length === 3 && first === 'images' && action === 'interruption'
  // Anything else is not a route of the public API (e.g. /upscales, the web app's private route).
  if (!isCreate && !isGet && !isList && !isInterrupt) return nestError(res, 404, `Cannot ${method} ${path}`)
  if (ctx && isInterrupt) ctx.record.target = 'cancel'
  if (!engine.checkKey('letzai', bearer(req))) return nestError(res, 401, 'Unauthorized')
  const fault = engine.takeFault('letzai', isCreate ? 'submit' : isInterrupt ? 'cancel' : 'poll')
  // A body cut off mid-object, in LetzAI's own shape.
  if (await applyFault(fault, res, '{"id": "')) return
  if (!engine.takeToken('letzai')) {
    engine.rateLimited429s++
    return nestError(res, 429, 'ThrottlerException: Too Many Requests', { 'Retry-After': String(engine.options.rateLimit?.retryAfterSeconds ?? 1) })
  }

  if (isList) {
    const page = Math.max(1, Number(ctx?.url.searchParams.get('page') ?? 1) || 1)
    const limit = Math.min(50, Math.max(1, Number(ctx?.url.searchParams.get('limit') ?? 10) || 10))
    const mine = [...engine.jobs.values()].filter((j) => j.provider === 'letzai' && endpointOf(j) === 'images').sort((a, b) => b.createdAt - a.createdAt)
    return sendJson(
      res,
      200,
      mine.slice((page - 1) * limit, page * limit).map((j) => dto(engine, j))
    )
  }

  if (isInterrupt) {
    const job = engine.jobs.get(id)
    if (!job || job.provider !== 'letzai' || endpointOf(job) !== 'images') return nestError(res, 404, 'Image not found')
    const phase = engine.state(job).phase
    if (phase !== 'queued' && phase !== 'running') return nestError(res, 400, 'The image generation is not running any more')
    job.canceledAt = engine.now()
    engine.save(job)
    res.writeHead(204)
    return void res.end()
  }

  if (isCreate) {
    let body: Record<string, unknown>
    try {
      const parsed: unknown = JSON.parse(await readBody(req))
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object')
      body = parsed as Record<string, unknown>
    } catch {
      return nestError(res, 400, 'Unexpected token in JSON body')
    }

    if (first === 'user-assets') {
      const problems = Object.keys(body)
        .filter((k) => !ALLOWED['user-assets'].includes(k))
        .map((k) => `property ${k} should not exist`)
      if (typeof body.extension !== 'string' || !UPLOAD_EXTENSIONS.includes(body.extension))
        problems.push(`extension must be one of the following values: ${UPLOAD_EXTENSIONS.join(', ')}`)
      if (problems.length) return nestError(res, 400, problems)
      const assetId = randomBytes(8).toString('hex')
      const signature = randomBytes(12).toString('hex')
      const mime = typeof body.mimeType === 'string' ? body.mimeType : (UPLOAD_MIME[body.extension as string] ?? 'application/octet-stream')
      // Held until the PUT arrives; the signature is remembered in the pending entry's name.
      engine.uploads.set(`pending:${assetId}`, { bytes: Buffer.alloc(0), mime, name: signature })
      const api = `http://${req.headers.host}${ctx ? ctx.url.pathname.slice(0, ctx.url.pathname.length - path.length) : '/letzai'}`
      return sendJson(res, 201, {
        id: assetId,
        extension: body.extension,
        mimeType: mime,
        originalFilename: body.originalFilename ?? null,
        uploadUrl: `${api}/__s3/${assetId}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=3600&X-Amz-Signature=${signature}`,
        imageUrl: `${engine.filesBase}/uploads/${assetId}`,
        createdAt: new Date(engine.now()).toISOString()
      })
    }

    const endpoint = first as Endpoint
    const problems = validate(endpoint, body)
    if (problems.length) return nestError(res, 400, problems)
    const settings = (body.settings ?? {}) as Record<string, unknown>
    const sourceUrls = [body.imageUrl, ...((body.inputImageUrls ?? body.imageUrls ?? []) as unknown[])].filter((u) => u !== undefined)
    const missing = missingUpload(engine, sourceUrls)
    // An upscale has no prompt of its own: its picture derives from the image it starts from.
    const prompt = typeof body.prompt === 'string' && body.prompt ? body.prompt : `upscale of ${String(body.imageUrl ?? body.imageId)}`
    const job = engine.createJob('letzai', {
      // The app's catalogue names the upscale endpoint "upscales"; tests and benchmarks key durations by that name.
      model: endpoint === 'upscale' ? 'upscales' : endpoint,
      kind: KINDS[endpoint],
      prompt,
      extra: {
        endpoint,
        ...(endpoint === 'images' ? { hasWatermark: body.hasWatermark ?? true, baseModel: body.baseModel ?? null } : {}),
        ...(endpoint !== 'images'
          ? { imageUrl: body.imageUrl ?? null, imageId: body.imageId ?? body.originalImageCompletionId ?? null, inputImageUrls: body.inputImageUrls ?? null }
          : {}),
        ...(endpoint === 'image-edits' ? { mode: body.mode, baseModel: body.baseModel ?? null } : {}),
        ...(endpoint === 'upscale' ? { mode: body.mode ?? 'default', strength: body.strength ?? 1 } : {}),
        ...(Object.keys(settings).length ? { settings } : {}),
        // What the result file looks like (media.ts jobLook): the size asked for, a video's length, and, since
        // LetzAI takes no seed, a variation of the job's own, so that two jobs of one prompt are two pictures.
        ...(typeof body.width === 'number' && typeof body.height === 'number' ? { width: body.width, height: body.height } : {}),
        ...(endpoint === 'videos' && typeof settings.duration === 'number' ? { duration: settings.duration } : {}),
        variation: randomBytes(4).toString('hex')
      }
    })
    // GUESS: LetzAI fetches the input picture when it starts; one that is not there fails the job.
    if (missing) {
      job.fails = true
      job.extra.failMessage = `Could not load the input image ${missing}`
      engine.save(job)
    }
    return sendJson(res, 201, dto(engine, job, 'new'))
  }

  // GET /<endpoint>/<id>: the id must be a job of that endpoint.
  const job = engine.jobs.get(id)
  if (!job || job.provider !== 'letzai' || endpointOf(job) !== first)
    return nestError(res, 404, `${first === 'image-edits' ? 'Image edit' : first === 'videos' ? 'Video' : first === 'upscale' ? 'Upscale' : 'Image'} not found`)
  engine.recordPoll(job)
  return sendJson(res, 200, dto(engine, job, fault?.fault === 'unknown_status' ? 'mystery-state' : undefined))
}
