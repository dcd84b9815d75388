// Undo and redo of the admin's edits: each edit keeps the graph before it; positions moved mid-drag are one edit.

export interface Undoable<T> { present: T; past: T[]; future: T[] }

const limit = 100;

export const undoable = <T,>(present: T): Undoable<T> => ({ present, past: [], future: [] });

/** An edit: the present moves to the past (at most the last hundred), and what was undone is forgotten. */
export function record<T>(state: Undoable<T>, next: T): Undoable<T> {
  if (next === state.present) return state;
  return { present: next, past: [...state.past.slice(-(limit - 1)), state.present], future: [] };
}

/** A change that is not an edit of its own (sizes measured, a drag in progress): no new step in the history. */
export const replace = <T,>(state: Undoable<T>, next: T): Undoable<T> => ({ ...state, present: next });

export function undo<T>(state: Undoable<T>): Undoable<T> {
  if (state.past.length === 0) return state;
  return { present: state.past[state.past.length - 1], past: state.past.slice(0, -1), future: [state.present, ...state.future] };
}

export function redo<T>(state: Undoable<T>): Undoable<T> {
  if (state.future.length === 0) return state;
  return { present: state.future[0], past: [...state.past, state.present], future: state.future.slice(1) };
}

/** Marks where an edit made of many small changes (a drag) begins, so one undo takes all of it back. */
export function checkpoint<T>(state: Undoable<T>): Undoable<T> {
  return { present: state.present, past: [...state.past.slice(-(limit - 1)), state.present], future: [] };
}
