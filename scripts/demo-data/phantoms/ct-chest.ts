import { CapsuleChains, ellipsoid, tube, tubeSection } from './label-slice.ts';
import type { ChainPoint, Ellipse, Primitive, TubeKey } from './label-slice.ts';
import { axialGrid, huTable } from './ct-render.ts';
import type { CtScene } from './ct-render.ts';
import { buildTree, companionAirways } from './branching-tree.ts';

/** Tissue labels of the chest phantom. */
export const CHEST = {
  AIR: 0,
  TABLE_CORE: 1,
  TABLE_SHELL: 2,
  SKIN: 3,
  FAT: 4,
  MUSCLE: 5,
  LUNG: 6,
  MEDIAST_FAT: 7,
  HEART: 8,
  BLOOD: 9,
  AIRWAY_WALL: 10,
  AIRWAY: 11,
  ESOPHAGUS: 12,
  VERT_CORTEX: 13,
  VERT_CANCELLOUS: 14,
  DISC: 15,
  CANAL: 16,
  RIB_CORTEX: 17,
  RIB_MARROW: 18,
  CARTILAGE: 19,
  SCAPULA: 20,
  DIAPHRAGM: 21,
  LIVER: 22,
  SPLEEN: 23,
  STOMACH: 24,
  ABDO_FAT: 25,
  VESSEL: 26,
  NODULE: 27,
  ROD: 28,
} as const;

const L = CHEST;

const HU = huTable({
  [L.AIR]: -1000,
  [L.TABLE_CORE]: -880,
  [L.TABLE_SHELL]: 220,
  [L.SKIN]: 35,
  [L.FAT]: -105,
  [L.MUSCLE]: 48,
  [L.LUNG]: -855,
  [L.MEDIAST_FAT]: -95,
  [L.HEART]: 42,
  [L.BLOOD]: 45,
  [L.AIRWAY_WALL]: 25,
  [L.AIRWAY]: -985,
  [L.ESOPHAGUS]: 38,
  [L.VERT_CORTEX]: 760,
  [L.VERT_CANCELLOUS]: 230,
  [L.DISC]: 85,
  [L.CANAL]: 18,
  [L.RIB_CORTEX]: 820,
  [L.RIB_MARROW]: 270,
  [L.CARTILAGE]: 115,
  [L.SCAPULA]: 720,
  [L.DIAPHRAGM]: 50,
  [L.LIVER]: 58,
  [L.SPLEEN]: 47,
  [L.STOMACH]: 22,
  [L.ABDO_FAT]: -92,
  [L.VESSEL]: 40,
  [L.NODULE]: 40,
  [L.ROD]: 100,
});

export interface ChestOptions {
  /** name of the anatomy: the same name gives the same vessels, ribs and habitus */
  anatomySeed: string;
  nodules: readonly { centre: readonly [number, number, number]; diameter: number; hu?: number }[];
  /** extra subcutaneous fat (mm) */
  extraFat?: number;
  calibrationInsert?: { centre: readonly [number, number]; radius: number; hu: number };
}

// Body outline, thoracic cavity and mediastinum as tubes along z (top of the scan at z = 0).
const BODY: TubeKey[] = [
  { z: 20, cx: 0, cy: -2, rx: 138, ry: 94 },
  { z: -60, cx: 0, cy: -4, rx: 150, ry: 102 },
  { z: -200, cx: 0, cy: -6, rx: 156, ry: 105 },
  { z: -360, cx: 0, cy: -4, rx: 153, ry: 104 },
];
const CAVITY: TubeKey[] = [
  { z: -12, cx: 0, cy: -8, rx: 50, ry: 28 },
  { z: -30, cx: 0, cy: -11, rx: 92, ry: 52 },
  { z: -60, cx: 0, cy: -14, rx: 114, ry: 67 },
  { z: -120, cx: 0, cy: -15, rx: 124, ry: 72 },
  { z: -250, cx: 0, cy: -15, rx: 126, ry: 73 },
  { z: -360, cx: 0, cy: -15, rx: 124, ry: 71 },
];
const MEDIASTINUM: TubeKey[] = [
  { z: 20, cx: 0, cy: 8, rx: 24, ry: 30 },
  { z: -20, cx: 0, cy: 4, rx: 24, ry: 34 },
  { z: -60, cx: 2, cy: -2, rx: 28, ry: 46 },
  { z: -100, cx: 4, cy: -10, rx: 40, ry: 55 },
  { z: -140, cx: 10, cy: -20, rx: 55, ry: 58 },
  { z: -180, cx: 18, cy: -25, rx: 70, ry: 56 },
  { z: -230, cx: 18, cy: -25, rx: 72, ry: 50 },
  { z: -262, cx: 12, cy: -18, rx: 55, ry: 42 },
  { z: -275, cx: 8, cy: -12, rx: 30, ry: 30 },
];

// Diaphragm domes: the tops of these ellipsoids are the hemidiaphragms.
const RIGHT_DOME = { c: [-45, -5, -348] as const, r: [108, 95, 108] as const };
const LEFT_DOME = { c: [50, 5, -350] as const, r: [88, 88, 92] as const };
const HEART = { c: [22, -32, -196] as const, r: [62, 46, 54] as const, angle: 0.5 };

const VERTEBRA_PERIOD = 27;
const SPINE_TOP = -2;

function inEllipse(e: Ellipse | null, x: number, y: number, grow = 0): boolean {
  if (!e) return false;
  const a = e.angle ?? 0;
  const c = Math.cos(a);
  const s = Math.sin(a);
  const u = (x - e.cx) * c + (y - e.cy) * s;
  const v = -(x - e.cx) * s + (y - e.cy) * c;
  const rx = e.rx + grow;
  const ry = e.ry + grow;
  return (u * u) / (rx * rx) + (v * v) / (ry * ry) <= 1;
}

function inEllipsoid(
  c: readonly number[],
  r: readonly number[],
  x: number,
  y: number,
  z: number,
  angle = 0,
): boolean {
  const dx = x - c[0]!;
  const dy = y - c[1]!;
  const cs = Math.cos(angle);
  const sn = Math.sin(angle);
  const u = dx * cs + dy * sn;
  const v = -dx * sn + dy * cs;
  const w = z - c[2]!;
  return (u * u) / (r[0]! * r[0]!) + (v * v) / (r[1]! * r[1]!) + (w * w) / (r[2]! * r[2]!) <= 1;
}

/** Whether a point is inside aerated lung (used to stop vessel trees at the lung's edge). */
export function insideLung(x: number, y: number, z: number): boolean {
  if (!inEllipse(tubeSection(CAVITY, z), x, y, -3)) return false;
  if (inEllipse(tubeSection(MEDIASTINUM, z), x, y, 2)) return false;
  if (inEllipsoid(RIGHT_DOME.c, RIGHT_DOME.r, x, y, z)) return false;
  if (inEllipsoid(LEFT_DOME.c, LEFT_DOME.r, x, y, z)) return false;
  if (inEllipsoid(HEART.c, HEART.r, x, y, z, HEART.angle)) return false;
  // vertebral column
  if (Math.hypot(x, y - 45) < 24) return false;
  return true;
}

function ribs(): { bone: ChainPoint[][]; marrow: ChainPoint[][]; cartilage: ChainPoint[][] } {
  const bone: ChainPoint[][] = [];
  const marrow: ChainPoint[][] = [];
  const cartilage: ChainPoint[][] = [];
  for (let k = 1; k <= 12; k++) {
    const zHead = SPINE_TOP - VERTEBRA_PERIOD * (k - 1) - 12;
    const phiEnd = k <= 7 ? 2.78 : k <= 10 ? 2.55 - (k - 8) * 0.15 : 1.5 + (12 - k) * 0.25;
    const boneEnd = k <= 10 ? Math.min(phiEnd, 2.35) : phiEnd;
    const drop = k === 1 ? 35 : 70 + Math.min(k, 7) * 4;
    for (const side of [-1, 1]) {
      const b: ChainPoint[] = [[side * 18, 62, zHead + 2, 4.2]];
      const c: ChainPoint[] = [];
      for (let phi = 0.38; phi <= phiEnd + 1e-6; phi += 0.07) {
        const t = (phi - 0.38) / (2.78 - 0.38);
        const z =
          zHead + 6 * Math.sin(Math.min(t * 3, 1) * Math.PI * 0.5) - drop * Math.pow(t, 1.5);
        const e = tubeSection(CAVITY, Math.max(-359, Math.min(z, -12)))!;
        const rFactor = k === 1 ? 0.9 : 1;
        const x = side * (e.rx * rFactor + 4) * Math.sin(phi);
        const y = e.cy + (e.ry + 4) * Math.cos(phi);
        const pt: ChainPoint = [x, y, z, phi > 2.2 ? 4.8 : 4.3];
        if (phi <= boneEnd) b.push(pt);
        if (phi >= boneEnd - 0.07) c.push([x, y, z, 4.6]);
      }
      bone.push(b);
      marrow.push(b.map(([x, y, z, r]) => [x, y, z, r * 0.58] as ChainPoint));
      if (c.length > 1) cartilage.push(c);
    }
  }
  return { bone, marrow, cartilage };
}

/** Vertebral bodies, discs and posterior elements at height z. */
function spine(): Primitive {
  return {
    paint(slice, z) {
      const depth = SPINE_TOP - z;
      if (depth < 0) return;
      const level = Math.floor(depth / VERTEBRA_PERIOD);
      const phase = depth - level * VERTEBRA_PERIOD;
      const r = 13.5 + Math.min(level, 12) * 0.35;
      const cy = 45;
      if (phase < 4.5) {
        slice.fillEllipse({ cx: 0, cy, rx: r, ry: r * 0.92 }, L.DISC);
      } else {
        slice.fillEllipse({ cx: 0, cy, rx: r, ry: r * 0.92 }, L.VERT_CORTEX);
        slice.fillEllipse({ cx: 0, cy, rx: r - 2.2, ry: r * 0.92 - 2.2 }, L.VERT_CANCELLOUS);
      }
      // Posterior arch: pedicles and laminae around the canal, spinous and transverse processes.
      if (phase > 7 && phase < 21) {
        slice.fillEllipse({ cx: 0, cy: 71, rx: 14, ry: 12 }, L.VERT_CORTEX);
        slice.fillEllipse({ cx: 0, cy: 71, rx: 11.5, ry: 9.5 }, L.VERT_CANCELLOUS);
        slice.fillEllipse({ cx: 0, cy: 87, rx: 3.6, ry: 9 }, L.VERT_CORTEX);
        for (const s of [-1, 1])
          slice.fillEllipse(
            { cx: s * 21, cy: 66, rx: 11, ry: 4.2, angle: s * -0.35 },
            L.VERT_CORTEX,
          );
      }
      slice.fillEllipse({ cx: 0, cy: 70, rx: 7.5, ry: 6.5 }, L.CANAL);
    },
  };
}

function lungVessels(seed: string): { vessels: ChainPoint[][]; bronchi: ChainPoint[][] } {
  const vessels: ChainPoint[][] = [];
  const bronchi: ChainPoint[][] = [];
  for (const s of [-1, 1]) {
    const bounds = [
      [s < 0 ? -135 : 8, -95, -345],
      [s < 0 ? -8 : 135, 65, -10],
    ] as const;
    const inside = (x: number, y: number, z: number) => Math.sign(x) === s && insideLung(x, y, z);
    const arteries = buildTree({
      seed: `${seed}/arteries/${s}`,
      root: [s * 40, 2, s < 0 ? -124 : -116],
      inside,
      bounds,
      leaves: 3000,
      levels: [480, 90, 16, 4],
      leafRadius: 0.55,
      maxRadius: 7,
    });
    const veins = buildTree({
      seed: `${seed}/veins/${s}`,
      root: [s * 32, 8, -168],
      inside,
      bounds,
      leaves: 2000,
      levels: [320, 60, 12, 3],
      leafRadius: 0.55,
      maxRadius: 6.5,
    });
    for (const b of [...arteries, ...veins]) vessels.push(b.points);
    bronchi.push(...companionAirways(arteries, 1.6));
  }
  return { vessels, bronchi };
}

/** The chest phantom for a 512 × 512 axial CT with a 350 mm field of view. */
export function chestScene(options: ChestOptions): CtScene {
  const fat = options.extraFat ?? 0;
  const body = BODY.map((k) => ({ ...k, rx: k.rx + fat, ry: k.ry + fat * 0.7 }));
  const muscleLayer = BODY.map((k) => ({ ...k, cy: k.cy - 3, rx: k.rx - 19, ry: k.ry - 17 }));
  const rib = ribs();
  const lung = lungVessels(options.anatomySeed);
  const p: Primitive[] = [];

  // Table: a carbon-fibre shell with a foam core under the patient.
  p.push(
    tube(
      [
        { z: 1000, cx: 0, cy: 109 + fat * 0.7, rx: 205, ry: 8.5 },
        { z: -1000, cx: 0, cy: 109 + fat * 0.7, rx: 205, ry: 8.5 },
      ],
      L.TABLE_SHELL,
    ),
  );
  p.push(
    tube(
      [
        { z: 1000, cx: 0, cy: 109 + fat * 0.7, rx: 201, ry: 6 },
        { z: -1000, cx: 0, cy: 109 + fat * 0.7, rx: 201, ry: 6 },
      ],
      L.TABLE_CORE,
    ),
  );
  p.push(tube(body, L.SKIN));
  p.push(tube(body, L.FAT, { inset: 2 }));
  p.push(tube(muscleLayer, L.MUSCLE));
  // Pectoral muscles over the front of the chest, latissimus dorsi at the sides of the back.
  for (const s of [-1, 1]) {
    p.push(
      tube(
        [
          { z: -25, cx: s * 62, cy: -78, rx: 52, ry: 13, angle: s * 0.42 },
          { z: -90, cx: s * 70, cy: -85, rx: 58, ry: 11, angle: s * 0.35 },
          { z: -150, cx: s * 68, cy: -92, rx: 40, ry: 6, angle: s * 0.3 },
        ],
        L.MUSCLE,
        { cover: [L.FAT] },
      ),
    );
    p.push(
      tube(
        [
          { z: -60, cx: s * 128, cy: 45, rx: 12, ry: 32, angle: s * 0.6 },
          { z: -200, cx: s * 132, cy: 38, rx: 10, ry: 36, angle: s * 0.7 },
          { z: -330, cx: s * 125, cy: 40, rx: 7, ry: 30, angle: s * 0.7 },
        ],
        L.MUSCLE,
        { cover: [L.FAT] },
      ),
    );
  }
  // Scapulae behind the upper ribs.
  for (const s of [-1, 1]) {
    p.push(
      tube(
        [
          { z: -18, cx: s * 96, cy: 62, rx: 34, ry: 3.2, angle: -s * 0.5 },
          { z: -90, cx: s * 100, cy: 58, rx: 44, ry: 2.8, angle: -s * 0.55 },
          { z: -170, cx: s * 88, cy: 64, rx: 18, ry: 2.8, angle: -s * 0.5 },
        ],
        L.SCAPULA,
        { cover: [L.MUSCLE, L.FAT] },
      ),
    );
  }
  p.push(tube(CAVITY, L.LUNG, { cover: [L.MUSCLE] }));
  // Ribs and costal cartilage at the cavity's edge.
  p.push(new CapsuleChains(rib.bone, L.RIB_CORTEX, { cover: [L.MUSCLE, L.LUNG, L.FAT] }));
  p.push(new CapsuleChains(rib.marrow, L.RIB_MARROW, { cover: [L.RIB_CORTEX] }));
  p.push(new CapsuleChains(rib.cartilage, L.CARTILAGE, { cover: [L.MUSCLE, L.LUNG, L.FAT] }));
  // Sternum.
  p.push(
    tube(
      [
        { z: -38, cx: 0, cy: -92, rx: 24, ry: 7 },
        { z: -90, cx: 0, cy: -96, rx: 15, ry: 6 },
        { z: -205, cx: 0, cy: -96, rx: 13, ry: 6 },
        { z: -225, cx: 0, cy: -92, rx: 7, ry: 4 },
      ],
      L.RIB_CORTEX,
      { cover: [L.MUSCLE, L.LUNG, L.FAT] },
    ),
  );
  p.push(
    tube(
      [
        { z: -38, cx: 0, cy: -92, rx: 21, ry: 4.5 },
        { z: -90, cx: 0, cy: -96, rx: 12.5, ry: 3.8 },
        { z: -205, cx: 0, cy: -96, rx: 10.5, ry: 3.8 },
      ],
      L.RIB_MARROW,
      { cover: [L.RIB_CORTEX] },
    ),
  );
  // Lung vessels, then the mediastinum over their roots.
  p.push(new CapsuleChains(lung.vessels, L.VESSEL, { cover: [L.LUNG] }));
  p.push(tube(MEDIASTINUM, L.MEDIAST_FAT, { cover: [L.LUNG, L.VESSEL] }));
  // Diaphragm and upper abdomen.
  const abdCover = [L.LUNG, L.VESSEL, L.MEDIAST_FAT];
  p.push(ellipsoid(RIGHT_DOME.c, RIGHT_DOME.r, L.DIAPHRAGM, { cover: abdCover }));
  p.push(ellipsoid(LEFT_DOME.c, LEFT_DOME.r, L.DIAPHRAGM, { cover: abdCover }));
  p.push(
    ellipsoid([RIGHT_DOME.c[0], RIGHT_DOME.c[1], RIGHT_DOME.c[2]], [105, 92, 105], L.LIVER, {
      cover: [L.DIAPHRAGM],
    }),
  );
  p.push(
    ellipsoid([LEFT_DOME.c[0], LEFT_DOME.c[1], LEFT_DOME.c[2]], [85, 85, 89], L.ABDO_FAT, {
      cover: [L.DIAPHRAGM],
    }),
  );
  p.push(ellipsoid([82, 38, -335], [34, 48, 52], L.SPLEEN, { cover: [L.ABDO_FAT] }));
  p.push(ellipsoid([42, -28, -338], [55, 46, 66], L.STOMACH, { cover: [L.ABDO_FAT] }));
  p.push(ellipsoid([42, -40, -300], [36, 24, 22], L.AIR, { cover: [L.STOMACH] }));
  // Heart, great vessels, airways and oesophagus.
  p.push(
    ellipsoid(HEART.c, HEART.r, L.HEART, {
      angle: HEART.angle,
      cover: [L.MEDIAST_FAT, L.LUNG, L.VESSEL, L.DIAPHRAGM],
    }),
  );
  const vesselCover = [L.MEDIAST_FAT, L.LUNG, L.VESSEL, L.HEART];
  p.push(
    tube(
      [
        { z: -178, cx: 4, cy: -24, rx: 15, ry: 15 },
        { z: -120, cx: -2, cy: -30, rx: 16, ry: 16 },
        { z: -84, cx: -4, cy: -34, rx: 15, ry: 15 },
      ],
      L.BLOOD,
      { cover: vesselCover },
    ),
  );
  p.push(
    tube(
      [
        { z: -84, cx: 6, cy: -6, rx: 14, ry: 40, angle: -0.3 },
        { z: -68, cx: 8, cy: -2, rx: 13, ry: 36, angle: -0.3 },
      ],
      L.BLOOD,
      { cover: vesselCover },
    ),
  );
  p.push(
    tube(
      [
        { z: -74, cx: 22, cy: 22, rx: 12.5, ry: 12.5 },
        { z: -200, cx: 24, cy: 24, rx: 12, ry: 12 },
        { z: -290, cx: 10, cy: 16, rx: 11, ry: 11 },
        { z: -360, cx: 4, cy: 12, rx: 11, ry: 11 },
      ],
      L.BLOOD,
      { cover: [...vesselCover, L.DIAPHRAGM, L.ABDO_FAT, L.LIVER] },
    ),
  );
  for (const [x, y, r] of [
    [-12, -22, 7],
    [1, -14, 5],
    [14, -6, 6],
  ] as const) {
    p.push(
      tube(
        [
          { z: -72, cx: x, cy: y, rx: r, ry: r },
          { z: 15, cx: x * 1.6, cy: y * 0.4, rx: r, ry: r },
        ],
        L.BLOOD,
        { cover: [...vesselCover, L.MUSCLE] },
      ),
    );
  }
  p.push(
    tube(
      [
        { z: -172, cx: -24, cy: -22, rx: 10, ry: 10 },
        { z: -20, cx: -22, cy: -18, rx: 9, ry: 9 },
      ],
      L.BLOOD,
      { cover: vesselCover },
    ),
  );
  p.push(
    tube(
      [
        { z: -152, cx: 14, cy: -46, rx: 14, ry: 14 },
        { z: -118, cx: 16, cy: -36, rx: 14, ry: 14 },
      ],
      L.BLOOD,
      { cover: vesselCover },
    ),
  );
  p.push(
    new CapsuleChains(
      [
        [
          [16, -36, -118, 10.5],
          [-10, -14, -122, 10],
          [-42, 4, -124, 8],
        ],
        [
          [16, -36, -118, 10.5],
          [32, -10, -114, 10],
          [42, 4, -116, 8],
        ],
      ],
      L.BLOOD,
      { cover: vesselCover },
    ),
  );
  p.push(
    tube(
      [
        { z: -300, cx: -20, cy: 6, rx: 11, ry: 11 },
        { z: -215, cx: -16, cy: 0, rx: 12, ry: 12 },
      ],
      L.BLOOD,
      { cover: [...vesselCover, L.LIVER, L.DIAPHRAGM] },
    ),
  );
  p.push(
    tube(
      [
        { z: -290, cx: 20, cy: 4, rx: 7, ry: 7 },
        { z: -200, cx: 12, cy: 14, rx: 7, ry: 7 },
        { z: -110, cx: 8, cy: 24, rx: 7, ry: 6 },
        { z: 20, cx: 6, cy: 24, rx: 7, ry: 6 },
      ],
      L.ESOPHAGUS,
      { cover: [...vesselCover, L.MUSCLE, L.DIAPHRAGM, L.ABDO_FAT] },
    ),
  );
  p.push(
    new CapsuleChains(lung.bronchi, L.AIRWAY_WALL, { cover: [L.LUNG, L.VESSEL, L.MEDIAST_FAT] }),
  );
  p.push(new CapsuleChains(lung.bronchi, L.AIRWAY, { cover: [L.AIRWAY_WALL], radiusScale: 0.7 }));
  const trachea: TubeKey[] = [
    { z: 20, cx: 0, cy: 6, rx: 9.5, ry: 9 },
    { z: -110, cx: 2, cy: 10, rx: 10, ry: 9.5 },
  ];
  p.push(tube(trachea, L.AIRWAY_WALL, { cover: [...vesselCover, L.MUSCLE] }));
  p.push(tube(trachea, L.AIRWAY, { cover: [L.AIRWAY_WALL], inset: 2 }));
  const mainBronchi: ChainPoint[][] = [
    [
      [1, 10, -110, 7.5],
      [-22, 10, -120, 7],
      [-40, 9, -128, 6],
    ],
    [
      [3, 10, -110, 7],
      [24, 12, -124, 6.5],
      [42, 12, -134, 5.5],
    ],
  ];
  p.push(new CapsuleChains(mainBronchi, L.AIRWAY_WALL, { cover: [...vesselCover, L.AIRWAY] }));
  p.push(new CapsuleChains(mainBronchi, L.AIRWAY, { cover: [L.AIRWAY_WALL], radiusScale: 0.74 }));
  p.push(spine());
  for (const n of options.nodules) {
    const r = n.diameter / 2;
    p.push(ellipsoid(n.centre, [r, r, r], L.NODULE, { cover: [L.LUNG, L.VESSEL, L.AIRWAY_WALL] }));
  }
  const hu = HU.slice();
  for (const n of options.nodules) if (n.hu !== undefined) hu[L.NODULE] = n.hu;
  const noiseFree = new Uint8Array(256);
  const ins = options.calibrationInsert;
  if (ins) {
    const k = { cx: ins.centre[0], cy: ins.centre[1], rx: ins.radius, ry: ins.radius };
    p.push(
      tube(
        [
          { z: 2000, ...k },
          { z: -2000, ...k },
        ],
        L.ROD,
        { cover: [L.AIR] },
      ),
    );
    hu[L.ROD] = ins.hu;
    noiseFree[L.ROD] = 1;
  }
  return {
    grid: axialGrid(512, 350),
    primitives: p,
    hu,
    noiseFree,
    gradient: { label: L.LUNG, huPerMm: 0.27, y0: -15 },
    reconRadius: 175,
  };
}
