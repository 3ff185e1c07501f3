// Shared setup for the provider contract tests: a simulator speaking the provider's protocol, a real core
// whose provider base URL points at it (through the stored settings, so that tests can run concurrently, each
// with its own simulator; the `<NAME>_BASE_URL` environment fallback would win, so it is cleared), and the checks
// every test makes on the simulator's ledger (nothing submitted twice, no polls after terminal, no key leaks).
// Also the fault suite every provider runs: 429 with Retry-After in seconds and as an HTTP date, 500s, a
// dropped connection, a malformed body, an unknown status, 401 and 402 pausing the provider.
import { afterAll, expect, it } from 'vitest'
import { PROVIDERS, type ProviderId } from '../../../../src/shared/catalogue'
import type { Job, JobEvent } from '../../../../src/shared/contract'
import type { Core } from '../../../../src/main/core/core'
import type { ProviderLimits } from '../../../../src/main/core/jobs/runner'
import { ProviderError } from '../../../../src/main/core/providers/http'
import { createAdapter } from '../../../../src/main/core/providers/registry'
import { fixed } from '../../../../src/main/core/scheduling/strategies'
import type { Fault, SimOptions, SimProvider } from '../../../../src/main/demo/engine'
import { startSimulator, type Simulator } from '../../../../src/main/demo/server'
import { openTestCore, until } from '../../../helpers/core'

export const KEY = 'k-test-secret'

export interface Harness {
  sim: Simulator
  core: Core
  provider: SimProvider
}

export interface HarnessOptions {
  sim?: SimOptions
  /** The key the core holds for the provider (default KEY, which the simulator expects). */
  key?: string | null
  pollMs?: number
  limits?: ProviderLimits
}

const open: (() => Promise<void>)[] = []

// Tests run concurrently (each with its own simulator and core), so everything closes when the file is done.
afterAll(async () => {
  await Promise.all(open.splice(0).map((close) => close()))
})

// An environment base URL would override the per-test settings below.
for (const p of PROVIDERS) delete process.env[`${p.envName}_BASE_URL`]

export async function openHarness(provider: SimProvider, o: HarnessOptions = {}): Promise<Harness> {
  const sim = await startSimulator({ durationMs: 300, keys: { [provider]: KEY }, ...o.sim })
  const key = o.key === undefined ? KEY : o.key
  const core = await openTestCore({
    externalSimulator: sim,
    stored: { providers: { [provider]: { baseUrl: sim.baseUrl(provider) } } },
    keys: { get: (p) => (p === provider ? key : null) },
    poller: {
      strategy: () => fixed(o.pollMs ?? 100),
      limits: () => o.limits ?? { rate: 200, burst: 200, concurrency: 16 },
      random: () => 0
    }
  })
  open.push(async () => {
    await core.close()
    await sim.close()
  })
  return { sim, core, provider }
}

export async function queue(h: Harness, model: string, prompts: string[], params: Record<string, string | number | boolean> = {}): Promise<number[]> {
  const { jobIds } = await h.core.api.queuePrompts({ prompts, provider: h.provider as ProviderId, model, params })
  return jobIds
}

export async function idle(h: Harness, timeoutMs = 20_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  await Promise.race([
    h.core.poller.whenIdle(),
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`poller not idle after ${timeoutMs} ms`)), timeoutMs)))
  ]).finally(() => clearTimeout(timer))
}

export async function job(h: Harness, id: number): Promise<{ job: Job; events: JobEvent[]; assets: { path: string; mime: string }[] }> {
  const detail = await h.core.api.getJob({ id })
  if (!detail) throw new Error(`job ${id} not found`)
  return detail
}

export async function statusOf(h: Harness, id: number): Promise<string> {
  return (await job(h, id)).job.status
}

export function eventTypes(events: JobEvent[]): string[] {
  return events.map((e) => e.type)
}

export function history(events: JobEvent[]): string {
  return events.map((e) => `${e.type}: ${e.message}`).join('\n')
}

/** The simulator's id of a core job (its provider job id). */
export async function simJobOf(h: Harness, id: number): Promise<string> {
  const id_ = (await job(h, id)).job.providerJobId
  if (!id_) throw new Error(`job ${id} has no provider job id`)
  return id_
}

/**
 * The checks every test makes: each provider job was submitted exactly once, nobody polled it after seeing
 * it terminal (unless `pollsAfterTerminal` allows the poller's one re-poll for a fresh URL), every finished
 * job's files were downloaded, and no key ever reached a download.
 */
export function expectLedgerClean(h: Harness, o: { jobs?: number; downloaded?: boolean; pollsAfterTerminal?: number } = {}): void {
  const { ledger, requests } = h.sim.engine
  if (o.jobs !== undefined) expect(ledger.size).toBe(o.jobs)
  for (const entry of ledger.values()) {
    expect(entry.submits, `submits of "${entry.prompt}"`).toBe(1)
    expect(entry.pollsAfterTerminal, `polls after terminal of "${entry.prompt}"`).toBe(o.pollsAfterTerminal ?? 0)
    if (o.downloaded !== false) expect(entry.downloads, `downloads of "${entry.prompt}"`).toBeGreaterThanOrEqual(1)
  }
  expect(requests.filter((r) => r.provider === 'files' && r.carriedKey)).toEqual([])
  expect(requests.filter((r) => r.target === 'download' && r.carriedKey)).toEqual([])
}

/** API requests to the provider carried the key (so the simulator's key check was real). */
export function expectKeySent(h: Harness): void {
  const api = h.sim.engine.requests.filter((r) => r.provider === h.provider && r.target === 'submit')
  expect(api.length).toBeGreaterThan(0)
  expect(api.every((r) => r.carriedKey)).toBe(true)
}

export async function expectDone(h: Harness, ids: number[], mime: string | RegExp = 'image/png'): Promise<void> {
  for (const id of ids) {
    const d = await job(h, id)
    expect(d.job.status, history(d.events)).toBe('done')
    expect(eventTypes(d.events)).toEqual(expect.arrayContaining(['queued', 'submit', 'submitted', 'ready', 'done']))
    expect(d.assets.length).toBeGreaterThanOrEqual(1)
    for (const a of d.assets) expect(a.mime).toMatch(mime)
  }
}

export interface FaultSuite {
  provider: SimProvider
  model: string
  /** APIXO answers errors inside its `{code, msg, data}` envelope at HTTP 200, where no Retry-After reaches the adapter. */
  envelope?: boolean
}

/** Registers the common fault tests for one provider. */
export function faultSuite(s: FaultSuite): void {
  const pollTimes = (h: Harness) => h.sim.engine.requests.filter((r) => r.provider === s.provider && r.target === 'poll').map((r) => r.at)

  async function withFault(fault: Fault | (() => Fault), o: HarnessOptions = {}) {
    const h = await openHarness(s.provider, o)
    const f = typeof fault === 'function' ? fault() : fault
    h.sim.engine.inject(s.provider, f)
    const [id] = await queue(h, s.model, [`fault ${f.fault} on ${f.on}`])
    await idle(h)
    return { h, id, detail: await job(h, id) }
  }

  if (!s.envelope) {
    it('waits out a 429 on a poll for its Retry-After in seconds, without failing the job', async () => {
      const { h, detail } = await withFault({ on: 'poll', fault: '429', times: 1, retryAfter: '1' })
      expect(detail.job.status, history(detail.events)).toBe('done')
      const limited = detail.events.find((e) => e.type === 'rate_limited')
      expect(limited?.message).toMatch(/waiting 1 s/)
      const times = pollTimes(h)
      expect(times.length).toBeGreaterThanOrEqual(2)
      expect(times[1] - times[0]).toBeGreaterThanOrEqual(950)
      expectLedgerClean(h, { jobs: 1 })
    })

    it('waits out a 429 whose Retry-After is an HTTP date', async () => {
      // An HTTP date has whole seconds: this one is 0.5–1.5 s away.
      let retryAfter = ''
      const { h, detail } = await withFault(() => ({
        on: 'submit',
        fault: '429',
        times: 1,
        retryAfter: (retryAfter = new Date(Date.now() + 1500).toUTCString())
      }))
      expect(detail.job.status, history(detail.events)).toBe('done')
      expect(detail.events.find((e) => e.type === 'rate_limited')?.message).toMatch(/holding submits for up to [012] s/)
      const submits = h.sim.engine.requests.filter((r) => r.provider === s.provider && r.target === 'submit').map((r) => r.at)
      expect(submits).toHaveLength(2)
      expect(submits[1]).toBeGreaterThanOrEqual(Date.parse(retryAfter) - 20)
      expectLedgerClean(h, { jobs: 1 })
    })
  } else {
    it('waits after a rate limit (code 429) without failing the job', async () => {
      const { h, detail } = await withFault({ on: 'poll', fault: '429', times: 1 })
      expect(detail.job.status, history(detail.events)).toBe('done')
      expect(detail.events.find((e) => e.type === 'rate_limited')?.message).toMatch(/429/)
      const times = pollTimes(h)
      expect(times[1] - times[0]).toBeGreaterThanOrEqual(1500)
      expectLedgerClean(h, { jobs: 1 })
    })
  }

  it('retries 500s on a submit and on a poll with backoff, and finishes the job', async () => {
    const h = await openHarness(s.provider)
    h.sim.engine.inject(s.provider, { on: 'submit', fault: '500', times: 1 })
    h.sim.engine.inject(s.provider, { on: 'poll', fault: '500', times: 1 })
    const [id] = await queue(h, s.model, ['500s'])
    await idle(h)
    const detail = await job(h, id)
    expect(detail.job.status, history(detail.events)).toBe('done')
    const retries = detail.events.filter((e) => e.type === 'retry')
    expect(retries).toHaveLength(2)
    expect(retries[0].message).toMatch(/500.*not accepted, will send again/)
    expect(retries[1].message).toMatch(/500.*will ask again/)
    const failed = h.sim.engine.requests.filter((r) => r.status === (s.envelope ? 200 : 500) && r.provider === s.provider)
    if (!s.envelope) expect(failed.map((r) => r.target)).toEqual(['submit', 'poll'])
    expectLedgerClean(h, { jobs: 1 })
  })

  it('retries a dropped connection on a poll', async () => {
    const { h, detail } = await withFault({ on: 'poll', fault: 'drop', times: 1 })
    expect(detail.job.status, history(detail.events)).toBe('done')
    expect(detail.events.find((e) => e.type === 'retry')?.message).toMatch(/failed|dropped|reset|socket/i)
    expectLedgerClean(h, { jobs: 1 })
  })

  it('does not resend a submit whose connection dropped: submitted? unknown', async () => {
    const { h, detail } = await withFault({ on: 'submit', fault: 'drop', times: 1 })
    expect(detail.job.status).toBe('needs_attention')
    expect(detail.job.error).toMatch(/Submitted\? Unknown/)
    expect(h.sim.engine.requests.filter((r) => r.provider === s.provider && r.target === 'submit')).toHaveLength(1)
  })

  it('records a malformed body with its raw text and keeps polling', async () => {
    const { h, detail } = await withFault({ on: 'poll', fault: 'malformed', times: 1 })
    expect(detail.job.status, history(detail.events)).toBe('done')
    const retry = detail.events.find((e) => e.type === 'retry')
    expect(retry?.message).toMatch(/not JSON/)
    expect(retry?.message).toContain('{"')
    expectLedgerClean(h, { jobs: 1 })
  })

  it('keeps polling through an unknown status and records it once', async () => {
    // A longer job, so that both odd answers come while it runs (the simulator counts what it answered as seen).
    const { h, detail } = await withFault({ on: 'poll', fault: 'unknown_status', times: 2 }, { sim: { durationMs: 1200 } })
    expect(detail.job.status, history(detail.events)).toBe('done')
    const unknown = detail.events.filter((e) => e.type === 'unknown_status')
    expect(unknown).toHaveLength(1)
    expect(unknown[0].message).toMatch(/Unknown status "/)
    expectLedgerClean(h, { jobs: 1 })
  })

  it('pauses the provider on 401 without failing the job, and resumes', async () => {
    const h = await openHarness(s.provider)
    h.sim.engine.inject(s.provider, { on: 'poll', fault: '401', times: 1 })
    const [id] = await queue(h, s.model, ['paused by a 401'])
    await until(async () => (await h.core.api.getSettings(undefined)).providers[s.provider].pausedReason !== null, 10_000, 'provider paused')
    expect((await h.core.api.getSettings(undefined)).providers[s.provider].pausedReason).toMatch(/401/)
    expect(await statusOf(h, id)).toBe('running')
    const pollsWhilePaused = h.sim.engine.requests.length
    await new Promise((r) => setTimeout(r, 400))
    expect(h.sim.engine.requests.length).toBe(pollsWhilePaused)
    h.core.poller.resumeProvider(s.provider)
    await idle(h)
    const detail = await job(h, id)
    expect(detail.job.status, history(detail.events)).toBe('done')
    expect(eventTypes(detail.events)).toContain('paused')
    expectLedgerClean(h, { jobs: 1 })
  })

  it('tests the connection: the right key is accepted, a wrong one is reported', async () => {
    const h = await openHarness(s.provider)
    const ok = await h.core.api.testConnection({ provider: s.provider })
    expect(ok.ok, ok.message).toBe(true)
    expect(ok.message).toMatch(/Connected/)
    const wrong = createAdapter(s.provider, { baseUrl: h.sim.baseUrl(s.provider), apiKey: 'wrong-key' })
    await expect(wrong.testConnection?.() ?? wrong.poll({ id: 'x', endpoint: 'images' }, { sinceSubmitMs: 0 })).rejects.toMatchObject({ kind: 'auth' })
    expect(h.sim.engine.ledger.size).toBe(0)
  })

  it('pauses the provider on 402 (out of credits) before anything is submitted', async () => {
    const h = await openHarness(s.provider)
    h.sim.engine.inject(s.provider, { on: 'submit', fault: '402', times: 1 })
    const [id] = await queue(h, s.model, ['paused by a 402'])
    await until(async () => (await h.core.api.getSettings(undefined)).providers[s.provider].pausedReason !== null, 10_000, 'provider paused')
    expect((await h.core.api.getSettings(undefined)).providers[s.provider].pausedReason).toMatch(/credits/)
    expect(await statusOf(h, id)).toBe('queued')
    expect(h.sim.engine.ledger.size).toBe(0)
    h.core.poller.resumeProvider(s.provider)
    await idle(h)
    expect(await statusOf(h, id)).toBe('done')
    expectLedgerClean(h, { jobs: 1 })
  })
}

/** The ProviderError a call rejects with (any other outcome fails the test). */
export async function caught(p: Promise<unknown>): Promise<ProviderError> {
  try {
    await p
  } catch (err) {
    if (err instanceof ProviderError) return err
    throw err
  }
  throw new Error('expected a ProviderError')
}
