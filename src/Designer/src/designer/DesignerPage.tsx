import { useCallback, useEffect, useMemo, useState } from "react";
import { ReactFlowProvider } from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { request, type Session } from "../api";
import { fromVersion, type Definition } from "./definition";
import { definitionToGraph } from "./graph";
import {
  importDefinition, listDefinitions, listVersions, loadDraft, loadVersion, vocabulary as loadVocabulary,
  type DefinitionSummary, type Vocabulary,
} from "./definitionsApi";
import { undoable } from "./undo";
import { procedureLabel } from "../words";
import { discardConfirmed, isDirty, problemText, type Editor, type Notice } from "./editor";
import { ProcedureEditor } from "./ProcedureEditor";

/** The designer: a province's procedures, each drawn as a graph, edited, validated live, versioned and published. */
export default function DesignerPage({ session, onWorkbench, onLogout, onCalendars }: {
  session: Session; onWorkbench: () => void; onLogout: () => void; onCalendars?: () => void;
}) {
  const isSystemAdmin = session.user.roles.includes("system-admin");
  const [region, setRegion] = useState(isSystemAdmin ? "" : session.user.regionCode);
  const [summaries, setSummaries] = useState<DefinitionSummary[]>([]);
  const [vocabulary, setVocabulary] = useState<Vocabulary | null>(null);
  const [editor, setEditor] = useState<Editor | null>(null);
  const [choosing, setChoosing] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const token = session.accessToken;

  const refresh = useCallback(() => listDefinitions(token)
    .then(async list => { await loadRegionNames(token, [region, ...list.map(s => s.regionCode)]); setSummaries(list); })
    .catch(e => setNotice({ text: problemText(e), error: true })), [token, region]);
  useEffect(() => { void refresh(); loadVocabulary(token).then(setVocabulary); }, [token, refresh]);

  const keys = useMemo(() => [...new Set(summaries.map(s => s.key))].sort(), [summaries]);

  // Leaving the page with unsaved changes asks first, as closing an unsaved document does.
  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => { if (isDirty(editor)) e.preventDefault(); };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [editor]);

  async function open(key: string) {
    setNotice(null);
    setChoosing(null);
    const versions = await listVersions(token, key, region);
    const published = versions.length ? fromVersion(await loadVersion(token, key, region, versions.at(-1)!.version), region) : null;
    const draft = await loadDraft(token, key, region);
    if (draft) {
      start(key, draft.definition, { revision: draft.revision, hasDraft: true, published, origin: `草稿（修订 ${draft.revision}）` });
    } else if (published) {
      start(key, published, { revision: 0, hasDraft: false, published, origin: `第 ${versions.at(-1)!.version} 版` });
    } else {
      setEditor(null);
      setChoosing(key);
    }
  }

  function start(key: string, definition: Definition, rest: Omit<Editor, "key" | "edits" | "saved">, dirty = false) {
    setEditor({ key, edits: undoable(definitionToGraph(definition)), saved: dirty ? "" : JSON.stringify(definition), ...rest });
  }

  /** Starts this region's procedure from another region's version (the country default or another province). */
  async function startFrom(source: DefinitionSummary) {
    const version = await loadVersion(token, source.key, source.regionCode, source.publishedVersion!);
    const definition = fromVersion(version, region);
    setChoosing(null);
    start(source.key, definition, { revision: 0, hasDraft: false, published: null, origin: `以 ${regionName(source.regionCode)} 第 ${source.publishedVersion} 版为起点` }, true);
  }

  async function importFile(file: File) {
    const text = await file.text();
    const key = keyOf(text);
    const draft = summaries.find(s => s.key === key && s.regionCode === region)?.draft;
    if (draft && !window.confirm(`导入将替换${regionName(region)}“${key}”的草稿（${draft.updatedBy} 保存的修订 ${draft.revision}），确定吗？`)) return;
    if (!discardConfirmed(editor)) return;
    try {
      const saved = await importDefinition(token, region, text);
      await refresh();
      await open(saved.key);
      setNotice({ text: `已导入为草稿（修订 ${saved.revision}）${saved.valid ? "" : "，尚有问题需修正"}` });
    } catch (e) {
      setNotice({ text: `导入失败：${problemText(e)}`, error: true });
    }
  }

  return (
    <div className="designer">
      <header>
        <strong>流程设计</strong>
        <span className="muted">{session.user.displayName} · {regionName(region)}</span>
        {isSystemAdmin && (
          <label className="inline">地区代码 <input value={region} size={12} onChange={e => { setRegion(e.target.value); setEditor(null); }} /></label>
        )}
        <button onClick={() => discardConfirmed(editor) && onWorkbench()}>工作台</button>
        {onCalendars && <button onClick={() => discardConfirmed(editor) && onCalendars()}>节假日</button>}
        <button onClick={() => discardConfirmed(editor) && onLogout()}>退出</button>
      </header>
      <nav className="procedures" aria-label="流程列表">
        <h3>本地区流程</h3>
        <ul>
          {keys.map(key => {
            const own = summaries.find(s => s.key === key && s.regionCode === region);
            const name = own?.name ?? summaries.find(s => s.key === key && s.regionCode === "")?.name
              ?? summaries.find(s => s.key === key)?.name ?? procedureLabel(key);
            return (
              <li key={key}>
                <button aria-pressed={editor?.key === key} onClick={() => { if (discardConfirmed(editor)) void open(key); }}>
                  {name}
                  <small className="muted">{own?.publishedVersion ? ` 第 ${own.publishedVersion} 版` : " 未发布本地版本"}{own?.draft ? " · 有草稿" : ""}</small>
                </button>
              </li>
            );
          })}
        </ul>
        <label className="import">导入 JSON
          <input type="file" accept="application/json,.json" aria-label="导入流程定义文件"
                 onChange={e => { const f = e.target.files?.[0]; e.target.value = ""; if (f) void importFile(f); }} />
        </label>
      </nav>
      <main>
        {notice && (
          <div className={notice.error ? "banner error" : "banner"} role={notice.error ? "alert" : "status"}>
            {notice.text}
            {notice.reload && editor && <button onClick={() => void open(editor.key)}>重新加载（放弃我的修改）</button>}
            <button aria-label="关闭提示" onClick={() => setNotice(null)}>×</button>
          </div>
        )}
        {choosing && (
          <StartChooser procedure={choosing} region={region} sources={summaries.filter(s => s.key === choosing && s.publishedVersion && s.regionCode !== region)}
                        onChoose={s => void startFrom(s)} />
        )}
        {editor && vocabulary && (
          <ReactFlowProvider>
            <ProcedureEditor key={`${editor.key}:${region}`} session={session} region={region} editor={editor} setEditor={setEditor}
                             vocabulary={vocabulary} procedures={keys} setNotice={setNotice} onStored={refresh} />
          </ReactFlowProvider>
        )}
        {!editor && !choosing && <p className="muted empty">从左侧选择一个流程。</p>}
      </main>
    </div>
  );
}
/** The procedure key a file names, if it is JSON at all; the service gives the reason when it is not. */
function keyOf(text: string): string | null {
  try { return (JSON.parse(text) as { key?: unknown }).key as string ?? null; } catch { return null; }
}

// Region names come from the service's regions (GET /api/admin/regions/{code}); a code it does not know shows as itself.
const regionNames = new Map<string, string>([["", "全国"]]);
const regionName = (code: string) => regionNames.get(code) ?? code;

async function loadRegionNames(token: string, codes: string[]) {
  await Promise.all(codes.filter(c => !regionNames.has(c)).map(async code => {
    try { regionNames.set(code, (await request<{ name: string }>("GET", `/api/admin/regions/${code}`, token)).name); }
    catch { regionNames.set(code, code); }
  }));
}

function StartChooser({ procedure, region, sources, onChoose }: {
  procedure: string; region: string; sources: DefinitionSummary[]; onChoose: (source: DefinitionSummary) => void;
}) {
  return (
    <section className="chooser" aria-label="选择起点">
      <h3>{regionName(region)}尚无“{procedureLabel(procedure)}”的本地版本</h3>
      <p>选择一个已发布的版本作为起点，修改后发布为本地区版本：</p>
      <ul>
        {sources.map(s => (
          <li key={s.regionCode}>
            <button onClick={() => onChoose(s)}>以 {regionName(s.regionCode)} 第 {s.publishedVersion} 版为起点</button>
            <span className="muted"> {s.name}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
