// A provider whose host gives no answer (nothing listens, the name does not exist): the user reads which
// host, that the key was not checked, and sees the job wait with its tries counted, never silently.
import { createServer } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import type { Core } from '../../../src/main/core/core'
import { ProviderError, ProviderHttp } from '../../../src/main/core/providers/http'
import { openTestCore, until } from '../../helpers/core'

/** A port on 127.0.0.1 that was just free: connecting to it is a real ECONNREFUSED. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  await new Promise((resolve) => server.close(resolve))
  return port
}

async function failure(http: ProviderHttp, path: string, method: 'GET' | 'POST' = 'GET'): Promise<ProviderError> {
  const err = await http.request(path, method === 'POST' ? { json: {} } : {}).catch((e: unknown) => e)
  expect(err).toBeInstanceOf(ProviderError)
  return err as ProviderError
}

let cores: Core[] = []
afterEach(async () => {
  await Promise.all(cores.map((c) => c.close()))
  cores = []
})

describe('a host that cannot be reached', () => {
  it('is named in words, as a transient error the network is at fault for', async () => {
    const port = await closedPort()
    const refused = new ProviderHttp({ baseUrl: `http://127.0.0.1:${port}`, apiKey: 'k', authHeaders: () => ({}), label: 'LetzAI' })
    const onPost = await failure(refused, '/images', 'POST')
    expect(onPost.kind).toBe('transient')
    expect(onPost.message).toBe(`Can't reach 127.0.0.1:${port} (nothing answers there) — check your connection and the base URL`)
    expect(onPost.details.unreachableHost).toBe(`127.0.0.1:${port}`)

    const nowhere = new ProviderHttp({ baseUrl: 'https://api.batch-studio-test.invalid', apiKey: 'k', authHeaders: () => ({}), label: 'BFL' })
    const onGet = await failure(nowhere, '/v1/get_result')
    expect(onGet.kind).toBe('transient')
    expect(onGet.message).toBe("Can't reach api.batch-studio-test.invalid (the name was not found) — check your connection")
    expect(onGet.message).not.toMatch(/ENOTFOUND|EAI_AGAIN|get_result/)
  })

  it('Test connection says the key was not checked, and the provider shows as unreachable', async () => {
    const core = await openTestCore({ stored: { providers: { bfl: { baseUrl: 'https://api.batch-studio-test.invalid' } } }, keys: { get: () => 'a-key-1234' } })
    cores.push(core)
    const result = await core.api.testConnection({ provider: 'bfl' })
    expect(result).toEqual({
      ok: false,
      message: "Can't reach api.batch-studio-test.invalid (the name was not found) — check your connection; the key was not checked"
    })
    const settings = await core.api.getSettings(undefined)
    expect(settings.providers.bfl.unreachable).toEqual({ host: 'api.batch-studio-test.invalid', since: expect.any(Number) })
    expect(settings.providers.bfl.pausedReason).toBeNull()
  })

  it('keeps a job queued with the reason in its row, its tries rising and the next try scheduled', async () => {
    const port = await closedPort()
    const core = await openTestCore({
      stored: { providers: { letzai: { baseUrl: `http://127.0.0.1:${port}` } } },
      keys: { get: (p) => (p === 'letzai' ? 'a-key-1234' : null) }
    })
    cores.push(core)
    const { jobIds } = await core.api.queuePrompts({ prompts: ['a fox'], provider: 'letzai' })
    // Backoff doubles from 1 s: the second failed try comes about 1-2 s after the first.
    await until(async () => /2 tries so far/.test((await core.api.getJob({ id: jobIds[0] }))?.job.error ?? ''), 15_000, 'a second try')
    const detail = (await core.api.getJob({ id: jobIds[0] }))!
    expect(detail.job.status).toBe('queued')
    expect(detail.job.error).toBe(
      `Can't reach 127.0.0.1:${port} (nothing answers there) — check your connection and the base URL (2 tries so far; trying again)`
    )
    expect(detail.job.nextPollAt).toBeGreaterThan(Date.now() - 1000)
    // The provider never took it: attempts stay at 0 between tries, and the history counts the tries.
    expect(detail.events.map((e) => e.message)).toEqual(expect.arrayContaining(['Sending to LetzAI (attempt 1)', 'Sending to LetzAI (attempt 1, try 2)']))
    const stats = await core.api.getStats(undefined)
    expect(stats.providers.find((p) => p.provider === 'letzai')?.unreachable).toEqual({ host: `127.0.0.1:${port}`, since: expect.any(Number) })
  })
})
