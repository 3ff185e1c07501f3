// UMRGEN (../shared/providers/README.md, seed 004): POST /api/v1/generate → {job_id, state, session_id};
// GET /api/v1/status/{job_id} → {state, image_url, error, progress}; states queued (poll in 3 s), running
// (2 s), completed, failed. `image_url` is a path relative to the base with a `session_id` query that must
// be used exactly as given: the download URL is the string base + image_url, never parsed and re-encoded.
// A 403 on that download means a wrong or stale session: asking again returns the same URL, so the poller
// fails the job instead of looping. `completed` without image_url = the provider saved no file. A job
// `running` for more than 60 s (an option, for tests) has probably crashed: the result says `stalled`.
import { ProviderError, ProviderHttp, expectObject, expectString } from './http'
import type { AdapterConfig, CommonStatus, PollResult, ProviderAdapter, ProviderRef, SubmitInput } from './types'

const LABEL = 'UMRGEN'

const STATES: Record<string, CommonStatus> = {
  queued: 'queued',
  running: 'running',
  completed: 'succeeded',
  failed: 'failed'
}

const SUBMIT_FIELDS = ['width', 'height', 'steps', 'seed'] as const

export interface UmrgenOptions {
  /** How long a job may stay `running` before it counts as stalled (default 60 s). */
  stallAfterMs?: number
  /** The clock (tests). */
  now?: () => number
}

/** The download URL for an `image_url`: base + image_url as strings, exactly as given. */
export function umrgenFileUrl(baseUrl: string, imageUrl: string): string {
  if (/^https?:\/\//i.test(imageUrl)) return imageUrl
  return `${baseUrl.replace(/\/+$/, '')}${imageUrl.startsWith('/') ? '' : '/'}${imageUrl}`
}

function progressOf(value: unknown): number | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null
  return Math.min(1, Math.max(0, value > 1 ? value / 100 : value))
}

export function createUmrgenAdapter(config: AdapterConfig, options: UmrgenOptions = {}): ProviderAdapter {
  const http = new ProviderHttp({
    ...config,
    label: LABEL,
    authHeaders: (key) => ({ Authorization: `Bearer ${key}` })
  })
  const stallAfterMs = options.stallAfterMs ?? 60_000
  const now = options.now ?? Date.now
  /** When this process first saw each job `running` (the API gives no start time). */
  const runningSince = new Map<string, number>()

  return {
    id: 'umrgen',
    async submit(input: SubmitInput): Promise<ProviderRef> {
      if (input.kind !== 'image') throw new ProviderError('rejected', `${LABEL} cannot make "${input.kind}" jobs`)
      const body: Record<string, unknown> = { prompt: input.prompt }
      for (const field of SUBMIT_FIELDS) {
        const v = input.params[field]
        const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v
        if (typeof n === 'number' && Number.isFinite(n)) body[field] = n
      }
      const res = expectObject(await http.request('/api/v1/generate', { json: body }), LABEL)
      const id = expectString(res, 'job_id', LABEL)
      return { id, sessionId: typeof res.session_id === 'string' ? res.session_id : null }
    },

    async poll(ref: ProviderRef): Promise<PollResult> {
      const res = expectObject(await http.request(`/api/v1/status/${encodeURIComponent(ref.id)}`), LABEL)
      const rawStatus = expectString(res, 'state', LABEL)
      const status = STATES[rawStatus]
      if (status !== 'running') runningSince.delete(ref.id)
      if (status === 'succeeded') {
        const imageUrl = res.image_url
        if (imageUrl === null || imageUrl === undefined || imageUrl === '') {
          return { status: 'failed', rawStatus, known: true, error: `${LABEL} completed but the provider saved no file (image_url is null)`, retryable: true }
        }
        if (typeof imageUrl !== 'string') throw new ProviderError('malformed', `${LABEL} sent an image_url that is not a string: ${JSON.stringify(imageUrl).slice(0, 200)}`, { body: JSON.stringify(res).slice(0, 500) })
        return { status, rawStatus, known: true, progress: 1, files: [{ url: umrgenFileUrl(config.baseUrl, imageUrl) }] }
      }
      if (status === 'failed') {
        return { status, rawStatus, known: true, error: typeof res.error === 'string' && res.error ? res.error : `${LABEL} reported the job failed`, retryable: true }
      }
      const progress = progressOf(res.progress)
      if (status === 'running') {
        const since = runningSince.get(ref.id) ?? now()
        runningSince.set(ref.id, since)
        const runningMs = now() - since
        if (runningMs > stallAfterMs) {
          runningSince.delete(ref.id)
          return { status, rawStatus, known: true, progress, stalled: `${LABEL} has been running this job for ${Math.round(runningMs / 1000)} s (over ${Math.round(stallAfterMs / 1000)} s): the provider probably crashed`, nextPollMs: 2000 }
        }
        return { status, rawStatus, known: true, progress, nextPollMs: 2000 }
      }
      if (status === 'queued') return { status, rawStatus, known: true, progress, nextPollMs: 3000 }
      return { status: 'running', rawStatus, known: false, progress }
    },

    async testConnection(): Promise<string> {
      // Asking for a job that does not exist: 404 means the key was accepted; 401 throws.
      try {
        await http.request('/api/v1/status/batch-studio-connection-test')
        return 'Connected'
      } catch (err) {
        if (err instanceof ProviderError && err.kind === 'not_found') return 'Connected: the key was accepted'
        throw err
      }
    }
  }
}
