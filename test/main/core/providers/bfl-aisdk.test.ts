// A real BFL client written by others — the Vercel AI SDK's `@ai-sdk/black-forest-labs` with `generateImage` from
// `ai` — run against our simulator. It talks to the real API, so where it and the simulator disagree the simulator
// is wrong (never our adapter's habits: this test does not use our adapter at all).
//
// The network: the client refuses response-supplied URLs (polling_url, result.sample) that point at loopback unless
// they are the configured base URL's own origin (provider-utils validateDownloadUrl: an SSRF guard), and BFL's
// polling and delivery URLs are on other hosts than the base. So the test gives the simulator's three origins the
// public names they stand for — api.bfl.ai (submit), api.us1.bfl.ai (the regional polling host), delivery-us1.bfl.ai
// (the files host) — through the client's own `fetch` option: requests to those names go to the loopback ports,
// and the simulator's loopback URLs in JSON answers are renamed back. Nothing else in a body is touched.
//
// What the client does that Batch Studio must not (recorded, never failed here): it sends `x-key` to any https
// *.bfl.ai host, the delivery host included (isTrustedUrl in black-forest-labs-api.ts), and it polls at a fixed
// interval (500 ms by default) with a 60 s timeout. Its poll schema also knows only Pending, Ready, Error, Failed
// and Request Moderated: 'Content Moderated' and 'Task not found' (both in the OpenAPI's StatusResponse) fail its
// response parsing, so they are not exercised here.
import sharp from 'sharp'
import { createBlackForestLabs } from '@ai-sdk/black-forest-labs'
import { generateImage } from 'ai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { promptPng } from '../../../../src/main/demo/media'
import { startSimulator, type Simulator } from '../../../../src/main/demo/server'

const KEY = 'k-aisdk-secret'

interface Seen {
  url: string
  method: string
  carriedKey: boolean
}

/** The client's `fetch`: public BFL names → the simulator's loopback origins, and loopback URLs in JSON answers → public names. */
function bflNetwork(sim: Simulator): { fetch: typeof fetch; seen: Seen[] } {
  const api = new URL(sim.baseUrl('bfl')).origin
  const routes: [publicOrigin: string, local: string][] = [
    ['https://api.us1.bfl.ai', `${api.replace('127.0.0.1', 'localhost')}/bfl`],
    ['https://api.bfl.ai', `${api}/bfl`],
    ['https://delivery-us1.bfl.ai', sim.engine.filesBase]
  ]
  const seen: Seen[] = []
  const shim = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    const route = routes.find(([pub]) => url.startsWith(`${pub}/`))
    if (!route) throw new TypeError(`fetch failed: no route to ${url}`)
    seen.push({ url, method: init?.method ?? 'GET', carriedKey: new Headers(init?.headers).has('x-key') })
    const res = await fetch(route[1] + url.slice(route[0].length), init)
    if (!(res.headers.get('content-type') ?? '').includes('json')) return res
    let text = await res.text()
    for (const [pub, local] of routes) text = text.split(local).join(pub)
    const headers = new Headers(res.headers)
    headers.delete('content-length')
    return new Response(text, { status: res.status, statusText: res.statusText, headers })
  }
  return { fetch: shim as typeof fetch, seen }
}

describe('the AI SDK BFL client against the simulator', () => {
  let sim: Simulator
  beforeAll(async () => {
    sim = await startSimulator({ durationMs: 300, keys: { bfl: KEY } })
  })
  afterAll(async () => {
    await sim.close()
  })

  function client(apiKey = KEY) {
    const network = bflNetwork(sim)
    const bfl = createBlackForestLabs({ apiKey, baseURL: 'https://api.bfl.ai/v1', fetch: network.fetch, pollIntervalMillis: 50, pollTimeoutMillis: 10_000 })
    return { bfl, seen: network.seen }
  }

  it('generates with flux-2-pro and gets the image bytes, with the cost fields of the submit reply', async () => {
    const { bfl, seen } = client()
    const prompt = 'a lighthouse at dusk, via the AI SDK'
    const result = await generateImage({ model: bfl.image('flux-2-pro'), prompt, maxRetries: 0, providerOptions: { blackForestLabs: { outputFormat: 'png' } } })
    // The very bytes the simulator's files host serves for this job.
    expect(Buffer.from(result.image.uint8Array).equals(promptPng(`${prompt}#0`))).toBe(true)
    expect(result.image.mediaType).toBe('image/png')
    const meta = (result.providerMetadata.blackForestLabs as { images: Record<string, unknown>[] }).images[0]
    expect(meta).toMatchObject({ cost: expect.any(Number), outputMegapixels: 1.05, seed: expect.any(Number), duration: expect.any(Number) })
    // Submit to the base, polls on the polling_url's (regional) host, one download from the delivery host.
    const paths = seen.map((s) => `${s.method} ${new URL(s.url).host}${new URL(s.url).pathname}`)
    expect(paths[0]).toBe('POST api.bfl.ai/v1/flux-2-pro')
    expect(paths.slice(1, -1).every((p) => p === 'GET api.us1.bfl.ai/v1/get_result')).toBe(true)
    expect(paths.at(-1)).toMatch(/^GET delivery-us1\.bfl\.ai\/files\//)
    const job = [...sim.engine.jobs.values()].find((j) => j.prompt === prompt)
    expect(job?.model).toBe('flux-2-pro')
  })

  it('edits with flux-kontext-pro: the input image arrives as base64 in input_image', async () => {
    const { bfl } = client()
    const source = promptPng('the source image', 64, 64)
    const prompt = 'make it a watercolour, via the AI SDK'
    const result = await generateImage({ model: bfl.image('flux-kontext-pro'), prompt: { text: prompt, images: [source] }, aspectRatio: '16:9', maxRetries: 0 })
    // No output_format asked: BFL's default, JPEG, of the same picture.
    expect(result.image.mediaType).toBe('image/jpeg')
    expect(
      Buffer.from(result.image.uint8Array).equals(
        await sharp(promptPng(`${prompt}#0`))
          .jpeg()
          .toBuffer()
      )
    ).toBe(true)
    const job = [...sim.engine.jobs.values()].find((j) => j.prompt === prompt)
    expect(job?.extra.inputs).toEqual({ input_image: { kind: 'base64', mime: 'image/png', bytes: source.length, mp: (64 * 64) / 1e6 } })
    expect(job?.extra.body).toMatchObject({ aspect_ratio: '16:9', input_image: '<base64>' })
  })

  it('reads a wrong key’s 403 as BFL says it', async () => {
    const { bfl } = client('not-the-key')
    await expect(generateImage({ model: bfl.image('flux-2-pro'), prompt: 'never made', maxRetries: 0 })).rejects.toMatchObject({
      statusCode: 403,
      message: 'Not authenticated - Invalid Authentication'
    })
  })

  it('gets the 422 validation detail for a width FLUX1.1 [pro] does not take', async () => {
    const { bfl } = client()
    const err = await generateImage({
      model: bfl.image('flux-pro-1.1'),
      prompt: 'an odd width',
      providerOptions: { blackForestLabs: { width: 300, height: 768 } },
      maxRetries: 0
    }).catch((e: unknown) => e)
    expect(err).toMatchObject({ statusCode: 422 })
    expect(JSON.parse((err as Error).message)).toEqual([
      expect.objectContaining({ type: 'multiple_of', loc: ['body', 'width'], msg: 'Input should be a multiple of 32' })
    ])
  })
})
