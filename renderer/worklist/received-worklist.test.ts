import { describe, expect, it } from 'vitest';
import type { User } from '../../shared/api/contract.ts';
import { worklistItem } from '../../shared/sync/test-support/fixtures.ts';
import { sessionStore } from '../app/session-store.ts';
import { syncClient } from '../workers/sync-client.ts';
import { receivedWorklistStore } from './received-worklist.ts';

const reader = (id: string): User => ({
  id,
  username: id,
  displayName: id,
  role: 'radiologist',
  subspecialties: ['chest'],
});
const items = [worklistItem({ caseId: 'a', study: { uid: '1.1.1', series: [] } })];
const told = (withItems = true) =>
  syncClient.events.emit('worklist', { count: 1, at: 1, ...(withItems ? { items } : {}) });

describe('the worklist received this session', () => {
  it('holds what the worker told for the reader signed in, keeps it over a poll that told only the count, and forgets it when the reader changes', () => {
    sessionStore.signedIn(reader('u1'));
    told();
    expect(receivedWorklistStore.get()?.items).toEqual(items);
    expect(receivedWorklistStore.get()?.caseIds.has('a')).toBe(true);
    told(false);
    expect(receivedWorklistStore.get()?.items).toEqual(items);

    sessionStore.signedIn(reader('u2'));
    expect(receivedWorklistStore.get()).toBeNull();
    told();
    sessionStore.signedOut();
    expect(receivedWorklistStore.get()).toBeNull();
    // signed out, nothing told is kept
    told();
    expect(receivedWorklistStore.get()).toBeNull();
  });
});
