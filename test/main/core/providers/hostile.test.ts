// Provider answers that must not hurt: a server that echoes the key back in its error bodies (the key must
// reach no message, history, test-connection answer or CLI line), and a Retry-After far beyond what a
// timer can hold (it must wait — capped at an hour — not fire at once in a loop).
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { parseRetryAfter, MAX_PROVIDER_WAIT_MS } from '../../../../src/main/core/providers/http'
import { clampDelay, MAX_TIMER_MS } from '../../../../src/main/core/scheduling/clock'
import { fixed } from '../../../../src/main/core/scheduling/strategies'
import { openTestCore, until } from '../../../helpers/core'
import { history, idle, job, openHarness, queue } from './harness'

const KEY = 'sk-live-echoed-secret-0123456789'

/** Answers every request with `status` and a body that repeats the request's own auth headers. */
async function echoServer(status: number): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    const body = JSON.stringify({
      error: `bad request, you sent Authorization: ${req.headers.authorization ?? ''} x-key: ${req.headers['x-key'] ?? ''}`,
      message: `key ${KEY} refused`
    })
    res.writeHead(status, { 'Content-Type': 'application/json' })
    res.end(body)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}

describe.concurrent('hostile provider answers', () => {
  for (const [provider, status] of [
    ['letzai', 401],
    ['bfl', 400],
    ['apixo', 400],
    ['umrgen', 401],
    ['wondercat', 400]
  ] as const) {
    it(`${provider}: a ${status} body echoing the key reaches no message, history or test-connection answer`, async () => {
      const { server, base } = await echoServer(status)
      const core = await openTestCore({
        stored: { providers: { [provider]: { baseUrl: base } } },
        keys: { get: (p) => (p === provider ? KEY : null) },
        poller: { strategy: () => fixed(50), random: () => 0, maxTransientErrors: 1 }
      })
      try {
        const tested = await core.api.testConnection({ provider })
        expect(tested.ok).toBe(false)
        expect(tested.message).not.toContain(KEY)
        const { jobIds } = await core.api.queuePrompts({ provider, prompts: ['a harbour'] })
        await until(
          async () => {
            const d = (await core.api.getJob({ id: jobIds[0] }))!
            return d.job.status !== 'queued' && d.job.status !== 'submitting'
              ? true
              : (await core.api.getSettings(undefined)).providers[provider].pausedReason !== null
          },
          10_000,
          'the job to end or the provider to pause'
        )
        const d = (await core.api.getJob({ id: jobIds[0] }))!
        const everything = JSON.stringify({ d, settings: await core.api.getSettings(undefined) })
        expect(everything).not.toContain(KEY)
        expect(everything).toContain('[redacted]')
      } finally {
        await core.close()
        server.close()
      }
    })
  }

  it('caps a Retry-After of 3,000,000 s at an hour, and waits instead of looping', async () => {
    expect(parseRetryAfter('3000000')).toBe(MAX_PROVIDER_WAIT_MS)
    expect(parseRetryAfter(new Date(Date.now() + 9e12).toUTCString())).toBe(MAX_PROVIDER_WAIT_MS)
    expect(clampDelay(2 ** 40)).toBe(MAX_TIMER_MS)
    expect(clampDelay(Number.POSITIVE_INFINITY)).toBe(MAX_TIMER_MS)
    const h = await openHarness('letzai', { pollMs: 50 })
    h.sim.engine.inject('letzai', { on: 'poll', fault: '429', retryAfter: '3000000' })
    const [id] = await queue(h, 'images', ['a slow lighthouse'])
    await until(async () => (await job(h, id)).events.some((e) => e.type === 'rate_limited'), 10_000, 'the 429')
    const polls = () => h.sim.engine.requests.filter((r) => r.provider === 'letzai' && r.target === 'poll').length
    const seen = polls()
    await new Promise((r) => setTimeout(r, 2000))
    // Before the cap, a delay over 2^31 ms overflowed setTimeout and fired at once: 1,613 timers in 2 s.
    expect(polls()).toBe(seen)
    const d = await job(h, id)
    expect(d.job.status, history(d.events)).toBe('running')
    expect(d.events.find((e) => e.type === 'rate_limited')?.message).toMatch(/waiting 3600 s/)
    await h.core.api.cancelJobs({ ids: [id] })
    await idle(h)
  })
})
