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
