// The token bucket: bursts, refill at the configured rate, halving on a 429 (never below a sixteenth) and
// creeping back a tenth per success, and a new configuration taking effect at once.
import { describe, expect, it } from 'vitest'
import { TokenBucket } from '../../../../src/main/core/scheduling/token-bucket'

describe('TokenBucket', () => {
  it('gives a burst at once, then one token per 1/rate seconds', () => {
    const b = new TokenBucket(4, 3, 0)
    expect([b.tryTake(0), b.tryTake(0), b.tryTake(0), b.tryTake(0)]).toEqual([true, true, true, false])
    expect(b.nextTokenAt(0)).toBe(250)
    expect(b.tryTake(249)).toBe(false)
    expect(b.tryTake(250)).toBe(true)
  })

  it('never holds more than its burst, however long it was idle', () => {
    const b = new TokenBucket(10, 2, 0)
    const taken = [0, 0, 0].map(() => b.tryTake(3_600_000))
    expect(taken).toEqual([true, true, false])
  })

  it('halves its rate on a 429 and empties, down to a sixteenth at most, then climbs back by a tenth per success', () => {
    const b = new TokenBucket(16, 16, 0)
    b.onRateLimited(0)
    expect(b.currentRate).toBe(8)
    expect(b.tryTake(0)).toBe(false)
    for (let i = 0; i < 10; i++) b.onRateLimited(0)
    expect(b.currentRate).toBe(1)
    b.onSuccess()
    expect(b.currentRate).toBeCloseTo(2.6)
    for (let i = 0; i < 20; i++) b.onSuccess()
    expect(b.currentRate).toBe(16)
  })

  it('takes a new rate and burst at once', () => {
    const b = new TokenBucket(1, 1, 0)
    b.tryTake(0)
    b.configure(100, 5)
    expect(b.currentRate).toBe(100)
    expect(b.nextTokenAt(0)).toBe(10)
  })
})
