import { useEffect, useState } from "react";
import { ApiError, request, type Session } from "./api";
import { ProblemView } from "./ProblemView";
import { paymentStatusLabel, procedureLabel, runStatusLabel } from "./words";

interface Figures { count: number; total: number }
interface Run {
  id: string; regionCode: string; period: string; supplementary: boolean; status: string; count: number; total: number;
  createdBy: string; approvedBy?: string | null; paid: Figures; failed: Figures;
  byProcedure: { procedure: string; count: number; total: number }[]; withoutBankAccount?: number | null;
}
interface RunPayment { id: string; caseId: string; amount: number; status: string; payeeName: string; payeeIdNumber: string; bankAccount: string; failureReason?: string | null }
interface ReturnResult { rows: number; paid: number; failed: number; unmatched: number; mismatched: number; runStatus: string }
interface Fund { regionCode: string; balance: number; entries: { at: string; kind: string; amount: number; balanceAfter: number; by: string; note?: string | null }[] }

export const payrollRoles = ["finance-officer", "county-officer", "county-approver"];

const thisMonth = () => new Date().toLocaleDateString("sv-SE", { timeZone: "Asia/Shanghai" }).slice(0, 7);
const yuan = (n: number) => n.toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** Sends the bank's return with a progress bar: a county's file may be large. */
function upload(path: string, token: string, file: File, progress: (fraction: number) => void): Promise<ReturnResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", path);
    xhr.setRequestHeader("Authorization", `Bearer ${token}`);
    xhr.setRequestHeader("Content-Type", "text/csv");
    xhr.upload.onprogress = e => { if (e.lengthComputable) progress(e.loaded / e.total); };
    xhr.onload = () => {
      const json = xhr.responseText ? JSON.parse(xhr.responseText) : {};
      if (xhr.status >= 200 && xhr.status < 300) resolve(json as ReturnResult);
      else reject(new ApiError(xhr.status, json.title ?? xhr.statusText, json.detail, json.errors ?? {}));
    };
    xhr.onerror = () => reject(new ApiError(0, "无法连接服务", undefined, {}));
    xhr.send(file);
  });
}

/** 资金发放: a county's monthly runs, from drawing up to the bank's answer, and its townships' reserve funds. */
export function PayrollPage({ session, onBack }: { session: Session; onBack: () => void }) {
  const token = session.accessToken;
  const roles = session.user.roles;
  const [county, setCounty] = useState(session.user.regionCode.length === 6 ? session.user.regionCode : "");
  const [period, setPeriod] = useState(thisMonth);
  const [supplementary, setSupplementary] = useState(false);
  const [runs, setRuns] = useState<Run[]>([]);
  const [selected, setSelected] = useState<Run | null>(null);
  const [failed, setFailed] = useState<RunPayment[]>([]);
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [message, setMessage] = useState("");
  const [progress, setProgress] = useState<number | null>(null);

  const fail = (e: unknown) => setProblem(e instanceof ApiError ? e : new ApiError(0, "无法连接服务", undefined, {}));
  const load = async () => {
    if (county.length !== 6) return;
    const page = await request<{ items: Run[] }>("GET", `/api/payroll-runs?regionCode=${county}&pageSize=50`, token);
    setRuns(page.items);
  };
  useEffect(() => { load().catch(fail); }, [county, token]);

  const open = async (run: Run) => {
    setProblem(null);
    setSelected(await request<Run>("GET", `/api/payroll-runs/${run.id}`, token));
    setFailed((await request<{ items: RunPayment[] }>("GET", `/api/payroll-runs/${run.id}/payments?status=failed&pageSize=200`, token)).items);
  };

  /** Runs one action, then says what it did: the words it returns, or `done`. */
  const act = async (work: () => Promise<unknown>, done = "") => {
    setProblem(null); setMessage("");
    try {
      const said = await work();
      setMessage(typeof said === "string" ? said : done);
      await load();
      if (selected) await open(selected);
    } catch (e) { fail(e); }
  };

  const create = () => act(async () => {
    const answer = await request<Partial<Run> & { detail?: string }>("POST", "/api/payroll-runs", token, { regionCode: county, period, supplementary });
    // 202: every payment due waits for a bank account; there is no run to open.
    if (!answer.id) return answer.detail;
    await open(answer as Run);
  }, `已生成 ${period} ${supplementary ? "补发" : "常规"}批次，待他人审核`);

  const download = (run: Run, format: "csv" | "xlsx", encoding = "utf-8") => act(async () => {
    // A file, not JSON: fetched as bytes and handed to the browser to save.
    const response = await fetch(`/api/payroll-runs/${run.id}/bank-file?format=${format}&encoding=${encoding}`,
      { headers: { Authorization: `Bearer ${token}` } });
    if (!response.ok) {
      const json = await response.json().catch(() => ({}));
      throw new ApiError(response.status, json.title ?? response.statusText, json.detail, json.errors ?? {});
    }
    const name = /filename\*=UTF-8''([^;]+)/.exec(response.headers.get("Content-Disposition") ?? "")?.[1];
    const link = document.createElement("a");
    link.href = URL.createObjectURL(await response.blob());
    link.download = name ? decodeURIComponent(name) : `代发-${run.period}.${format}`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  }, "银行文件已下载：控制数与批次一致");

  const importReturn = (run: Run, file: File | undefined) => file && act(async () => {
    setProgress(0);
    try {
      const result = await upload(`/api/payroll-runs/${run.id}/bank-return`, token, file, setProgress);
      return `回盘已导入：成功 ${result.paid}，失败 ${result.failed}，未匹配 ${result.unmatched}，不一致 ${result.mismatched}`;
    } finally { setProgress(null); }
  });

  const mayCreate = roles.some(r => r === "finance-officer" || r === "county-officer");
  const mayApprove = (run: Run) => roles.includes("county-approver") && run.createdBy !== session.user.username && run.status === "draft";
  const isFinance = roles.includes("finance-officer");

  return (
    <div className="payroll">
      <header>
        <strong>资金发放</strong>
        <span className="muted">{session.user.displayName}</span>
        <button onClick={onBack}>返回</button>
      </header>
      <main>
        <section aria-label="发放批次">
          <label>县（市、区）区划代码<input value={county} onChange={e => setCounty(e.target.value.trim())} /></label>
          {mayCreate && (
            <div className="create">
              <label>发放月份<input type="month" value={period} onChange={e => setPeriod(e.target.value)} aria-label="发放月份" /></label>
              <label className="inline"><input type="checkbox" checked={supplementary} onChange={e => setSupplementary(e.target.checked)} />补发（更正账户后的失败付款）</label>
              <button className="primary" onClick={() => void create()}>生成批次</button>
            </div>
          )}
          <table>
            <thead><tr><th>月份</th><th>类型</th><th>状态</th><th>笔数</th><th>金额（元）</th><th>已到账</th><th>失败</th><th>制表</th><th>审核</th></tr></thead>
            <tbody>
              {runs.map(r => (
                <tr key={r.id} data-testid="run" className={selected?.id === r.id ? "selected" : ""} onClick={() => void open(r).catch(fail)}>
                  <td>{r.period}</td><td>{r.supplementary ? "补发" : "常规"}</td><td>{runStatusLabel(r.status)}</td>
                  <td>{r.count}</td><td>{yuan(r.total)}</td><td>{r.paid.count}</td><td>{r.failed.count}</td>
                  <td>{r.createdBy}</td><td>{r.approvedBy ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        {selected && (
          <section aria-label="批次详情" data-testid="run-detail">
            <h3>{selected.period} {selected.supplementary ? "补发" : "常规"}批次 · {runStatusLabel(selected.status)}</h3>
            <p>合计 {selected.count} 笔 {yuan(selected.total)} 元：
              {selected.byProcedure.map(p => `${procedureLabel(p.procedure)} ${p.count} 笔 ${yuan(p.total)} 元`).join("；")}</p>
            <div className="actions">
              {mayApprove(selected) && <button className="primary" onClick={() => void act(() => request("POST", `/api/payroll-runs/${selected.id}/approve`, token), "已审核通过")}>审核通过</button>}
              {isFinance && selected.status !== "draft" && (
                <>
                  <button onClick={() => void download(selected, "csv")}>下载银行文件（CSV）</button>
                  <button onClick={() => void download(selected, "csv", "gbk")}>下载（CSV，GBK 编码）</button>
                  <button onClick={() => void download(selected, "xlsx")}>下载（xlsx）</button>
                </>
              )}
              {isFinance && (selected.status === "sent" || selected.status === "reconciled") && (
                <label>导入银行回盘文件<input type="file" accept=".csv,text/csv" aria-label="银行回盘文件"
                  onChange={e => void importReturn(selected, e.target.files?.[0])} /></label>
              )}
            </div>
            {progress !== null && <progress value={progress} max={1} aria-label="上传进度" />}
            {failed.length > 0 && (
              <>
                <h4>发放失败（已通知村/社区更正账户，更正后可发起补发）</h4>
                <table>
                  <thead><tr><th>姓名</th><th>身份证号</th><th>账号</th><th>金额</th><th>原因</th></tr></thead>
                  <tbody>{failed.map(p => (
                    <tr key={p.id} data-testid="failed-payment"><td>{p.payeeName}</td><td>{p.payeeIdNumber}</td><td>{p.bankAccount}</td>
                      <td>{yuan(p.amount)}</td><td>{p.failureReason} · {paymentStatusLabel(p.status)}</td></tr>
                  ))}</tbody>
                </table>
              </>
            )}
          </section>
        )}
        {message && <p role="status">{message}</p>}
        <ProblemView problem={problem} />
        <ReserveFundPanel session={session} county={county} />
      </main>
    </div>
  );
}

/** A township's reserve fund: its balance, its ledger line by line, and the county's allocations. */
function ReserveFundPanel({ session, county }: { session: Session; county: string }) {
  const token = session.accessToken;
  const [township, setTownship] = useState(session.user.regionCode.length === 9 ? session.user.regionCode : county);
  const [fund, setFund] = useState<Fund | null>(null);
  const [amount, setAmount] = useState("");
  const [note, setNote] = useState("");
  const [problem, setProblem] = useState<ApiError | null>(null);
  const keeps = session.user.roles.some(r => r === "finance-officer" || r === "county-officer");

  const show = async () => {
    setProblem(null);
    try { setFund(await request<Fund>("GET", `/api/reserve-funds/${township}`, token)); }
    catch (e) { setProblem(e instanceof ApiError ? e : new ApiError(0, "无法连接服务", undefined, {})); }
  };
  const allocate = async () => {
    setProblem(null);
    try {
      setFund(await request<Fund>("POST", `/api/reserve-funds/${township}/allocations`, token,
        { amount: amount === "" ? null : Number(amount), note: note || undefined }));
      setAmount(""); setNote("");
    } catch (e) { setProblem(e instanceof ApiError ? e : new ApiError(0, "无法连接服务", undefined, {})); }
  };
  const kinds: Record<string, string> = { allocation: "拨付", payment: "先行救助支出", return: "收回" };

  return (
    <section aria-label="临时救助备用金">
      <h3>临时救助备用金</h3>
      <label>乡镇（街道）区划代码<input value={township} onChange={e => setTownship(e.target.value.trim())} /></label>
      <button onClick={() => void show()}>查询</button>
      {fund && (
        <>
          <p data-testid="fund-balance">余额 {yuan(fund.balance)} 元</p>
          {keeps && (
            <div className="create">
              <label>拨付金额（元）<input inputMode="decimal" value={amount} onChange={e => setAmount(e.target.value)} /></label>
              <label>说明<input value={note} onChange={e => setNote(e.target.value)} /></label>
              <button className="primary" onClick={() => void allocate()}>拨付</button>
            </div>
          )}
          <table>
            <thead><tr><th>时间</th><th>类型</th><th>金额</th><th>余额</th><th>经办</th><th>说明</th></tr></thead>
            <tbody>{fund.entries.map((e, i) => (
              <tr key={i}><td>{new Date(e.at).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai" })}</td><td>{kinds[e.kind] ?? e.kind}</td>
                <td>{yuan(e.amount)}</td><td>{yuan(e.balanceAfter)}</td><td>{e.by}</td><td>{e.note ?? ""}</td></tr>
            ))}</tbody>
          </table>
        </>
      )}
      <ProblemView problem={problem} />
    </section>
  );
}
