// A parameter sweep: one job per value of a parameter the chosen models share ("quality 1-5", "mode a, b"),
// the third axis of the batch's comparison sheet. Values are typed as a list or, for numbers, a range.
import type { ParamSpec } from '../../../shared/catalogue'

/** The parameters every chosen model has (by name) that a sweep can run over: numbers and choices. */
export function sweepableParams(specsPerModel: readonly (readonly ParamSpec[] | undefined)[]): ParamSpec[] {
  if (!specsPerModel.length) return []
  const [first, ...rest] = specsPerModel.map((s) => (s ?? []).filter((p) => p.type === 'number' || p.type === 'select'))
  return first.filter((p) => rest.every((specs) => specs.some((q) => q.name === p.name)))
}

/** "1-5", "1, 3, 5" or "low high" → the values, checked against the parameter, or the first problem. */
export function parseSweep(text: string, spec: ParamSpec | undefined, max: number): { values: (string | number)[]; problem: string | null } {
  if (!spec) return { values: [], problem: 'Choose a parameter the chosen models share to sweep over.' }
  const values: (string | number)[] = []
  for (const part of text.split(/[\s,;]+/).filter(Boolean)) {
    const range = spec.type === 'number' ? /^(-?\d+)\s*(?:-|\.\.)\s*(-?\d+)$/.exec(part) : null
    const items = range
      ? Array.from({ length: Math.abs(Number(range[2]) - Number(range[1])) + 1 }, (_, i) => Number(range[1]) + (Number(range[2]) >= Number(range[1]) ? i : -i))
      : [part]
    for (const item of items) {
      if (spec.type === 'number') {
        const n = Number(item)
        if (!Number.isFinite(n)) return { values, problem: `${spec.label}: "${item}" is not a number.` }
        if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max))
          return { values, problem: `${spec.label} goes from ${spec.min ?? '…'} to ${spec.max ?? '…'}; ${n} is outside.` }
        values.push(n)
      } else {
        if (spec.options && !spec.options.includes(String(item)))
          return { values, problem: `${spec.label} has no value "${item}" (it takes ${spec.options.filter(Boolean).join(', ')}).` }
        values.push(String(item))
      }
    }
  }
  if (!values.length)
    return {
      values,
      problem: `List the ${spec.label} values to sweep (e.g. ${spec.type === 'number' ? `${spec.min ?? 1}-${Math.min(spec.max ?? 5, (spec.min ?? 1) + 4)}` : spec.options?.filter(Boolean).slice(0, 2).join(', ')}).`
    }
  if (values.length > max) return { values, problem: `At most ${max} values.` }
  return { values, problem: null }
}
