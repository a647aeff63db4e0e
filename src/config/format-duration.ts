/** Milliseconds as a user wrote them: 1500 → "1.5s", 600000 → "10m", 5400000 → "1h30m". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000 || ms % 60_000 !== 0) return `${Math.round(ms / 100) / 10}s`;
  const minutes = ms / 60_000;
  if (minutes < 60 || minutes % 60 === 0) {
    return minutes < 60 ? `${minutes}m` : `${minutes / 60}h`;
  }
  return `${Math.floor(minutes / 60)}h${minutes % 60}m`;
}
