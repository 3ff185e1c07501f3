// BFL (docs/providers.md § BFL (FLUX) has the source of each fact). `x-key`; POST /v1/{model} → {id, polling_url, cost?,
// input_mp?, output_mp?}; GET <polling_url> → {id, status, result: {sample, …}, progress, details, preview}
// (OpenAPI https://api.bfl.ai/openapi.json). The polling_url is absolute and may be on another host (a regional
// cluster): it is fetched exactly as given, and the key goes with it only to allowed hosts (the base URL's host;
// for a *.bfl.ai base also other *.bfl.ai hosts over https). get_result itself needs no key (no security in the
// OpenAPI). `result.sample` expires 10 minutes after Ready and needs no key; a later poll of a Ready task hands out
// a fresh URL (the poller asks once more when a download gets 403/404/410). Moderation is final; `Task not found`
// means BFL lost it (or it expired). 429 on submit = too many active tasks (24 per key, 6 for flux-kontext-max):
// the poller holds submits until a task finishes or Retry-After passes. A bad key is 403 {"detail": "Not
// authenticated - Invalid Authentication"}; invalid fields are FastAPI's 422 {"detail": [{loc, msg, type}]}.
// Local input files go as bare base64 in the body (input_image, input_image_2, …; `image`/`mask` for Fill and
// Expand; `image_prompt` for FLUX1.1 [pro], Ultra and [dev]).
import { modelInfo } from '../../../shared/catalogue'
import { ProviderError, ProviderHttp, expectObject, expectString, type ErrorReading } from './http'
import { inputBase64, type InputRules } from './inputs'
import type { AdapterConfig, CommonStatus, InputFile, PollResult, ProviderAdapter, ProviderRef, SubmitInput } from './types'

const LABEL = 'BFL'

const STATUSES: Record<string, CommonStatus> = {
  Pending: 'running',
  // Newer running states seen from the live API by several clients (not in the April 2026 OpenAPI).
  Reasoning: 'running',
  Generating: 'running',
  Ready: 'succeeded',
  Error: 'failed',
  // The AI SDK's client accepts it; not in the OpenAPI enum.
  Failed: 'failed',
  'Request Moderated': 'failed',
  'Content Moderated': 'failed',
  'Task not found': 'failed'
}

/** What BFL takes as input images (docs/providers.md § BFL (FLUX): AI SDK docs; BFL names no limit itself). */
const INPUT_RULES: InputRules = { label: LABEL, accept: ['image/jpeg', 'image/png', 'image/webp'], maxBytes: 20 * 1024 * 1024 }
/** FLUX.2 [pro]/[max]/[flex] take eight references, the most any BFL endpoint takes. */
const MAX_REFERENCES = 8

/**
 * Which hosts besides the base URL's may see the key: with a base on bfl.ai (api.bfl.ai), the other *.bfl.ai
 * hosts its polling URLs point at (api.eu1.bfl.ai, …); with any other base (simulator, proxy) none.
 */
export function bflKeyHosts(baseHostname: string): (host: string) => boolean {
  const onBfl = baseHostname === 'bfl.ai' || baseHostname.endsWith('.bfl.ai')
  return (host) => onBfl && (host === 'bfl.ai' || host.endsWith('.bfl.ai'))
}

/** The body fields a model takes its input images in, in order (OpenAPI request schemas). */
export function bflImageFields(model: string, count: number): string[] {
  if (/^flux-pro-1\.0-(fill|expand)/.test(model)) return ['image', 'mask'].slice(0, count)
  if (model === 'flux-pro-1.1' || model === 'flux-pro-1.1-ultra' || model === 'flux-dev') return ['image_prompt'].slice(0, count)
  return Array.from({ length: count }, (_, i) => (i === 0 ? 'input_image' : `input_image_${i + 1}`))
}

function progressOf(value: unknown): number | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null
  return Math.min(1, Math.max(0, value > 1 ? value / 100 : value))
}

function short(value: unknown): string | undefined {
  if (typeof value === 'string' && value) return value
  if (value && typeof value === 'object') return JSON.stringify(value).slice(0, 300)
  return undefined
}

function errorText(res: Record<string, unknown>): string | undefined {
  return short(res.error) ?? short(res.details) ?? short((res.result as Record<string, unknown> | null)?.error)
}

/** FastAPI's 422 `detail` list as "field: message; …" (loc without its leading "body"). */
function validationText(detail: unknown[]): string {
  return detail
    .map((d) => {
      const item = d as { loc?: unknown; msg?: unknown }
      const loc = Array.isArray(item.loc) ? item.loc.filter((p, i) => !(i === 0 && p === 'body')).join('.') : ''
      const msg = typeof item.msg === 'string' ? item.msg : JSON.stringify(d)
      return loc ? `${loc}: ${msg}` : msg
    })
    .join('; ')
}

/** BFL's error bodies: {"detail": "…"} or, for 422, {"detail": [{loc, msg, type}]}. */
export function describeBflError(status: number, body: unknown): ErrorReading | undefined {
  const obj = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined
  const detail = obj?.detail
  const message = Array.isArray(detail) ? validationText(detail) : (short(detail) ?? short(obj?.message) ?? short(obj?.error))
  // A rejected key is 403 "Not authenticated - Invalid Authentication" (user reports; BFL's errors page: 403 = the
  // key lacks access). Either way, every further request with this key would fail the same: pause, do not fail jobs.
  if (status === 403) return { kind: 'auth', message: message ?? 'Forbidden' }
  return message ? { message } : undefined
}

function describeFile(file: InputFile): string {
  return `${file.name} (${file.mime})`
}

export function createBflAdapter(config: AdapterConfig): ProviderAdapter {
  const http = new ProviderHttp({
    ...config,
    label: LABEL,
    authHeaders: (key) => ({ 'x-key': key }),
    extraKeyHosts: bflKeyHosts(new URL(config.baseUrl).hostname),
    // 429 without Retry-After: the poller also lifts the hold as soon as one of our tasks ends.
    defaultRetryAfterMs: 10_000,
    describeError: (status, body) => describeBflError(status, body)
  })

  /** Input images as body fields: local files as bare base64 (checked first), chain media as their URL. */
  async function imageFields(input: SubmitInput): Promise<Record<string, string>> {
    const files = input.inputFiles ?? []
    const media = (input.inputMedia ?? []).map((m) => m.url).filter((u): u is string => typeof u === 'string' && u.length > 0)
    const total = files.length + media.length
    if (total === 0) return {}
    const max = modelInfo('bfl', input.model)?.input?.max ?? MAX_REFERENCES
    const fields = bflImageFields(input.model, total)
    if (total > max || fields.length < total) {
      const takes = Math.min(max, fields.length)
      throw new ProviderError(
        'rejected',
        `${LABEL} ${input.model} takes at most ${takes} input image${takes === 1 ? '' : 's'}; this job has ${total} (${files.map(describeFile).join(', ') || 'from its parent job'})`
      )
    }
    const values = [...(await Promise.all(files.map((f) => inputBase64(f, INPUT_RULES)))), ...media]
    return Object.fromEntries(fields.map((field, i) => [field, values[i]]).filter(([field]) => input.params[field] === undefined))
  }

  return {
    id: 'bfl',
    async submit(input: SubmitInput): Promise<ProviderRef> {
      if (input.kind !== 'image' && input.kind !== 'edit') throw new ProviderError('rejected', `${LABEL} cannot make "${input.kind}" jobs`)
      const body = { ...input.params, prompt: input.prompt, ...(await imageFields(input)) }
      const path = `/v1/${encodeURIComponent(input.model)}`
      let raw: unknown
      try {
        raw = await http.request(path, { json: body })
      } catch (err) {
        if (err instanceof ProviderError && err.kind === 'rate_limited') {
          throw new ProviderError('rate_limited', `${LABEL}: too many active tasks for this key (429); holding submits until one finishes`, err.details)
        }
        if (err instanceof ProviderError && (err.details.httpStatus === 404 || err.details.httpStatus === 405)) {
          // An unknown model is an unknown path: FastAPI's {"detail": "Not Found"}.
          throw new ProviderError(
            'rejected',
            `${LABEL} has no model "${input.model}" (POST ${path} answered ${err.details.httpStatus}); see https://docs.bfl.ai for the current model ids`,
            err.details
          )
        }
        throw err
      }
      const res = expectObject(raw, LABEL)
      const id = expectString(res, 'id', LABEL)
      // polling_url is required by the OpenAPI; should it be missing, the classic result endpoint on the base still finds the task.
      const pollingUrl = typeof res.polling_url === 'string' && res.polling_url ? res.polling_url : `/v1/get_result?id=${encodeURIComponent(id)}`
      if (!/^https?:\/\//i.test(pollingUrl) && !pollingUrl.startsWith('/')) {
        throw new ProviderError(
          'unknown_outcome',
          `${LABEL} accepted task ${id} but its polling_url is not a URL: ${JSON.stringify(pollingUrl).slice(0, 200)}`,
          { body: JSON.stringify(res).slice(0, 500) }
        )
      }
      // `cost`: "Cost in credits for this request" (OpenAPI AsyncResponse); the ledger bills it.
      const cost = typeof res.cost === 'number' && Number.isFinite(res.cost) && res.cost >= 0 ? res.cost : null
      return { id, pollingUrl, ...(cost !== null ? { cost } : {}) }
    },

    async poll(ref: ProviderRef): Promise<PollResult> {
      const url = typeof ref.pollingUrl === 'string' && ref.pollingUrl ? ref.pollingUrl : `/v1/get_result?id=${encodeURIComponent(ref.id)}`
      let res: Record<string, unknown>
      try {
        res = expectObject(await http.request(url), LABEL)
      } catch (err) {
        // A failed task has been seen answering 5xx with its ResultResponse as the body: the status decides.
        const settled = err instanceof ProviderError && err.kind === 'transient' ? terminalBody(err.details.body) : undefined
        if (!settled) throw err
        res = settled
      }
      const rawStatus = expectString(res, 'status', LABEL)
      const status = STATUSES[rawStatus]
      if (status === 'succeeded') {
        const result = res.result && typeof res.result === 'object' ? (res.result as Record<string, unknown>) : {}
        const sample = result.sample
        if (typeof sample !== 'string' || !sample)
          return { status: 'failed', rawStatus, known: true, error: `${LABEL} reported Ready without a result.sample URL`, retryable: true }
        return { status, rawStatus, known: true, progress: 1, files: [{ url: sample }] }
      }
      if (status === 'failed') {
        const said = errorText(res)
        if (rawStatus.endsWith('Moderated')) {
          return {
            status,
            rawStatus,
            known: true,
            error: `Moderated: ${LABEL} refused the ${rawStatus.startsWith('Request') ? 'request' : 'generated content'}${said ? ` (${http.redact(said)})` : ''}`,
            retryable: false
          }
        }
        if (rawStatus === 'Task not found')
          return { status, rawStatus, known: true, error: `${LABEL} lost this task (Task not found: it does not exist or has expired)`, retryable: true }
        return {
          status,
          rawStatus,
          known: true,
          error: said ? `${LABEL}: ${http.redact(said)}` : `${LABEL} reported the task failed (${rawStatus})`,
          retryable: true
        }
      }
      return { status: 'running', rawStatus, known: status !== undefined, progress: progressOf(res.progress) }
    },

    async testConnection(): Promise<string> {
      // GET /v1/credits needs the key (OpenAPI security: APIKeyHeader) and answers the account's balance, so a
      // wrong key is 403 → 'auth'. (get_result needs no key: it cannot prove one.)
      const { amount } = await this.balance!()
      return `Connected: the key was accepted; ${amount} credits left (1 credit = $0.01)`
    },

    async balance() {
      const res = expectObject(await http.request('/v1/credits'), LABEL)
      const credits = res.credits
      if (typeof credits !== 'number' || !Number.isFinite(credits)) {
        throw new ProviderError('malformed', `${LABEL} /v1/credits did not answer a balance: ${JSON.stringify(res).slice(0, 200)}`, {
          body: JSON.stringify(res).slice(0, 500)
        })
      }
      return { amount: credits, currency: 'credits' as const }
    }
  }
}

/** A 5xx body that is a terminal ResultResponse (JSON with a known terminal status), else undefined. */
function terminalBody(body: string | undefined): Record<string, unknown> | undefined {
  if (!body) return undefined
  try {
    const parsed = JSON.parse(body) as unknown
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined
    const status = (parsed as Record<string, unknown>).status
    const common = typeof status === 'string' ? STATUSES[status] : undefined
    return common === 'failed' || common === 'succeeded' ? (parsed as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}
