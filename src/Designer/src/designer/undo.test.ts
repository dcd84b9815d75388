import { describe, expect, it } from "vitest";
import { record, redo, replace, undo, undoable } from "./undo";

describe("undo and redo", () => {
  it("walks back and forth through the edits, and a new edit forgets what was undone", () => {
    let s = record(record(undoable("a"), "b"), "c");
    s = undo(s);
    expect(s.present).toBe("b");
    s = undo(s);
    expect(s.present).toBe("a");
    expect(undo(s)).toBe(s);
    s = redo(s);
    expect(s.present).toBe("b");
    s = record(s, "d");
    expect(s.future).toEqual([]);
    expect(redo(s)).toBe(s);
    expect(undo(s).present).toBe("b");
  });

  it("does not make a step of a change that is not an edit, nor of no change at all", () => {
    const s = replace(record(undoable(1), 2), 3);
    expect(s.past).toEqual([1]);
    expect(undo(s).present).toBe(1);
    expect(record(s, s.present)).toBe(s);
  });

  it("keeps the last hundred edits", () => {
    let s = undoable(0);
    for (let i = 1; i <= 150; i++) s = record(s, i);
    expect(s.past).toHaveLength(100);
    expect(s.past[0]).toBe(50);
  });
});
