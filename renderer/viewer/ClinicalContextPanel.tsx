import type { ClinicalContext } from '../../shared/domain/case.ts';

const SEX_LABEL: Record<ClinicalContext['patientSex'], string> = {
  F: 'Female',
  M: 'Male',
  O: 'Other',
};

/** "064Y" → "64 years"; other DICOM age units likewise. */
export function formatAge(age: string): string {
  const match = /^(\d{1,3})([DWMY])$/.exec(age.trim());
  if (!match) return age;
  const n = Number(match[1]);
  const unit = { D: 'day', W: 'week', M: 'month', Y: 'year' }[match[2] as 'D' | 'W' | 'M' | 'Y'];
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

export function ClinicalContextPanel({ context }: { context: ClinicalContext }) {
  return (
    <section
      className="panel clinical-context"
      aria-label="Clinical context"
      data-testid="clinical-context"
    >
      <h3>Clinical context</h3>
      <dl>
        <dt>Age / sex</dt>
        <dd>
          {formatAge(context.patientAge)}, {SEX_LABEL[context.patientSex]}
        </dd>
        <dt>Reason</dt>
        <dd>{context.reasonForExam || '—'}</dd>
        {context.diagnosis && (
          <>
            <dt>Diagnosis</dt>
            <dd>{context.diagnosis}</dd>
          </>
        )}
        <dt>History</dt>
        <dd>{context.history || '—'}</dd>
        <dt>Referring</dt>
        <dd>{context.referringPhysician || '—'}</dd>
        <dt>Exam date</dt>
        <dd>{context.examDate}</dd>
      </dl>
    </section>
  );
}
