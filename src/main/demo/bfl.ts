// BFL's API as its OpenAPI description has it (https://api.bfl.ai/openapi.json, mirrored in tryAGI/BlackForestLabs
// src/libs/BlackForestLabs/openapi.json; docs/providers.md § BFL (FLUX) has every source), not as our adapter uses it:
//   POST /v1/{model} (x-key) → {id, polling_url, cost, input_mp, output_mp}; the body is validated per the model's
//        request schema and refused with FastAPI's 422 {"detail": [{type, loc, msg, input}]}; an unknown model is
//        an unknown path: 404 {"detail": "Not Found"}.
//   GET <polling_url> (no key needed: get_result has no security in the OpenAPI) → {id, status, result, progress,
//        details, preview}; status ∈ Task not found, Pending, Request Moderated, Content Moderated, Ready, Error.
//   GET /v1/credits (x-key) → {credits}.
//   A wrong key: 403 {"detail": "Not authenticated - Invalid Authentication"} (user reports); none: 403
//   {"detail": "Not authenticated"} (FastAPI's APIKeyHeader; a GUESS for BFL).
// The polling_url is absolute and on another host than the submit (127.0.0.1 ↔ localhost stand in for api.bfl.ai
// and a regional api.us1.bfl.ai); a poll on any other host finds no task ("always use the polling_url", docs.bfl.ai
// integration guidelines; how the real API fails then is a GUESS). `result.sample` lives on the files host and
// expires `urlTtlMs` (10 minutes) after it was handed out (every poll of a Ready task hands out a fresh one). A key
// has at most `maxActiveTasks` (24) tasks active, flux-kontext-max 6 (help.bfl.ai); 429 beyond.
//
// Tests shape a job's end through `job.extra`:
//   finalStatus: the terminal status word instead of Ready/Error ('Request Moderated', 'Content Moderated',
//                'Failed', 'Task not found');  lost: answer 'Task not found' from the start;
//   runningStatus: the word while it runs instead of 'Pending' (e.g. 'Generating', seen from the live API).
// What a submit carried is kept on the job for tests: `extra.body` (its fields, images replaced by a summary) and
// `extra.inputs` ({field: {kind: 'url' | 'base64', mime, bytes}}).
import type { IncomingMessage, ServerResponse } from 'node:http'
import { applyFault, readBody, sendJson, type SimEngine, type SimJob } from './engine'
import type { HandlerContext } from './server'

const TEN_MINUTES = 10 * 60_000
const STARTING_CREDITS = 1000

type Family = 'flux2' | 'flex' | 'klein' | 'kontext' | 'pro11' | 'ultra' | 'dev' | 'fill' | 'expand'

/** The model endpoints of the OpenAPI description and the request schema each one takes. */
const ENDPOINTS: Record<string, Family> = {
  'flux-2-pro': 'flux2',
  'flux-2-max': 'flux2',
  'flux-2-pro-preview': 'flux2',
  'flux-2-flex': 'flex',
  'flux-2-klein-4b': 'klein',
  'flux-2-klein-9b': 'klein',
  'flux-2-klein-9b-preview': 'klein',
  'flux-kontext-pro': 'kontext',
  'flux-kontext-max': 'kontext',
  'flux-pro-1.1': 'pro11',
  'flux-pro-1.1-ultra': 'ultra',
  'flux-dev': 'dev',
  'flux-pro-1.0-fill': 'fill',
  'flux-pro-1.0-expand': 'expand'
}

/** Active tasks per key for a model below the account's cap (help.bfl.ai: flux-kontext-max 6). */
const MODEL_CAPS: Record<string, number> = { 'flux-kontext-max': 6 }

/**
 * Credits per image (1 credit = $0.01): FLUX.2 by megapixels, `first + (outputMP − 1) × perMP + inputMP × perMP`;
 * FLUX.1 flat (black-forest-labs/skills skills/bfl-api/SKILL.md). Absent: no price published there (cost null).
 */
const PRICES: Record<string, { first: number; perMp: number } | number> = {
  'flux-2-klein-4b': { first: 1.4, perMp: 0.1 },
  'flux-2-klein-9b': { first: 1.5, perMp: 0.2 },
  'flux-2-pro': { first: 3, perMp: 1.5 },
  'flux-2-max': { first: 7, perMp: 3 },
  'flux-2-flex': { first: 5, perMp: 5 },
  'flux-kontext-pro': 4,
  'flux-kontext-max': 8,
  'flux-pro-1.1': 4,
  'flux-pro-1.1-ultra': 6,
  'flux-pro-1.0-fill': 5
}

interface Issue {
  type: string
  loc: (string | number)[]
  msg: string
  input?: unknown
  ctx?: Record<string, unknown>
}

type Body = Record<string, unknown>

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v)

/** Pydantic v2's wording for the checks the schemas declare (the 422 shape is the OpenAPI's; the wording a GUESS). */
function checkInt(body: Body, field: string, o: { nullable?: boolean; ge?: number; le?: number; multipleOf?: number }, issues: Issue[]): void {
  const v = body[field]
  if (v === undefined || (v === null && o.nullable)) return
  const loc = ['body', field]
  if (!isInt(v)) return void issues.push({ type: 'int_type', loc, msg: 'Input should be a valid integer', input: v })
  if (o.ge !== undefined && v < o.ge)
    issues.push({ type: 'greater_than_equal', loc, msg: `Input should be greater than or equal to ${o.ge}`, input: v, ctx: { ge: o.ge } })
  if (o.le !== undefined && v > o.le)
    issues.push({ type: 'less_than_equal', loc, msg: `Input should be less than or equal to ${o.le}`, input: v, ctx: { le: o.le } })
  if (o.multipleOf !== undefined && v % o.multipleOf !== 0)
    issues.push({ type: 'multiple_of', loc, msg: `Input should be a multiple of ${o.multipleOf}`, input: v, ctx: { multiple_of: o.multipleOf } })
}

function checkNumber(body: Body, field: string, ge: number, le: number, issues: Issue[]): void {
  const v = body[field]
  if (v === undefined || v === null) return
  const loc = ['body', field]
  if (typeof v !== 'number' || !Number.isFinite(v)) return void issues.push({ type: 'float_type', loc, msg: 'Input should be a valid number', input: v })
  if (v < ge) issues.push({ type: 'greater_than_equal', loc, msg: `Input should be greater than or equal to ${ge}`, input: v, ctx: { ge } })
  if (v > le) issues.push({ type: 'less_than_equal', loc, msg: `Input should be less than or equal to ${le}`, input: v, ctx: { le } })
}

function checkString(body: Body, field: string, required: boolean, issues: Issue[]): void {
  const v = body[field]
  if (v === undefined) {
    if (required) issues.push({ type: 'missing', loc: ['body', field], msg: 'Field required' })
    return
  }
  if (v === null && !required) return
  if (typeof v !== 'string') issues.push({ type: 'string_type', loc: ['body', field], msg: 'Input should be a valid string', input: v })
}

function checkBool(body: Body, field: string, issues: Issue[]): void {
  const v = body[field]
  if (v !== undefined && v !== null && typeof v !== 'boolean')
    issues.push({ type: 'bool_type', loc: ['body', field], msg: 'Input should be a valid boolean', input: v })
}

/** "Aspect ratio of the image between 21:9 and 9:21" (OpenAPI); the refusal's wording is a GUESS. */
function checkAspect(body: Body, issues: Issue[]): void {
  const v = body.aspect_ratio
  if (v === undefined || v === null) return
  const m = typeof v === 'string' ? /^(\d+):(\d+)$/.exec(v) : null
  const ratio = m ? Number(m[1]) / Number(m[2]) : NaN
  if (!m || !(ratio >= 9 / 21 - 1e-9 && ratio <= 21 / 9 + 1e-9))
    issues.push({ type: 'value_error', loc: ['body', 'aspect_ratio'], msg: 'Value error, Aspect ratio must be between 21:9 and 9:21', input: v })
}

function imageFieldsOf(family: Family): string[] {
  const numbered = (n: number) => Array.from({ length: n }, (_, i) => (i === 0 ? 'input_image' : `input_image_${i + 1}`))
  switch (family) {
    case 'flux2':
    case 'flex':
      return numbered(8)
    case 'klein':
    case 'kontext':
      return numbered(4)
    case 'pro11':
    case 'ultra':
    case 'dev':
      return ['image_prompt']
    case 'fill':
      return ['image', 'mask']
    case 'expand':
      return ['image']
  }
}

function magicMime(bytes: Buffer): string | null {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png'
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg'
  if (bytes.length >= 12 && bytes.toString('ascii', 0, 4) === 'RIFF' && bytes.toString('ascii', 8, 12) === 'WEBP') return 'image/webp'
  return null
}

/** Megapixels of a PNG from its header; other types count as 1 MP (GUESS: the simulator decodes only PNG). */
function megapixels(bytes: Buffer, mime: string): number {
  if (mime === 'image/png' && bytes.length >= 24) return (bytes.readUInt32BE(16) * bytes.readUInt32BE(20)) / 1e6
  return 1
}

interface InputSeen {
  kind: 'url' | 'base64'
  mime?: string
  bytes?: number
  mp: number
}

/**
 * Input images are "Base64 encoded image or URL" (OpenAPI). A URL is taken as given (the simulator fetches
 * nothing); base64 must decode to an image. A data: URI is refused: the AI SDK's BFL provider says the API takes
 * "an http(s) URL or a bare base64 string — not a data URI" (its video model; for images a GUESS).
 */
function checkImages(body: Body, family: Family, issues: Issue[]): Record<string, InputSeen> {
  const seen: Record<string, InputSeen> = {}
  for (const field of imageFieldsOf(family)) {
    const v = body[field]
    if (v === undefined || v === null) continue
    const loc = ['body', field]
    if (typeof v !== 'string') {
      issues.push({ type: 'string_type', loc, msg: 'Input should be a valid string' })
      continue
    }
    if (/^https?:\/\//i.test(v)) {
      seen[field] = { kind: 'url', mp: 1 }
      continue
    }
    const clean = v.replace(/\s+/g, '')
    const bytes = /^[A-Za-z0-9+/]+={0,2}$/.test(clean) ? Buffer.from(clean, 'base64') : Buffer.alloc(0)
    const mime = magicMime(bytes)
    if (!mime) {
      issues.push({ type: 'value_error', loc, msg: 'Value error, Invalid image: expected a base64-encoded image (JPEG, PNG or WebP) or an http(s) URL' })
      continue
    }
    seen[field] = { kind: 'base64', mime, bytes: bytes.length, mp: megapixels(bytes, mime) }
  }
  return seen
}

/** The request schema of each family, as far as the simulator checks it (OpenAPI components.schemas). */
function validate(family: Family, body: Body, issues: Issue[]): void {
  const flux2 = family === 'flux2' || family === 'flex' || family === 'klein'
  checkString(body, 'prompt', flux2 || family === 'kontext', issues)
  if (family === 'fill' || family === 'expand') checkString(body, 'image', true, issues)
  checkInt(body, 'seed', { nullable: true }, issues)
  checkInt(body, 'safety_tolerance', { ge: 0, le: flux2 ? 5 : 6 }, issues)
  const format = body.output_format
  if (format !== undefined && format !== null && !['jpeg', 'png', 'webp'].includes(format as string)) {
    issues.push({
      type: 'enum',
      loc: ['body', 'output_format'],
      msg: "Input should be 'jpeg', 'png' or 'webp'",
      input: format,
      ctx: { expected: "'jpeg', 'png' or 'webp'" }
    })
  }
  checkBool(body, 'prompt_upsampling', issues)
  checkString(body, 'webhook_url', false, issues)
  if (flux2) {
    checkInt(body, 'width', { nullable: true, ge: 64 }, issues)
    checkInt(body, 'height', { nullable: true, ge: 64 }, issues)
  }
  if (family === 'flex') {
    checkNumber(body, 'guidance', 1.5, 10, issues)
    checkInt(body, 'steps', { nullable: true, ge: 1, le: 50 }, issues)
  }
  if (family === 'pro11' || family === 'dev') {
    checkInt(body, 'width', { ge: 256, le: 1440, multipleOf: 32 }, issues)
    checkInt(body, 'height', { ge: 256, le: 1440, multipleOf: 32 }, issues)
  }
  if (family === 'dev') {
    checkInt(body, 'steps', { nullable: true, ge: 1, le: 50 }, issues)
    checkNumber(body, 'guidance', 1.5, 5, issues)
  }
  if (family === 'kontext' || family === 'ultra') checkAspect(body, issues)
  if (family === 'ultra') {
    checkBool(body, 'raw', issues)
    checkNumber(body, 'image_prompt_strength', 0, 1, issues)
  }
  if (family === 'fill' || family === 'expand') {
    checkInt(body, 'steps', { nullable: true, ge: 15, le: 50 }, issues)
    checkNumber(body, 'guidance', 1.5, 100, issues)
  }
  if (family === 'expand') for (const side of ['top', 'bottom', 'left', 'right']) checkInt(body, side, { nullable: true, ge: 0, le: 2048 }, issues)
}

function round2(n: number): number {
  return Math.round(n * 100) / 100
}

function costOf(model: string, body: Body, inputs: Record<string, InputSeen>): { cost: number | null; input_mp: number | null; output_mp: number | null } {
  const inputMp = Object.values(inputs).reduce((sum, i) => sum + i.mp, 0)
  const width = isInt(body.width) && body.width > 0 ? body.width : 1024
  const height = isInt(body.height) && body.height > 0 ? body.height : 1024
  const outputMp = (width * height) / 1e6
  const price = PRICES[model]
  const cost =
    price === undefined ? null : typeof price === 'number' ? price : round2(price.first + Math.max(0, outputMp - 1) * price.perMp + inputMp * price.perMp)
  const family = ENDPOINTS[model]
  const byMegapixel = family === 'flux2' || family === 'flex' || family === 'klein'
  return { cost, input_mp: Object.keys(inputs).length ? round2(inputMp) : null, output_mp: byMegapixel ? round2(outputMp) : null }
}

function activeTasks(engine: SimEngine, model?: string): number {
  const now = engine.now()
  let n = 0
  for (const job of engine.jobs.values())
    if (job.provider === 'bfl' && job.canceledAt === null && now < job.readyAt && (model === undefined || job.model === model)) n++
  return n
}

/** The "other host" of the pair: the submit's host with 127.0.0.1 and localhost swapped. */
function regionalHost(host: string): string {
  if (host.startsWith('127.0.0.1')) return host.replace('127.0.0.1', 'localhost')
  if (host.startsWith('localhost')) return host.replace('localhost', '127.0.0.1')
  return host
}

function notFound(id: string | null): Record<string, unknown> {
  return { id, status: 'Task not found', result: null, progress: null, details: null, preview: null }
}

function resultBody(engine: SimEngine, job: SimJob, statusOverride?: string): Record<string, unknown> {
  if (job.extra.lost) return notFound(job.id)
  const state = engine.recordPoll(job)
  const terminal = state.phase !== 'queued' && state.phase !== 'running'
  const running = typeof job.extra.runningStatus === 'string' && state.phase === 'running' ? job.extra.runningStatus : 'Pending'
  const body: Record<string, unknown> = {
    id: job.id,
    status: running,
    result: null,
    progress: terminal ? null : round2(state.progress),
    details: null,
    preview: null
  }
  if (statusOverride) return { ...body, status: statusOverride }
  if (!terminal) return body
  if (typeof job.extra.finalStatus === 'string') {
    const status = job.extra.finalStatus
    return { ...body, status, details: status.includes('Moderated') ? { 'Moderation Reasons': ['Simulated moderation'] } : null }
  }
  // The text of an Error: black-forest-labs/skills endpoints.md shows it in `error` (the OpenAPI names no field).
  if (state.phase === 'failed' || state.phase === 'canceled')
    return { ...body, status: 'Error', error: 'Generation failed: the simulated model refused this prompt' }
  const now = engine.now()
  // output_format defaults to jpeg (OpenAPI: every request schema's output_format default).
  const format = (job.extra.body as Record<string, unknown> | undefined)?.output_format
  const ext = format === 'png' ? 'png' : format === 'webp' ? 'webp' : 'jpg'
  const sample = engine.fileUrl(job, 0, ext, now + (engine.options.urlTtlMs ?? TEN_MINUTES))
  return {
    ...body,
    status: 'Ready',
    result: {
      sample,
      prompt: job.prompt,
      seed: Number.parseInt(job.id.slice(0, 6), 16),
      start_time: job.createdAt / 1000,
      end_time: job.readyAt / 1000,
      duration: (job.readyAt - job.createdAt) / 1000
    }
  }
}

function keyOf(req: IncomingMessage): string | null {
  return typeof req.headers['x-key'] === 'string' ? req.headers['x-key'] : null
}

/** x-key for the endpoints that declare APIKeyHeader security; false = answered 403. */
function authorized(engine: SimEngine, req: IncomingMessage, res: ServerResponse): boolean {
  const key = keyOf(req)
  if (engine.checkKey('bfl', key)) return true
  sendJson(res, 403, { detail: key ? 'Not authenticated - Invalid Authentication' : 'Not authenticated' })
  return false
}

function credits(engine: SimEngine): number {
  let spent = 0
  for (const job of engine.jobs.values()) if (job.provider === 'bfl' && typeof job.extra.cost === 'number') spent += job.extra.cost
  return round2(STARTING_CREDITS - spent)
}

export async function handleBfl(engine: SimEngine, req: IncomingMessage, res: ServerResponse, path: string, ctx: HandlerContext): Promise<void> {
  const [, version, endpoint, ...rest] = path.split('/')
  if (version !== 'v1' || !endpoint || rest.length) return sendJson(res, 404, { detail: 'Not Found' })
  const host = req.headers.host ?? ''

  if (endpoint === 'credits') {
    if (req.method !== 'GET') return sendJson(res, 405, { detail: 'Method Not Allowed' })
    if (!authorized(engine, req, res)) return
    return sendJson(res, 200, { credits: credits(engine) })
  }

  if (endpoint === 'get_result') {
    if (req.method !== 'GET') return sendJson(res, 405, { detail: 'Method Not Allowed' })
    const fault = engine.takeFault('bfl', 'poll')
    if (await applyFault(fault, res)) return
    if (!engine.takeToken('bfl')) {
      engine.rateLimited429s++
      return sendJson(res, 429, { detail: 'Too many requests' }, { 'Retry-After': String(engine.options.rateLimit?.retryAfterSeconds ?? 1) })
    }
    const id = ctx.url.searchParams.get('id')
    if (id === null) return sendJson(res, 422, { detail: [{ type: 'missing', loc: ['query', 'id'], msg: 'Field required', input: null }] })
    const job = engine.jobs.get(id)
    // The task lives on the cluster its polling_url names; asked elsewhere, it is not found.
    if (!job || job.provider !== 'bfl' || job.extra.pollHost !== host) return sendJson(res, 200, notFound(id))
    return sendJson(res, 200, resultBody(engine, job, fault?.fault === 'unknown_status' ? 'Warming Up' : undefined))
  }

  const family = ENDPOINTS[endpoint]
  if (!family) return sendJson(res, 404, { detail: 'Not Found' })
  if (req.method !== 'POST') return sendJson(res, 405, { detail: 'Method Not Allowed' })
  if (!authorized(engine, req, res)) return
  const fault = engine.takeFault('bfl', 'submit')
  if (await applyFault(fault, res)) return
  if (!engine.takeToken('bfl')) {
    engine.rateLimited429s++
    return sendJson(res, 429, { detail: 'Too many requests' }, { 'Retry-After': String(engine.options.rateLimit?.retryAfterSeconds ?? 1) })
  }

  const text = await readBody(req)
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (err) {
    return sendJson(res, 422, {
      detail: [{ type: 'json_invalid', loc: ['body', 0], msg: 'JSON decode error', input: {}, ctx: { error: (err as Error).message } }]
    })
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return sendJson(res, 422, {
      detail: [{ type: 'model_attributes_type', loc: ['body'], msg: 'Input should be a valid dictionary or object to extract fields from', input: parsed }]
    })
  }
  const body = parsed as Body
  const issues: Issue[] = []
  validate(family, body, issues)
  const inputs = checkImages(body, family, issues)
  if (issues.length) return sendJson(res, 422, { detail: issues })

  const accountCap = engine.options.maxActiveTasks ?? 24
  const modelCap = MODEL_CAPS[endpoint]
  const overModel = modelCap !== undefined && activeTasks(engine, endpoint) >= Math.min(modelCap, accountCap)
  if (activeTasks(engine) >= accountCap || overModel) {
    const cap = overModel ? Math.min(modelCap, accountCap) : accountCap
    const retryAfter = engine.options.activeTasksRetryAfter
    // The 429's body is a GUESS (BFL documents the status, not the body); FastAPI's {"detail": …} shape.
    return sendJson(
      res,
      429,
      { detail: `You have exceeded the number of active tasks (${cap}). Wait until one of them has finished.` },
      retryAfter !== undefined ? { 'Retry-After': retryAfter } : {}
    )
  }
  const pollHost = regionalHost(host)
  const { cost, input_mp, output_mp } = costOf(endpoint, body, inputs)
  const summary = Object.fromEntries(Object.entries(body).map(([k, v]) => [k, k in inputs ? `<${inputs[k].kind}>` : v]))
  const prompt = typeof body.prompt === 'string' ? body.prompt : ''
  const created = engine.createJob('bfl', { model: endpoint, kind: 'image', prompt, extra: { pollHost, body: summary, inputs, cost } })
  return sendJson(res, 200, { id: created.id, polling_url: `http://${pollHost}/bfl/v1/get_result?id=${created.id}`, cost, input_mp, output_mp })
}
