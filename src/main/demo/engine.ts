// The simulator's shared machinery: jobs that run on a clock, the ledger tests assert against, injected
// faults, and the result-file host. Each provider protocol (letzai.ts, …) is a thin router over this.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { randomBytes } from 'node:crypto'
import { appendFileSync, existsSync, readFileSync } from 'node:fs'
import { modelInfo, type ProviderId } from '../../shared/catalogue'

export type SimProvider = Exclude<ProviderId, 'demo'>
export type SimKind = 'image' | 'video' | 'audio'
export type SimPhase = 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled'

export interface SimJob {
  id: string
  provider: SimProvider
  model: string
  kind: SimKind
  prompt: string
  createdAt: number
  /** When the job becomes ready (or fails). */
  readyAt: number
  queuedMs: number
  fails: boolean
  canceledAt: number | null
  /** Protocol-specific extras (e.g. UMRGEN's session id, Wondercat's job type). */
  extra: Record<string, unknown>
}

export interface JobState {
  phase: SimPhase
  /** 0–1 */
  progress: number
}

export type FaultKind = '429' | '500' | 'drop' | 'slow' | 'malformed' | 'unknown_status' | '401' | '402' | '404' | '403' | 'huge'
export type FaultTarget = 'submit' | 'poll' | 'download' | 'cancel' | 'any'

export interface Fault {
  on: FaultTarget
  fault: FaultKind
  /** How many requests it hits; omitted = every request until cleared. */
  times?: number
  /** Retry-After header value for 429 (seconds or an HTTP date). */
  retryAfter?: string
  delayMs?: number
}

export interface LedgerEntry {
  provider: SimProvider
  prompt: string
  submits: number
  polls: number
  pollsAfterTerminal: number
  downloads: number
  readyAt: number
  firstSeenReadyAt: number | null
}

export interface RequestRecord {
  at: number
  provider: SimProvider | 'files'
  target: FaultTarget
  method: string
  path: string
  /** Whether an Authorization or x-key header arrived. */
  carriedKey: boolean
  status: number
  /** The Host header the request arrived with (BFL's polling_url lives on another host than the base). */
  host?: string
}

export interface SimOptions {
  /** Duration of a job, or a function of the job (time-compressed workloads). */
  durationMs?: number | ((job: Pick<SimJob, 'provider' | 'model' | 'kind' | 'prompt'>) => number)
  /** Share of jobs that end failed. */
  failureRate?: number
  /** Keys each provider accepts; a provider absent here accepts any key or none (the demo). */
  keys?: Partial<Record<SimProvider, string>>
  /** Result URLs stop working this long after the job is ready (BFL: 10 minutes). */
  urlTtlMs?: number
  /** Max status requests per second per provider before 429s (token bucket); unset = unlimited. */
  rateLimit?: { perSecond: number; burst: number; retryAfterSeconds?: number }
  random?: () => number
  /** Keeps jobs in this JSON-lines file so that a restarted app (the Demo) still finds them. */
  persistTo?: string
  /**
   * Called with every new job before it is stored: tests shape one job's fate here (e.g. set
   * `job.extra.finalStatus`, `job.extra.noMedia`, or push `readyAt` far out to make it hang).
   */
  onCreate?: (job: SimJob) => void
  /** BFL caps the tasks a key may have active at once; a submit beyond it gets 429 (default 24). */
  maxActiveTasks?: number
  /** Retry-After header on that 429 (seconds or an HTTP date); BFL sends none by default. */
  activeTasksRetryAfter?: string
  /** The simulator's time (benchmarks share a scaled clock with the poller); default the wall clock. */
  clock?: { now(): number }
}

/** A file a client uploaded (Wondercat's /media/upload), served back from the files host. */
export interface SimUpload {
  bytes: Buffer
  mime: string
  name: string
}

/** Uploaded media, the oldest dropped once they hold more than `maxBytes` (the simulator must not grow without bound). */
export class UploadStore extends Map<string, SimUpload> {
  private bytes = 0

  constructor(private readonly maxBytes = 256 * 1024 * 1024) {
    super()
  }

  override set(id: string, upload: SimUpload): this {
    this.delete(id)
    super.set(id, upload)
    this.bytes += upload.bytes.length
    for (const [oldest, u] of this) {
      if (this.bytes <= this.maxBytes || oldest === id) break
      this.delete(oldest)
      this.bytes -= u.bytes.length
    }
    return this
  }

  override delete(id: string): boolean {
    const u = this.get(id)
    if (u) this.bytes -= u.bytes.length
    return super.delete(id)
  }
}

/** The request log keeps this many of the latest requests. */
export const MAX_REQUEST_LOG = 20_000

export class SimEngine {
  readonly jobs = new Map<string, SimJob>()
  readonly ledger = new Map<string, LedgerEntry>()
  readonly requests: RequestRecord[] = []
  private faults = new Map<SimProvider | 'files', Fault[]>()
  private buckets = new Map<SimProvider, { tokens: number; at: number }>()
  /** Uploaded media by id, served by the files host at /uploads/<id>. */
  readonly uploads = new UploadStore()
  filesBase = ''
  rateLimited429s = 0

  /** Logs a request, keeping the latest MAX_REQUEST_LOG. */
  log(record: RequestRecord): void {
    this.requests.push(record)
    if (this.requests.length > MAX_REQUEST_LOG) this.requests.splice(0, this.requests.length - MAX_REQUEST_LOG / 2)
  }

  constructor(public options: SimOptions = {}) {
    if (options.persistTo && existsSync(options.persistTo)) {
      for (const line of readFileSync(options.persistTo, 'utf8').split('\n')) {
        if (!line) continue
        try {
          const job = JSON.parse(line) as SimJob
          this.jobs.set(job.id, job)
        } catch {
          // A line cut short by a crash: that job is simply unknown, as at a real provider that lost it.
        }
      }
    }
  }

  /** Records a job's current state (the last line for an id wins on load). */
  save(job: SimJob): void {
    if (this.options.persistTo) appendFileSync(this.options.persistTo, `${JSON.stringify(job)}\n`)
  }

  now(): number {
    return this.options.clock ? this.options.clock.now() : Date.now()
  }

  random(): number {
    return (this.options.random ?? Math.random)()
  }

  createJob(provider: SimProvider, input: { model: string; kind: SimKind; prompt: string; extra?: Record<string, unknown> }): SimJob {
    const id = randomBytes(8).toString('hex')
    const { durationMs = 3000, failureRate = 0 } = this.options
    const duration = typeof durationMs === 'function' ? durationMs({ provider, ...input }) : durationMs
    const now = this.now()
    const job: SimJob = {
      id,
      provider,
      model: input.model,
      kind: input.kind,
      prompt: input.prompt,
      createdAt: now,
      readyAt: now + duration,
      queuedMs: Math.min(duration * 0.1, 2000),
      fails: failureRate > 0 && this.random() < failureRate,
      canceledAt: null,
      extra: input.extra ?? {}
    }
    this.options.onCreate?.(job)
    this.jobs.set(id, job)
    this.save(job)
    const entry = this.ledger.get(id)
    if (entry) entry.submits++
    else
      this.ledger.set(id, {
        provider,
        prompt: input.prompt,
        submits: 1,
        polls: 0,
        pollsAfterTerminal: 0,
        downloads: 0,
        readyAt: job.readyAt,
        firstSeenReadyAt: null
      })
    return job
  }

  state(job: SimJob): JobState {
    const now = this.now()
    if (job.canceledAt !== null) return { phase: 'canceled', progress: 0 }
    if (now >= job.readyAt) return { phase: job.fails ? 'failed' : 'succeeded', progress: 1 }
    const startedAt = job.createdAt + job.queuedMs
    if (now < startedAt) return { phase: 'queued', progress: 0 }
    return { phase: 'running', progress: (now - startedAt) / (job.readyAt - startedAt) }
  }

  /** Counts a poll in the ledger; polls after the studio already saw a terminal state are counted apart. */
  recordPoll(job: SimJob): JobState {
    const state = this.state(job)
    const entry = this.ledger.get(job.id)
    if (entry) {
      if (entry.firstSeenReadyAt !== null) entry.pollsAfterTerminal++
      entry.polls++
      if (state.phase !== 'queued' && state.phase !== 'running' && entry.firstSeenReadyAt === null) entry.firstSeenReadyAt = this.now()
    }
    return state
  }

  /**
   * Absolute URL of result file `index` of a job, on the separate files host (another origin). It stops
   * working `urlTtlMs` after the job is ready, or at `expiresAt` when given (BFL hands out fresh URLs).
   */
  fileUrl(job: SimJob, index = 0, ext = 'png', expiresAt?: number): string {
    return `${this.filesBase}/files/${job.id}/${index}.${ext}?exp=${expiresAt ?? job.readyAt + (this.options.urlTtlMs ?? 3_600_000)}`
  }

  /** Extension of a job's result files by its kind. */
  static extOf(kind: SimKind): 'png' | 'mp4' | 'wav' {
    return kind === 'video' ? 'mp4' : kind === 'audio' ? 'wav' : 'png'
  }

  submitsByPrompt(): Map<string, number> {
    const counts = new Map<string, number>()
    for (const e of this.ledger.values()) counts.set(e.prompt, (counts.get(e.prompt) ?? 0) + e.submits)
    return counts
  }

  inject(provider: SimProvider | 'files', fault: Fault): void {
    const list = this.faults.get(provider) ?? []
    list.push({ ...fault })
    this.faults.set(provider, list)
  }

  clearFaults(provider?: SimProvider | 'files'): void {
    if (provider) this.faults.delete(provider)
    else this.faults.clear()
  }

  /** Takes the next fault that applies to this request, if any. */
  takeFault(provider: SimProvider | 'files', target: FaultTarget): Fault | undefined {
    const list = this.faults.get(provider)
    if (!list) return undefined
    const index = list.findIndex((f) => f.on === target || f.on === 'any')
    if (index < 0) return undefined
    const fault = list[index]
    if (fault.times !== undefined && --fault.times <= 0) list.splice(index, 1)
    return fault
  }

  /** The provider-wide request budget; false = answer 429. */
  takeToken(provider: SimProvider): boolean {
    const limit = this.options.rateLimit
    if (!limit) return true
    const now = this.now()
    const bucket = this.buckets.get(provider) ?? { tokens: limit.burst, at: now }
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * limit.perSecond)
    bucket.at = now
    this.buckets.set(provider, bucket)
    if (bucket.tokens < 1) return false
    bucket.tokens -= 1
    return true
  }

  checkKey(provider: SimProvider, presented: string | null): boolean {
    const expected = this.options.keys?.[provider]
    return expected === undefined || presented === expected
  }
}

/** The kind of file a catalogue model makes: video models → mp4, audio (Suno) → wav, everything else png. */
export function simKindOf(provider: SimProvider, model: string): SimKind {
  const kind = modelInfo(provider, model)?.kind
  return kind === 'video' || kind === 'trim' ? 'video' : kind === 'audio' ? 'audio' : 'image'
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers })
  res.end(text)
}

/**
 * Applies an injected fault to a response, if one is due. Returns true when the fault answered the request
 * (the protocol handler must then stop); `slow` only delays and lets the handler answer.
 */
export async function applyFault(fault: Fault | undefined, res: ServerResponse, protocolMalformed = '{"id": '): Promise<boolean> {
  if (!fault) return false
  switch (fault.fault) {
    case 'slow':
      await new Promise((r) => setTimeout(r, fault.delayMs ?? 2000))
      return false
    case 'drop':
      res.socket?.destroy()
      return true
    case 'malformed':
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.end(protocolMalformed)
      return true
    case 'huge': {
      res.writeHead(200, { 'Content-Type': 'application/json' })
      const block = Buffer.alloc(1024 * 1024, 0x20)
      for (let i = 0; i < 8; i++) res.write(block)
      res.end('{}')
      return true
    }
    case '429':
      sendJson(res, 429, { error: 'Too many requests' }, fault.retryAfter !== undefined ? { 'Retry-After': fault.retryAfter } : {})
      return true
    case 'unknown_status':
      return false
    default:
      sendJson(res, Number(fault.fault), { error: `Injected ${fault.fault}` })
      return true
  }
}

/** The most a request body may carry (an upload of a large input picture fits; a flood does not). */
export const MAX_BODY_BYTES = 32 * 1024 * 1024

/** A request body over MAX_BODY_BYTES: the server answers 413 and keeps nothing of it. */
export class BodyTooLargeError extends Error {
  constructor() {
    super(`request body over ${MAX_BODY_BYTES} bytes`)
    this.name = 'BodyTooLargeError'
  }
}

/** The raw body, refused past MAX_BODY_BYTES while it arrives (a declared length over it is refused unread). */
export async function readRaw(req: IncomingMessage): Promise<Buffer> {
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) throw new BodyTooLargeError()
  const chunks: Buffer[] = []
  let total = 0
  for await (const c of req) {
    total += (c as Buffer).length
    if (total > MAX_BODY_BYTES) throw new BodyTooLargeError()
    chunks.push(c as Buffer)
  }
  return Buffer.concat(chunks)
}

export async function readBody(req: IncomingMessage): Promise<string> {
  return (await readRaw(req)).toString('utf8')
}

export function bearer(req: IncomingMessage): string | null {
  const h = req.headers.authorization
  return h?.startsWith('Bearer ') ? h.slice(7) : null
}
