// The simulator's own defences, since it listens inside the app: only requests addressed to 127.0.0.1 or
// localhost, only with the run's key (the Demo), bodies capped, and a request log that stops growing.
import { request } from 'node:http'
import { describe, expect, it } from 'vitest'
import { MAX_BODY_BYTES, MAX_REQUEST_LOG } from '../../../src/main/demo/engine'
import { startSimulator } from '../../../src/main/demo/server'
import { openTestCore } from '../../helpers/core'

/** A raw request, so the Host header can be anything (fetch does not let a caller set it). */
function send(
  url: string,
  o: { method?: string; host?: string; headers?: Record<string, string>; body?: Buffer | string } = {}
): Promise<{ status: number; body: string }> {
  const u = new URL(url)
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        method: o.method ?? 'GET',
        headers: {
          ...(o.host ? { Host: o.host } : {}),
          ...(o.body !== undefined && !o.headers?.['Transfer-Encoding'] ? { 'Content-Length': String(Buffer.byteLength(o.body)) } : {}),
          ...o.headers
        }
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }))
      }
    )
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' || err.code === 'ECONNRESET' ? resolve({ status: -1, body: err.code }) : reject(err)))
    if (o.body) req.write(o.body)
    req.end()
  })
}

describe('simulator server', () => {
  it('answers 421 to a foreign Host (DNS rebinding) on both of its servers, and creates nothing', async () => {
    const sim = await startSimulator({ durationMs: 100 })
    try {
      const body = JSON.stringify({ prompt: 'x', width: 1024, height: 1024 })
      const foreign = await send(`${sim.baseUrl('letzai')}/images`, {
        method: 'POST',
        host: 'evil.example:80',
        headers: { 'Content-Type': 'application/json', Origin: 'http://evil.example' },
        body
      })
      expect(foreign.status).toBe(421)
      expect((await send(`${sim.engine.filesBase}/files/x/0.png`, { host: 'evil.example' })).status).toBe(421)
      expect(sim.engine.jobs.size).toBe(0)
      const port = new URL(sim.baseUrl('letzai')).port
      expect((await send(`${sim.baseUrl('letzai')}/images/nope`, { host: `localhost:${port}` })).status).not.toBe(421)
    } finally {
      await sim.close()
    }
  })

  it('refuses a body over the cap (413) or of no declared length (411) before reading it, and keeps only the latest requests', async () => {
    const sim = await startSimulator({ durationMs: 100 })
    try {
      const big = Buffer.alloc(MAX_BODY_BYTES + 1024, 0x61)
      const declared = await send(`${sim.baseUrl('letzai')}/images`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Content-Length': String(big.length) },
        body: big
      })
      expect([413, -1]).toContain(declared.status)
      const chunked = await send(`${sim.baseUrl('bfl')}/v1/flux-dev`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
        body: big
      })
      expect([411, -1]).toContain(chunked.status)
      for (let i = 0; i < MAX_REQUEST_LOG + 10; i++)
        sim.engine.log({ at: i, provider: 'letzai', target: 'poll', method: 'GET', path: '/', carriedKey: false, status: 200 })
      expect(sim.engine.requests.length).toBeLessThanOrEqual(MAX_REQUEST_LOG)
      expect(sim.engine.requests.at(-1)?.at).toBe(MAX_REQUEST_LOG + 9)
    } finally {
      await sim.close()
    }
  })

  it('in the app, starts only when the Demo is used, and answers only the run key', async () => {
    const core = await openTestCore()
    try {
      expect(() => core.simulator).toThrow(/has not been started/)
      expect((await core.api.getSettings(undefined)).providers.demo.baseUrl).toBe('')
      const { jobIds } = await core.api.queuePrompts({ prompts: ['a fox'] })
      await core.poller.whenIdle()
      expect((await core.api.getJob({ id: jobIds[0] }))!.job.status).toBe('done')
      const base = core.simulator.baseUrl('letzai')
      // Another program on this machine, without the key, cannot create Demo jobs.
      const stranger = await send(`${base}/images`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ prompt: 'x' }) })
      expect(stranger.status).toBe(401)
      expect(core.simulator.engine.jobs.size).toBe(1)
    } finally {
      await core.close()
    }
  })
})
