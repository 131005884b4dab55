import { describe, expect, it } from 'vitest';
import { initialViewState, viewStateReducer, type ViewAction } from './view-state.ts';

const run = (...actions: ViewAction[]) => actions.reduce(viewStateReducer, initialViewState);

describe('viewStateReducer', () => {
  it('is rendered only after the requested image is on screen', () => {
    const requested = run({ type: 'stack-set', count: 10 }, { type: 'image-requested', index: 3 });
    expect(requested).toMatchObject({ imageIndex: 3, rendered: false });
    expect(viewStateReducer(requested, { type: 'image-rendered', index: 3 })).toMatchObject({
      rendered: true,
    });
  });

  it('marks a failed image and clears the error when scrolling on', () => {
    const failed = run(
      { type: 'stack-set', count: 10 },
      { type: 'image-requested', index: 4 },
      { type: 'image-failed', index: 4, reason: 'the file is truncated or damaged' },
    );
    expect(failed).toMatchObject({
      imageIndex: 4,
      rendered: false,
      error: 'the file is truncated or damaged',
    });
    expect(viewStateReducer(failed, { type: 'image-requested', index: 5 })).toMatchObject({
      imageIndex: 5,
      rendered: false,
      error: null,
    });
  });

  it('does not count an image the user has already scrolled past', () => {
    const state = run(
      { type: 'stack-set', count: 50 },
      { type: 'image-requested', index: 6 },
      { type: 'image-requested', index: 40 },
      { type: 'image-rendered', index: 6 },
    );
    expect(state).toMatchObject({ imageIndex: 40, rendered: false });
    expect(
      viewStateReducer(state, { type: 'image-failed', index: 6, reason: 'x' }).error,
    ).toBeNull();
  });

  it('starts over on a new stack', () => {
    const shown = run(
      { type: 'stack-set', count: 10 },
      { type: 'image-requested', index: 7 },
      { type: 'image-rendered', index: 7 },
    );
    expect(viewStateReducer(shown, { type: 'stack-set', count: 3 })).toEqual({
      ...initialViewState,
      count: 3,
    });
  });
});
