import type { Role } from '../../../shared/domain/case.ts';

/** The demo accounts `--seed demo` creates (ARCHITECTURE.md); all share one demo password. */
export const DEMO_PASSWORD = 'tandem-demo';

export interface DemoUser {
  username: string;
  displayName: string;
  role: Role;
  /** used when the manifest assigns the user no cases to derive subspecialties from */
  defaultSubspecialties: string[];
}

export const DEMO_USERS: readonly DemoUser[] = [
  {
    username: 'radiologist1',
    displayName: 'Dr. Amara Okafor',
    role: 'radiologist',
    defaultSubspecialties: ['chest', 'breast'],
  },
  {
    username: 'radiologist2',
    displayName: 'Dr. Lukas Brenner',
    role: 'radiologist',
    defaultSubspecialties: ['neuro', 'msk'],
  },
  {
    username: 'qa1',
    displayName: 'Dr. Mei Tanaka',
    role: 'qa-reviewer',
    defaultSubspecialties: [],
  },
  {
    username: 'admin1',
    displayName: 'Site Administrator',
    role: 'admin',
    defaultSubspecialties: [],
  },
];
