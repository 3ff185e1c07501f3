// HTTP for provider APIs: one place that decides which host may see a key, caps response bodies, parses
// JSON, and turns every failure into a ProviderError whose kind tells the poller what to do next.

import { AsyncLocalStorage } from 'node:async_hooks'
import { checkBaseUrl } from '../../../shared/baseUrl'

/**
 * The last response an adapter call received, for the job's detail view. The poller opens a capture around
 * each adapter call; requests made inside it record their status and body here, whichever adapter ran.
 */
export interface ResponseCapture {
  last: { status: number; url: string; body: string } | null
}
export const responseCapture = new AsyncLocalStorage<ResponseCapture>()

/** Removes the keys themselves wherever a server echoed them. */
export function withoutKeys(text: string, secrets: readonly (string | null)[]): string {
  let out = text
  for (const secret of secrets) if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]')
  return out
}

/** Strips what must never be shown: the key itself if a server echoes it, and signed-URL secrets. */
export function redact(text: string, secrets: readonly (string | null)[]): string {
  return withoutKeys(text, secrets).replace(
    /([?&](?:x-amz-signature|x-amz-credential|signature|sig|token|key|api_key|apikey|access_token)=)[^&"'\s]+/gi,
    '$1[redacted]'
  )
}

export type ProviderErrorKind =
  /** 401: the key is wrong. The provider's queue pauses; jobs do not fail. */
  | 'auth'
  /** 402: out of credits. Same as auth. */
  | 'credits'
  /** 429: wait `retryAfterMs` (or back off); never a job failure. */
  | 'rate_limited'
  /** 5xx, refused connection, timeout or reset on a read: try again with backoff. */
  | 'transient'
  /** The request may have reached the provider but we never saw the answer: a submit must not be re-sent. */
  | 'unknown_outcome'
  /** 404 on a job: the provider lost it. */
  | 'not_found'
  /** A body that is not the JSON the protocol promises. Retried like a transient error, recorded verbatim. */
  | 'malformed'
  /** Any other 4xx: the provider refused this request; sending it again will not help. */
  | 'rejected'

/** How a message names each kind when an adapter's `describeError` chose it. */
const KIND_WORDS: Record<ProviderErrorKind, string> = {
  auth: 'rejected the API key',
  credits: 'says the account is out of credits',
  rate_limited: 'asks to wait',
  transient: 'had a temporary error',
  unknown_outcome: 'may or may not have taken the request',
  not_found: 'does not know this job',
  malformed: 'sent an answer that could not be read',
  rejected: 'refused the request'
}

export class ProviderError extends Error {
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    readonly details: {
      httpStatus?: number
      retryAfterMs?: number
      body?: string
      /** The host that could not be reached (no such name, refused, no answer): the network, not the provider, is at fault. */
      unreachableHost?: string
    } = {}
  ) {
    super(message)
    this.name = 'ProviderError'
  }
}

const MAX_BODY_BYTES = 4 * 1024 * 1024
const BODY_EXCERPT = 500

/** Refuses plain-http base URLs except loopback (simulator, tests): the rule the renderer applies too. */
export { checkBaseUrl }

/** The longest wait a provider may ask for (Retry-After, Wonda's deferUntil): an hour, then we look again. */
export const MAX_PROVIDER_WAIT_MS = 3_600_000

/** "Retry-After" is either delay-seconds or an HTTP date; capped at an hour. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined
  const trimmed = value.trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.min(MAX_PROVIDER_WAIT_MS, Math.round(Number(trimmed) * 1000))
  const date = Date.parse(trimmed)
  if (Number.isNaN(date)) return undefined
  return Math.min(MAX_PROVIDER_WAIT_MS, Math.max(0, date - now))
}

export function excerpt(body: string): string {
  return body.length > BODY_EXCERPT ? `${body.slice(0, BODY_EXCERPT)}… (${body.length} chars)` : body
}

const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH'])

/** A transport failure in a user's words, naming the host: what went wrong and what to check. */
function transportWords(host: string, code: string | undefined, timedOut: boolean): string {
  if (timedOut) return `No answer from ${host} in time — check your connection`
  if (code === 'ECONNREFUSED') return `Can't reach ${host} (nothing answers there) — check your connection and the base URL`
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `Can't reach ${host} (the name was not found) — check your connection`
  return `Can't reach ${host} (no route to it) — check your connection`
}

function errorCode(err: unknown): string | undefined {
  const cause = (err as { cause?: { code?: string } })?.cause
  return cause?.code ?? (err as { code?: string })?.code
}

async function readCapped(res: Response): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? 0)
  if (declared > MAX_BODY_BYTES) {
    await res.body?.cancel()
    throw new ProviderError('malformed', `Response of ${declared} bytes exceeds the ${MAX_BODY_BYTES}-byte limit`, { httpStatus: res.status })
  }
  if (!res.body) return ''
  const reader = res.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > MAX_BODY_BYTES) {
      await reader.cancel()
      throw new ProviderError('malformed', `Response exceeds the ${MAX_BODY_BYTES}-byte limit`, { httpStatus: res.status })
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks).toString('utf8')
}

export interface ProviderHttpOptions {
  baseUrl: string
  apiKey: string | null
  /** Header(s) carrying the key, e.g. { Authorization: `Bearer ${key}` }. */
  authHeaders: (key: string) => Record<string, string>
  /** Hosts besides the base URL's that may see the key (BFL's regional API hosts). */
  extraKeyHosts?: (host: string) => boolean
  timeoutMs?: number
  /** Default wait on 429 without Retry-After. */
  defaultRetryAfterMs?: number
  label: string
  /**
   * The provider's own reading of an error answer (any non-2xx): its message field instead of the raw JSON,
   * and where its protocol says so another kind (BFL's 403 "Not authenticated" is a bad key; Wonda's
   * `deferUntil` is the wait). `body` is the parsed JSON, or undefined when the body is not JSON.
   */
  describeError?: (status: number, body: unknown, text: string) => ErrorReading | undefined
}

/** What an adapter's `describeError` makes of an error answer; every field is optional. */
export interface ErrorReading {
  kind?: ProviderErrorKind
  /** The provider's own words (redacted and shortened by the caller). */
  message?: string
  retryAfterMs?: number
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE'
  json?: unknown
  form?: FormData
}

export class ProviderHttp {
  readonly base: URL

  constructor(private readonly options: ProviderHttpOptions) {
    this.base = checkBaseUrl(options.baseUrl)
  }

  /** Resolves a path against the base URL (keeping the base's own path), or takes an absolute URL as given. */
  resolve(pathOrUrl: string): URL {
    if (/^https?:\/\//i.test(pathOrUrl)) return new URL(pathOrUrl)
    const base = this.base.href.endsWith('/') ? this.base.href : `${this.base.href}/`
    return new URL(pathOrUrl.replace(/^\//, ''), base)
  }

  /** The text with this provider's key (if a server echoed it) and signed-URL secrets removed. */
  redact(text: string): string {
    return redact(text, [this.options.apiKey])
  }

  mayCarryKey(url: URL): boolean {
    if (url.protocol !== this.base.protocol) return false
    if (url.host === this.base.host) return true
    return this.options.extraKeyHosts?.(url.hostname) ?? false
  }

  /** Sends an API request and returns its parsed JSON body, or throws a ProviderError. */
  async request(pathOrUrl: string, opts: RequestOptions = {}): Promise<unknown> {
    const { label, apiKey } = this.options
    const url = this.resolve(pathOrUrl)
    const method = opts.method ?? (opts.json !== undefined || opts.form ? 'POST' : 'GET')
    const headers: Record<string, string> = { Accept: 'application/json' }
    if (apiKey && this.mayCarryKey(url)) Object.assign(headers, this.options.authHeaders(apiKey))
    let body: string | FormData | undefined
    if (opts.json !== undefined) {
      headers['Content-Type'] = 'application/json'
      body = JSON.stringify(opts.json)
    } else if (opts.form) {
      body = opts.form
    }
    let res: Response
    try {
      res = await fetch(url, { method, headers, body, redirect: 'error', signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000) })
    } catch (err) {
      const code = errorCode(err)
      const timedOut = (err as Error).name === 'TimeoutError'
      const notSent = code !== undefined && NOT_SENT_CODES.has(code)
      const unreachable = timedOut || notSent ? { unreachableHost: url.host } : {}
      const what =
        timedOut || notSent ? transportWords(url.host, code, timedOut) : `${label} ${method} ${url.pathname} failed (${code ?? (err as Error).message})`
      // A refused connection never reached the provider, so even a submit may be sent again.
      if (method === 'GET' || notSent) throw new ProviderError('transient', what, unreachable)
      throw new ProviderError('unknown_outcome', `${what}; ${label} may have received the request`, unreachable)
    }
    let raw: string
    let text: string
    try {
      raw = await readCapped(res)
      // What is shown (messages, history, the renderer) carries neither the key nor signed-URL secrets.
      text = this.redact(raw)
      const capture = responseCapture.getStore()
      if (capture) capture.last = { status: res.status, url: url.origin + url.pathname, body: excerpt(text) }
    } catch (err) {
      if (err instanceof ProviderError) throw err
      const kind = method === 'GET' ? 'transient' : 'unknown_outcome'
      throw new ProviderError(kind, `${label} ${method} ${url.pathname}: connection dropped while reading the response`, { httpStatus: res.status })
    }
    if (!res.ok) throw this.httpError(res, text, method, url)
    // 204 and other empty answers (a cancel, an interruption) carry nothing to parse.
    if (raw === '' && (res.status === 204 || method !== 'GET')) return null
    try {
      // What the adapter reads keeps signed result URLs whole (they are its download links); an echoed key is still removed.
      return JSON.parse(withoutKeys(raw, [this.options.apiKey]))
    } catch {
      throw new ProviderError('malformed', `${label} sent a body that is not JSON: ${excerpt(text)}`, { httpStatus: res.status, body: excerpt(text) })
    }
  }

  private httpError(res: Response, text: string, method: string, url: URL): ProviderError {
    const { label } = this.options
    let parsed: unknown
    try {
      parsed = text ? JSON.parse(text) : undefined
    } catch {
      parsed = undefined
    }
    const reading = this.options.describeError?.(res.status, parsed, text)
    const retryAfterMs =
      reading?.retryAfterMs !== undefined ? Math.min(MAX_PROVIDER_WAIT_MS, Math.max(0, reading.retryAfterMs)) : parseRetryAfter(res.headers.get('retry-after'))
    const details = { httpStatus: res.status, body: excerpt(text), ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) }
    const said = reading?.message ? `: ${excerpt(this.redact(reading.message))}` : text ? `: ${excerpt(text)}` : ''
    if (reading?.kind)
      return new ProviderError(
        reading.kind,
        `${label} ${KIND_WORDS[reading.kind]} (${res.status})${said}`,
        reading.kind === 'rate_limited' ? { ...details, retryAfterMs: retryAfterMs ?? this.options.defaultRetryAfterMs } : details
      )
    switch (true) {
      case res.status === 401:
        return new ProviderError('auth', `${label} rejected the API key (401)${said}`, details)
      case res.status === 402:
        return new ProviderError('credits', `${label} says the account is out of credits (402)${said}`, details)
      case res.status === 429:
        return new ProviderError('rate_limited', `${label} rate limit (429)${said}`, {
          ...details,
          retryAfterMs: retryAfterMs ?? this.options.defaultRetryAfterMs
        })
      case res.status === 404 && method === 'GET':
        return new ProviderError('not_found', `${label} does not know this job (404)${said}`, details)
      case res.status >= 500:
        return new ProviderError('transient', `${label} server error ${res.status} on ${method} ${url.pathname}${said}`, details)
      default:
        return new ProviderError('rejected', `${label} refused the request (${res.status})${said}`, details)
    }
  }
}

/** Checks a parsed body has the shape the protocol promises; a clear error keeps the raw body for the history. */
export function expectObject(body: unknown, label: string): Record<string, unknown> {
  if (body && typeof body === 'object' && !Array.isArray(body)) return body as Record<string, unknown>
  throw new ProviderError('malformed', `${label} sent ${JSON.stringify(body)?.slice(0, 200)} where an object was expected`, {
    body: excerpt(JSON.stringify(body) ?? '')
  })
}

export function expectString(obj: Record<string, unknown>, field: string, label: string): string {
  const value = obj[field]
  if (typeof value === 'string' && value.length > 0) return value
  if (typeof value === 'number') return String(value)
  throw new ProviderError('malformed', `${label} response lacks "${field}": ${excerpt(JSON.stringify(obj))}`, { body: excerpt(JSON.stringify(obj)) })
}
