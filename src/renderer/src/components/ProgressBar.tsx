// A progress bar: a real bar when a fraction is known, an indeterminate shimmer while working without one.
// `text` says what the bar means (time left, a percentage); it is also the bar's accessible value.
export function ProgressBar({ value, working, text }: { value: number | null; working: boolean; text?: string }) {
  if (value === null && !working) return null
  const percent = value === null ? null : Math.round(Math.min(1, Math.max(0, value)) * 100)
  const shown = text ?? (percent !== null ? `${percent}%` : undefined)
  return (
    <div
      className="progress"
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent ?? undefined}
      aria-valuetext={shown}
      aria-label="Progress"
    >
      <div className="progress-track">
        <div className={percent === null ? 'progress-fill indeterminate' : 'progress-fill'} style={percent === null ? undefined : { width: `${percent}%` }} />
      </div>
      {shown !== undefined && <span className="progress-text">{shown}</span>}
    </div>
  )
}
