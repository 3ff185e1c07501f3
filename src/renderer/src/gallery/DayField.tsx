// A day typed as YYYY-MM-DD in one text box: one Tab stop, where Chromium's date input makes four (month,
// day, year and its calendar button). The filter changes only on a whole, real date, or when emptied.
import { useState } from 'react'

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/

/** Whether the text is a real calendar day (2026-02-30 is not). */
export function isDay(text: string): boolean {
  const m = DAY.exec(text)
  if (!m) return false
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
  return d.getFullYear() === Number(m[1]) && d.getMonth() === Number(m[2]) - 1 && d.getDate() === Number(m[3])
}

interface DayFieldProps {
  label: string
  value: string
  onChange(day: string): void
}

export function DayField({ label, value, onChange }: DayFieldProps) {
  const [draft, setDraft] = useState(value)
  // A reset from outside (Clear filters) replaces what was being typed.
  const [shown, setShown] = useState(value)
  if (shown !== value) {
    setShown(value)
    setDraft(value)
  }
  const bad = draft !== '' && !isDay(draft)
  return (
    <input
      type="text"
      inputMode="numeric"
      aria-label={label}
      placeholder="YYYY-MM-DD"
      size={10}
      maxLength={10}
      value={draft}
      aria-invalid={bad}
      title={bad ? 'A date like 2026-12-01' : undefined}
      onChange={(e) => {
        const next = e.target.value.trim()
        setDraft(next)
        if (next === '' || isDay(next)) {
          setShown(next)
          onChange(next)
        }
      }}
    />
  )
}
