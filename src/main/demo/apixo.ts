// APIXO's protocol as its docs and official MCP server give it (docs/providers.md § APIXO has the sources):
//   POST /generateTask/{model} {request_type: "async", input: {mode, prompt, …}} → {code, message, data: {taskId}}
//   GET  /statusTask/{model}?taskId=… → {code, message, data: {taskId, state, resultJson?, failCode?, failMsg?,
//        createTime, completeTime?, costTime?}}
//   GET  /apikeys/current-balance → {code: 200, message: "success", data: 74.87}
// Every answer is the `{code, message, data}` envelope. Errors use the HTTP status the code names (the error
// codes page lists them as HTTP statuses: 400, 401, 402, 403, 404, 429, 500, 503) with the envelope as body;
// `apixoSim(engine).errorsAtHttp200` answers them at HTTP 200 instead, for the adapter's envelope check. Any
// other path (the old guessed /checkStatus among them) is a 404. States: pending, processing, `processing_r2`
// (the second half of a run; seen from the live API, meaning not documented), success, failed. `resultJson` is
// a JSON-encoded string whose `resultUrls` lists the outputs: png for image models, mp4 for video, wav for suno.
// Submits are validated as each model's page says (mode, generationType, customMode, required image_urls…).
// Tests shape a job through `job.extra`: badResultJson (resultJson cut short), sunoTracks (Suno's result as
// track objects with audio_url — the shape is a GUESS), failCode/failMsg (the failure reported).
import type { IncomingMessage, ServerResponse } from 'node:http'
import { applyFault, bearer, readBody, sendJson, SimEngine, type Fault, type SimKind } from './engine'
import type { HandlerContext } from './server'

/** Per-simulator switches tests set (the shared SimOptions has no room for them). */
export interface ApixoSimSettings {
  /** Answer every error at HTTP 200 with the code only in the envelope. */
  errorsAtHttp200: boolean
  /** What the balance endpoint reports, in USD. */
  balance: number
  /** Submits answer 400 "Insufficient credits" (the error example on APIXO's model pages). */
  outOfCredits: boolean
  /** Every submit body as received, for tests to inspect. */
  submits: { model: string; body: Record<string, unknown> }[]
}
const SETTINGS = new WeakMap<SimEngine, ApixoSimSettings>()
export function apixoSim(engine: SimEngine): ApixoSimSettings {
  let s = SETTINGS.get(engine)
  if (!s) SETTINGS.set(engine, (s = { errorsAtHttp200: false, balance: 74.87, outOfCredits: false, submits: [] }))
  return s
}

const STATE = { queued: 'pending', running: 'processing', succeeded: 'success', failed: 'failed', canceled: 'failed' } as const
const ENVELOPE_FAULTS = new Set(['401', '402', '403', '404', '429', '500'])
const MESSAGES: Record<number, string> = {
  400: 'Invalid request',
  401: 'Invalid API key',
  402: 'Insufficient balance',
  403: 'Forbidden',
  404: 'Not found',
  429: 'Rate limit exceeded',
  500: 'Internal server error'
}

/**
 * The models the stand-in serves, with what they make: the catalogue's and the other ids APIXO's docs list.
 * An id not here is a 404 ("Verify model ID or task ID", error codes page).
 */
const MODELS: Record<string, SimKind> = {
  'nano-banana': 'image',
  'nano-banana-2': 'image',
  'nano-banana-pro': 'image',
  'gpt-image-1': 'image',
  'gpt-image-2': 'image',
  'flux-2': 'image',
  'veo-3-1': 'video',
  'sora-2': 'video',
  'sora-2-pro': 'video',
  'seedance-2-0': 'video',
  'seedance-2-0-fast': 'video',
  suno: 'audio'
}

type Reply = (res: ServerResponse, code: number, data: unknown, message?: string, headers?: Record<string, string>) => void

function replier(engine: SimEngine): Reply {
  return (res, code, data, message = code === 200 ? 'success' : (MESSAGES[code] ?? 'error'), headers = {}) =>
    sendJson(res, code === 200 || apixoSim(engine).errorsAtHttp200 ? 200 : code, { code, message, data }, headers)
}

async function apixoFault(fault: Fault | undefined, res: ServerResponse, reply: Reply): Promise<boolean> {
  if (fault && ENVELOPE_FAULTS.has(fault.fault)) {
    reply(res, Number(fault.fault), null, undefined, fault.retryAfter !== undefined ? { 'Retry-After': fault.retryAfter } : {})
    return true
  }
  return applyFault(fault, res, '{"code": 200, "message": "success", "data": {"taskId": ')
}

type Input = Record<string, unknown>
const isStr = (v: unknown): v is string => typeof v === 'string' && v.length > 0
const urls = (v: unknown): string[] | null => (Array.isArray(v) && v.every(isStr) ? v : v === undefined ? [] : null)

function oneOf(input: Input, field: string, options: readonly string[], required = true): string | null {
  const v = input[field]
  if (v === undefined && !required) return null
  return isStr(v) && options.includes(v) ? null : `input.${field} must be one of ${options.join(', ')}`
}

function count(list: string[], min: number, max: number, what: string): string | null {
  return list.length >= min && list.length <= max ? null : `${what} needs ${min === max ? min : `${min}-${max}`} image_urls (got ${list.length})`
}

/** What each model's page requires of `input`; a message for the 400, or null. */
function validate(model: string, input: Input): string | null {
  const images = urls(input.image_urls)
  if (images === null) return 'input.image_urls must be an array of URLs'
  const prompt = input.prompt
  switch (model) {
    case 'nano-banana':
    case 'nano-banana-2':
    case 'nano-banana-pro':
    case 'gpt-image-2': {
      const max = ({ 'nano-banana': 5, 'gpt-image-2': 16 } as Record<string, number>)[model] ?? 14
      if (!isStr(prompt)) return 'Missing required field: input.prompt'
      const bad = oneOf(input, 'mode', ['text-to-image', 'image-to-image'])
      if (bad) return bad
      if (model === 'nano-banana-2' && (!isStr(input.aspect_ratio) || !isStr(input.resolution))) return 'input.aspect_ratio and input.resolution are required'
      if (input.resolution !== undefined && !['1k', '2k', '4k', '1K', '2K', '4K'].includes(String(input.resolution)))
        return 'input.resolution must be 1k, 2k or 4k'
      return input.mode === 'image-to-image' ? count(images, 1, max, 'image-to-image') : null
    }
    case 'flux-2': {
      if (!isStr(prompt) || prompt.length < 3) return 'input.prompt must be 3-5000 characters'
      const bad = oneOf(input, 'mode', ['pro-text-to-image', 'pro-image-to-image', 'flex-text-to-image', 'flex-image-to-image'])
      if (bad) return bad
      return String(input.mode).endsWith('image-to-image') ? count(images, 1, 8, String(input.mode)) : null
    }
    case 'veo-3-1': {
      if (!isStr(prompt)) return 'Missing required field: input.prompt'
      const bad =
        oneOf(input, 'mode', ['quality', 'fast']) ?? oneOf(input, 'generationType', ['TEXT_2_VIDEO', 'FIRST_AND_LAST_FRAMES_2_VIDEO', 'REFERENCE_2_VIDEO'])
      if (bad) return bad
      if (input.generationType === 'FIRST_AND_LAST_FRAMES_2_VIDEO') return count(images, 1, 2, 'FIRST_AND_LAST_FRAMES_2_VIDEO')
      if (input.generationType === 'REFERENCE_2_VIDEO') {
        if (input.mode !== 'fast' || (input.aspect_ratio ?? '16:9') !== '16:9') return 'REFERENCE_2_VIDEO requires fast mode and aspect_ratio 16:9'
        return count(images, 1, 3, 'REFERENCE_2_VIDEO')
      }
      return null
    }
    case 'sora-2':
    case 'sora-2-pro': {
      if (!isStr(prompt)) return 'Missing required field: input.prompt'
      const bad = oneOf(input, 'mode', ['text-to-video', 'image-to-video'])
      if (bad) return bad
      if (input.duration !== undefined && ![4, 8, 12].includes(input.duration as number)) return 'input.duration must be 4, 8 or 12'
      return input.mode === 'image-to-video' ? count(images, 1, 1, 'image-to-video') : null
    }
    case 'seedance-2-0':
    case 'seedance-2-0-fast': {
      if (!isStr(prompt)) return 'Missing required field: input.prompt'
      const bad = oneOf(input, 'mode', ['text-to-video', 'first_and_last_frames', 'omni_reference'])
      if (bad) return bad
      const d = input.duration ?? 5
      if (typeof d !== 'number' || !Number.isInteger(d) || d < 4 || d > 15) return 'input.duration must be an integer from 4 to 15'
      return input.mode === 'first_and_last_frames' ? count(images, 1, 2, 'first_and_last_frames') : null
    }
    case 'suno': {
      const bad = oneOf(input, 'mode', ['V4', 'V4_5', 'V4_5ALL', 'V4_5PLUS', 'V5', 'V5_5'])
      if (bad) return bad
      if (typeof input.customMode !== 'boolean' || typeof input.instrumental !== 'boolean')
        return 'input.customMode and input.instrumental are required booleans'
      if (!input.customMode) return isStr(prompt) && prompt.length <= 500 ? null : 'input.prompt is required (up to 500 characters) when customMode is false'
      if (!isStr(input.style) || !isStr(input.title)) return 'input.style and input.title are required when customMode is true'
      return input.instrumental || isStr(prompt) ? null : 'input.prompt (the lyrics) is required when customMode is true and instrumental is false'
    }
    default:
      return isStr(prompt) ? null : 'Missing required field: input.prompt'
  }
}

/**
 * The shape the official MCP server reads (`ModelSchemaIndexDoc` in its src/index.ts); the category words and
 * paths are a GUESS. One LLM entry shows a non-generation model.
 */
function schemaIndex(): unknown {
  const models = [...Object.entries(MODELS), ['claude-sonnet-4-5', 'llm'] as const].map(([id, kind]) => ({
    model_id: id,
    slug: id,
    category: kind,
    title: id,
    integration_type: kind === 'llm' ? 'llm-gateway' : 'async-task',
    schema_path: `models/schemas/${id}.json`,
    doc_path: `models/${kind}/${id}`
  }))
  return { schema_version: '1', generated_at: '2026-01-01T00:00:00Z', total_models: models.length, models }
}

function resultJson(engine: SimEngine, job: ReturnType<SimEngine['createJob']>): string {
  const ext = SimEngine.extOf(job.kind)
  if (job.kind === 'audio') {
    // Suno makes two tracks a task (its page: "2 tracks/task").
    const tracks = [0, 1].map((i) => engine.fileUrl(job, i, ext))
    if (job.extra.sunoTracks)
      return JSON.stringify({
        data: tracks.map((url, i) => ({
          id: `${job.id}-${i}`,
          audio_url: url,
          image_url: `${engine.filesBase}/covers/${job.id}-${i}.jpeg`,
          title: job.prompt.slice(0, 80),
          duration: 120
        }))
      })
    return JSON.stringify({ resultUrls: tracks })
  }
  return JSON.stringify({ resultUrls: [engine.fileUrl(job, 0, ext)] })
}

export async function handleApixo(engine: SimEngine, req: IncomingMessage, res: ServerResponse, path: string, ctx: HandlerContext): Promise<void> {
  const reply = replier(engine)
  const [, action, model, extra] = path.split('/')
  const submit = req.method === 'POST' && action === 'generateTask' && Boolean(model) && extra === undefined
  const status = req.method === 'GET' && action === 'statusTask' && Boolean(model) && extra === undefined
  const balance = req.method === 'GET' && action === 'apikeys' && model === 'current-balance' && extra === undefined
  // The docs' schema index (on apixo.ai/docs in reality; served beside the API here): public, no key.
  if (req.method === 'GET' && path === '/docs/models/schemas/index.json') return sendJson(res, 200, schemaIndex())
  // Unknown routes are a 404 before any key check (a wrong path never proves a key).
  if (!submit && !status && !balance) return sendJson(res, 404, { code: 404, message: 'Not Found', data: null })
  if (!engine.checkKey('apixo', bearer(req))) return reply(res, 401, null)
  if (balance) return reply(res, 200, apixoSim(engine).balance)
  const fault = engine.takeFault('apixo', submit ? 'submit' : 'poll')
  if (await apixoFault(fault, res, reply)) return
  if (!engine.takeToken('apixo')) {
    engine.rateLimited429s++
    return reply(res, 429, null)
  }
  const kind = MODELS[model]
  if (!kind) return reply(res, 404, null, `Model not found: ${model}`)

  if (submit) {
    let body: Record<string, unknown>
    try {
      body = JSON.parse(await readBody(req))
    } catch {
      return reply(res, 400, { error: 'Body is not JSON' }, 'Invalid request')
    }
    if (!body || typeof body !== 'object') return reply(res, 400, { error: 'Body must be a JSON object' }, 'Invalid request')
    apixoSim(engine).submits.push({ model, body })
    if (apixoSim(engine).outOfCredits) return reply(res, 400, null, 'Insufficient credits')
    const requestType = body.request_type ?? 'async'
    if (requestType !== 'async' && requestType !== 'callback') return reply(res, 400, { error: 'request_type must be async or callback' }, 'Invalid request')
    if (requestType === 'callback' && !isStr(body.callback_url))
      return reply(res, 400, { error: 'callback_url is required when request_type is callback' }, 'Invalid request')
    const input = body.input
    if (!input || typeof input !== 'object' || Array.isArray(input)) return reply(res, 400, { error: 'Missing required field: input' }, 'Invalid request')
    const invalid = validate(model, input as Input)
    if (invalid) return reply(res, 400, { error: invalid }, 'Invalid request')
    const prompt = isStr((input as Input).prompt) ? String((input as Input).prompt) : `suno ${String((input as Input).title ?? '')}`
    const job = engine.createJob('apixo', { model, kind, prompt })
    return reply(res, 200, { taskId: job.id })
  }

  const taskId = ctx.url.searchParams.get('taskId')
  const job = taskId ? engine.jobs.get(taskId) : undefined
  if (!job || job.provider !== 'apixo' || job.model !== model) return reply(res, 404, null, `Task not found: ${taskId ?? ''}`)
  const state = engine.recordPoll(job)
  let word: string = STATE[state.phase]
  if (state.phase === 'running' && state.progress >= 0.5) word = 'processing_r2'
  if (fault?.fault === 'unknown_status') word = 'queuing'
  const data: Record<string, unknown> = { taskId: job.id, state: word, createTime: job.createdAt }
  if (state.phase === 'succeeded') {
    const json = resultJson(engine, job)
    data.resultJson = job.extra.badResultJson ? json.slice(0, json.length - 12) : json
    data.completeTime = job.readyAt
    data.costTime = job.readyAt - job.createdAt
  }
  if (state.phase === 'failed' || state.phase === 'canceled') {
    data.failCode = job.extra.failCode ?? 'GENERATION_FAILED'
    data.failMsg = job.extra.failMsg ?? 'The simulated model refused this prompt'
    data.completeTime = job.readyAt
  }
  return reply(res, 200, data)
}
