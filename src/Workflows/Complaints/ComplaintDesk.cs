using Microsoft.EntityFrameworkCore;
using Workflows.Access;
using Workflows.Calendar;
using Workflows.Cases;
using Workflows.Persistence;
using Workflows.Regions;
using Workflows.Runtime;
using TaskStatus = Workflows.Tasks.TaskStatus;

namespace Workflows.Complaints;

public sealed record Complainant(string? Name, string? Phone);

public sealed record ComplaintIntake(string? RegionCode, string? Subject, string? Content, Complainant? Complainant, Guid? CaseId);

/// <summary>
/// 信访 (API.md, Other case actions; 004 §五(五) "专人负责、限时办结、及时回复"). Taken in by any official (the hotline) for a
/// region they cover; owned by a named official by rule — the one working the case now (who claimed its open task, else
/// the first active official holding that task's role where it lies), or, with no case, the township officer of the
/// region; answered within <see cref="WorkingDaysIn"/> working days, else it goes to the county officer, with as long again.
/// </summary>
public sealed class ComplaintDesk(WorkflowDb db, WorkingDayCalendar calendar, TimeProvider clock, ComplaintLimits limits)
{
    public const int MaxSubjectLength = 200;
    public const int MaxContentLength = 5000;

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public int WorkingDaysIn(string regionCode) => limits.WorkingDaysIn(RegionCode.ProvinceOf(regionCode));

    public async Task<ComplaintRecord> TakeInAsync(ComplaintIntake intake, Actor actor, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        var region = intake.RegionCode ?? "";
        if (!RegionCode.IsWellFormed(region) || region.Length < 6) errors.Add("regionCode", "应为县级或以下区划代码 (a county, township or village code)");
        if (string.IsNullOrWhiteSpace(intake.Subject)) errors.Add("subject", "必填：信访事由 (required: what the complaint is about)");
        else if (intake.Subject.Length > MaxSubjectLength) errors.Add("subject", $"最多 {MaxSubjectLength} 个字符 (at most {MaxSubjectLength} characters)");
        if (string.IsNullOrWhiteSpace(intake.Content)) errors.Add("content", "必填：信访内容 (required: what the complainant said)");
        else if (intake.Content.Length > MaxContentLength) errors.Add("content", $"最多 {MaxContentLength} 个字符 (at most {MaxContentLength} characters)");
        if (string.IsNullOrWhiteSpace(intake.Complainant?.Name)) errors.Add("complainant.name", "必填：信访人姓名 (required: the complainant's name)");
        else if (intake.Complainant.Name.Length > 50) errors.Add("complainant.name", "最多 50 个字符 (at most 50 characters)");
        if (intake.Complainant?.Phone is { Length: > 30 }) errors.Add("complainant.phone", "最多 30 个字符 (at most 30 characters)");
        errors.ThrowIfAny();
        if (!MayHandle(actor))
            throw new ForbiddenProblem("只有受理或经办人员可以登记信访 (only intake and case officials take in complaints).");
        if (!actor.Covers(region)) throw new ForbiddenProblem($"区划 {region} 不在您的辖区内 (region {region} is outside your jurisdiction).");
        CaseRecord? ofCase = null;
        if (intake.CaseId is { } caseId)
        {
            ofCase = await db.Cases.AsNoTracking().FirstOrDefaultAsync(c => c.Id == caseId, ct);
            if (ofCase is null || !actor.Covers(ofCase.RegionCode) || !ofCase.RegionCode.StartsWith(region[..6], StringComparison.Ordinal))
                throw new InvalidInput("caseId", $"您的辖区内没有案件 {caseId} (no such case in your jurisdiction and the region's county)");
        }
        var owner = (ofCase is null ? null : await CurrentOwnerAsync(ofCase, ct))
                    ?? await ResponsibleAsync(region, RegionLevel.Township, Roles.TownshipOfficer, ct)
                    ?? await ResponsibleAsync(region, RegionLevel.County, Roles.CountyOfficer, ct)
                    ?? throw new InvalidInput("regionCode", $"区划 {region} 没有负责的工作人员 (no official is responsible for this region)");
        var (due, provisional) = calendar.DueAt(Now, WorkingDaysIn(region));
        var complaint = new ComplaintRecord
        {
            Id = Guid.CreateVersion7(), RegionCode = region, Subject = intake.Subject!.Trim(), Content = intake.Content!.Trim(),
            ComplainantName = intake.Complainant!.Name!.Trim(), ComplainantPhone = intake.Complainant.Phone?.Trim(),
            CaseId = ofCase?.Id, Owner = owner, DueAt = due, DueAtProvisional = provisional, CreatedBy = actor.Username, CreatedAt = Now,
        };
        db.Complaints.Add(complaint);
        await db.SaveChangesAsync(ct);
        return complaint;
    }

    public async Task<ComplaintRecord> ReplyAsync(Guid id, string? reply, Actor actor, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(reply)) throw new InvalidInput("reply", "必填：答复内容 (required: the reply)");
        if (reply.Length > MaxContentLength) throw new InvalidInput("reply", $"最多 {MaxContentLength} 个字符 (at most {MaxContentLength} characters)");
        var complaint = await VisibleAsync(id, actor, ct);
        if (complaint.Owner != actor.Username)
            throw new ForbiddenProblem($"只有责任人 {complaint.Owner} 可以答复 (only the owner, {complaint.Owner}, replies).");
        if (complaint.Status != ComplaintStatus.Open) throw new ConflictProblem("该信访已答复 (already replied).");
        (complaint.Status, complaint.Reply, complaint.RepliedAt, complaint.RepliedBy) = (ComplaintStatus.Replied, reply.Trim(), Now, actor.Username);
        complaint.Version++;
        await SaveAsync(ct);
        return complaint;
    }

    /// <summary>Every open complaint past its limit and not yet with the county goes to the county officer, with a new
    /// limit of as many working days. Returns how many went up.</summary>
    public async Task<int> EscalateOverdueAsync(CancellationToken ct = default)
    {
        var now = Now;
        var overdue = await db.Complaints.Where(c => c.Status == ComplaintStatus.Open && !c.Escalated && c.DueAt <= now)
            .OrderBy(c => c.DueAt).Take(500).ToListAsync(ct);
        var escalated = 0;
        foreach (var complaint in overdue)
        {
            var county = await ResponsibleAsync(complaint.RegionCode, RegionLevel.County, Roles.CountyOfficer, ct);
            // Nobody above to take it, or the county officer owns it already: it stays overdue with its owner, shown so,
            // and marked so that it is not looked at again every round.
            if (county is null || county == complaint.Owner)
            {
                (complaint.Escalated, complaint.EscalatedAt) = (true, now);
                complaint.Version++;
                continue;
            }
            (complaint.EscalatedFrom, complaint.Owner, complaint.Escalated, complaint.EscalatedAt) = (complaint.Owner, county, true, now);
            (complaint.DueAt, complaint.DueAtProvisional) = calendar.DueAt(now, WorkingDaysIn(complaint.RegionCode));
            complaint.Version++;
            escalated++;
        }
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateConcurrencyException) { return 0; } // another host took this round, or its owner replied meanwhile
        return escalated;
    }

    /// <summary>Complaints are for those who take in applications and work cases, not committee members or finance.</summary>
    public static bool MayHandle(Actor actor) => Roles.CaseIntake.Any(actor.Has);

    public async Task<ComplaintRecord> VisibleAsync(Guid id, Actor actor, CancellationToken ct)
    {
        var complaint = await db.Complaints.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (complaint is null || !(complaint.Owner == actor.Username || actor.Covers(complaint.RegionCode) && MayHandle(actor)))
            throw new NotFoundProblem($"No complaint {id} in your jurisdiction.");
        return complaint;
    }

    private async Task SaveAsync(CancellationToken ct)
    {
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConflictProblem("信访已被同时修改，请刷新后重试 (the complaint changed concurrently; reload and retry).", concurrent: true);
        }
    }

    /// <summary>The official working the case now: who claimed its open task, else the first active holder of that
    /// task's role at the task's region.</summary>
    private async Task<string?> CurrentOwnerAsync(CaseRecord ofCase, CancellationToken ct)
    {
        var task = await db.Tasks.AsNoTracking().Where(t => t.CaseId == ofCase.Id && t.Status == TaskStatus.Open)
            .OrderBy(t => t.CreatedAt).FirstOrDefaultAsync(ct);
        if (task is null) return null;
        return task.ClaimedBy ?? await FirstHolderAsync(task.RegionCode, task.Role, ct);
    }

    private async Task<string?> ResponsibleAsync(string region, RegionLevel level, string role, CancellationToken ct) =>
        RegionCode.LevelOf(region) < level ? null : await FirstHolderAsync(RegionCode.AtLevel(region, level), role, ct);

    private async Task<string?> FirstHolderAsync(string region, string role, CancellationToken ct)
    {
        var candidates = await db.Users.AsNoTracking().Where(u => u.RegionCode == region && !u.Disabled && u.Roles.Contains(role))
            .OrderBy(u => u.Id).Select(u => new { u.Username, u.Roles }).ToListAsync(ct);
        return candidates.FirstOrDefault(u => u.Roles.Split(',').Contains(role))?.Username;
    }
}

/// <summary>The time limit of a complaint in working days, per province (<c>Complaints:WorkingDays</c>, 15; a province's own
/// as <c>Complaints:WorkingDays:{code}</c>).</summary>
public sealed record ComplaintLimits(int Default, IReadOnlyDictionary<string, int> PerProvince)
{
    public int Default { get; } = Default is >= 1 and <= 60 ? Default
        : throw new InvalidOperationException($"Complaints:WorkingDays must be 1 to 60, not {Default}.");
    public IReadOnlyDictionary<string, int> PerProvince { get; } = PerProvince.FirstOrDefault(p => p.Value is < 1 or > 60) is { Key: { } bad }
        ? throw new InvalidOperationException($"Complaints:WorkingDays:{bad} must be 1 to 60, not {PerProvince[bad]}.") : PerProvince;

    public int WorkingDaysIn(string province) => PerProvince.GetValueOrDefault(province, Default);
}
