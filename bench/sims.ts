// The benchmark's handle on the simulator process (sim-host.ts).
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { SimEngine } from '../src/main/demo/engine'
import type { Simulator } from '../src/main/demo/server'
import type { ClockSpec } from './lib'
import type { HostReply, HostRequest, LaneReport, LaneSpec } from './sim-host'

export class SimHost {
  private constructor(private readonly child: ChildProcess) {}

  static async start(): Promise<SimHost> {
    const child = fork(fileURLToPath(new URL('./sim-host.ts', import.meta.url)), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc']
    })
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve)
      child.once('error', reject)
    })
    return new SimHost(child)
  }

  private ask<T extends HostReply['type']>(req: HostRequest, expect: T): Promise<Extract<HostReply, { type: T }>> {
    return new Promise((resolve, reject) => {
      const onMessage = (reply: HostReply) => {
        this.child.off('message', onMessage)
        this.child.off('exit', onExit)
        if (reply.type === 'error') reject(new Error(`simulator process: ${reply.message}`))
        else if (reply.type !== expect) reject(new Error(`simulator process answered ${reply.type}, expected ${expect}`))
        else resolve(reply as Extract<HostReply, { type: T }>)
      }
      const onExit = (code: number | null) => reject(new Error(`simulator process exited (${code})`))
      this.child.on('message', onMessage)
      this.child.once('exit', onExit)
      this.child.send(req)
    })
  }

  async startLanes(clock: ClockSpec, lanes: LaneSpec[]): Promise<Record<string, string>> {
    return (await this.ask({ type: 'start', clock, lanes }, 'started')).urls
  }

  async createJobs(lane: string, count: number, model: string, kind: 'image' | 'video', durationMs: number): Promise<string[]> {
    return (await this.ask({ type: 'createJobs', lane, count, model, kind, durationMs }, 'created')).ids
  }

  /** Each lane's ledger, and the simulator process's event-loop lag since the last report (real ms). */
  async report(lanes?: string[]): Promise<{ lanes: LaneReport[]; loopLagP99Ms: number; loopLagMaxMs: number }> {
    const r = await this.ask({ type: 'report', lanes }, 'report')
    return { lanes: r.lanes, loopLagP99Ms: r.loopLagP99Ms, loopLagMaxMs: r.loopLagMaxMs }
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return
    const exited = new Promise((r) => this.child.once('exit', r))
    await this.ask({ type: 'close' }, 'closed').catch(() => this.child.kill())
    await exited
  }
}

/** What Core.open needs of a simulator it does not own: only the base URL is used. */
export function remoteSimulator(baseUrl: string): Simulator {
  return { engine: new SimEngine(), baseUrl: () => baseUrl, close: async () => undefined }
}
