import { describe, expect, it } from 'vitest'
import { allowStyleAttributes, contentSecurityPolicy, CSP } from '../../src/shared/csp'

const directives = (policy: string) => policy.split('; ').map((d) => d.split(' '))

describe('contentSecurityPolicy', () => {
  it('adds the asset scheme to the image and media sources, without a second directive a browser would ignore', () => {
    const policy = directives(contentSecurityPolicy('bs-asset'))
    const names = policy.map(([name]) => name)
    expect(new Set(names).size).toBe(names.length)
    expect(policy.find(([n]) => n === 'img-src')).toContain('bs-asset:')
    expect(policy.find(([n]) => n === 'media-src')).toContain('bs-asset:')
    expect(policy.find(([n]) => n === 'script-src')).toEqual(['script-src', "'self'"])
  })

  it('allows no scheme but our own without one', () => {
    expect(contentSecurityPolicy()).not.toContain('bs-asset')
    expect(contentSecurityPolicy()).toContain("frame-ancestors 'none'")
  })
})

describe('allowStyleAttributes', () => {
  it('lets exactly the given style attributes apply, by hash, and changes nothing else', () => {
    const policy = allowStyleAttributes(CSP, ['abc=', 'def='])
    expect(directives(policy).find(([n]) => n === 'style-src')).toEqual(['style-src', "'self'", "'unsafe-hashes'", "'sha256-abc='", "'sha256-def='"])
    expect(policy.replace(/ 'unsafe-hashes'.*?(?=;)/, '')).toBe(CSP)
    expect(allowStyleAttributes(CSP, [])).toBe(CSP)
  })
})
