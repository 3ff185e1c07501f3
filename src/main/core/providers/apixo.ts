// APIXO (docs/providers.md § APIXO has the source of every fact here). Base https://api.apixo.ai/api/v1, key as
// `Authorization: Bearer`. Submit POST /generateTask/{model} {request_type: "async", input: {mode, prompt, …}}
// → {code, message, data: {taskId}}; status GET /statusTask/{model}?taskId=… → data {taskId, state, resultJson,
// failCode, failMsg, createTime, completeTime, costTime}; Test connection GET /apikeys/current-balance → data:
// the key's balance in USD. Every answer is the `{code, message, data}` envelope: errors come as the HTTP status
// with the envelope as body, and a `code` other than 200 is an error even at HTTP 200. States pending,
// processing (and `processing_r2`, seen from the live API) run; success, failed end. `resultJson` is a
// JSON-encoded string whose `resultUrls` are the outputs. Input images are public URLs only (`image_urls`):
// APIXO has no upload endpoint, so a local file is refused before anything is sent.
import { modelInfo, type JobKind, type ParamSpec } from '../../../shared/catalogue'
import { ProviderError, ProviderHttp, excerpt, expectObject, expectString, type ErrorReading } from './http'
import type { AdapterConfig, CommonStatus, PollResult, ProviderAdapter, ProviderRef, ResultFile, SubmitInput } from './types'

const LABEL = 'APIXO'

const STATES: Record<string, CommonStatus> = {
  pending: 'queued',
  processing: 'running',
  processing_r2: 'running',
  success: 'succeeded',
  failed: 'failed'
}

/** Failure codes (error codes page) that no resubmission fixes: content policy and invalid input. */
const FINAL_FAIL = /sensitive|nsfw|violation|prohibited|prompt|invalid|unsupported|too_large|exceeded/i

/** A model page's error example is `{"code": 400, "message": "Insufficient credits"}`: out of credits, not a bad request. */
const INSUFFICIENT = /insufficient (credits|balance)/i

/** The envelope's own words: `message`, and a 400's `data.error` detail ("Missing required field: input.prompt"). */
function envelopeMessage(body: unknown): string {
  if (!body || typeof body !== 'object') return ''
  const env = body as Record<string, unknown>
  const message = typeof env.message === 'string' ? env.message : typeof env.msg === 'string' ? env.msg : ''
  const data = env.data as Record<string, unknown> | null | undefined
  const detail = data && typeof data === 'object' && typeof data.error === 'string' ? data.error : ''
  return [message, detail && detail !== message ? detail : ''].filter(Boolean).join(': ')
}

/** The error a non-200 envelope `code` stands for; `poll` says whether it answered a status request. */
export function apixoCodeError(code: number, message: string, body: string, poll: boolean, httpStatus = 200): ProviderError {
  const said = message ? `: ${message}` : ''
  const details = { httpStatus, body: excerpt(body) }
  if (INSUFFICIENT.test(message)) return new ProviderError('credits', `${LABEL} says the account is out of credits (code ${code})${said}`, details)
  if (code === 401) return new ProviderError('auth', `${LABEL} rejected the API key (code 401)${said}`, details)
  if (code === 402) return new ProviderError('credits', `${LABEL} says the account is out of credits (code 402)${said}`, details)
  // No Retry-After is documented: the poller backs off.
  if (code === 429) return new ProviderError('rate_limited', `${LABEL} rate limit (code 429)${said}`, details)
  if (code >= 500 && code < 600) return new ProviderError('transient', `${LABEL} had a temporary error (code ${code})${said}`, details)
  if (code === 404 && poll) return new ProviderError('not_found', `${LABEL} does not know this task (code 404)${said}`, details)
  return new ProviderError('rejected', `${LABEL} refused the request (code ${code})${said}`, details)
}

/** Unwraps the envelope: `data` on code 200, else the ProviderError the code stands for. */
function unwrap(body: unknown, poll: boolean, redact: (s: string) => string): unknown {
  const env = expectObject(body, LABEL)
  const raw = JSON.stringify(env)
  const code = typeof env.code === 'string' && /^\d+$/.test(env.code) ? Number(env.code) : env.code
  if (typeof code !== 'number')
    throw new ProviderError('malformed', `${LABEL} sent a response without a numeric "code": ${excerpt(raw)}`, { body: excerpt(raw) })
  if (code !== 200) throw apixoCodeError(code, excerpt(redact(envelopeMessage(env))), raw, poll)
  return env.data
}

/** Reads an HTTP error answer: the envelope's message instead of raw JSON; its `code` where it says more. */
function describeError(status: number, body: unknown): ErrorReading | undefined {
  const message = envelopeMessage(body) || undefined
  const code = body && typeof body === 'object' ? Number((body as Record<string, unknown>).code) : NaN
  // The body's code wins where it names a key or balance problem the HTTP status does not.
  if (message && INSUFFICIENT.test(message) && status !== 402) return { kind: 'credits', message }
  if (code === 401 && status !== 401) return { kind: 'auth', message }
  if (code === 402 && status !== 402) return { kind: 'credits', message }
  return message ? { message } : undefined
}

type Parsed = { files: ResultFile[] } | { error: string }

/** Track objects (Suno) carry `audio_url`; plain results are URL strings or `{url}`. */
function urlsIn(value: unknown, out: string[]): void {
  if (typeof value === 'string') {
    if (/^https?:\/\//i.test(value)) out.push(value)
  } else if (Array.isArray(value)) {
    for (const v of value) urlsIn(v, out)
  } else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>
    const url = o.audio_url ?? o.audioUrl ?? o.url
    if (typeof url === 'string') urlsIn(url, out)
    else for (const key of ['resultUrls', 'data', 'tracks', 'songs']) if (key in o) urlsIn(o[key], out)
  }
}

/** `resultJson` → its outputs; a string that is not JSON (or holds no URL) is an error that keeps it. */
function parseResult(resultJson: unknown, redact: (s: string) => string): Parsed {
  let parsed: unknown = resultJson
  if (typeof resultJson === 'string') {
    try {
      parsed = JSON.parse(resultJson)
    } catch {
      return { error: `${LABEL} sent a resultJson that is not JSON: ${excerpt(redact(resultJson))}` }
    }
  }
  const urls: string[] = []
  const obj = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null
  urlsIn(obj && 'resultUrls' in obj ? obj.resultUrls : parsed, urls)
  const files = [...new Set(urls)].map((url) => ({ url }))
  if (files.length === 0)
    return {
      error: `${LABEL} reported success without any resultUrls: ${excerpt(redact(typeof resultJson === 'string' ? resultJson : JSON.stringify(resultJson ?? null)))}`
    }
  return { files }
}

/** The API takes numbers and booleans as such; the composer may hand them over as text. */
function coerce(value: unknown, spec: ParamSpec | undefined): unknown {
  if (typeof value !== 'string' || !spec) return value
  if (spec.type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true'
  const numeric = spec.type === 'number' || (spec.name === 'duration' && spec.options?.every((o) => /^\d+$/.test(o)))
  if (numeric && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value)
  return value
}

/**
 * The `input` object for a model: documented defaults first (aspect_ratio and resolution are required by
 * several models), the user's params over them, then the `mode` (and Veo's `generationType`) the inputs imply
 * unless the user chose one. Exported for tests.
 */
export function apixoInput(input: Pick<SubmitInput, 'kind' | 'model' | 'prompt' | 'params'>, imageUrls: string[]): Record<string, unknown> {
  const specs = modelInfo('apixo', input.model)?.params ?? []
  const out: Record<string, unknown> = {}
  for (const spec of specs) if (spec.default !== undefined) out[spec.name] = coerce(spec.default, spec)
  for (const [name, value] of Object.entries(input.params)) {
    if (name === 'provider' || value === undefined || value === null || value === '') continue
    out[name] = coerce(
      value,
      specs.find((s) => s.name === name)
    )
  }
  const withImages = imageUrls.length > 0 || (Array.isArray(out.image_urls) && out.image_urls.length > 0)
  if (imageUrls.length && out.image_urls === undefined) out.image_urls = imageUrls
  const chosen = typeof input.params.mode === 'string' && input.params.mode !== '' ? input.params.mode : undefined
  switch (input.model) {
    case 'veo-3-1':
      if (input.params.generationType === undefined || input.params.generationType === '')
        out.generationType = withImages ? 'FIRST_AND_LAST_FRAMES_2_VIDEO' : 'TEXT_2_VIDEO'
      break
    case 'suno':
      break
    case 'flux-2': {
      // The user picks the tier (pro or flex); input images make it image-to-image.
      const tier = chosen?.startsWith('flex') ? 'flex' : 'pro'
      if (withImages) out.mode = `${tier}-image-to-image`
      else if (!chosen) out.mode = `${tier}-text-to-image`
      break
    }
    case 'seedance-2-0':
    case 'seedance-2-0-fast':
      if (!chosen) out.mode = withImages ? 'first_and_last_frames' : 'text-to-video'
      break
    default:
      if (!chosen) out.mode = modeFor(input.kind, withImages)
  }
  out.prompt = input.prompt
  return out
}

/** The parameter specification page's shared modes: image models text/image-to-image, video text/image-to-video. */
function modeFor(kind: JobKind, withImages: boolean): string {
  const video = kind === 'video' || kind === 'trim'
  return video ? (withImages ? 'image-to-video' : 'text-to-video') : withImages || kind === 'edit' || kind === 'upscale' ? 'image-to-image' : 'text-to-image'
}

/**
 * The docs' model schema index (what the official MCP's apixo_list_models reads). It lives on the docs host,
 * not the API, so it never sees the key; against another base (the simulator, a proxy) it is looked up beside it.
 */
export function apixoModelIndexUrl(base: URL): string {
  if (base.hostname === 'api.apixo.ai') return 'https://apixo.ai/docs/models/schemas/index.json'
  return `${base.href.replace(/\/$/, '')}/docs/models/schemas/index.json`
}

/** A public docs file: fetched without any key (not through ProviderHttp, which would add it on the API's host). */
async function fetchIndex(url: string, timeoutMs = 30_000): Promise<unknown> {
  let res: Response
  try {
    res = await fetch(url, { headers: { Accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) })
  } catch (err) {
    throw new ProviderError('transient', `${LABEL} model index at ${url} could not be fetched (${(err as Error).message})`)
  }
  const text = await res.text()
  if (!res.ok)
    throw new ProviderError(res.status >= 500 ? 'transient' : 'rejected', `${LABEL} model index at ${url} answered ${res.status}`, {
      httpStatus: res.status,
      body: excerpt(text)
    })
  try {
    return JSON.parse(text)
  } catch {
    throw new ProviderError('malformed', `${LABEL} model index at ${url} is not JSON: ${excerpt(text)}`, { httpStatus: res.status, body: excerpt(text) })
  }
}

/** The index's `category` as a job kind; LLM and other non-generation entries have none and are left out. */
function kindOfCategory(category: unknown): JobKind | undefined {
  const c = typeof category === 'string' ? category : ''
  if (/video/i.test(c)) return 'video'
  if (/audio|music|speech|sound/i.test(c)) return 'audio'
  if (/image/i.test(c)) return 'image'
  return undefined
}

export function createApixoAdapter(config: AdapterConfig): ProviderAdapter {
  const http = new ProviderHttp({
    ...config,
    label: LABEL,
    authHeaders: (key) => ({ Authorization: `Bearer ${key}` }),
    describeError
  })
  const redact = (s: string) => http.redact(s)

  return {
    id: 'apixo',
    async submit(input: SubmitInput): Promise<ProviderRef> {
      if (input.inputFiles?.length) {
        const names = input.inputFiles.map((f) => f.name).join(', ')
        throw new ProviderError(
          'rejected',
          `${LABEL} takes input images only as public URLs (image_urls) and has no upload endpoint, so local files cannot be sent (${names}). Use an image that another job produced, or a public URL in the image_urls param.`
        )
      }
      const imageUrls = (input.inputMedia ?? []).map((m) => m.url).filter((u): u is string => Boolean(u))
      const routing = typeof input.params.provider === 'string' && input.params.provider ? { provider: input.params.provider } : {}
      const body = { request_type: 'async', ...routing, input: apixoInput(input, imageUrls) }
      const data = expectObject(unwrap(await http.request(`/generateTask/${encodeURIComponent(input.model)}`, { json: body }), false, redact), `${LABEL} data`)
      return { id: expectString(data, 'taskId', LABEL), model: input.model }
    },

    async poll(ref: ProviderRef): Promise<PollResult> {
      const model = String(ref.model)
      const data = expectObject(
        unwrap(await http.request(`/statusTask/${encodeURIComponent(model)}?taskId=${encodeURIComponent(ref.id)}`), true, redact),
        `${LABEL} data`
      )
      const rawStatus = expectString(data, 'state', LABEL)
      const status = STATES[rawStatus]
      if (status === 'succeeded') {
        const result = parseResult(data.resultJson, redact)
        if ('error' in result) return { status: 'failed', rawStatus, known: true, error: result.error, retryable: true }
        return { status, rawStatus, known: true, progress: 1, files: result.files }
      }
      if (status === 'failed') {
        const code = data.failCode === undefined || data.failCode === null || data.failCode === '' ? null : String(data.failCode)
        const msg = typeof data.failMsg === 'string' && data.failMsg ? redact(data.failMsg) : null
        const error = code || msg ? [code, msg].filter(Boolean).join(': ') : `${LABEL} reported the task failed`
        return { status, rawStatus, known: true, error, retryable: !(code && FINAL_FAIL.test(code)) }
      }
      return { status: status ?? 'running', rawStatus, known: status !== undefined, progress: null }
    },

    async listModels() {
      const index = expectObject(await fetchIndex(apixoModelIndexUrl(http.base), config.timeoutMs), `${LABEL} model index`)
      if (!Array.isArray(index.models)) throw new ProviderError('malformed', `${LABEL} model index has no "models" list: ${excerpt(JSON.stringify(index))}`)
      const out: { id: string; label?: string; kind?: JobKind }[] = []
      for (const entry of index.models as unknown[]) {
        const e = entry && typeof entry === 'object' ? (entry as Record<string, unknown>) : {}
        const kind = kindOfCategory(e.category)
        if (typeof e.model_id !== 'string' || !e.model_id || !kind) continue
        out.push({ id: e.model_id, kind, ...(typeof e.title === 'string' && e.title ? { label: e.title } : {}) })
      }
      return out
    },

    async testConnection(): Promise<string> {
      return `Connected: the key's balance is $${(await this.balance!()).amount.toFixed(2)}`
    },

    async balance() {
      // The documented balance endpoint answers only for a valid key (401 otherwise).
      let data: unknown
      try {
        data = unwrap(await http.request('/apikeys/current-balance'), true, redact)
      } catch (err) {
        if (err instanceof ProviderError && (err.kind === 'not_found' || err.details.httpStatus === 404))
          throw new ProviderError(
            'rejected',
            `${LABEL} has no balance endpoint at ${http.base.href.replace(/\/$/, '')}/apikeys/current-balance (404): check the base URL (it ends in /api/v1)`,
            err.details
          )
        throw err
      }
      const balance = typeof data === 'number' ? data : typeof data === 'string' && data.trim() !== '' && Number.isFinite(Number(data)) ? Number(data) : null
      if (balance === null)
        throw new ProviderError('malformed', `${LABEL} answered the balance request without a balance: ${excerpt(JSON.stringify(data ?? null))}`)
      return { amount: balance, currency: 'usd' as const }
    }
  }
}
