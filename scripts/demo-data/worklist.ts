import type { AssignmentKind, Priority } from '../../shared/domain/case.ts';

/**
 * The demo worklist: cases assigned to the demo radiologists and the discordant pairs for QA.
 * radiologist1 reads chest and breast, radiologist2 neuro and body.
 */
export interface CaseSeed {
  caseId: string;
  study: string;
  kind: AssignmentKind;
  priority: Priority;
  dueInMinutes: number;
  subspecialty: string;
  assignee: 'radiologist1' | 'radiologist2';
  reasonForExam: string;
  diagnosis?: string;
  history: string;
  originalReportId?: string;
}

export const CASES: CaseSeed[] = [
  {
    caseId: 'case-ct-chest-nodule-followup',
    study: 'p1-ct-chest-current',
    kind: 'first-read',
    priority: 'urgent',
    dueInMinutes: 120,
    subspecialty: 'chest',
    assignee: 'radiologist1',
    reasonForExam: 'Follow-up of a 6 mm solid right upper lobe nodule seen on CT of 2025-09-18.',
    diagnosis: 'R91.1 Solitary pulmonary nodule',
    history:
      'Former smoker, 40 pack-years, quit 2019. COPD GOLD 2. Chronic cough, no haemoptysis, no weight loss. ' +
      'Second read of the prior CT recommended follow-up CT at 6-12 months; the scan was delayed by the patient.',
  },
  {
    caseId: 'case-cr-chest-ed-fever',
    study: 'p3-cr-chest-current',
    kind: 'first-read',
    priority: 'stat',
    dueInMinutes: -20,
    subspecialty: 'chest',
    assignee: 'radiologist1',
    reasonForExam:
      'Fever 39.2 °C, productive cough and right-sided pleuritic chest pain for 3 days. SpO2 91 % on room air.',
    diagnosis: 'Suspected community-acquired pneumonia',
    history:
      'Type 2 diabetes on metformin. No known lung disease. Non-smoker. CRP 186 mg/L, WBC 15.8 × 10⁹/L.',
  },
  {
    caseId: 'case-mg-screening-second-opinion',
    study: 'p4-mg-screening-current',
    kind: 'second-opinion',
    priority: 'routine',
    dueInMinutes: 720,
    subspecialty: 'breast',
    assignee: 'radiologist1',
    reasonForExam:
      'Annual screening mammography. Second opinion requested by the screening programme (double reading).',
    history:
      'Mother with breast cancer at 62. No prior breast surgery or biopsy. ' +
      'Recall for a left breast focal asymmetry after the 2025-11 screening was not attended.',
    originalReportId: 'rpt-p4-mg-current-first',
  },
  {
    caseId: 'case-ct-chest-screening-peer-review',
    study: 'p6-ct-chest-screening-current',
    kind: 'peer-review',
    priority: 'routine',
    dueInMinutes: 1440,
    subspecialty: 'chest',
    assignee: 'radiologist1',
    reasonForExam: 'Annual low-dose CT lung cancer screening (random peer review).',
    history:
      'Current smoker, 33 pack-years. Stable 5 mm left lower lobe nodule on screening CTs since 2024.',
    originalReportId: 'rpt-p6-ct-chest-current-first',
  },
  {
    caseId: 'case-mr-brain-ms-followup',
    study: 'p2-mr-brain-current',
    kind: 'first-read',
    priority: 'routine',
    dueInMinutes: 480,
    subspecialty: 'neuro',
    assignee: 'radiologist2',
    reasonForExam:
      'Relapsing-remitting multiple sclerosis: new left leg numbness for two weeks. Assess for new lesions.',
    diagnosis: 'G35 Multiple sclerosis',
    history: 'Diagnosed 2021. On dimethyl fumarate since 2022. Last relapse 2023. EDSS 1.5.',
  },
  {
    caseId: 'case-mr-brain-peer-review',
    study: 'p2-mr-brain-prior',
    kind: 'peer-review',
    priority: 'routine',
    dueInMinutes: 2880,
    subspecialty: 'neuro',
    assignee: 'radiologist2',
    reasonForExam: 'Annual MS follow-up MRI (random peer review).',
    diagnosis: 'G35 Multiple sclerosis',
    history: 'Relapsing-remitting MS diagnosed 2021, on dimethyl fumarate.',
    originalReportId: 'rpt-p2-mr-brain-prior',
  },
  {
    caseId: 'case-ct-abdomen-second-opinion',
    study: 'p5-ct-abdomen-current',
    kind: 'second-opinion',
    priority: 'urgent',
    dueInMinutes: 180,
    subspecialty: 'body',
    assignee: 'radiologist2',
    reasonForExam:
      'Colorectal cancer surveillance with rising CEA. Oncologist requests a second opinion on the liver lesion.',
    diagnosis: 'C18.7 Malignant neoplasm of sigmoid colon, status post resection',
    history:
      'Sigmoid adenocarcinoma pT3 N1 M0, sigmoid resection 2025-10, adjuvant CAPOX completed 2026-03. ' +
      'CEA 4.1 ng/mL (2026-05) rising to 9.8 ng/mL (2026-11).',
    originalReportId: 'rpt-p5-ct-abdomen-current-first',
  },
];

export interface PairSeed {
  pairId: string;
  study: string;
  firstReportId: string;
  secondReportId: string;
  seededDifferences: string[];
}

export const DISCORDANT_PAIRS: PairSeed[] = [
  {
    pairId: 'pair-ct-chest-missed-nodule',
    study: 'p1-ct-chest-prior',
    firstReportId: 'rpt-p1-ct-chest-prior-first',
    secondReportId: 'rpt-p1-ct-chest-prior-second',
    seededDifferences: [
      'nodule missed in first read',
      'impression differs',
      'follow-up recommendation differs',
    ],
  },
  {
    pairId: 'pair-mg-focal-asymmetry',
    study: 'p4-mg-screening-prior',
    firstReportId: 'rpt-p4-mg-prior-first',
    secondReportId: 'rpt-p4-mg-prior-second',
    seededDifferences: [
      'BI-RADS 1 vs 0',
      'focal asymmetry missed in first read',
      'recall recommendation differs',
    ],
  },
  {
    pairId: 'pair-ct-abdomen-liver-lesion',
    study: 'p5-ct-abdomen-prior',
    firstReportId: 'rpt-p5-ct-abdomen-prior-first',
    secondReportId: 'rpt-p5-ct-abdomen-prior-second',
    seededDifferences: [
      'liver lesion missed in first read',
      'impression differs',
      'recommendation differs (MRI liver)',
    ],
  },
  {
    pairId: 'pair-ct-chest-lung-rads',
    study: 'p6-ct-chest-screening-prior',
    firstReportId: 'rpt-p6-ct-chest-prior-first',
    secondReportId: 'rpt-p6-ct-chest-prior-second',
    seededDifferences: [
      'Lung-RADS 2 vs 3',
      'nodule size differs (5 mm vs 6 mm)',
      'follow-up interval differs',
    ],
  },
];
