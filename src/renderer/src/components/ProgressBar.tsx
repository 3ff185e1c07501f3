// A job's progress: a real bar when the provider reports a fraction, an indeterminate shimmer while the
// job is working without one, and nothing once it has stopped.
export function ProgressBar({ value, working }: { value: number | null; working: boolean }) {
  if (value === null && !working) return null
  const percent = value === null ? null : Math.round(Math.min(1, Math.max(0, value)) * 100)
  return (
    <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent ?? undefined} aria-label="Progress">
      <div className="progress-track">
        <div className={percent === null ? 'progress-fill indeterminate' : 'progress-fill'} style={percent === null ? undefined : { width: `${percent}%` }} />
      </div>
      {percent !== null && <span className="progress-text">{percent}%</span>}
    </div>
  )
}
