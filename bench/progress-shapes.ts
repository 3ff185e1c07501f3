// How a provider's progress field may behave, for the benchmark's simulators: the app's simulator reports
// progress that grows linearly from the submit, which fits the learned strategy's first model of it; real
// providers queue first, round, jump, stall at 99 % or report nothing. Each shape replaces the engine's
// `state()` of one lane's simulator; the job still becomes ready at exactly its `readyAt`, so detection
// latency is measured against the same moment whatever the progress says.
import type { JobState, SimEngine, SimJob } from '../src/main/demo/engine'

export const SHAPES = ['linear', 'queued', 'steps', 'coarse', 'stuck99', 'nonmonotonic', 'none'] as const
export type ShapeName = (typeof SHAPES)[number]

export const SHAPE_LABEL: Record<ShapeName, string> = {
  linear: 'linear from submit',
  queued: 'queued at 0 (status "new"), then linear',
  steps: 'whole-percent steps (floored)',
  coarse: 'coarse jumps 0 → 50 → 100',
  stuck99: 'linear to 99 %, then stuck at 99 %',
  nonmonotonic: 'two stages, each 0 → 100 (falls back mid-job)',
  none: 'none (no progress field)'
}

/** Whether the shape's progress says anything about when the job finishes (the targets differ). */
export const USABLE_PROGRESS: Record<ShapeName, boolean> = {
  linear: true,
  queued: true,
  steps: true,
  coarse: false,
  stuck99: true,
  nonmonotonic: false,
  none: false
}

/** 0–1 from a job's id: its own queue share, stall point or stage split, the same in every lane's run of it. */
export function unit(id: string): number {
  let h = 2166136261
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619)
  return (h >>> 0) / 2 ** 32
}

/** The progress a job reports at share `f` (0–1) of its submit→ready time; NaN = no progress field (the LetzAI DTO then carries null). */
export function shaped(shape: ShapeName, f: number, u: number): JobState {
  switch (shape) {
    case 'linear':
      return { phase: 'running', progress: f }
    case 'queued': {
      // Queued for 20–60 % of the job's time, reporting status "new" with progress 0, then linear to 100.
      const q = 0.2 + 0.4 * u
      return f < q ? { phase: 'queued', progress: 0 } : { phase: 'running', progress: (f - q) / (1 - q) }
    }
    case 'steps':
      return { phase: 'running', progress: Math.floor(f * 100) / 100 }
    case 'coarse':
      return { phase: 'running', progress: f < 0.5 ? 0 : 0.5 }
    case 'stuck99': {
      // Reaches 99 % at 50–80 % of the job's time and stays there until it is ready.
      const at = 0.5 + 0.3 * u
      return { phase: 'running', progress: Math.min(0.99, (0.99 * f) / at) }
    }
    case 'nonmonotonic': {
      // A first stage 0 → 100 over 30–60 % of the time, then a second stage from 0 again.
      const split = 0.3 + 0.3 * u
      return { phase: 'running', progress: Math.min(0.99, f < split ? f / split : (f - split) / (1 - split)) }
    }
    case 'none':
      return { phase: 'running', progress: NaN }
  }
}

/** Makes `engine` report `shape` (an instance override: the protocol handlers call `engine.state(job)`). */
export function applyShape(engine: SimEngine, shape: ShapeName): void {
  const base = engine.state.bind(engine)
  engine.state = (job: SimJob): JobState => {
    const s = base(job)
    if (s.phase !== 'queued' && s.phase !== 'running') return s
    const f = Math.max(0, (engine.now() - job.createdAt) / (job.readyAt - job.createdAt))
    return shaped(shape, Math.min(f, 0.999), unit(job.id))
  }
}
