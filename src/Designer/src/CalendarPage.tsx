import { useEffect, useState } from "react";
import { ApiError, request, type Session } from "./api";

interface YearSummary { year: number; holidays: number; holidayDays: number; workdays: number; source: string; updatedAt: string; updatedBy: string }
/** The years held, and how far they reach from today as /health/ready reports it (the one place that computes it). */
interface Calendars { years: YearSummary[]; heldThrough?: string | null; daysLeft?: number | null }
interface Ready { calendar: { heldThrough: string | null; daysLeft: number | null } }
interface YearDocument { holidays: [string, string, string][]; workdays: string[] }

const example = `{
  "holidays": [["2027-01-01", "2027-01-03", "元旦"]],
  "workdays": []
}`;

/** Which years a pasted or uploaded text holds: one year's {holidays, workdays}, or a whole file {years:{"2027":{…}}}. */
export function yearsOf(text: string, year: number): [number, YearDocument][] {
  const parsed = JSON.parse(text);
  if (parsed && typeof parsed === "object" && parsed.years && typeof parsed.years === "object")
    return Object.entries(parsed.years as Record<string, YearDocument>).map(([y, doc]) => [Number(y), doc]);
  return [[year, parsed as YearDocument]];
}

/** 节假日: the years of the State Council's holiday notice the service holds, and a way for a system admin to put the next. */
export function CalendarPage({ session, onBack }: { session: Session; onBack: () => void }) {
  const [calendars, setCalendars] = useState<Calendars | null>(null);
  const [year, setYear] = useState(() => new Date().getFullYear() + 1);
  const [text, setText] = useState(example);
  const [message, setMessage] = useState("");
  const [errors, setErrors] = useState<[string, string[]][]>([]);
  const token = session.accessToken;

  const load = async () => {
    const [years, ready] = await Promise.all([
      request<YearSummary[]>("GET", "/api/admin/calendars", token),
      request<Ready>("GET", "/health/ready"),
    ]);
    setCalendars({ years, ...ready.calendar });
  };
  useEffect(() => { void load(); }, [token]);

  const show = async (y: number) => {
    setYear(y);
    setText(JSON.stringify(await request<YearDocument>("GET", `/api/admin/calendars/${y}`, token), null, 2));
    setMessage(""); setErrors([]);
  };

  const upload = async (file: File | undefined) => { if (file) setText(await file.text()); };

  const save = async () => {
    setMessage(""); setErrors([]);
    let years: [number, YearDocument][];
    try { years = yearsOf(text, year); }
    catch { setErrors([["$", ["不是有效的 JSON (not valid JSON)"]]]); return; }
    const done: string[] = [];
    for (const [y, doc] of years) {
      try {
        const put = await request<{ year: number; recomputed: number }>("PUT", `/api/admin/calendars/${y}`, token, doc);
        done.push(`${put.year} 年已保存，重算 ${put.recomputed} 个暂定时限`);
      } catch (e) {
        if (e instanceof ApiError) setErrors(Object.entries(e.errors).map(([f, m]) => [`${y}: ${f}`, m]));
        setMessage([...done, `${y} 年未保存：${e instanceof Error ? e.message : String(e)}`].join("；"));
        await load();
        return;
      }
    }
    setMessage(done.join("；"));
    await load();
  };

  const low = calendars?.daysLeft == null || calendars.daysLeft < 60;
  return (
    <div className="calendars">
      <header>
        <strong>节假日安排</strong>
        <span className="muted">{session.user.displayName}</span>
        <button onClick={onBack}>返回</button>
      </header>
      <main>
        {calendars && (
          <p className={low ? "overdue-text" : "muted"} data-testid="horizon">
            {calendars.heldThrough
              ? `已导入至 ${calendars.heldThrough}（剩 ${calendars.daysLeft} 天）`
              : "尚无今年的放假安排"}
            {low && "：请导入下一年度国务院办公厅放假通知，此前跨年时限按周一至周五暂定计算"}
          </p>
        )}
        <table>
          <thead><tr><th>年度</th><th>节假日</th><th>放假天数</th><th>调休上班</th><th>来源</th><th>更新</th><th /></tr></thead>
          <tbody>
            {calendars?.years.map(y => (
              <tr key={y.year} data-testid="calendar-year">
                <td>{y.year}</td><td>{y.holidays}</td><td>{y.holidayDays}</td><td>{y.workdays}</td>
                <td>{y.source === "admin" ? "管理员导入" : "随系统发布"}</td>
                <td>{new Date(y.updatedAt).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai" })} · {y.updatedBy}</td>
                <td><button className="link" onClick={() => void show(y.year)}>查看</button></td>
              </tr>
            ))}
          </tbody>
        </table>
        <h3>导入或修改一年</h3>
        <label>年度 <input type="number" value={year} min={2000} max={2099} onChange={e => setYear(Number(e.target.value))} /></label>
        <label>上传文件（本年格式，或 cn-holidays.json 整个文件）
          <input type="file" accept=".json,application/json" onChange={e => void upload(e.target.files?.[0])} />
        </label>
        <label>或粘贴：节假日为 [起, 止, 名称]，调休上班日为周六或周日
          <textarea rows={12} value={text} onChange={e => setText(e.target.value)} spellCheck={false} aria-label="放假安排" />
        </label>
        <button className="primary" onClick={() => void save()}>保存</button>
        {message && <p role="status">{message}</p>}
        {errors.length > 0 && (
          <ul className="errors" role="alert">
            {errors.map(([field, messages]) => <li key={field}><code>{field}</code>：{messages.join("；")}</li>)}
          </ul>
        )}
      </main>
    </div>
  );
}
