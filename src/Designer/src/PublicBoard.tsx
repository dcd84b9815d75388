import { useEffect, useState, type FormEvent } from "react";
import { ApiError, request } from "./api";
import { ProblemView } from "./ProblemView";
import { procedureLabel } from "./words";

interface Notice {
  id: string; procedure: string; regionCode: string; regionName?: string | null; name: string; idNumber: string;
  amount?: number | null; from: string; until: string; openObjections: number;
}
const day = (at: string) => new Date(new Date(at).getTime() - 1).toLocaleDateString("zh-CN", { timeZone: "Asia/Shanghai" });

/** 公示栏: the notices running now, without login, names and ID numbers masked; anyone may object to one, anonymously. */
export function PublicBoard({ onLogin }: { onLogin: () => void }) {
  const [notices, setNotices] = useState<Notice[] | null>(null);
  const [region, setRegion] = useState("");
  const [objecting, setObjecting] = useState<string | null>(null);
  const [reason, setReason] = useState("");
  const [contact, setContact] = useState("");
  const [received, setReceived] = useState<string | null>(null);
  const [problem, setProblem] = useState<ApiError | null>(null);

  const load = () => { request<Notice[]>("GET", "/api/public/notices").then(setNotices).catch(setProblem); };
  useEffect(load, []);

  const object = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    try {
      await request("POST", `/api/public/notices/${objecting}/objections`, undefined, { reason, contact: contact.trim() || undefined });
      setReceived(objecting);
      setObjecting(null);
      setReason("");
      setContact("");
      load(); // the notice now says an objection is being verified
    } catch (err) { setProblem(err instanceof ApiError ? err : null); }
  };

  const places = [...new Map((notices ?? []).map(n => [n.regionCode, n.regionName ?? n.regionCode])).entries()];
  const shown = (notices ?? []).filter(n => !region || n.regionCode === region);
  return (
    <main className="page public-board">
      <header className="page-header">
        <h1>社会救助公示</h1>
        <button onClick={onLogin}>工作人员登录</button>
      </header>
      <p className="muted">以下为正在公示的救助对象。对公示对象有异议的，可在公示期内提出，乡镇（街道）将在 5 个工作日内核实。可不留姓名。</p>
      {places.length > 1 && (
        <label>地区<select value={region} onChange={e => setRegion(e.target.value)}>
          <option value="">全部</option>{places.map(([code, name]) => <option key={code} value={code}>{name}</option>)}
        </select></label>
      )}
      {received && <p className="notice-received" role="status">异议已收到，乡镇（街道）将在 5 个工作日内核实。</p>}
      {notices && shown.length === 0 && <p>当前没有正在公示的对象。</p>}
      <ul className="notices">
        {shown.map(n => (
          <li key={n.id} data-testid="notice">
            <p><strong>{n.name}</strong> <span className="muted">{n.idNumber}</span></p>
            <p>{procedureLabel(n.procedure)}{n.amount != null ? ` · ${n.amount} 元` : ""} · {n.regionName ?? n.regionCode}</p>
            <p className="muted">公示期：{day(n.from)} 至 {day(n.until)}{n.openObjections > 0 ? ` · 有 ${n.openObjections} 条异议正在核实` : ""}</p>
            {objecting !== n.id && <button onClick={() => { setObjecting(n.id); setReceived(null); }}>对 {n.name} 提出异议</button>}
            {objecting === n.id && (
              <form onSubmit={object} aria-label={`对 ${n.name} 的异议`}>
                <label>异议内容（必填）<textarea value={reason} onChange={e => setReason(e.target.value)} required maxLength={2000} /></label>
                <label>联系方式（选填，仅核实人员可见）<input value={contact} onChange={e => setContact(e.target.value)} autoComplete="tel" /></label>
                <button type="submit" className="primary" disabled={!reason.trim()}>提交异议</button>
                <button type="button" onClick={() => setObjecting(null)}>取消</button>
              </form>
            )}
          </li>
        ))}
      </ul>
      <ProblemView problem={problem} />
    </main>
  );
}
