import { useEffect, useMemo, useRef, useState } from "react";
import {
  Background, Controls, MiniMap, ReactFlow, applyEdgeChanges, applyNodeChanges, useReactFlow,
  type Connection, type EdgeChange, type NodeChange,
} from "@xyflow/react";
import { ApiError, type Session } from "../api";
import { fromVersion, locate, type Definition, type DefinitionError, type Step } from "./definition";
import {
  addStep, connect, definitionToGraph, nodeSize, disconnect, graphToDefinition, relayout, removeSteps, renameStep, updateStep,
  type LinkEdge, type ProcedureGraph, type StepNode,
} from "./graph";
import { publish, saveDraft, validate, type Vocabulary } from "./definitionsApi";
import { diffDefinitions } from "./diff";
import { StepNodeView, type DrawnStep } from "./StepNodeView";
import { StepPanel } from "./StepPanel";
import { ProcedurePanel } from "./ProcedurePanel";
import { ChangeList, VersionHistory } from "./VersionHistory";
import { checkpoint, record, redo, replace, undo, type Undoable } from "./undo";
import { fieldLabel, kindLabel } from "../words";
import { problemText, type Editor, type Notice } from "./editor";

const nodeTypes = { step: StepNodeView };
/** What a palette chip carries while it is dragged onto the canvas. */
const stepKindType = "application/x-procedure-step-kind";
const withoutLayout = (d: Definition) => JSON.stringify({ ...d, layout: undefined });

/** One procedure on the canvas: edits, live validation, save, publish, history. */
export function ProcedureEditor({ session, region, editor, setEditor, vocabulary, procedures, setNotice, onStored }: {
  session: Session; region: string; editor: Editor; setEditor: (update: (e: Editor | null) => Editor | null) => void;
  vocabulary: Vocabulary; procedures: string[];
  setNotice: (n: Notice | null) => void;
  /** A draft was saved or a version published: the procedure list changes. */
  onStored: () => Promise<unknown>;
}) {
  const token = session.accessToken;
  const flow = useReactFlow();
  const [selected, setSelected] = useState<string | null>(null);
  const [errors, setErrors] = useState<DefinitionError[] | null>(null);
  const [dialog, setDialog] = useState<"publish" | "versions" | null>(null);
  const [busy, setBusy] = useState(false);
  const graph = editor.edits.present;
  const definition = useMemo(() => graphToDefinition(graph), [graph]);
  const content = useMemo(() => withoutLayout(definition), [definition]);
  const dirty = JSON.stringify(definition) !== editor.saved; // isDirty, from the definition already worked out above
  const history = (step: (edits: Undoable<ProcedureGraph>) => Undoable<ProcedureGraph>) =>
    setEditor(e => (e ? { ...e, edits: step(e.edits) } : e));
  /** An edit the admin can undo; `asEdit: false` for changes that are not edits of their own (sizes, a drag under way). */
  const setGraph = (change: (g: ProcedureGraph) => ProcedureGraph, asEdit = true) =>
    history(edits => (asEdit ? record : replace)(edits, change(edits.present)));

  // Ctrl+Z / Ctrl+Shift+Z (⌘ on a Mac) outside text fields, where the browser's own undo applies.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.key.toLowerCase() !== "z") return;
      if ((e.target as HTMLElement).closest("input, textarea, select")) return;
      e.preventDefault();
      setEditor(current => (current ? { ...current, edits: (e.shiftKey ? redo : undo)(current.edits) } : current));
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [setEditor]);

  // Live validation by the service's one validator, a moment after the admin stops typing.
  const latest = useRef(0);
  useEffect(() => {
    const ticket = ++latest.current;
    const timer = setTimeout(() => {
      validate(token, JSON.parse(content) as Definition)
        .then(report => { if (ticket === latest.current) setErrors(report.errors); })
        .catch(e => setNotice({ text: `校验失败：${problemText(e)}`, error: true }));
    }, 250);
    return () => clearTimeout(timer);
  }, [content, token, setNotice]);

  const errorsByStep = useMemo(() => {
    const map = new Map<string, DefinitionError[]>();
    for (const e of errors ?? []) {
      const { step, field } = locate(e.path);
      if (step) map.set(step, [...(map.get(step) ?? []), { path: field, message: e.message }]);
    }
    return map;
  }, [errors]);

  const drawn: DrawnStep[] = useMemo(() => graph.nodes.map(n => ({
    ...n, selected: n.id === selected,
    data: { ...n.data, errors: (errorsByStep.get(n.id) ?? []).map(e => (e.path ? `${fieldLabel(e.path)}：${e.message}` : e.message)), isStart: n.id === graph.head.start },
  })), [graph, selected, errorsByStep]);

  const onNodesChange = (changes: NodeChange<DrawnStep>[]) => {
    const removed = changes.flatMap(c => (c.type === "remove" ? [c.id] : []));
    if (removed.length) { setGraph(g => removeSteps(g, removed)); setSelected(null); }
    const moved = changes.some(c => c.type === "position" && c.dragging);
    const rest = changes.filter(c => c.type === "position" || c.type === "dimensions") as NodeChange<StepNode>[];
    if (rest.length) setGraph(g => ({ ...g, nodes: applyNodeChanges(rest, g.nodes), layoutKept: g.layoutKept || moved }), false);
  };
  const onEdgesChange = (changes: EdgeChange<LinkEdge>[]) => {
    const removed = changes.flatMap(c => (c.type === "remove" ? [c.id] : []));
    if (removed.length) setGraph(g => disconnect(g, removed));
    const rest = changes.filter(c => c.type === "select");
    if (rest.length) setGraph(g => ({ ...g, edges: applyEdgeChanges(rest, g.edges) }), false);
  };
  const onConnect = (c: Connection) => {
    if (c.source !== c.target) setGraph(g => connect(g, c.source, c.sourceHandle ?? "next", c.target));
  };

  const canvas = useRef<HTMLDivElement>(null);
  /** A long procedure opens readable: as wide as the canvas allows (never above life size, never below 0.6), from its
   * first step at the top; the outline, the minimap and scrolling reach the rest. */
  const fitToWidth = () => {
    const box = canvas.current?.getBoundingClientRect();
    const nodes = flow.getNodes();
    if (!box || nodes.length === 0) return;
    const bounds = flow.getNodesBounds(nodes);
    const zoom = Math.min(1, Math.max(0.6, (box.width - 48) / Math.max(bounds.width, 1)));
    const fits = bounds.height * zoom <= box.height - 48;
    void flow.setViewport({
      x: (box.width - bounds.width * zoom) / 2 - bounds.x * zoom,
      y: fits ? (box.height - bounds.height * zoom) / 2 - bounds.y * zoom : 24 - bounds.y * zoom,
      zoom,
    });
  };

  const select = (id: string) => {
    setSelected(id);
    const node = graph.nodes.find(n => n.id === id);
    if (node) void flow.setCenter(node.position.x + 120, node.position.y + 48, { zoom: Math.max(flow.getZoom(), 0.8), duration: 200 });
  };

  async function save(): Promise<boolean> {
    setBusy(true);
    try {
      const saved = await saveDraft(token, definition, editor.revision);
      setEditor(e => (e ? { ...e, revision: saved.revision, saved: JSON.stringify(definition), hasDraft: true, origin: `草稿（修订 ${saved.revision}）` } : e));
      setNotice({ text: `草稿已保存（修订 ${saved.revision}）${saved.valid ? "" : `，尚有 ${saved.errors.length} 个问题，不能发布`}` });
      void onStored();
      return true;
    } catch (e) {
      const conflict = e instanceof ApiError && e.status === 409;
      setNotice({ text: conflict ? `${problemText(e)} 您的修改尚未保存，可先“导出 JSON”留存。` : `保存失败：${problemText(e)}`, error: true, reload: conflict });
      return false;
    } finally { setBusy(false); }
  }

  async function confirmPublish() {
    setBusy(true);
    try {
      if ((dirty || !editor.hasDraft) && !(await save())) return;
      const { version } = await publish(token, editor.key, region);
      setDialog(null);
      setEditor(e => (e ? { ...e, revision: 0, hasDraft: false, published: definition, saved: JSON.stringify(definition), origin: `第 ${version} 版` } : e));
      setNotice({ text: `已发布第 ${version} 版。正在办理的案件仍按原版本办理，新受理的案件按第 ${version} 版办理。` });
      await onStored();
    } catch (e) {
      setNotice({ text: `发布失败：${problemText(e)}`, error: true, reload: e instanceof ApiError && e.status === 409 });
    } finally { setBusy(false); }
  }

  function exportJson() {
    const blob = new Blob([JSON.stringify(definition, null, 2)], { type: "application/json" });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = `${definition.key}${region ? `-${region}` : ""}.json`;
    link.click();
    URL.revokeObjectURL(link.href);
  }

  /** Adds a step of a kind where the admin dropped it (screen coordinates), selected for its properties. */
  function addAt(kind: string, screen: { x: number; y: number }) {
    const at = flow.screenToFlowPosition(screen);
    const position = { x: at.x - nodeSize.width / 2, y: at.y - nodeSize.height / 2 };
    const added = addStep(graph, kind, position);
    setGraph(() => added);
    setSelected(added.nodes[added.nodes.length - 1].id);
  }

  const step = selected ? graph.nodes.find(n => n.id === selected)?.data.step : undefined;
  const steps = graph.nodes.map(n => n.data.step);
  const valid = errors !== null && errors.length === 0;

  return (
    <div className="editor">
      <div className="toolbar" role="toolbar" aria-label="编辑">
        <span className="origin">{definition.name} · {editor.origin}{dirty ? " · 有未保存的修改" : ""}</span>
        <button onClick={() => setGraph(relayout)}>自动排版</button>
        <button onClick={() => history(undo)} disabled={editor.edits.past.length === 0} title="Ctrl+Z">撤销</button>
        <button onClick={() => history(redo)} disabled={editor.edits.future.length === 0} title="Ctrl+Shift+Z">重做</button>
        <button onClick={() => void save()} disabled={busy || !dirty}>保存草稿</button>
        <button className="primary" onClick={() => setDialog("publish")} disabled={busy || (!dirty && !editor.hasDraft)}>发布…</button>
        <button onClick={() => setDialog("versions")}>版本历史</button>
        <button onClick={exportJson}>导出 JSON</button>
      </div>
      <div className="palette" role="group" aria-label="添加步骤（拖到画布上，或点击添加到画面中央）">
        {vocabulary.kinds.map(kind => (
          <button key={kind} draggable className={`chip kind-${kind}`} title="拖到画布上放置"
                  onDragStart={e => { e.dataTransfer.setData(stepKindType, kind); e.dataTransfer.effectAllowed = "copy"; }}
                  onClick={() => addAt(kind, { x: window.innerWidth / 2, y: window.innerHeight / 2 })}>
            ＋ {kindLabel(kind)}
          </button>
        ))}
      </div>
      <Problems errors={errors} steps={steps} onSelect={select} />
      <div className="canvas" data-testid="canvas" ref={canvas}
           onDragOver={e => { if (e.dataTransfer.types.includes(stepKindType)) { e.preventDefault(); e.dataTransfer.dropEffect = "copy"; } }}
           onDrop={e => {
             const kind = e.dataTransfer.getData(stepKindType);
             if (!kind) return;
             e.preventDefault();
             addAt(kind, { x: e.clientX, y: e.clientY });
           }}>
        <ReactFlow<DrawnStep, LinkEdge>
          nodes={drawn} edges={graph.edges} nodeTypes={nodeTypes}
          onNodesChange={onNodesChange} onEdgesChange={onEdgesChange} onConnect={onConnect}
          onNodeClick={(_, node) => setSelected(node.id)} onPaneClick={() => setSelected(null)}
          onNodeDragStart={() => history(checkpoint)}
          deleteKeyCode={["Delete", "Backspace"]} minZoom={0.2}
          onInit={() => requestAnimationFrame(fitToWidth)}
          defaultEdgeOptions={{ type: "smoothstep" }}>
          <Background />
          <Controls showInteractive={false} />
          <MiniMap pannable zoomable />
        </ReactFlow>
      </div>
      <aside className="properties">
        <StepOutline steps={steps} start={graph.head.start} selected={selected} errors={errorsByStep} onSelect={select} />
        {step
          ? <StepPanel key={step.id} step={step} steps={steps} vocabulary={vocabulary} procedures={procedures}
                       parameters={graph.head.parameters ?? {}}
                       errors={errorsByStep.get(step.id) ?? []} isStart={graph.head.start === step.id}
                       onChange={s => setGraph(g => updateStep(g, s))}
                       onRename={id => { setGraph(g => renameStep(g, step.id, id)); setSelected(id); }}
                       onDelete={() => { setGraph(g => removeSteps(g, [step.id])); setSelected(null); }}
                       onMakeStart={() => setGraph(g => ({ ...g, head: { ...g.head, start: step.id } }))} />
          : <ProcedurePanel head={graph.head} steps={steps.map(s => ({ id: s.id, name: s.name }))} errors={errors ?? []}
                            onChange={head => setGraph(g => ({ ...g, head }))} />}
      </aside>
      {dialog === "publish" && (
        <div className="dialog" role="dialog" aria-label="确认发布">
          <h3>发布“{definition.name}”</h3>
          {!valid
            ? <p className="error" role="alert">校验未通过（{errors?.length ?? "…"} 个问题），不能发布。请先修正画布上标红的步骤。</p>
            : <>
              <p>发布后：新受理的案件按新版本办理；<strong>已在办理的案件仍按其开始时的版本办理</strong>；其他地区不受影响。</p>
              <h4>与本地区当前发布版本相比</h4>
              {editor.published ? <ChangeList changes={diffDefinitions(editor.published, definition)} /> : <p className="muted">本地区首次发布此流程。</p>}
            </>}
          <div className="actions">
            <button onClick={() => setDialog(null)}>取消</button>
            <button className="primary" disabled={!valid || busy} onClick={() => void confirmPublish()}>确认发布</button>
          </div>
        </div>
      )}
      {dialog === "versions" && (
        <VersionHistory token={token} procedure={editor.key} region={region} current={definition} onClose={() => setDialog(null)}
                        onOpen={(version, n) => {
                          setDialog(null);
                          setEditor(e => (e ? { ...e, edits: record(e.edits, definitionToGraph(fromVersion(version, region))), origin: `以第 ${n} 版为起点` } : e));
                        }} />
      )}
    </div>
  );
}

function Problems({ errors, steps, onSelect }: { errors: DefinitionError[] | null; steps: Step[]; onSelect: (id: string) => void }) {
  if (errors === null) return <div className="problems muted">校验中…</div>;
  if (errors.length === 0) return <div className="problems ok" data-testid="validation">✓ 校验通过，可以发布</div>;
  const name = (id: string) => steps.find(s => s.id === id)?.name ?? id;
  return (
    <details className="problems invalid" open data-testid="validation">
      <summary>校验未通过：{errors.length} 个问题</summary>
      <ul>
        {errors.map((e, i) => {
          const { step, field } = locate(e.path);
          return (
            <li key={i}>
              {step ? <button className="link" onClick={() => onSelect(step)}>「{name(step)}」</button> : null}
              {field ? `${fieldLabel(field)}：` : ""}{e.message}
            </li>
          );
        })}
      </ul>
    </details>
  );
}

function StepOutline({ steps, start, selected, errors, onSelect }: {
  steps: Step[]; start: string; selected: string | null; errors: Map<string, DefinitionError[]>; onSelect: (id: string) => void;
}) {
  return (
    <details className="outline">
      <summary>步骤一览（{steps.length}）</summary>
      <ol>
        {steps.map(s => (
          <li key={s.id}>
            <button className="link" aria-current={s.id === selected} onClick={() => onSelect(s.id)}>
              {s.name}{s.id === start ? "（起始）" : ""}{errors.has(s.id) ? " ⚠" : ""}
            </button>
          </li>
        ))}
      </ol>
    </details>
  );
}
