// BFL (../shared/providers/README.md, seed 001): `x-key`, POST /v1/{model} → {id, polling_url}; the
// polling_url is absolute and may be on another host (regional API), so it is fetched exactly as given and
// the key goes with it only to allowed hosts (the base URL's host; for a *.bfl.ai base also other *.bfl.ai
// hosts). `result.sample` expires 10 minutes after Ready and needs no key; a later poll of a Ready task hands
// out a fresh URL (the poller asks once more when a download gets 403/404/410). Moderation is final; `Task
// not found` means BFL lost it. 429 on submit = too many active tasks: the poller holds submits until a task
// finishes or Retry-After passes.
import { ProviderError, ProviderHttp, expectObject, expectString } from './http'
import type { AdapterConfig, CommonStatus, PollResult, ProviderAdapter, ProviderRef, SubmitInput } from './types'

const LABEL = 'BFL'

const STATUSES: Record<string, CommonStatus> = {
  Pending: 'running',
  Ready: 'succeeded',
  Error: 'failed',
  Failed: 'failed',
  'Request Moderated': 'failed',
  'Content Moderated': 'failed',
  'Task not found': 'failed'
}

/**
 * Which hosts besides the base URL's may see the key: with a base on bfl.ai (api.bfl.ai), the other *.bfl.ai
 * hosts its polling URLs point at (api.eu1.bfl.ai, …); with any other base (simulator, proxy) none.
 */
export function bflKeyHosts(baseHostname: string): (host: string) => boolean {
  const onBfl = baseHostname === 'bfl.ai' || baseHostname.endsWith('.bfl.ai')
  return (host) => onBfl && (host === 'bfl.ai' || host.endsWith('.bfl.ai'))
}

function progressOf(value: unknown): number | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null
  return Math.min(1, Math.max(0, value > 1 ? value / 100 : value))
}

function errorText(res: Record<string, unknown>): string | undefined {
  for (const v of [res.error, res.details, (res.result as Record<string, unknown> | null)?.error]) {
    if (typeof v === 'string' && v) return v
    if (v && typeof v === 'object') return JSON.stringify(v).slice(0, 300)
  }
  return undefined
}

export function createBflAdapter(config: AdapterConfig): ProviderAdapter {
  const http = new ProviderHttp({
    ...config,
    label: LABEL,
    authHeaders: (key) => ({ 'x-key': key }),
    extraKeyHosts: bflKeyHosts(new URL(config.baseUrl).hostname),
    // 429 without Retry-After: the poller also lifts the hold as soon as one of our tasks ends.
    defaultRetryAfterMs: 10_000
  })

  return {
    id: 'bfl',
    async submit(input: SubmitInput): Promise<ProviderRef> {
      if (input.kind !== 'image' && input.kind !== 'edit') throw new ProviderError('rejected', `${LABEL} cannot make "${input.kind}" jobs`)
      const inputImage = input.inputMedia?.[0]?.url
      const body = { ...input.params, prompt: input.prompt, ...(inputImage && input.params.input_image === undefined ? { input_image: inputImage } : {}) }
      let raw: unknown
      try {
        raw = await http.request(`/v1/${encodeURIComponent(input.model)}`, { json: body })
      } catch (err) {
        if (err instanceof ProviderError && err.kind === 'rate_limited') {
          throw new ProviderError('rate_limited', `${LABEL}: too many active tasks for this key (429); holding submits until one finishes`, err.details)
        }
        throw err
      }
      const res = expectObject(raw, LABEL)
      const id = expectString(res, 'id', LABEL)
      // polling_url is pinned; should it be missing, the classic result endpoint on the base still finds the task.
      const pollingUrl = typeof res.polling_url === 'string' && res.polling_url ? res.polling_url : `/v1/get_result?id=${encodeURIComponent(id)}`
      if (!/^https?:\/\//i.test(pollingUrl) && !pollingUrl.startsWith('/')) {
        throw new ProviderError('unknown_outcome', `${LABEL} accepted task ${id} but its polling_url is not a URL: ${JSON.stringify(pollingUrl).slice(0, 200)}`, { body: JSON.stringify(res).slice(0, 500) })
      }
      return { id, pollingUrl }
    },

    async poll(ref: ProviderRef): Promise<PollResult> {
      const url = typeof ref.pollingUrl === 'string' && ref.pollingUrl ? ref.pollingUrl : `/v1/get_result?id=${encodeURIComponent(ref.id)}`
      const res = expectObject(await http.request(url), LABEL)
      const rawStatus = expectString(res, 'status', LABEL)
      const status = STATUSES[rawStatus]
      if (status === 'succeeded') {
        const result = res.result && typeof res.result === 'object' ? (res.result as Record<string, unknown>) : {}
        const sample = result.sample
        if (typeof sample !== 'string' || !sample) return { status: 'failed', rawStatus, known: true, error: `${LABEL} reported Ready without a result.sample URL`, retryable: true }
        return { status, rawStatus, known: true, progress: 1, files: [{ url: sample }] }
      }
      if (status === 'failed') {
        const said = errorText(res)
        if (rawStatus.endsWith('Moderated')) {
          return { status, rawStatus, known: true, error: `Moderated: ${LABEL} refused the ${rawStatus.startsWith('Request') ? 'request' : 'generated content'}${said ? ` (${said})` : ''}`, retryable: false }
        }
        if (rawStatus === 'Task not found') return { status, rawStatus, known: true, error: `${LABEL} lost this task (Task not found)`, retryable: true }
        return { status, rawStatus, known: true, error: said ?? `${LABEL} reported the task failed (${rawStatus})`, retryable: true }
      }
      return { status: 'running', rawStatus, known: status !== undefined, progress: progressOf(res.progress) }
    },

    async testConnection(): Promise<string> {
      // A task that does not exist, asked for on the base host (which checks the key): "Task not found" or a
      // 404 means the key was accepted; 401 throws.
      try {
        const res = expectObject(await http.request('/v1/get_result?id=batch-studio-connection-test'), LABEL)
        return `Connected: the key was accepted (${typeof res.status === 'string' ? res.status : 'no status'})`
      } catch (err) {
        if (err instanceof ProviderError && err.kind === 'not_found') return 'Connected: the key was accepted'
        throw err
      }
    }
  }
}
