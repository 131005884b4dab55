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

/** Local clock time of the due time, with the date when it is not today. */
export function formatDueClock(dueAt: Date, now: Date): string {
  const time = dueAt.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  if (dueAt.toDateString() === now.toDateString()) return time;
  return `${dueAt.toLocaleDateString([], { day: 'numeric', month: 'short' })} ${time}`;
}
