// UMRGEN: the external-agent API of umrvntr/umrgen `server.mjs` (a ComfyUI front). Every path, field, state
// and limit below is read from that file (commit 34e5a39; docs/providers.md § UMRGEN cites the lines).
//   POST /api/v1/generate {prompt, negative?, width?, height?, steps?, seed?, loras?, reference_images?}
//        → 202 {success, job_id: "ext_<uuid>", message}
//   GET  /api/v1/status/{job_id} → {success, job_id, state, queue_position, eta_seconds, created_at,
//        results?: {images: [{url}]} (completed), error? (failed)}; for ~60 s after the job ends. After that a
//        completed job answers {success, job_id, state: "completed", image_url} from the history file and a
//        failed one 404s. `completed` without an image (images: [] / image_url: "") = the generator saved none.
//   POST /api/v1/upload-reference (multipart `file`) → {success, filename, url}; `filename` goes in
//        reference_images. At most 10 reference images live in the shared external session, and they stay
//        until deleted (DELETE /api/references/{filename}?session_id=sid_ext_gen, no key), so this adapter
//        deletes its own once the job has ended.
//   POST /api/job/{job_id}/cancel (no key) → {success: true}; a running job becomes `cancelled` but keeps
//        generating and ends `completed` or `failed`, so `cancelled` is not terminal here.
// One external job at a time for the whole server (every external caller shares one key and one session):
// another submit gets 429 {error: "CONCURRENT_LIMIT", job_id}. 60 requests a minute per IP on /api/*, fixed
// one-minute windows, no Retry-After. Result files are on the API host, need no key, and need the
// `session_id` query of their URL (403 without it): the URL is used exactly as given.
import { randomBytes } from 'node:crypto'
import { ProviderError, ProviderHttp, expectObject, expectString, type ErrorReading } from './http'
import { checkInput, inputBlob, type InputRules } from './inputs'
import type { AdapterConfig, CommonStatus, PollResult, ProviderAdapter, ProviderRef, ResultFile, SubmitInput } from './types'

const LABEL = 'UMRGEN'

/** The one session every external caller shares (server.mjs: `session_id: "sid_ext_gen"`). */
export const UMRGEN_EXTERNAL_SESSION = 'sid_ext_gen'

/** server.mjs REF_IMAGE_SIZE_LIMIT, MAX_REF_IMAGES and the upload's extension check. */
export const UMRGEN_INPUT: InputRules & { max: number } = {
  label: LABEL,
  accept: ['image/png', 'image/jpeg', 'image/webp'],
  maxBytes: 10 * 1024 * 1024,
  max: 10
}

/** server.mjs rateLimit(): counts per `Math.floor(now / 60000)` window. */
const RATE_WINDOW_MS = 60_000
/** How long a submit waits after CONCURRENT_LIMIT when no job of ours ends first (a GUESS: the answer names no time). */
export const CONCURRENT_HOLD_MS = 15_000

const STATES: Record<string, CommonStatus> = {
  queued: 'queued',
  running: 'running',
  // A cancelled running job keeps generating and ends completed or failed (server.mjs cancel + processQueue).
  cancelled: 'running',
  completed: 'succeeded',
  failed: 'failed'
}

const EXT: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' }

/** The download URL for a result `url` / `image_url`: base + url as strings, exactly as given. */
export function umrgenFileUrl(baseUrl: string, imageUrl: string): string {
  if (/^https?:\/\//i.test(imageUrl)) return imageUrl
  return `${baseUrl.replace(/\/+$/, '')}${imageUrl.startsWith('/') ? '' : '/'}${imageUrl}`
}

function num(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined
}

/**
 * `loras` as the server reads it: [{name | filename, url?, strength | strength_model / strength_clip}]. Taken as
 * a JSON array, or as "name[:strength], …".
 */
export function parseLoras(value: unknown): Record<string, unknown>[] | undefined {
  if (value === undefined || value === null || value === '') return undefined
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? { name: v } : (v as Record<string, unknown>)))
  if (typeof value !== 'string') throw new ProviderError('rejected', `${LABEL} loras must be a JSON list or "name:strength, …"`)
  const text = value.trim()
  if (text.startsWith('[')) {
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      throw new ProviderError('rejected', `${LABEL} loras is not valid JSON: ${text.slice(0, 100)}`)
    }
    if (!Array.isArray(parsed)) throw new ProviderError('rejected', `${LABEL} loras must be a JSON list`)
    return parseLoras(parsed)
  }
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((item) => {
      const m = /^(.*?):(-?\d+(?:\.\d+)?)$/.exec(item)
      return m ? { name: m[1].trim(), strength: Number(m[2]) } : { name: item }
    })
}

/**
 * A failed job's `error` is the thrown message; a ComfyUI validation failure (e.g. seed -1) is ComfyUI's JSON
 * answer as text. This turns that into one readable line.
 */
export function readableFailure(error: string): { message: string; retryable: boolean } {
  let parsed: unknown
  try {
    parsed = JSON.parse(error)
  } catch {
    return { message: error, retryable: true }
  }
  if (!parsed || typeof parsed !== 'object') return { message: error, retryable: true }
  const top = (parsed as { error?: { message?: unknown; type?: unknown; details?: unknown } }).error
  const parts: string[] = []
  if (top && typeof top.message === 'string') parts.push(top.message)
  const nodeErrors = (parsed as { node_errors?: Record<string, { errors?: { message?: string; details?: string }[]; class_type?: string }> }).node_errors
  if (nodeErrors && typeof nodeErrors === 'object') {
    for (const node of Object.values(nodeErrors)) {
      for (const e of node?.errors ?? []) parts.push(`${node.class_type ?? 'node'}: ${e.message ?? ''}${e.details ? ` (${e.details})` : ''}`)
    }
  }
  const validation = typeof top?.type === 'string' && top.type.includes('validation')
  return { message: parts.length ? `ComfyUI: ${parts.join('; ')}` : error, retryable: !validation }
}

/** The provider's own words for an error answer (server.mjs answers `{error}` and for CONCURRENT_LIMIT also `{job_id, message}`). */
export function describeUmrgenError(status: number, body: unknown, _text: string, now = Date.now()): ErrorReading | undefined {
  const b = body && typeof body === 'object' ? (body as Record<string, unknown>) : {}
  const error = typeof b.error === 'string' ? b.error : undefined
  if (status === 401) return { kind: 'auth', message: error }
  if (status === 429 && error === 'CONCURRENT_LIMIT') {
    const busy = typeof b.job_id === 'string' ? ` (job ${b.job_id})` : ''
    return {
      kind: 'rate_limited',
      message: `UMRGEN runs one external job at a time and one is still in progress${busy}; if it is not one of ours, someone else is using this server's key (its docs publish a shared default key)`,
      retryAfterMs: CONCURRENT_HOLD_MS
    }
  }
  if (status === 429 && error?.startsWith('Rate limit exceeded')) {
    // A fixed one-minute window: the next one starts at the next whole minute (plus a second for clock skew).
    return {
      kind: 'rate_limited',
      message: `${error} (60 requests a minute per IP on /api, counted per clock minute)`,
      retryAfterMs: RATE_WINDOW_MS - (now % RATE_WINDOW_MS) + 1000
    }
  }
  if (status === 400 && error?.startsWith('Safety violation')) {
    return {
      kind: 'rejected',
      message: `${error}: UMRGEN's word filter refused the prompt. It matches plain substrings of the prompt (e.g. "kid", "child", "minor", "cp"), also inside other words such as "kidney", "minority" or "cpu"; reword the prompt`
    }
  }
  if (status === 404 && error === 'Job not found') {
    return {
      message: `${error}: UMRGEN forgets a failed job about 60 s after it ends, a finished one when its 50-entry history moves on, and every unfinished job when it restarts`
    }
  }
  if (status === 500 && error === 'File too large') return { kind: 'rejected', message: `${error}: UMRGEN takes reference images up to 10 MB` }
  if (error || typeof b.message === 'string') return { message: error ?? (b.message as string) }
  return undefined
}

export interface UmrgenAdapter extends ProviderAdapter {
  cancel(ref: ProviderRef): Promise<void>
  /** Uploads one reference image; its server-side filename goes in `reference_images`. */
  uploadReference(file: Blob, fileName: string): Promise<string>
}

export function createUmrgenAdapter(config: AdapterConfig): UmrgenAdapter {
  const http = new ProviderHttp({
    ...config,
    label: LABEL,
    authHeaders: (key) => ({ Authorization: `Bearer ${key}` }),
    describeError: (status, body, text) => describeUmrgenError(status, body, text)
  })
  /** Jobs whose reference images were already deleted (a job can be polled again after it ended). */
  const cleaned = new Set<string>()

  async function uploadReference(file: Blob, fileName: string): Promise<string> {
    const form = new FormData()
    form.append('file', file, fileName)
    const res = expectObject(await http.request('/api/v1/upload-reference', { form }), LABEL)
    return expectString(res, 'filename', LABEL)
  }

  /** Best effort: the shared session keeps at most 10 references and never expires them. */
  async function deleteReferences(names: string[]): Promise<void> {
    for (const name of names) {
      await http.request(`/api/references/${encodeURIComponent(name)}?session_id=${UMRGEN_EXTERNAL_SESSION}`, { method: 'DELETE' }).catch(() => undefined)
    }
  }

  function refsOf(ref: ProviderRef): string[] {
    return typeof ref.refs === 'string' && ref.refs ? ref.refs.split('/') : []
  }

  async function cleanUp(ref: ProviderRef): Promise<void> {
    if (cleaned.has(ref.id)) return
    cleaned.add(ref.id)
    await deleteReferences(refsOf(ref))
  }

  /** A parent job's output (a chain): fetched without any key, then uploaded like a local file. */
  async function mediaBlob(url: string): Promise<{ blob: Blob; mime: string }> {
    let res: Response
    try {
      res = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(config.timeoutMs ?? 60_000) })
    } catch (err) {
      throw new ProviderError('transient', `${LABEL}: could not fetch the input image ${url.split('?')[0]}: ${(err as Error).message}`)
    }
    if (!res.ok) throw new ProviderError('rejected', `${LABEL}: the input image ${url.split('?')[0]} answered ${res.status}`)
    const bytes = Buffer.from(await res.arrayBuffer())
    const mime = bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
      ? 'image/png'
      : bytes[0] === 0xff && bytes[1] === 0xd8
        ? 'image/jpeg'
        : bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP'
          ? 'image/webp'
          : 'application/octet-stream'
    checkInput({ path: url, name: url.split('?')[0].split('/').pop() ?? 'input', mime, size: bytes.length }, UMRGEN_INPUT)
    return { blob: new Blob([bytes], { type: mime }), mime }
  }

  async function uploadInputs(input: SubmitInput): Promise<string[]> {
    const files = input.inputFiles ?? []
    const media = (input.inputMedia ?? []).filter((m) => m.url || m.mediaId)
    if (files.length + media.length > UMRGEN_INPUT.max)
      throw new ProviderError('rejected', `${LABEL} takes at most ${UMRGEN_INPUT.max} reference images per job (got ${files.length + media.length})`)
    for (const m of media)
      if (!m.url) throw new ProviderError('rejected', `${LABEL} takes input images only as uploads; a media id without a URL cannot be sent`)
    for (const f of files) checkInput(f, UMRGEN_INPUT)
    const names: string[] = []
    try {
      // The server keeps the uploaded name's extension and refuses any but .png/.jpg/.jpeg/.webp: name it by type.
      for (const f of files) names.push(await uploadReference(await inputBlob(f, UMRGEN_INPUT), `bs_${randomBytes(6).toString('hex')}.${EXT[f.mime]}`))
      for (const m of media) {
        const { blob, mime } = await mediaBlob(m.url!)
        names.push(await uploadReference(blob, `bs_${randomBytes(6).toString('hex')}.${EXT[mime]}`))
      }
    } catch (err) {
      await deleteReferences(names)
      if (err instanceof ProviderError && err.kind === 'unknown_outcome') {
        // An upload is not a job: nothing was generated or billed, so sending again is safe.
        throw new ProviderError('transient', err.message, err.details)
      }
      throw err
    }
    return names
  }

  return {
    id: 'umrgen',
    uploadReference,

    async submit(input: SubmitInput): Promise<ProviderRef> {
      if (input.kind !== 'image' && input.kind !== 'edit') throw new ProviderError('rejected', `${LABEL} makes images only, not "${input.kind}" jobs`)
      // The API has no model field: the server always runs its one workflow, so any model id gives the same.
      const body: Record<string, unknown> = { prompt: input.prompt }
      for (const field of ['width', 'height', 'steps'] as const) {
        const n = num(input.params[field])
        if (n !== undefined) body[field] = n
      }
      // 0 and absent mean random at the server; a negative seed (the docs' "-1 for random") would reach the
      // generator, which refuses it, so it is left out too.
      const seed = num(input.params.seed)
      if (seed !== undefined && seed > 0) body.seed = Math.floor(seed)
      if (typeof input.params.negative === 'string' && input.params.negative.trim()) body.negative = input.params.negative
      const loras = parseLoras(input.params.loras)
      if (loras?.length) body.loras = loras
      const refs = await uploadInputs(input)
      if (refs.length) body.reference_images = refs
      let res: Record<string, unknown>
      try {
        res = expectObject(await http.request('/api/v1/generate', { json: body }), LABEL)
      } catch (err) {
        // Not taken (429, 400, …): the uploads would only fill the shared 10-image session.
        if (refs.length && !(err instanceof ProviderError && err.kind === 'unknown_outcome')) await deleteReferences(refs)
        throw err
      }
      const id = expectString(res, 'job_id', LABEL)
      return refs.length ? { id, refs: refs.join('/') } : { id }
    },

    async poll(ref: ProviderRef): Promise<PollResult> {
      const res = expectObject(await http.request(`/api/v1/status/${encodeURIComponent(ref.id)}`), LABEL)
      const rawStatus = expectString(res, 'state', LABEL)
      const status = STATES[rawStatus]
      if (status === 'succeeded') {
        await cleanUp(ref)
        const files: ResultFile[] = []
        const results = res.results && typeof res.results === 'object' ? (res.results as { images?: unknown }) : undefined
        if (results && Array.isArray(results.images)) {
          for (const img of results.images) {
            const url = img && typeof img === 'object' ? (img as { url?: unknown }).url : undefined
            if (typeof url === 'string' && url) files.push({ url: umrgenFileUrl(config.baseUrl, url) })
          }
        } else if (typeof res.image_url === 'string' && res.image_url) {
          // The history fallback, about 60 s after the job ended: the first image only.
          files.push({ url: umrgenFileUrl(config.baseUrl, res.image_url) })
        }
        if (files.length === 0)
          return { status: 'failed', rawStatus, known: true, error: `${LABEL} reported the job completed but its generator saved no image`, retryable: true }
        return { status, rawStatus, known: true, progress: 1, files }
      }
      if (status === 'failed') {
        await cleanUp(ref)
        const failure =
          typeof res.error === 'string' && res.error
            ? readableFailure(http.redact(res.error))
            : { message: `${LABEL} reported the job failed`, retryable: true }
        return { status, rawStatus, known: true, error: failure.message, retryable: failure.retryable }
      }
      // No progress field: only queue_position / eta_seconds while queued, which the poll timing does not need.
      if (status === 'queued' || status === 'running') return { status, rawStatus, known: true }
      return { status: 'running', rawStatus, known: false }
    },

    async cancel(ref: ProviderRef): Promise<void> {
      // Always {success: true}; a queued job is dropped, a running one only marked (it still finishes).
      await http.request(`/api/job/${encodeURIComponent(ref.id)}/cancel`, { method: 'POST' })
      await cleanUp(ref)
    },

    async testConnection(): Promise<string> {
      // No health or account route exists. The status route checks the key before it looks for the job: a
      // wrong key is 401, a right one answers 404 {"error": "Job not found"} for an id that cannot exist.
      try {
        await http.request(`/api/v1/status/ext_batch-studio-connection-probe-${randomBytes(4).toString('hex')}`)
        return 'Connected: the key was accepted'
      } catch (err) {
        if (err instanceof ProviderError && err.kind === 'not_found' && /"error"\s*:\s*"Job not found"/.test(err.details.body ?? '')) {
          return 'Connected: the key was accepted (UMRGEN answered "Job not found" for a probe id, which it does only past its key check)'
        }
        if (err instanceof ProviderError && err.kind === 'not_found') {
          throw new ProviderError(
            'malformed',
            `${LABEL}: ${http.base.href} does not answer like an UMRGEN server (404 without its "Job not found"); check the base URL`,
            err.details
          )
        }
        throw err
      }
    }
  }
}
