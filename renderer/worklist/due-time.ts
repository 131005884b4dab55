/** "in 2 h 10 min", "in 45 min", "overdue 15 min", "in 1 d 3 h": time left to a case's due time. */
export function formatTimeLeft(dueAt: Date, now: Date): string {
  const minutes = Math.round((dueAt.getTime() - now.getTime()) / 60_000);
  const span = formatSpan(Math.abs(minutes));
  if (minutes < 0) return `overdue ${span}`;
  if (minutes === 0) return 'due now';
  return `in ${span}`;
}

function formatSpan(totalMinutes: number): string {
  const days = Math.floor(totalMinutes / 1440);
  const hours = Math.floor((totalMinutes % 1440) / 60);
  const minutes = totalMinutes % 60;
  if (days > 0) return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  if (hours > 0) return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  return `${minutes} min`;
}

// Made once, when the worklist's code loads (before sign-in): a formatter costs far more to make
// than to use, and `toLocale*String` with options makes one per call (two per row on screen).
const CLOCK = new Intl.DateTimeFormat([], { hour: '2-digit', minute: '2-digit' });
const DAY = new Intl.DateTimeFormat([], { day: 'numeric', month: 'short' });

/** Local clock time of the due time, with the date when it is not today. */
export function formatDueClock(dueAt: Date, now: Date): string {
  const time = CLOCK.format(dueAt);
  if (dueAt.toDateString() === now.toDateString()) return time;
  return `${DAY.format(dueAt)} ${time}`;
}
