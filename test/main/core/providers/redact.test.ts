import { describe, expect, it } from 'vitest'
import { redact } from '../../../../src/main/core/providers/http'

describe('redact', () => {
  it('removes an echoed key and signed-URL secrets from a response shown to the user', () => {
    const body = '{"echo":"sk-live-123456","url":"https://cdn.example/x.png?X-Amz-Signature=abc123&w=1","u2":"https://x/y?token=t0k&a=1"}'
    const out = redact(body, ['sk-live-123456', null])
    expect(out).not.toContain('sk-live-123456')
    expect(out).not.toContain('abc123')
    expect(out).not.toContain('t0k')
    expect(out).toContain('w=1')
    expect(out).toContain('[redacted]')
  })
})

describe('ProviderHttp reading answers', () => {
  it('hands the adapter signed result URLs whole (they are its download links) while what is shown loses their secrets and the key', async () => {
    const { createServer } = await import('node:http')
    const { ProviderHttp, responseCapture } = await import('../../../../src/main/core/providers/http')
    const server = createServer((req, res) => {
      if (req.url === '/cancel') return void res.writeHead(204).end()
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify({ sample: 'https://delivery.example/x.jpg?se=2026&sig=S1GNED', echo: 'k-the-key-1234' }))
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    try {
      const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`
      const http = new ProviderHttp({ baseUrl: base, apiKey: 'k-the-key-1234', label: 'Test', authHeaders: (k) => ({ Authorization: `Bearer ${k}` }) })
      const capture: import('../../../../src/main/core/providers/http').ResponseCapture = { last: null }
      const body = (await responseCapture.run(capture, () => http.request('/result'))) as Record<string, string>
      expect(body.sample).toBe('https://delivery.example/x.jpg?se=2026&sig=S1GNED')
      expect(body.echo).toBe('[redacted]')
      expect(capture.last?.body).not.toContain('S1GNED')
      expect(capture.last?.body).not.toContain('k-the-key-1234')
      expect(await http.request('/cancel', { method: 'PUT' })).toBeNull()
    } finally {
      server.close()
    }
  })
})
