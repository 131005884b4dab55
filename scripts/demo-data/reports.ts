/**
 * Signed reports of the demo: every prior has one, first reads of second-opinion and peer-review
 * cases have one, and discordant pairs have two. Authors are outside readers, not demo accounts.
 * The texts match what the phantoms show (see phantom-facts.ts).
 */
export interface ReportSeed {
  reportId: string;
  /** key of the study in the catalog */
  study: string;
  authorDisplayName: string;
  signedAt: string;
  text: string;
}

const LANG = 'Dr. Gregory Lang';
const ACHTERBERG = 'Dr. Naomi Achterberg';
const RAMAN = 'Dr. Priya Raman';
const BRANDT = 'Dr. Sofia Brandt';
const OKOYE = 'Dr. Hannah Okoye';
const SANTOS = 'Dr. Miguel Santos';
const KIM = 'Dr. Rachel Kim';
const REYES = 'Dr. Thomas Reyes';

function report(sections: Record<string, string>): string {
  return Object.entries(sections)
    .map(([heading, body]) => `${heading.toUpperCase()}:\n${body}`)
    .join('\n\n');
}

export const REPORTS: ReportSeed[] = [
  {
    reportId: 'rpt-p1-ct-chest-prior-first',
    study: 'p1-ct-chest-prior',
    authorDisplayName: LANG,
    signedAt: '2025-09-18T17:05:00Z',
    text: report({
      Examination: 'CT chest without contrast, 2.0 mm axial reconstructions.',
      'Clinical indication': 'Chronic cough. Former smoker, 40 pack-years.',
      Comparison: 'None.',
      Findings:
        'Lungs: mild centrilobular emphysema in the upper lobes. No consolidation. No suspicious pulmonary nodule or mass. No pleural effusion or pneumothorax.\n' +
        'Mediastinum: heart size normal. No pericardial effusion. No mediastinal or hilar lymphadenopathy by size criteria. Thoracic aorta normal in calibre.\n' +
        'Upper abdomen: unremarkable within the field of view.\n' +
        'Bones: degenerative changes of the thoracic spine. No aggressive osseous lesion.',
      Impression:
        '1. Mild upper-lobe centrilobular emphysema.\n2. No acute cardiopulmonary abnormality. No suspicious pulmonary nodule.',
    }),
  },
  {
    reportId: 'rpt-p1-ct-chest-prior-second',
    study: 'p1-ct-chest-prior',
    authorDisplayName: ACHTERBERG,
    signedAt: '2025-09-22T10:40:00Z',
    text: report({
      Examination:
        'CT chest without contrast, 2.0 mm axial reconstructions. Second read requested by the referring physician.',
      'Clinical indication': 'Chronic cough. Former smoker, 40 pack-years.',
      Comparison: 'None.',
      Findings:
        'Lungs: 6 mm solid, smoothly marginated nodule in the anterior segment of the right upper lobe (series 2). No calcification or fat. Mild centrilobular emphysema in the upper lobes. No consolidation, effusion or pneumothorax.\n' +
        'Mediastinum: heart size normal. No lymphadenopathy. Thoracic aorta normal in calibre.\n' +
        'Upper abdomen: unremarkable within the field of view.\n' +
        'Bones: degenerative changes of the thoracic spine.',
      Impression:
        '1. 6 mm solid nodule, right upper lobe, anterior segment. In a high-risk patient, follow-up CT at 6-12 months is recommended (Fleischner Society 2017), then consider CT at 18-24 months.\n' +
        '2. Mild upper-lobe centrilobular emphysema.',
    }),
  },
  {
    reportId: 'rpt-p2-mr-brain-prior',
    study: 'p2-mr-brain-prior',
    authorDisplayName: RAMAN,
    signedAt: '2025-11-14T15:20:00Z',
    text: report({
      Examination: 'MRI brain without contrast: axial T1 SE, T2 TSE and T2 FLAIR, 5 mm.',
      'Clinical indication':
        'Relapsing-remitting multiple sclerosis, annual follow-up on dimethyl fumarate.',
      Comparison: 'MRI brain 2024-10 (outside, report only).',
      Findings:
        'Three ovoid T2/FLAIR hyperintense white-matter lesions: left corona radiata (5 mm), right parietal periventricular (6 mm) and left centrum semiovale (4 mm), unchanged in number and size according to the prior report. No new lesion. No T1 black hole.\n' +
        'Ventricles and sulci normal for age. No mass effect, midline shift or hydrocephalus. Normal flow voids. Orbits and paranasal sinuses unremarkable.',
      Impression:
        'Stable white-matter lesion burden consistent with known multiple sclerosis. No new or enlarging lesion.',
    }),
  },
  {
    reportId: 'rpt-p3-cr-chest-prior',
    study: 'p3-cr-chest-prior',
    authorDisplayName: LANG,
    signedAt: '2024-06-03T14:12:00Z',
    text: report({
      Examination: 'Chest radiograph, PA and lateral.',
      'Clinical indication': 'Pre-employment health assessment.',
      Comparison: 'None.',
      Findings:
        'Lungs are clear. No focal consolidation, pleural effusion or pneumothorax. Cardiomediastinal silhouette within normal limits. Hila normal. Bony thorax intact.',
      Impression: 'Normal chest radiograph.',
    }),
  },
  {
    reportId: 'rpt-p4-mg-prior-first',
    study: 'p4-mg-screening-prior',
    authorDisplayName: BRANDT,
    signedAt: '2025-11-12T16:10:00Z',
    text: report({
      Examination: 'Bilateral screening mammography, CC and MLO views.',
      'Clinical indication': 'Routine annual screening. Mother diagnosed with breast cancer at 62.',
      Comparison: 'Screening mammography 2024-11.',
      Findings:
        'Breast composition: heterogeneously dense (ACR category C), which may obscure small masses.\n' +
        'Right breast: no mass, suspicious calcifications or architectural distortion. Scattered punctate benign-appearing calcifications.\n' +
        'Left breast: no mass, suspicious calcifications or architectural distortion. Scattered punctate benign-appearing calcifications.',
      Impression: 'BI-RADS 1: Negative. Routine annual screening recommended.',
    }),
  },
  {
    reportId: 'rpt-p4-mg-prior-second',
    study: 'p4-mg-screening-prior',
    authorDisplayName: OKOYE,
    signedAt: '2025-11-13T09:30:00Z',
    text: report({
      Examination:
        'Bilateral screening mammography, CC and MLO views (second reader, double reading).',
      'Clinical indication': 'Routine annual screening. Mother diagnosed with breast cancer at 62.',
      Comparison: 'Screening mammography 2024-11.',
      Findings:
        'Breast composition: heterogeneously dense (ACR category C).\n' +
        'Right breast: no mass, suspicious calcifications or architectural distortion.\n' +
        "Left breast: 7 mm focal asymmetry in the upper outer quadrant at 2 o'clock, middle depth, seen on both CC and MLO views, not clearly present on the 2024 study. Scattered benign-appearing punctate calcifications bilaterally.",
      Impression:
        'BI-RADS 0: Incomplete. Recall for diagnostic mammography (spot compression) and targeted ultrasound of the left upper outer quadrant.',
    }),
  },
  {
    reportId: 'rpt-p4-mg-current-first',
    study: 'p4-mg-screening-current',
    authorDisplayName: BRANDT,
    signedAt: '2026-11-20T15:00:00Z',
    text: report({
      Examination: 'Bilateral screening mammography, CC and MLO views.',
      'Clinical indication': 'Routine annual screening.',
      Comparison: 'Screening mammography 2025-11-12.',
      Findings:
        'Breast composition: heterogeneously dense (ACR category C).\n' +
        'Right breast: no suspicious mass or architectural distortion. Stable scattered punctate calcifications.\n' +
        'Left breast: stable scattered punctate calcifications, benign. Dense fibroglandular tissue in the upper outer quadrant without a discrete mass.',
      Impression: 'BI-RADS 2: Benign findings. Routine annual screening recommended.',
    }),
  },
  {
    reportId: 'rpt-p5-ct-abdomen-prior-first',
    study: 'p5-ct-abdomen-prior',
    authorDisplayName: SANTOS,
    signedAt: '2026-05-19T18:25:00Z',
    text: report({
      Examination: 'CT abdomen and pelvis with IV contrast, portal venous phase, 5 mm.',
      'Clinical indication':
        'Sigmoid adenocarcinoma (pT3 N1), resected 2025-10, completed adjuvant chemotherapy. Surveillance.',
      Comparison: 'CT 2025-09 (pre-operative staging).',
      Findings:
        'Liver: normal size and attenuation. No focal lesion. Patent portal and hepatic veins.\n' +
        'Gallbladder, pancreas, spleen and adrenal glands: unremarkable.\n' +
        'Kidneys: 16 mm simple cyst in the lower pole of the right kidney (Bosniak I). No hydronephrosis.\n' +
        'Bowel: postoperative changes of sigmoid resection with intact anastomosis. No bowel obstruction.\n' +
        'Lymph nodes: none enlarged. No ascites. No peritoneal nodularity.\n' +
        'Bones: degenerative changes of the lumbar spine. No suspicious osseous lesion.',
      Impression:
        '1. No evidence of recurrent or metastatic disease.\n2. Simple right renal cyst, no follow-up needed.',
    }),
  },
  {
    reportId: 'rpt-p5-ct-abdomen-prior-second',
    study: 'p5-ct-abdomen-prior',
    authorDisplayName: KIM,
    signedAt: '2026-05-26T11:00:00Z',
    text: report({
      Examination:
        'CT abdomen and pelvis with IV contrast, portal venous phase, 5 mm (peer review).',
      'Clinical indication': 'Colorectal cancer surveillance.',
      Comparison: 'CT 2025-09.',
      Findings:
        'Liver: 8 mm hypodense lesion in segment VII, subcapsular, not present on the pre-operative CT; too small to characterize. No other focal lesion.\n' +
        'Kidneys: 16 mm simple cyst of the right lower pole (Bosniak I).\n' +
        'Remainder as previously reported: intact anastomosis, no lymphadenopathy, no ascites.',
      Impression:
        '1. New 8 mm indeterminate hypodense lesion in hepatic segment VII; metastasis cannot be excluded in this clinical context. Recommend liver MRI with hepatobiliary contrast.\n' +
        '2. Simple right renal cyst.',
    }),
  },
  {
    reportId: 'rpt-p5-ct-abdomen-current-first',
    study: 'p5-ct-abdomen-current',
    authorDisplayName: SANTOS,
    signedAt: '2026-11-23T16:40:00Z',
    text: report({
      Examination: 'CT abdomen and pelvis with IV contrast, portal venous phase, 3 mm.',
      'Clinical indication': 'Colorectal cancer surveillance. Rising CEA (4.1 to 9.8 ng/mL).',
      Comparison: 'CT 2026-05-19.',
      Findings:
        'Liver: 18 mm well-defined hypodense lesion in segment VII, likely a cyst or haemangioma. No other focal lesion.\n' +
        'Kidneys: stable 16 mm simple cyst of the right lower pole.\n' +
        'Bowel: intact sigmoid anastomosis. No obstruction.\n' +
        'Lymph nodes: none enlarged. No ascites.\n' +
        'Bones: no suspicious lesion.',
      Impression:
        '1. 18 mm hepatic segment VII lesion, likely benign (cyst or haemangioma).\n2. No other evidence of recurrence.',
    }),
  },
  {
    reportId: 'rpt-p6-ct-chest-prior-first',
    study: 'p6-ct-chest-screening-prior',
    authorDisplayName: ACHTERBERG,
    signedAt: '2025-11-17T13:45:00Z',
    text: report({
      Examination: 'Low-dose CT chest for lung cancer screening, 3.0 mm.',
      'Clinical indication': 'Annual lung cancer screening. Current smoker, 32 pack-years.',
      Comparison: 'Baseline screening CT 2024-11.',
      Findings:
        'Lungs: 5 mm solid nodule in the left lower lobe, superior segment, unchanged from baseline. No new nodule. No consolidation or effusion.\n' +
        'Mediastinum: no lymphadenopathy. Mild coronary artery calcification.\n' +
        'Other: no significant finding in the upper abdomen.',
      Impression:
        'Lung-RADS 2 (benign appearance or behaviour). Continue annual screening with low-dose CT in 12 months.',
    }),
  },
  {
    reportId: 'rpt-p6-ct-chest-prior-second',
    study: 'p6-ct-chest-screening-prior',
    authorDisplayName: REYES,
    signedAt: '2025-11-24T09:15:00Z',
    text: report({
      Examination: 'Low-dose CT chest for lung cancer screening, 3.0 mm (quality review).',
      'Clinical indication': 'Annual lung cancer screening.',
      Comparison: 'Baseline screening CT 2024-11.',
      Findings:
        'Lungs: solid nodule in the left lower lobe measuring 6 mm (mean diameter), previously reported as 5 mm; measurement differences are within inter-reader variability. No new nodule.\n' +
        'Mediastinum: no lymphadenopathy. Mild coronary artery calcification.',
      Impression:
        'Lung-RADS 3 (probably benign) based on the 6 mm measurement. Low-dose CT in 6 months suggested.',
    }),
  },
  {
    reportId: 'rpt-p6-ct-chest-current-first',
    study: 'p6-ct-chest-screening-current',
    authorDisplayName: REYES,
    signedAt: '2026-11-21T14:30:00Z',
    text: report({
      Examination: 'Low-dose CT chest for lung cancer screening, 3.0 mm.',
      'Clinical indication': 'Annual lung cancer screening. Current smoker, 33 pack-years.',
      Comparison: 'Screening CT 2025-11-17 and 2024-11.',
      Findings:
        'Lungs: 5 mm solid nodule in the left lower lobe, superior segment, stable for two years. No new or growing nodule. No consolidation or effusion.\n' +
        'Mediastinum: no lymphadenopathy. Mild coronary artery calcification, unchanged.',
      Impression:
        'Lung-RADS 2. Stable left lower lobe nodule, benign behaviour. Continue annual low-dose CT screening.',
    }),
  },
];
