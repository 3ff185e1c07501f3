// The providers' side of the benchmarks, in a process of its own (as a real provider is): simulators on
// loopback, one per lane, all on the clock the benchmark shares with the app. Driven over IPC by sims.ts;
// at the end it reports each lane's ledger (per job: when it became ready, when the app first saw it, how
// many status requests it took) and request log.
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { startSimulator, type Simulator } from '../src/main/demo/server'
import { clockFrom, type ClockSpec } from './lib'
import { applyShape, type ShapeName } from './progress-shapes'

export interface LaneSpec {
  key: string
  /** Job durations by prompt (uncompressed ms); others take `defaultDurationMs`. */
  durations: [string, number][]
  defaultDurationMs: number
  rateLimit?: { perSecond: number; burst: number; retryAfterSeconds?: number }
  /** How the lane's jobs report progress (bench/progress-shapes.ts); unset = the simulator's own (linear after a short queue). */
  shape?: ShapeName
}

export type HostRequest =
  | { type: 'start'; clock: ClockSpec; lanes: LaneSpec[] }
  | { type: 'createJobs'; lane: string; count: number; model: string; kind: 'image' | 'video'; durationMs: number }
  | { type: 'report'; lanes?: string[] }
  | { type: 'close' }

export interface LaneReport {
  key: string
  jobs: { id: string; prompt: string; readyAt: number; firstSeenReadyAt: number | null; polls: number; submits: number }[]
  /** Status requests (GET on a job), including those answered 429. */
  statusRequests: number
  submits: number
  downloads: number
  rateLimited429s: number
  /** Real (Date.now) times of every API request, in arrival order. */
  apiRequestTimes: number[]
  /** Real times of every result download. */
  downloadTimes: number[]
}

export type HostReply =
  | { type: 'started'; urls: Record<string, string> }
  | { type: 'created'; ids: string[] }
  | { type: 'report'; lanes: LaneReport[]; loopLagP99Ms: number; loopLagMaxMs: number }
  | { type: 'closed' }
  | { type: 'error'; message: string }

const sims = new Map<string, Simulator>()
const lag = monitorEventLoopDelay({ resolution: 1 })
lag.enable()

function send(reply: HostReply): void {
  process.send!(reply)
}

process.on('disconnect', () => process.exit(0))
process.on('message', (msg: HostRequest) => {
  void handle(msg).catch((err: Error) => send({ type: 'error', message: err.stack ?? err.message }))
})

async function handle(msg: HostRequest): Promise<void> {
  switch (msg.type) {
    case 'start': {
      const clock = clockFrom(msg.clock)
      const urls: Record<string, string> = {}
      for (const lane of msg.lanes) {
        const durations = new Map(lane.durations)
        const sim = await startSimulator({ clock, durationMs: (job) => durations.get(job.prompt) ?? lane.defaultDurationMs, rateLimit: lane.rateLimit })
        if (lane.shape) applyShape(sim.engine, lane.shape)
        sims.set(lane.key, sim)
        urls[lane.key] = sim.baseUrl('letzai')
      }
      // Measure the run, not this process's start-up.
      lag.reset()
      return send({ type: 'started', urls })
    }
    case 'createJobs': {
      const sim = sims.get(msg.lane)!
      sim.engine.options.durationMs = msg.durationMs
      const ids: string[] = []
      for (let i = 0; i < msg.count; i++) ids.push(sim.engine.createJob('letzai', { model: msg.model, kind: msg.kind, prompt: `resumed job ${i}` }).id)
      return send({ type: 'created', ids })
    }
    case 'report': {
      const lanes: LaneReport[] = []
      for (const [key, sim] of sims) {
        if (msg.lanes && !msg.lanes.includes(key)) continue
        const e = sim.engine
        const api = e.requests.filter((r) => r.provider === 'letzai')
        lanes.push({
          key,
          jobs: [...e.jobs.values()].map((j) => {
            const l = e.ledger.get(j.id)
            return {
              id: j.id,
              prompt: j.prompt,
              readyAt: j.readyAt,
              firstSeenReadyAt: l?.firstSeenReadyAt ?? null,
              polls: l?.polls ?? 0,
              submits: l?.submits ?? 0
            }
          }),
          statusRequests: api.filter((r) => r.target === 'poll').length,
          submits: api.filter((r) => r.target === 'submit').length,
          downloads: e.requests.filter((r) => r.provider === 'files').length,
          rateLimited429s: e.rateLimited429s,
          apiRequestTimes: api.map((r) => r.at),
          downloadTimes: e.requests.filter((r) => r.provider === 'files').map((r) => r.at)
        })
      }
      send({ type: 'report', lanes, loopLagP99Ms: lag.percentile(99) / 1e6, loopLagMaxMs: lag.max / 1e6 })
      lag.reset()
      return
    }
    case 'close': {
      await Promise.all([...sims.values()].map((s) => s.close()))
      sims.clear()
      send({ type: 'closed' })
      process.exit(0)
    }
  }
}
