import { useEffect, useState } from "react";
import type { Definition } from "./definition";
import { diffDefinitions, type Change } from "./diff";
import { listVersions, loadVersion, type VersionInfo } from "./definitionsApi";

const when = (iso: string) => new Date(iso).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai" });

export function ChangeList({ changes }: { changes: Change[] }) {
  if (changes.length === 0) return <p className="muted">没有变化。</p>;
  return (
    <ul className="changes" data-testid="changes">
      {changes.map((c, i) => <li key={i} className={c.kind}>{c.text}</li>)}
    </ul>
  );
}

/** The versions a region published, and what changed between any two of them (or the editor's copy). */
export function VersionHistory({ token, procedure, region, current, onOpen, onClose }: {
  token: string; procedure: string; region: string; current: Definition;
  onOpen: (definition: Definition, version: number) => void; onClose: () => void;
}) {
  const [versions, setVersions] = useState<VersionInfo[]>([]);
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | "editor">("editor");
  const [changes, setChanges] = useState<Change[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    listVersions(token, procedure, region).then(list => {
      setVersions(list);
      if (list.length) setFrom(list[list.length - 1].version);
    }, e => setError(String(e.message ?? e)));
  }, [token, procedure, region]);

  useEffect(() => {
    if (from === null) return;
    const load = (n: number) => loadVersion(token, procedure, region, n);
    Promise.all([load(from), to === "editor" ? Promise.resolve(current) : load(to)])
      .then(([a, b]) => setChanges(diffDefinitions(a, b)), e => setError(String(e.message ?? e)));
  }, [token, procedure, region, from, to, current]);

  return (
    <div className="dialog" role="dialog" aria-label="版本历史">
      <h3>版本历史</h3>
      {error && <p className="error" role="alert">{error}</p>}
      {versions.length === 0 && <p className="muted">本地区尚未发布过此流程。</p>}
      <table>
        <thead><tr><th>版本</th><th>发布时间</th><th>发布人</th><th /></tr></thead>
        <tbody>
          {versions.map(v => (
            <tr key={v.version}>
              <td>第 {v.version} 版</td><td>{when(v.publishedAt)}</td><td>{v.publishedBy}</td>
              <td><button onClick={async () => onOpen(await loadVersion(token, procedure, region, v.version), v.version)}>以此版本编辑</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      {versions.length > 0 && <>
        <div className="compare">
          <label>比较 <select aria-label="比较的旧版本" value={from ?? ""} onChange={e => setFrom(Number(e.target.value))}>
            {versions.map(v => <option key={v.version} value={v.version}>第 {v.version} 版</option>)}
          </select></label>
          <label>与 <select aria-label="比较的新版本" value={to} onChange={e => setTo(e.target.value === "editor" ? "editor" : Number(e.target.value))}>
            <option value="editor">正在编辑的版本</option>
            {versions.map(v => <option key={v.version} value={v.version}>第 {v.version} 版</option>)}
          </select></label>
        </div>
        {changes && <ChangeList changes={changes} />}
      </>}
      <div className="actions"><button onClick={onClose}>关闭</button></div>
    </div>
  );
}
