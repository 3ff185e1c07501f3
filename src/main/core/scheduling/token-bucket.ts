// A provider's request budget: `rate` requests per second with bursts of `burst`. On a 429 the rate is
// halved (multiplicative decrease) and it creeps back by a tenth of the configured rate per success
// (additive increase), as TCP does, so a provider that pushes back is never hammered.

export class TokenBucket {
  private tokens: number
  private rate: number
  private at: number

  constructor(
    private configuredRate: number,
    private burst: number,
    now: number
  ) {
    this.rate = configuredRate
    this.tokens = burst
    this.at = now
  }

  get currentRate(): number {
    return this.rate
  }

  configure(rate: number, burst: number): void {
    this.configuredRate = rate
    this.rate = rate
    this.burst = burst
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.rate)
    this.at = now
  }

  tryTake(now: number): boolean {
    this.refill(now)
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }

  /** When the next token will be there. */
  nextTokenAt(now: number): number {
    this.refill(now)
    return this.tokens >= 1 ? now : now + ((1 - this.tokens) / this.rate) * 1000
  }

  onRateLimited(now: number): void {
    this.refill(now)
    this.rate = Math.max(this.configuredRate / 16, this.rate / 2)
    this.tokens = Math.min(this.tokens, 0)
  }

  onSuccess(): void {
    if (this.rate < this.configuredRate) this.rate = Math.min(this.configuredRate, this.rate + this.configuredRate / 10)
  }
}
