// The state of one procedure being edited, shared by the page (which opens and switches procedures) and the editor.
import { ApiError } from "../api";
import { graphToDefinition, type ProcedureGraph } from "./graph";
import type { Definition } from "./definition";
import type { Undoable } from "./undo";
import { fieldLabel } from "../words";

export interface Editor {
  key: string;
  /** The graph being edited, with the edits before it (undo) and those undone (redo). */
  edits: Undoable<ProcedureGraph>;
  /** The draft revision this copy started from (0: there was no draft), sent as If-Match. */
  revision: number;
  /** The definition as last saved or loaded, to tell unsaved changes. */
  saved: string;
  hasDraft: boolean;
  /** This region's latest published version, to show what publishing would change. */
  published: Definition | null;
  origin: string;
}

export interface Notice { text: string; error?: boolean; reload?: boolean }

export const isDirty = (editor: Editor | null) => editor !== null && JSON.stringify(graphToDefinition(editor.edits.present)) !== editor.saved;
export const discardConfirmed = (editor: Editor | null) => !isDirty(editor) || window.confirm("当前流程有未保存的修改，确定放弃这些修改吗？");
/** A refusal in words: the service's detail and each field it names. */
export const problemText = (e: unknown) => (e instanceof ApiError
  ? [e.detail ?? e.title, ...Object.entries(e.errors).map(([f, m]) => `${fieldLabel(f)}：${m.join("；")}`)].join(" ")
  : String((e as Error)?.message ?? e));
