import { useEffect, useState, type FormEvent } from "react";
import { ApiError, request, type Session } from "./api";
import { CasePage } from "./CasePage";
import { ProblemView } from "./ProblemView";
import { regionPath, useRegions } from "./regions";
import { procedureLabel, statusLabel } from "./words";

interface CaseSummary {
  id: string; procedure: string; regionCode: string; status: string; step: string;
  applicant: { name: string; idNumber: string }; createdAt: string; amount?: number | null;
}

const procedures = ["dibao", "temporary-aid", "migrant-worker-aid", "tekun", "orphan-support", "emergency-aid", "epidemic-patient-aid"];
const statuses = ["open", "approved", "rejected", "withdrawn", "closed"];

/** 案件查询: the caller's cases by name or ID digits, procedure, status and region; a case opens on its own page. */
export function CasesPage({ session, onBack, openCase }: { session: Session; onBack: () => void; openCase?: string | null }) {
  const token = session.accessToken;
  const regions = useRegions(session);
  const [filter, setFilter] = useState({ q: "", procedure: "", status: "", regionCode: "" });
  const [result, setResult] = useState<{ items: CaseSummary[]; total: number } | null>(null);
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [selected, setSelected] = useState<string | null>(openCase ?? null);

  const search = async (e?: FormEvent) => {
    e?.preventDefault();
    setProblem(null);
    const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v.trim() !== ""));
    query.set("pageSize", "50");
    try { setResult(await request("GET", `/api/cases?${query}`, token)); }
    catch (err) { setProblem(err instanceof ApiError ? err : null); }
  };
  useEffect(() => { void search(); }, []); // eslint-disable-line react-hooks/exhaustive-deps

  if (selected) return <CasePage session={session} caseId={selected} onBack={() => { setSelected(null); void search(); }} />;
  const areas = [...regions.values()].filter(r => r.code.startsWith(session.user.regionCode) && r.code !== session.user.regionCode);
  return (
    <main className="page">
      <header className="page-header">
        <button onClick={onBack}>← 返回待办</button>
        <h1>案件查询</h1>
      </header>
      <form className="filters" onSubmit={search} role="search">
        <label>姓名或身份证号<input name="q" value={filter.q} onChange={e => setFilter({ ...filter, q: e.target.value })}
                               placeholder="如：王桂芳，或身份证后四位" /></label>
        <label>救助事项<select value={filter.procedure} onChange={e => setFilter({ ...filter, procedure: e.target.value })}>
          <option value="">全部</option>{procedures.map(p => <option key={p} value={p}>{procedureLabel(p)}</option>)}
        </select></label>
        <label>状态<select value={filter.status} onChange={e => setFilter({ ...filter, status: e.target.value })}>
          <option value="">全部</option>{statuses.map(s => <option key={s} value={s}>{statusLabel(s)}</option>)}
        </select></label>
        {areas.length > 0 && (
          <label>地区<select value={filter.regionCode} onChange={e => setFilter({ ...filter, regionCode: e.target.value })}>
            <option value="">全部</option>{areas.map(r => <option key={r.code} value={r.code}>{regionPath(regions, r.code, session.user.regionCode)}</option>)}
          </select></label>
        )}
        <button type="submit" className="primary">查询</button>
      </form>
      <ProblemView problem={problem} />
      {result && <p className="muted">共 {result.total} 件{result.total > result.items.length ? `，显示最近 ${result.items.length} 件` : ""}</p>}
      <table className="cases">
        <thead><tr><th scope="col">申请人</th><th scope="col">事项</th><th scope="col">地区</th><th scope="col">状态</th><th scope="col">受理日期</th></tr></thead>
        <tbody>
          {result?.items.map(c => (
            <tr key={c.id} data-testid="case-row">
              <td><button className="link" onClick={() => setSelected(c.id)}>{c.applicant.name}</button> <span className="muted">{c.applicant.idNumber}</span></td>
              <td>{procedureLabel(c.procedure)}</td>
              <td>{regionPath(regions, c.regionCode, session.user.regionCode)}</td>
              <td>{statusLabel(c.status)}</td>
              <td>{new Date(c.createdAt).toLocaleDateString("zh-CN", { timeZone: "Asia/Shanghai" })}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}
