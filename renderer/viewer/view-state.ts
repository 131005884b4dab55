/** What the overlay and the test hooks show about one viewport, driven by Cornerstone's events. */
export interface ViewState {
  count: number;
  /** the image asked for (by scrolling or otherwise), whether or not it is on screen yet */
  imageIndex: number;
  /** the current image is on screen (pixels checked) */
  rendered: boolean;
  /** why the current image could not be shown, or null */
  error: string | null;
  voi: { lower: number; upper: number } | null;
}

export type ViewAction =
  | { type: 'stack-set'; count: number }
  | { type: 'image-requested'; index: number }
  | { type: 'image-rendered'; index: number }
  | { type: 'image-failed'; index: number; reason: string }
  | { type: 'voi'; range: { lower: number; upper: number } };

export const initialViewState: ViewState = {
  count: 0,
  imageIndex: 0,
  rendered: false,
  error: null,
  voi: null,
};

export function viewStateReducer(state: ViewState, action: ViewAction): ViewState {
  switch (action.type) {
    case 'stack-set':
      return { ...initialViewState, count: action.count };
    case 'image-requested':
      if (action.index === state.imageIndex && (state.rendered || state.error !== null)) {
        return state;
      }
      return { ...state, imageIndex: action.index, rendered: false, error: null };
    case 'image-rendered':
      // An image on its way out (the user has already scrolled on) does not count.
      if (action.index !== state.imageIndex) return state;
      if (state.rendered && state.error === null) return state;
      return { ...state, rendered: true, error: null };
    case 'image-failed':
      if (action.index !== state.imageIndex) return state;
      return { ...state, rendered: false, error: action.reason };
    case 'voi':
      if (
        state.voi &&
        state.voi.lower === action.range.lower &&
        state.voi.upper === action.range.upper
      ) {
        return state;
      }
      return { ...state, voi: { lower: action.range.lower, upper: action.range.upper } };
  }
}
