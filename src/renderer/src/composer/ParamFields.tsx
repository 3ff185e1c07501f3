// Inputs for a model's own parameters (size, quality, mode, watermark…), drawn from its catalogue entry, or
// the provider's generic ones for a typed-in model id. A spec's hint is shown under its field: it says what
// the API does when the field is left alone, where that would surprise (LetzAI watermarks by default).
import { useId } from 'react'
import type { ParamSpec } from '../../../shared/catalogue'

/** Field values as typed: '' = not sent; booleans are 'true' / 'false'. */
export type ParamValues = Record<string, string>

export function defaultParamValues(specs: readonly ParamSpec[] | undefined): ParamValues {
  return Object.fromEntries((specs ?? []).map((p) => [p.name, p.default === undefined ? '' : String(p.default)]))
}

/** The values to send, typed as the API wants them, or the first problem to show. */
export function paramsToSend(
  specs: readonly ParamSpec[] | undefined,
  values: ParamValues
): { params: Record<string, string | number | boolean>; problem: string | null } {
  const params: Record<string, string | number | boolean> = {}
  for (const spec of specs ?? []) {
    const raw = (values[spec.name] ?? '').trim()
    if (raw === '') continue
    if (spec.type === 'boolean') {
      params[spec.name] = raw === 'true'
      continue
    }
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

function ParamField({ spec, value, label, onChange }: { spec: ParamSpec; value: string; label?: string; onChange(value: string): void }) {
  const hintId = useId()
  const described = spec.hint ? hintId : undefined
  const hint = spec.hint && (
    <span className="field-help" id={hintId}>
      {spec.hint}
    </span>
  )
  if (spec.type === 'boolean') {
    return (
      <div className="field param-boolean">
        <label className="checkbox-field">
          <input
            type="checkbox"
            aria-label={label}
            aria-describedby={described}
            checked={value === 'true'}
            onChange={(e) => onChange(String(e.target.checked))}
          />
          {spec.label}
        </label>
        {hint}
      </div>
    )
  }
  return (
    <label className="field">
      <span className="field-label">{spec.label}</span>
      {spec.type === 'select' ? (
        <select aria-label={label} aria-describedby={described} value={value} onChange={(e) => onChange(e.target.value)}>
          {/* A select with no default starts on "not sent", so the API's own default applies. */}
          {!spec.options?.includes(value) && <option value={value}>{value || '—'}</option>}
          {spec.options?.map((o) => (
            <option key={o} value={o}>
              {o || '—'}
            </option>
          ))}
        </select>
      ) : (
        <input
          aria-label={label}
          aria-describedby={described}
          type={spec.type === 'number' ? 'number' : 'text'}
          min={spec.min}
          max={spec.max}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
      {hint}
    </label>
  )
}

export function ParamFields({
  specs,
  values,
  onChange,
  labelPrefix
}: {
  specs: readonly ParamSpec[]
  values: ParamValues
  onChange(values: ParamValues): void
  labelPrefix?: string
}) {
  return (
    <div className="param-fields">
      {specs.map((spec) => (
        <ParamField
          key={spec.name}
          spec={spec}
          value={values[spec.name] ?? ''}
          label={labelPrefix ? `${labelPrefix} ${spec.label}` : undefined}
          onChange={(value) => onChange({ ...values, [spec.name]: value })}
        />
      ))}
    </div>
  )
}
