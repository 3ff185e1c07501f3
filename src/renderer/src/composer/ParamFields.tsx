// Inputs for a model's own parameters (size, quality, mode…), drawn from its catalogue entry.
import type { ParamSpec } from '../../../shared/catalogue'

export type ParamValues = Record<string, string>

export function defaultParamValues(specs: readonly ParamSpec[] | undefined): ParamValues {
  return Object.fromEntries((specs ?? []).map((p) => [p.name, p.default === undefined ? '' : String(p.default)]))
}

/** The values to send, typed as the API wants them, or the first problem to show. */
export function paramsToSend(specs: readonly ParamSpec[] | undefined, values: ParamValues): { params: Record<string, string | number>; problem: string | null } {
  const params: Record<string, string | number> = {}
  for (const spec of specs ?? []) {
    const raw = (values[spec.name] ?? '').trim()
    if (raw === '') continue
    if (spec.type !== 'number') {
      params[spec.name] = raw
      continue
    }
    const n = Number(raw)
    const outside = (spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)
    if (!Number.isFinite(n) || outside) return { params, problem: `${spec.label} must be a number from ${spec.min ?? '…'} to ${spec.max ?? '…'}.` }
    params[spec.name] = n
  }
  return { params, problem: null }
}

export function ParamFields({ specs, values, onChange, labelPrefix }: { specs: readonly ParamSpec[]; values: ParamValues; onChange(values: ParamValues): void; labelPrefix?: string }) {
  return (
    <div className="param-fields">
      {specs.map((spec) => (
        <label key={spec.name} className="field">
          <span className="field-label">{spec.label}</span>
          {spec.type === 'select' ? (
            <select aria-label={labelPrefix ? `${labelPrefix} ${spec.label}` : undefined} value={values[spec.name] ?? ''} onChange={(e) => onChange({ ...values, [spec.name]: e.target.value })}>
              {spec.options?.map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>
          ) : (
            <input
              aria-label={labelPrefix ? `${labelPrefix} ${spec.label}` : undefined}
              type={spec.type === 'number' ? 'number' : 'text'}
              min={spec.min}
              max={spec.max}
              value={values[spec.name] ?? ''}
              onChange={(e) => onChange({ ...values, [spec.name]: e.target.value })}
            />
          )}
        </label>
      ))}
    </div>
  )
}
