import { describe, expect, it } from 'vitest';
import { SyncCommand, SyncEvent } from './sync-channel.ts';

describe('the sync worker channel', () => {
  it('accepts the commands a controller sends', () => {
    for (const command of [
      { type: 'start', backendBaseUrl: '' },
      { type: 'start', backendBaseUrl: 'https://tele.example', budgetBytes: 5_000_000_000 },
      { type: 'pause' },
      { type: 'resume' },
      { type: 'focus', caseId: 'case-ct-1' },
      { type: 'focus', caseId: null },
      { type: 'stop' },
      { type: 'setBudget', budgetBytes: null },
      { type: 'setBudget', budgetBytes: 250_000_000 },
    ]) {
      expect(SyncCommand.safeParse(command).success, JSON.stringify(command)).toBe(true);
    }
  });

  it('refuses what is not a command', () => {
    for (const bad of [
      { type: 'fetch', url: 'https://evil.example' },
      { type: 'focus' },
      { type: 'focus', caseId: '' },
      { type: 'setBudget', budgetBytes: -1 },
      { type: 'setBudget', budgetBytes: 1.5 },
      { type: 'start' },
      'start',
      null,
    ]) {
      expect(SyncCommand.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('carries status and progress events', () => {
    expect(
      SyncEvent.safeParse({
        type: 'status',
        status: {
          state: 'storage-full',
          code: 'storage-full',
          message: 'The image cache is full.',
        },
      }).success,
    ).toBe(true);
    expect(
      SyncEvent.safeParse({
        type: 'progress',
        progress: {
          caseId: 'c',
          state: 'syncing',
          instancesDone: 3,
          instancesTotal: 10,
          bytesDone: 1500,
          errors: [],
        },
      }).success,
    ).toBe(true);
    expect(SyncEvent.safeParse({ type: 'status', status: { state: 'exploded' } }).success).toBe(
      false,
    );
  });
});
