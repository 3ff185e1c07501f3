// Wondercat = the service Wonda. Every fact here is in docs/providers.md § Wondercat (= Wonda) with its source.
//   POST /image/generate | /video/generate | /music/generate | /audio/speech {model, prompt, params?, attachmentMediaIds?}
//        → {inferenceJobId}; poll GET /jobs/inference/{id} → {status, outputs[].media{mediaId,url,mimeType}, errorMessage}
//   POST /media/upload (multipart, field `file`) → {mediaId, url, mimeType}: local input files go up first and their
//        mediaIds ride in attachmentMediaIds, beside a parent job's output mediaIds (chains).
//   GET /balance proves the key; GET /capabilities lists the models.
// Errors are {error: {message, code}}; a safety-gate 429 (`throttled`) may carry `deferUntil` (an ISO time).
// Wonda documents no cancel for generation jobs, so this adapter has none (a cancel is local; the history says
// the provider may still finish it). Its REST editing (POST /video/edit, the old `trim`) is retired: 410 Gone.
import { modelInfo, type JobKind } from '../../../shared/catalogue'
import { WONDA_UPLOAD_MAX_BYTES, WONDA_UPLOAD_TYPES } from '../../../shared/catalogue/wondercat'
import { excerpt, ProviderError, ProviderHttp, expectObject, expectString, type ErrorReading } from './http'
import { inputBlob, type InputRules } from './inputs'
import type { AdapterConfig, CommonStatus, InputFile, PollResult, ProviderAdapter, ProviderRef, ResultFile, SubmitInput } from './types'

const LABEL = 'Wondercat'

export type WondercatJobType = 'inference' | 'editor' | 'publish'

// wonda.sh/docs/job-polling "Status values": idle, locked, in_progress, queued (publish jobs) wait; succeeded,
// failed, canceled end the job.
const STATUSES: Record<string, CommonStatus> = {
  idle: 'queued',
  locked: 'queued',
  queued: 'queued',
  in_progress: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  canceled: 'canceled'
}

/** Audio models that have their own endpoint (MCP mcp/src/tools/generate.ts); other audio models are music. */
const AUDIO_ENDPOINTS: Record<string, string> = {
  'elevenlabs-tts': '/audio/speech',
  'elevenlabs-dialogue': '/audio/dialogue'
}

export const UPLOAD_RULES: InputRules = {
  label: LABEL,
  accept: [...WONDA_UPLOAD_TYPES.image, ...WONDA_UPLOAD_TYPES.video, ...WONDA_UPLOAD_TYPES.audio],
  maxBytes: WONDA_UPLOAD_MAX_BYTES
}

export const TRIM_RETIRED =
  `${LABEL} (Wonda) retired its REST video editing: POST /video/edit answers 410 Gone, and Wonda trims only in its ` +
  'local CLI (wonda edit video --operation trim). This trim step cannot run here; trim the downloaded video locally.'

export interface WondercatMedia {
  mediaId: string
  url: string
  mimeType?: string
}

export interface WondercatAdapter extends ProviderAdapter {
  /** Uploads a local file (POST /media/upload, multipart field `file`, streamed from disk). */
  upload(file: InputFile): Promise<WondercatMedia>
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined
}

/** `deferUntil` is the ISO time a gate reopens (the CLI skill); read as a wait in ms, or as epoch ms if a number. */
function deferWait(value: unknown, now = Date.now()): number | undefined {
  const at = typeof value === 'number' && Number.isFinite(value) ? value : typeof value === 'string' ? Date.parse(value) : NaN
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}

/** The provider's own words from an error answer: `{error: {message, code}}` (wonda.sh/docs/errors), or `{error: "…"}`. */
export function describeWondercatError(status: number, body: unknown, text: string): ErrorReading | undefined {
  const root = body && typeof body === 'object' ? (body as Record<string, unknown>) : undefined
  const err = root?.error
  const inner = err && typeof err === 'object' ? (err as Record<string, unknown>) : undefined
  const code = str(inner?.code) ?? str(root?.code)
  let message = str(err) ?? str(inner?.message) ?? str(root?.message)
  // A body that is not JSON (an edge proxy's page): its text without markup, never raw HTML.
  if (!message && body === undefined && text)
    message =
      text
        .replace(/<[^>]*>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim()
        .slice(0, 200) || undefined
  if (!message && code) message = code
  switch (status) {
    case 401:
      return { kind: 'auth', message }
    case 402:
      return { kind: 'credits', message }
    case 403:
      // The CLI skill: "If a command returns a 403 (paid_plan_required), subscribe": every job would fail the same
      // way, so the provider pauses as for credits. Other 403s (forbidden, feature_disabled) fail the job.
      return code === 'paid_plan_required' ? { kind: 'credits', message } : message ? { message } : undefined
    case 409:
      // "409 = media still processing (CLI auto-retries)": an upload that is still being normalized.
      return { kind: 'transient', message }
    case 410:
      return { kind: 'rejected', message: `${message ?? 'gone'} — Wonda retired this endpoint (its REST editing moved to the local wonda CLI)` }
    case 429: {
      const retryAfterMs = deferWait(inner?.deferUntil ?? root?.deferUntil)
      return {
        kind: 'rate_limited',
        message: code && message !== code ? `${message} (${code})` : message,
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {})
      }
    }
    default:
      return message ? { message } : undefined
  }
}

/** Result files: an inference job's `outputs[].media`, an editor job's `outputs[]` itself (the CLI skill). */
function resultFiles(outputs: unknown): ResultFile[] {
  if (!Array.isArray(outputs)) return []
  const files: ResultFile[] = []
  for (const output of outputs) {
    if (!output || typeof output !== 'object') continue
    const o = output as Record<string, unknown>
    const media = o.media && typeof o.media === 'object' ? (o.media as Record<string, unknown>) : o.media === undefined && str(o.url) ? o : undefined
    const url = str(media?.url)
    if (!media || !url) continue
    const mediaId = str(media.mediaId)
    const mime = str(media.mimeType)
    files.push({ url, ...(mediaId ? { mediaId } : {}), ...(mime ? { mime } : {}) })
  }
  return files
}

/** Params typed as the catalogue says (the composer and prompt files hand over strings). */
function typedParams(model: string, params: Record<string, unknown>): Record<string, unknown> {
  const specs = modelInfo('wondercat', model)?.params ?? []
  const out: Record<string, unknown> = { ...params }
  for (const spec of specs) {
    const value = out[spec.name]
    if (typeof value !== 'string') continue
    if (spec.type === 'number' && value.trim() !== '' && Number.isFinite(Number(value))) out[spec.name] = Number(value)
    if (spec.type === 'boolean' && /^(true|false)$/i.test(value)) out[spec.name] = value.toLowerCase() === 'true'
  }
  return out
}

function endpointOf(kind: JobKind, model: string): string {
  switch (kind) {
    case 'image':
    case 'edit':
      // An image edit is an image generation with the image attached.
      return '/image/generate'
    case 'video':
      return '/video/generate'
    case 'audio':
      return AUDIO_ENDPOINTS[model] ?? '/music/generate'
    case 'trim':
      throw new ProviderError('rejected', TRIM_RETIRED)
    default:
      throw new ProviderError('rejected', `${LABEL} has no REST endpoint for "${kind}" jobs; it makes images, videos and audio`)
  }
}

export function createWondercatAdapter(config: AdapterConfig): WondercatAdapter {
  const http = new ProviderHttp({
    ...config,
    label: LABEL,
    // wonda.sh/docs/authentication: "Authorization: Bearer sk_…".
    authHeaders: (key) => ({ Authorization: `Bearer ${key}` }),
    describeError: describeWondercatError
  })

  async function upload(file: InputFile): Promise<WondercatMedia> {
    const form = new FormData()
    form.append('file', await inputBlob(file, UPLOAD_RULES), file.name)
    let res: Record<string, unknown>
    try {
      res = expectObject(await http.request('/media/upload', { form }), LABEL)
    } catch (err) {
      // An upload is not the job: whatever became of it, nothing was generated, so the submit may be sent again.
      if (err instanceof ProviderError && err.kind === 'unknown_outcome')
        throw new ProviderError('transient', `${err.message} (uploading ${file.name}; the job was not sent)`, err.details)
      throw err
    }
    const mimeType = str(res.mimeType)
    return { mediaId: expectString(res, 'mediaId', LABEL), url: expectString(res, 'url', LABEL), ...(mimeType ? { mimeType } : {}) }
  }

  return {
    id: 'wondercat',

    async submit(input: SubmitInput): Promise<ProviderRef> {
      const path = endpointOf(input.kind, input.model)
      const attachmentMediaIds: string[] = []
      for (const media of input.inputMedia ?? []) {
        if (!media.mediaId) throw new ProviderError('rejected', `${LABEL} takes input media by its own mediaId; ${media.url ?? 'an input'} has none`)
        attachmentMediaIds.push(media.mediaId)
      }
      // Local files: uploaded one by one (checked for type and size before a byte is read), then attached.
      for (const file of input.inputFiles ?? []) attachmentMediaIds.push((await upload(file)).mediaId)
      const params = typedParams(input.model, input.params)
      const body = {
        model: input.model,
        prompt: input.prompt,
        ...(Object.keys(params).length ? { params } : {}),
        ...(attachmentMediaIds.length ? { attachmentMediaIds } : {})
      }
      const res = expectObject(await http.request(path, { json: body }), LABEL)
      return { id: expectString(res, 'inferenceJobId', LABEL), type: 'inference' }
    },

    async poll(ref: ProviderRef): Promise<PollResult> {
      const type = (typeof ref.type === 'string' && ref.type ? ref.type : 'inference') as WondercatJobType
      const res = expectObject(await http.request(`/jobs/${type}/${encodeURIComponent(ref.id)}`), LABEL)
      const rawStatus = expectString(res, 'status', LABEL)
      const status = STATUSES[rawStatus]
      if (status === 'succeeded') {
        const files = resultFiles(res.outputs)
        if (files.length === 0)
          return {
            status: 'failed',
            rawStatus,
            known: true,
            error: `${LABEL} job succeeded with no output media: ${excerpt(http.redact(JSON.stringify(res.outputs ?? null)))}`,
            retryable: true
          }
        return { status, rawStatus, known: true, progress: 1, files }
      }
      if (status === 'failed') {
        const message = str(res.errorMessage) ?? str(res.errorCode) ?? `${LABEL} reported the job failed`
        const code = str(res.errorCode) ?? ''
        // GUESS: Wonda lists no job error codes; a moderation/safety refusal would fail again the same way.
        const retryable = !/moderat|safety|policy|nsfw|content_filter/i.test(`${code} ${message}`)
        return { status, rawStatus, known: true, error: http.redact(message), retryable }
      }
      if (status === 'canceled') return { status, rawStatus, known: true }
      const progress =
        typeof res.progress === 'number' && Number.isFinite(res.progress)
          ? Math.min(1, Math.max(0, res.progress > 1 ? res.progress / 100 : res.progress))
          : null
      return { status: status ?? 'running', rawStatus, known: status !== undefined, progress }
    },

    async testConnection(): Promise<string> {
      // GET /balance (the MCP server's "Credit Balance" resource): the account's own balance, so only a good key gets it.
      let res: Record<string, unknown>
      try {
        res = expectObject(await http.request('/balance'), LABEL)
      } catch (err) {
        // A 404 here is a wrong base URL, not a lost job.
        if (err instanceof ProviderError && err.kind === 'not_found')
          throw new ProviderError(
            'rejected',
            `${LABEL} has no GET /balance under ${http.base.href} (404): check the base URL (Wonda's is https://api.wondercat.ai/api/v1)`,
            err.details
          )
        throw err
      }
      const amount = ['balance', 'credits', 'creditBalance', 'balanceCredits', 'availableCredits']
        .map((k) => res[k])
        .find((v) => typeof v === 'number' || (typeof v === 'string' && v !== ''))
      return amount !== undefined ? `Connected: credit balance ${String(amount)}` : 'Connected: the key was accepted'
    },

    async listModels() {
      // GET /capabilities: `generation` grouped by media type, each entry {key, label, …} (wonda.sh docs "Capabilities").
      const res = expectObject(await http.request('/capabilities'), LABEL)
      const generation = res.generation && typeof res.generation === 'object' ? (res.generation as Record<string, unknown>) : {}
      const kinds: Record<string, JobKind> = { image: 'image', video: 'video', music: 'audio', audio: 'audio', speech: 'audio' }
      const models: { id: string; label?: string; kind?: JobKind }[] = []
      for (const [group, entries] of Object.entries(generation)) {
        const kind = kinds[group]
        if (!kind || !Array.isArray(entries)) continue
        for (const entry of entries) {
          const e = entry && typeof entry === 'object' ? (entry as Record<string, unknown>) : {}
          const id = str(e.key)
          if (id) models.push({ id, ...(str(e.label) ? { label: str(e.label) } : {}), kind })
        }
      }
      return models
    },

    upload
  }
}
