// Wonda's error answers, served by a tiny stand-in so that each documented shape (wonda.sh/docs/errors) and each
// 429 variant (deferUntil, Retry-After, neither) reaches the adapter exactly as written here.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ProviderError } from '../../../../src/main/core/providers/http'
import { createWondercatAdapter, describeWondercatError } from '../../../../src/main/core/providers/wondercat'

const KEY = 'sk_0123456789abcdef'
let next: { status: number; body: string; headers?: Record<string, string> } = { status: 200, body: '{}' }
let server: Server
let base = ''

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      res.writeHead(next.status, { 'Content-Type': 'application/json', ...next.headers })
      res.end(next.body)
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`
})
afterAll(() => new Promise<void>((r) => server.close(() => r())))

async function submitError(status: number, body: unknown, headers?: Record<string, string>): Promise<ProviderError> {
  next = { status, body: typeof body === 'string' ? body : JSON.stringify(body), headers }
  const adapter = createWondercatAdapter({ baseUrl: base, apiKey: KEY })
  const err = await adapter.submit({ kind: 'image', model: 'nano-banana-2', prompt: 'p', params: {} }).then(
    () => undefined,
    (e: unknown) => e
  )
  expect(err).toBeInstanceOf(ProviderError)
  return err as ProviderError
}

describe('Wondercat error answers', () => {
  it('shows the message of {error: {message, code}}, never the JSON', async () => {
    const err = await submitError(400, { error: { message: "'model' is required", code: 'validation_error' } })
    expect(err).toMatchObject({ kind: 'rejected', message: "Wondercat refused the request (400): 'model' is required" })
  })

  it('maps 401, 402 and 403 to their kinds with the provider message', async () => {
    expect(await submitError(401, { error: { message: 'Missing or invalid API key', code: 'unauthorized' } })).toMatchObject({
      kind: 'auth',
      message: 'Wondercat rejected the API key (401): Missing or invalid API key'
    })
    expect(await submitError(402, { error: { message: 'Not enough credits', code: 'insufficient_credits' } })).toMatchObject({
      kind: 'credits',
      message: 'Wondercat says the account is out of credits (402): Not enough credits'
    })
    expect(await submitError(403, { error: { message: 'Feature disabled for this account', code: 'feature_disabled' } })).toMatchObject({
      kind: 'rejected',
      message: 'Wondercat refused the request (403): Feature disabled for this account'
    })
    // No paid plan: every job would fail alike, so the provider pauses (as for credits).
    expect(await submitError(403, { error: { message: 'A paid plan is required', code: 'paid_plan_required' } })).toMatchObject({
      kind: 'credits',
      message: 'Wondercat says the account is out of credits (403): A paid plan is required'
    })
  })

  it('redacts the key when the provider echoes it in a message', async () => {
    const err = await submitError(400, { error: { message: `key ${KEY} is not valid here`, code: 'bad_request' } })
    expect(err.message).toBe('Wondercat refused the request (400): key [redacted] is not valid here')
    expect(JSON.stringify(err.details)).not.toContain(KEY)
  })

  it("a 410 (a retired endpoint) fails the job with Wonda's hint and says what happened", async () => {
    const err = await submitError(410, { error: { message: 'POST /video/edit has been retired. Use wonda edit video', code: 'gone' } })
    expect(err.kind).toBe('rejected')
    expect(err.message).toMatch(/\(410\): POST \/video\/edit has been retired\. Use wonda edit video — Wonda retired this endpoint/)
  })

  it('waits until deferUntil on a throttled 429, or for Retry-After, or backs off when neither is given', async () => {
    const at = new Date(Date.now() + 30_000).toISOString()
    const throttled = await submitError(429, { error: { message: 'Safety gate closed', code: 'throttled', deferUntil: at, reason: 'limit_hit' } })
    expect(throttled.kind).toBe('rate_limited')
    expect(throttled.message).toBe('Wondercat asks to wait (429): Safety gate closed (throttled)')
    expect(throttled.details.retryAfterMs).toBeGreaterThan(28_000)
    expect(throttled.details.retryAfterMs).toBeLessThanOrEqual(30_000)
    // A deferUntil beside the error object is read as well; a far one is capped at an hour.
    const far = await submitError(429, { error: { message: 'later', code: 'throttled' }, deferUntil: new Date(Date.now() + 86_400_000).toISOString() })
    expect(far.details.retryAfterMs).toBe(3_600_000)
    const header = await submitError(429, { error: { message: 'Too many requests', code: 'rate_limit_exceeded' } }, { 'Retry-After': '7' })
    expect(header).toMatchObject({ kind: 'rate_limited', details: { retryAfterMs: 7000 } })
    const neither = await submitError(429, { error: { message: 'Too many requests', code: 'rate_limit_exceeded' } })
    expect(neither.kind).toBe('rate_limited')
    expect(neither.details.retryAfterMs).toBeUndefined()
  })

  it('reads an edge page that is not JSON as text, without markup', async () => {
    const err = await submitError(429, '<html><body><h1>Too Many Requests</h1></body></html>')
    expect(err).toMatchObject({ kind: 'rate_limited', message: 'Wondercat asks to wait (429): Too Many Requests' })
  })

  it('retries a 409 (media still processing) and 5xx instead of failing the job', async () => {
    expect((await submitError(409, { error: { message: 'Media is still processing', code: 'conflict' } })).kind).toBe('transient')
    expect((await submitError(500, { error: { message: 'Internal server error', code: 'internal_server_error' } })).kind).toBe('transient')
  })

  it('describeWondercatError reads the string form {error: "…"} too', () => {
    expect(describeWondercatError(400, { error: 'Bad thing' }, '{"error":"Bad thing"}')).toEqual({ message: 'Bad thing' })
    expect(describeWondercatError(404, undefined, '')).toBeUndefined()
  })
})
