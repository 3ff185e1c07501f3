// Icons the queue, composer, settings and status bar need beyond components/Icon (kept apart while that
// file is being edited in parallel; same drawing style, to be merged into it).
const PATHS = {
  trash: 'M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3',
  pause: 'M9 5v14M15 5v14',
  play: 'M7 4.5v15l12-7.5z',
  folder: 'M3 6.5A1.5 1.5 0 0 1 4.5 5H9l2 2h8.5A1.5 1.5 0 0 1 21 8.5v9a1.5 1.5 0 0 1-1.5 1.5h-15A1.5 1.5 0 0 1 3 17.5z',
  external: 'M14 4h6v6M20 4l-9 9M18 14v5a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V7a1 1 0 0 1 1-1h5',
  key: 'M14.5 9.5a4.5 4.5 0 1 0-3.7 4.4L13 16h2v2h2v2h3v-3l-5.4-5.4a4.5 4.5 0 0 0-.1-2.1zM9 9h.01',
  plug: 'M9 3v5M15 3v5M6 8h12v3a6 6 0 0 1-12 0zM12 17v4',
  layers: 'M12 3l9 5-9 5-9-5zM3 13l9 5 9-5',
  chevron: 'M9 6l6 6-6 6',
  requeue: 'M4 7h11a5 5 0 0 1 0 10H8M4 7l4-4M4 7l4 4'
} as const

export type ExtraIconName = keyof typeof PATHS

export function ExtraIcon({ name, size = 16, className }: { name: ExtraIconName; size?: number; className?: string }) {
  return (
    <svg
      className={className}
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={PATHS[name]} />
    </svg>
  )
}
