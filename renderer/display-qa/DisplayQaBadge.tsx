import { useDisplayQa } from './use-display-qa.ts';

/** On the worklist: a small flag when a display has no recent passing QA. */
export function DisplayQaBadge() {
  const qa = useDisplayQa();
  if (!qa || qa.overdue.length === 0) return null;
  const names = qa.overdue.map((d) => d.label).join(', ');
  return (
    <a
      className="badge warn"
      href="#/display-qa"
      data-testid="display-qa-overdue"
      title={`Display QA overdue: ${names}`}
    >
      Display QA overdue
    </a>
  );
}
