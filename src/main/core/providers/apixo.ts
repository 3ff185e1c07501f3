// APIXO (../shared/providers/README.md, seed 003): every answer is a `{code, msg, data}` envelope and a `code`
// other than 200 is an error even at HTTP 200 (429 rate limited, 401 bad key, 402 credits, 5xx transient, a
// 404 on a status request = the task is lost, anything else refused). Submit POST /generateTask/{model}
// {request_type: "async", input}; status GET /checkStatus/{model}?taskId=…; states pending, processing,
// success, failed (`failCode: failMsg`). `resultJson` is a JSON-encoded string whose `resultUrls` are the
// outputs (images, video, or audio for suno); one that does not parse fails the job with the raw string kept.
import { ProviderError, ProviderHttp, excerpt, expectObject, expectString } from './http'
import type { AdapterConfig, CommonStatus, PollResult, ProviderAdapter, ProviderRef, ResultFile, SubmitInput } from './types'

const LABEL = 'APIXO'

const STATES: Record<string, CommonStatus> = {
  pending: 'queued',
  processing: 'running',
  success: 'succeeded',
  failed: 'failed'
}

/** The error a non-200 envelope `code` stands for; `poll` says whether it answered a status request. */
export function apixoCodeError(code: number, msg: string, body: string, poll: boolean): ProviderError {
  const said = `${LABEL} answered code ${code}${msg ? `: ${msg}` : ''}`
  const details = { httpStatus: 200, body: excerpt(body) }
  if (code === 401) return new ProviderError('auth', `${LABEL} rejected the API key (code 401)${msg ? `: ${msg}` : ''}`, details)
  if (code === 402) return new ProviderError('credits', `${LABEL} says the account is out of credits (code 402)${msg ? `: ${msg}` : ''}`, details)
  // No Retry-After reaches the adapter through an envelope: the poller backs off.
  if (code === 429) return new ProviderError('rate_limited', `${LABEL} rate limit (code 429)${msg ? `: ${msg}` : ''}`, details)
  if (code >= 500 && code < 600) return new ProviderError('transient', said, details)
  if (code === 404 && poll) return new ProviderError('not_found', `${LABEL} does not know this task (code 404)${msg ? `: ${msg}` : ''}`, details)
  return new ProviderError('rejected', `${LABEL} refused the request (code ${code})${msg ? `: ${msg}` : ''}`, details)
}

/** Unwraps the envelope: `data` on code 200, else the ProviderError the code stands for. */
function unwrap(body: unknown, poll: boolean): Record<string, unknown> {
  const env = expectObject(body, LABEL)
  const raw = JSON.stringify(env)
  const code = typeof env.code === 'string' && /^\d+$/.test(env.code) ? Number(env.code) : env.code
  if (typeof code !== 'number') throw new ProviderError('malformed', `${LABEL} sent a response without a numeric "code": ${excerpt(raw)}`, { body: excerpt(raw) })
  const msg = typeof env.msg === 'string' ? env.msg : ''
  if (code !== 200) throw apixoCodeError(code, msg, raw, poll)
  return expectObject(env.data, `${LABEL} data`)
}

function progressOf(value: unknown): number | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null
  return Math.min(1, Math.max(0, value > 1 ? value / 100 : value))
}

type Parsed = { files: ResultFile[] } | { error: string }

/** `resultJson` → its resultUrls; a string that is not JSON (or has no URLs) is an error that keeps it. */
function parseResult(resultJson: unknown): Parsed {
  let parsed: unknown = resultJson
  if (typeof resultJson === 'string') {
    try {
      parsed = JSON.parse(resultJson)
    } catch {
      return { error: `${LABEL} sent a resultJson that is not JSON: ${excerpt(resultJson)}` }
    }
  }
  const urls = parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>).resultUrls : undefined
  const files = Array.isArray(urls) ? urls.filter((u): u is string => typeof u === 'string' && u.length > 0).map((url) => ({ url })) : []
  if (files.length === 0) return { error: `${LABEL} reported success without any resultUrls: ${excerpt(typeof resultJson === 'string' ? resultJson : JSON.stringify(resultJson ?? null))}` }
  return { files }
}

export function createApixoAdapter(config: AdapterConfig): ProviderAdapter {
  const http = new ProviderHttp({
    ...config,
    label: LABEL,
    authHeaders: (key) => ({ Authorization: `Bearer ${key}` })
  })

  return {
    id: 'apixo',
    async submit(input: SubmitInput): Promise<ProviderRef> {
      const imageUrls = (input.inputMedia ?? []).map((m) => m.url).filter((u): u is string => Boolean(u))
      const body = { request_type: 'async', input: { ...input.params, prompt: input.prompt, ...(imageUrls.length && input.params.image_urls === undefined ? { image_urls: imageUrls } : {}) } }
      const data = unwrap(await http.request(`/generateTask/${encodeURIComponent(input.model)}`, { json: body }), false)
      return { id: expectString(data, 'taskId', LABEL), model: input.model }
    },

    async poll(ref: ProviderRef): Promise<PollResult> {
      const model = String(ref.model)
      const data = unwrap(await http.request(`/checkStatus/${encodeURIComponent(model)}?taskId=${encodeURIComponent(ref.id)}`), true)
      const rawStatus = expectString(data, 'state', LABEL)
      const status = STATES[rawStatus]
      if (status === 'succeeded') {
        const result = parseResult(data.resultJson)
        if ('error' in result) return { status: 'failed', rawStatus, known: true, error: result.error, retryable: true }
        return { status, rawStatus, known: true, progress: 1, files: result.files }
      }
      if (status === 'failed') {
        const code = data.failCode === undefined || data.failCode === null || data.failCode === '' ? null : String(data.failCode)
        const msg = typeof data.failMsg === 'string' && data.failMsg ? data.failMsg : null
        return { status, rawStatus, known: true, error: code || msg ? [code, msg].filter(Boolean).join(': ') : `${LABEL} reported the task failed`, retryable: true }
      }
      return { status: status ?? 'running', rawStatus, known: status !== undefined, progress: progressOf(data.progress) }
    },

    async testConnection(): Promise<string> {
      // Asking for a task that does not exist: code 404 means the key was accepted; code 401 throws.
      try {
        unwrap(await http.request('/checkStatus/nano-banana?taskId=batch-studio-connection-test'), true)
        return 'Connected'
      } catch (err) {
        if (err instanceof ProviderError && err.kind === 'not_found') return 'Connected: the key was accepted'
        throw err
      }
    }
  }
}
