import { CapsuleChains, ellipsoid, tube } from './label-slice.ts';
import type { ChainPoint, Primitive, TubeKey } from './label-slice.ts';
import { axialGrid, huTable } from './ct-render.ts';
import type { CtScene } from './ct-render.ts';
import { buildTree } from './branching-tree.ts';
import { Rng } from '../prng.ts';

/** Tissue labels of the abdomen phantom (portal venous phase). */
const A = {
  AIR: 0,
  TABLE_CORE: 1,
  TABLE_SHELL: 2,
  SKIN: 3,
  FAT: 4,
  MUSCLE: 5,
  LUNG: 6,
  ABDO_FAT: 7,
  LIVER: 8,
  PORTAL: 9,
  LESION: 10,
  GALLBLADDER: 11,
  SPLEEN: 12,
  STOMACH_WALL: 13,
  FLUID: 14,
  PANCREAS: 15,
  CORTEX: 16,
  MEDULLA: 17,
  SINUS_FAT: 18,
  CYST: 19,
  AORTA: 20,
  IVC: 21,
  BOWEL_WALL: 22,
  COLON_CONTENT: 23,
  VERT_CORTEX: 24,
  VERT_CANCELLOUS: 25,
  DISC: 26,
  CANAL: 27,
  BONE_CORTEX: 28,
  MARROW: 29,
  BLADDER: 30,
  DIAPHRAGM: 31,
} as const;

const HU = huTable({
  [A.AIR]: -1000,
  [A.TABLE_CORE]: -880,
  [A.TABLE_SHELL]: 220,
  [A.SKIN]: 35,
  [A.FAT]: -108,
  [A.MUSCLE]: 56,
  [A.LUNG]: -860,
  [A.ABDO_FAT]: -98,
  [A.LIVER]: 108,
  [A.PORTAL]: 168,
  [A.LESION]: 45,
  [A.GALLBLADDER]: 8,
  [A.SPLEEN]: 118,
  [A.STOMACH_WALL]: 75,
  [A.FLUID]: 18,
  [A.PANCREAS]: 96,
  [A.CORTEX]: 175,
  [A.MEDULLA]: 142,
  [A.SINUS_FAT]: -85,
  [A.CYST]: 5,
  [A.AORTA]: 172,
  [A.IVC]: 138,
  [A.BOWEL_WALL]: 78,
  [A.COLON_CONTENT]: -40,
  [A.VERT_CORTEX]: 720,
  [A.VERT_CANCELLOUS]: 195,
  [A.DISC]: 85,
  [A.CANAL]: 18,
  [A.BONE_CORTEX]: 950,
  [A.MARROW]: 240,
  [A.BLADDER]: 8,
  [A.DIAPHRAGM]: 55,
});

const BODY: TubeKey[] = [
  { z: -100, cx: 0, cy: -6, rx: 158, ry: 108 },
  { z: -300, cx: 0, cy: -10, rx: 164, ry: 116 },
  { z: -420, cx: 0, cy: -8, rx: 170, ry: 112 },
  { z: -520, cx: 0, cy: -5, rx: 176, ry: 108 },
  { z: -650, cx: 0, cy: -5, rx: 172, ry: 104 },
];
const LIVER = [
  { c: [-50, -5, -250] as const, r: [100, 92, 95] as const },
  { c: [12, -45, -218] as const, r: [55, 34, 42] as const },
];

function insideLiver(x: number, y: number, z: number): boolean {
  return LIVER.some(
    ({ c, r }) =>
      ((x - c[0]) / r[0]) ** 2 + ((y - c[1]) / r[1]) ** 2 + ((z - c[2]) / r[2]) ** 2 < 0.85,
  );
}

function lumbarSpine(): Primitive {
  const period = 33;
  const top = -150;
  return {
    paint(slice, z) {
      const depth = top - z;
      const phase = ((depth % period) + period) % period;
      if (z > -480) {
        if (phase < 8) slice.fillEllipse({ cx: 0, cy: 52, rx: 20, ry: 17 }, A.DISC);
        else {
          slice.fillEllipse({ cx: 0, cy: 52, rx: 20, ry: 17 }, A.VERT_CORTEX);
          slice.fillEllipse({ cx: 0, cy: 52, rx: 17.5, ry: 14.5 }, A.VERT_CANCELLOUS);
        }
        if (phase > 11 && phase < 27) {
          slice.fillEllipse({ cx: 0, cy: 80, rx: 16, ry: 12 }, A.VERT_CORTEX);
          slice.fillEllipse({ cx: 0, cy: 80, rx: 13.5, ry: 9.5 }, A.VERT_CANCELLOUS);
          slice.fillEllipse({ cx: 0, cy: 97, rx: 4, ry: 9 }, A.VERT_CORTEX);
          for (const s of [-1, 1])
            slice.fillEllipse(
              { cx: s * 32, cy: 72, rx: 18, ry: 4.5, angle: s * -0.15 },
              A.VERT_CORTEX,
            );
        }
        slice.fillEllipse({ cx: 0, cy: 79, rx: 9, ry: 7.5 }, A.CANAL);
      } else if (z > -575) {
        // Sacrum, tilting backwards as it descends.
        const t = (-480 - z) / 95;
        const cy = 70 + 22 * t;
        const rx = 48 - 26 * t;
        slice.fillEllipse({ cx: 0, cy, rx, ry: 17 - 5 * t }, A.BONE_CORTEX);
        slice.fillEllipse({ cx: 0, cy, rx: rx - 3, ry: 14 - 5 * t }, A.MARROW);
        slice.fillEllipse({ cx: 0, cy: cy + 4, rx: 8 - 4 * t, ry: 5 - 2 * t }, A.CANAL);
      }
    },
  };
}

function bowelLoops(seed: string): ChainPoint[][] {
  const rng = new Rng(seed);
  const loops: ChainPoint[][] = [];
  for (let k = 0; k < 46; k++) {
    let p: [number, number, number] = [
      rng.range(-70, 70),
      rng.range(-85, 15),
      rng.range(-470, -305),
    ];
    let d: [number, number, number] = [rng.range(-1, 1), rng.range(-1, 1), rng.range(-1, 1)];
    const line: ChainPoint[] = [[...p, 11]];
    for (let s = 0; s < 9; s++) {
      d = [d[0] + rng.range(-0.9, 0.9), d[1] + rng.range(-0.9, 0.9), d[2] + rng.range(-0.9, 0.9)];
      const n = Math.hypot(...d) || 1;
      d = [d[0] / n, d[1] / n, d[2] / n];
      p = [
        Math.max(-85, Math.min(85, p[0] + d[0] * 14)),
        Math.max(-95, Math.min(25, p[1] + d[1] * 14)),
        Math.max(-490, Math.min(-295, p[2] + d[2] * 14)),
      ];
      line.push([...p, 11]);
    }
    loops.push(line);
  }
  return loops;
}

const COLON: ChainPoint[][] = [
  [
    [-92, 20, -485, 26],
    [-96, 12, -420, 22],
    [-96, 6, -340, 21],
    [-88, -20, -300, 20],
  ],
  [
    [-88, -20, -300, 20],
    [-40, -70, -312, 19],
    [20, -72, -305, 19],
    [80, -30, -288, 20],
  ],
  [
    [80, -30, -288, 20],
    [96, 18, -300, 18],
    [98, 22, -400, 17],
    [90, 16, -468, 16],
  ],
  [
    [90, 16, -468, 16],
    [60, -20, -505, 15],
    [20, -35, -520, 15],
    [-10, 0, -540, 15],
    [0, 62, -555, 16],
    [0, 66, -620, 15],
  ],
];

export interface AbdomenOptions {
  anatomySeed: string;
  liverLesion: { centre: readonly [number, number, number]; diameter: number };
  renalCyst: { centre: readonly [number, number, number]; diameter: number };
}

/** A contrast-enhanced (portal venous) abdomen and pelvis on a 512 × 512 grid, 380 mm FOV. */
export function abdomenScene(o: AbdomenOptions): CtScene {
  const p: Primitive[] = [];
  const tableKey = { cx: 0, cy: 114, rx: 205, ry: 8.5 };
  p.push(
    tube(
      [
        { z: 1000, ...tableKey },
        { z: -1000, ...tableKey },
      ],
      A.TABLE_SHELL,
    ),
  );
  p.push(
    tube(
      [
        { z: 1000, ...tableKey, rx: 201, ry: 6 },
        { z: -1000, ...tableKey, rx: 201, ry: 6 },
      ],
      A.TABLE_CORE,
    ),
  );
  p.push(tube(BODY, A.SKIN));
  p.push(tube(BODY, A.FAT, { inset: 2 }));
  p.push(
    tube(
      BODY.map((k) => ({ ...k, cy: k.cy - 2, rx: k.rx - 24, ry: k.ry - 21 })),
      A.MUSCLE,
    ),
  );
  p.push(
    tube(
      BODY.map((k) => ({ ...k, cy: k.cy - 4, rx: k.rx - 34, ry: k.ry - 31 })),
      A.ABDO_FAT,
      { cover: [A.MUSCLE] },
    ),
  );
  // Lung bases in the posterior recesses at the top of the scan.
  p.push(
    tube(
      [
        { z: -100, cx: 0, cy: -12, rx: 126, ry: 73 },
        { z: -262, cx: 0, cy: -12, rx: 126, ry: 73 },
      ],
      A.LUNG,
      { cover: [A.ABDO_FAT] },
    ),
  );
  const domeCover = [A.LUNG, A.ABDO_FAT];
  p.push(ellipsoid([-45, 0, -292], [114, 100, 134], A.DIAPHRAGM, { cover: domeCover }));
  p.push(ellipsoid([45, 5, -302], [97, 95, 134], A.DIAPHRAGM, { cover: domeCover }));
  p.push(ellipsoid([-45, 0, -292], [110, 96, 130], A.ABDO_FAT, { cover: [A.DIAPHRAGM] }));
  p.push(ellipsoid([45, 5, -302], [93, 91, 130], A.ABDO_FAT, { cover: [A.DIAPHRAGM] }));
  // Paraspinal and psoas muscles.
  for (const s of [-1, 1]) {
    p.push(
      tube(
        [
          { z: -100, cx: s * 36, cy: 82, rx: 24, ry: 17 },
          { z: -480, cx: s * 34, cy: 86, rx: 22, ry: 15 },
          { z: -540, cx: s * 30, cy: 100, rx: 12, ry: 7 },
        ],
        A.MUSCLE,
        { cover: [A.ABDO_FAT, A.FAT, A.LUNG, A.DIAPHRAGM] },
      ),
    );
    p.push(
      tube(
        [
          { z: -300, cx: s * 26, cy: 52, rx: 6, ry: 6 },
          { z: -400, cx: s * 40, cy: 50, rx: 15, ry: 14 },
          { z: -470, cx: s * 52, cy: 40, rx: 22, ry: 18 },
          { z: -545, cx: s * 68, cy: 8, rx: 18, ry: 16 },
        ],
        A.MUSCLE,
        { cover: [A.ABDO_FAT] },
      ),
    );
  }
  // Gluteal muscles behind the pelvis.
  for (const s of [-1, 1]) {
    p.push(
      tube(
        [
          { z: -455, cx: s * 78, cy: 70, rx: 30, ry: 16, angle: s * 0.5 },
          { z: -520, cx: s * 82, cy: 66, rx: 58, ry: 30, angle: s * 0.45 },
          { z: -640, cx: s * 92, cy: 58, rx: 62, ry: 36, angle: s * 0.35 },
        ],
        A.MUSCLE,
        { cover: [A.ABDO_FAT, A.FAT] },
      ),
    );
  }
  // Liver with portal and hepatic veins, the lesion, gallbladder.
  for (const { c, r } of LIVER) p.push(ellipsoid(c, r, A.LIVER, { cover: [A.ABDO_FAT] }));
  const veins = buildTree({
    seed: `${o.anatomySeed}/portal`,
    root: [-18, 8, -258],
    inside: insideLiver,
    bounds: [
      [-150, -90, -345],
      [65, 90, -165],
    ],
    leaves: 420,
    levels: [70, 14, 3],
    leafRadius: 0.9,
    maxRadius: 7.5,
  });
  p.push(
    new CapsuleChains(
      veins.map((b) => b.points),
      A.PORTAL,
      { cover: [A.LIVER] },
    ),
  );
  p.push(
    tube(
      [
        { z: -258, cx: -14, cy: 6, rx: 7, ry: 7 },
        { z: -330, cx: -6, cy: 0, rx: 6, ry: 6 },
      ],
      A.PORTAL,
      { cover: [A.ABDO_FAT, A.LIVER] },
    ),
  );
  const lr = o.liverLesion.diameter / 2;
  p.push(ellipsoid(o.liverLesion.centre, [lr, lr, lr], A.LESION, { cover: [A.LIVER, A.PORTAL] }));
  p.push(
    ellipsoid([-34, -52, -292], [14, 18, 30], A.GALLBLADDER, {
      angle: 0.3,
      cover: [A.LIVER, A.ABDO_FAT, A.PORTAL],
    }),
  );
  // Spleen, stomach, pancreas.
  p.push(ellipsoid([88, 44, -236], [32, 52, 55], A.SPLEEN, { angle: -0.5, cover: [A.ABDO_FAT] }));
  p.push(
    ellipsoid([46, -34, -236], [55, 42, 50], A.STOMACH_WALL, { cover: [A.ABDO_FAT, A.LIVER] }),
  );
  p.push(ellipsoid([46, -34, -236], [51, 38, 46], A.FLUID, { cover: [A.STOMACH_WALL] }));
  p.push(ellipsoid([42, -52, -208], [34, 18, 18], A.AIR, { cover: [A.FLUID] }));
  p.push(ellipsoid([18, 16, -268], [62, 12, 14], A.PANCREAS, { angle: 0.25, cover: [A.ABDO_FAT] }));
  // Kidneys with cortex, medulla and sinus fat; a simple cyst in the right lower pole.
  for (const s of [-1, 1]) {
    const c = [s * 70, 56, s < 0 ? -322 : -306] as const;
    const angle = s * -0.4;
    p.push(ellipsoid(c, [30, 24, 56], A.CORTEX, { angle, cover: [A.ABDO_FAT, A.MUSCLE] }));
    p.push(ellipsoid(c, [21, 15, 44], A.MEDULLA, { angle, cover: [A.CORTEX] }));
    p.push(
      ellipsoid([c[0] - s * 14, c[1] - 6, c[2]], [10, 9, 26], A.SINUS_FAT, {
        cover: [A.MEDULLA, A.CORTEX],
      }),
    );
  }
  const cr = o.renalCyst.diameter / 2;
  p.push(
    ellipsoid(o.renalCyst.centre, [cr, cr, cr], A.CYST, {
      cover: [A.CORTEX, A.MEDULLA, A.ABDO_FAT, A.SINUS_FAT],
    }),
  );
  // Great vessels.
  p.push(
    tube(
      [
        { z: -100, cx: 3, cy: 26, rx: 11.5, ry: 11.5 },
        { z: -430, cx: 2, cy: 18, rx: 10, ry: 10 },
      ],
      A.AORTA,
      { cover: [A.ABDO_FAT, A.DIAPHRAGM, A.LUNG] },
    ),
  );
  p.push(
    new CapsuleChains(
      [
        [
          [2, 18, -430, 7],
          [-38, 24, -490, 6.5],
          [-78, 36, -560, 6],
        ],
        [
          [2, 18, -430, 7],
          [40, 24, -490, 6.5],
          [78, 36, -560, 6],
        ],
      ],
      A.AORTA,
      { cover: [A.ABDO_FAT, A.MUSCLE] },
    ),
  );
  p.push(
    tube(
      [
        { z: -100, cx: -24, cy: 22, rx: 12, ry: 11 },
        { z: -440, cx: -18, cy: 30, rx: 11, ry: 9 },
      ],
      A.IVC,
      { cover: [A.ABDO_FAT, A.LIVER, A.DIAPHRAGM] },
    ),
  );
  p.push(
    new CapsuleChains(
      [
        [
          [-18, 30, -440, 7.5],
          [-48, 36, -495, 7],
          [-86, 48, -562, 7],
        ],
        [
          [-18, 30, -440, 7.5],
          [30, 36, -490, 7],
          [84, 48, -562, 7],
        ],
      ],
      A.IVC,
      { cover: [A.ABDO_FAT, A.MUSCLE] },
    ),
  );
  // Bowel: small-bowel loops and the colon with gas and stool.
  const loops = bowelLoops(`${o.anatomySeed}/bowel`);
  p.push(new CapsuleChains(loops, A.BOWEL_WALL, { cover: [A.ABDO_FAT] }));
  p.push(new CapsuleChains(loops, A.FLUID, { cover: [A.BOWEL_WALL], radiusScale: 0.72 }));
  p.push(new CapsuleChains(COLON, A.BOWEL_WALL, { cover: [A.ABDO_FAT, A.BOWEL_WALL, A.FLUID] }));
  p.push(new CapsuleChains(COLON, A.COLON_CONTENT, { cover: [A.BOWEL_WALL], radiusScale: 0.84 }));
  p.push(
    new CapsuleChains(
      COLON.map((l) => l.map(([x, y, z, r]) => [x, y - r * 0.45, z, r * 0.5] as ChainPoint)),
      A.AIR,
      { cover: [A.COLON_CONTENT] },
    ),
  );
  // Bladder, pelvic bones, hips.
  p.push(
    ellipsoid([0, -38, -578], [46, 36, 36], A.BLADDER, {
      cover: [A.ABDO_FAT, A.BOWEL_WALL, A.FLUID, A.COLON_CONTENT],
    }),
  );
  p.push(lumbarSpine());
  for (const s of [-1, 1]) {
    const wing: TubeKey[] = [
      { z: -440, cx: s * 88, cy: 52, rx: 36, ry: 6, angle: s * -1.25 },
      { z: -480, cx: s * 98, cy: 40, rx: 50, ry: 8, angle: s * -1.15 },
      { z: -525, cx: s * 100, cy: 36, rx: 44, ry: 10, angle: s * -1.0 },
      { z: -548, cx: s * 92, cy: 30, rx: 26, ry: 14, angle: s * -0.8 },
    ];
    p.push(tube(wing, A.BONE_CORTEX, { cover: [A.ABDO_FAT, A.MUSCLE, A.FAT] }));
    p.push(tube(wing, A.MARROW, { cover: [A.BONE_CORTEX], inset: 2.5 }));
    p.push(
      ellipsoid([s * 96, 16, -578], [25, 25, 25], A.BONE_CORTEX, {
        cover: [A.ABDO_FAT, A.MUSCLE, A.FAT],
      }),
    );
    p.push(ellipsoid([s * 96, 16, -578], [22, 22, 22], A.MARROW, { cover: [A.BONE_CORTEX] }));
    p.push(
      ellipsoid([s * 14, -78, -598], [17, 10, 18], A.BONE_CORTEX, {
        cover: [A.ABDO_FAT, A.MUSCLE, A.FAT],
      }),
    );
    p.push(ellipsoid([s * 14, -78, -598], [14, 7, 15], A.MARROW, { cover: [A.BONE_CORTEX] }));
  }
  return {
    grid: axialGrid(512, 380),
    primitives: p,
    hu: HU.slice(),
    noiseFree: new Uint8Array(256),
    reconRadius: 190,
  };
}
