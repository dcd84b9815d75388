using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Workflows.Access;
using Workflows.Calendar;
using Workflows.Cases;
using Workflows.DataComparison;
using Workflows.Regions;
using Workflows.Tasks;
using TaskStatus = Workflows.Tasks.TaskStatus;

namespace Workflows.Runtime;

/// <summary>The county's re-check of an open case whose applicant an unemployment-insurance list names (003 §六(一),
/// 004 §五(一)): <c>insured</c> refuses the application with the list as its reason, <c>not-insured</c> lets it go on.
/// No step of the procedure: it stands beside whatever step the case is at.</summary>
public static class InsuranceRecheck
{
    public const string Step = "insurance-recheck";
    public const string Insured = "insured";
    public const string NotInsured = "not-insured";

    public static TaskRecord TaskFor(CaseRecord record, InsuredPersonRecord listed, DateTime now) => new()
    {
        Id = Guid.CreateVersion7(), CaseId = record.Id, Procedure = record.Procedure, Step = Step,
        Name = $"复核参保情况：{record.ApplicantName}（{listed.Source}，{listed.Since:yyyy-MM-dd} 起参保）",
        Role = Roles.CountyOfficer, Level = RegionCode.NameOf(RegionLevel.County), RegionCode = record.RegionCode,
        Outcomes = $"{Insured},{NotInsured}", CreatedAt = now,
    };
}

public sealed partial class CaseEngine
{
    /// <summary>A procedure that does not serve people on a list refuses their application, naming the list.</summary>
    private async Task RefuseListedAsync(CaseRecord record, IReadOnlyList<string> lists, CancellationToken ct)
    {
        if (!lists.Contains(ComparisonKinds.UnemploymentInsurance)) return;
        var person = Cipher.Lookup(record.ApplicantIdNumber);
        var today = WorkingDayCalendar.ChinaDate(Now);
        var listed = await db.InsuredPersons.AsNoTracking()
            .Where(i => i.Person == person && i.ProvinceCode == record.ProvinceCode && i.Since <= today)
            .OrderByDescending(i => i.Id).FirstOrDefaultAsync(ct);
        if (listed is not null)
            throw new InvalidInput("applicant.idNumber",
                $"申请人已参加失业保险（{listed.Source}，{listed.Since:yyyy-MM-dd} 起），不属于未参保失业人员救助范围 (insured against unemployment)");
    }

    /// <summary>The open cases of listed people, in the import's transaction and one save: a re-check task each.</summary>
    public async Task ApplyInsuranceMatchesAsync(IReadOnlyList<(Guid CaseId, InsuredPersonRecord Listed)> matches, Actor actor,
        CancellationToken ct = default)
    {
        foreach (var (caseId, listed) in matches)
        {
            var record = await db.Cases.SingleAsync(c => c.Id == caseId, ct);
            var task = InsuranceRecheck.TaskFor(record, listed, Now);
            db.Tasks.Add(task);
            Record(record.Id, new HistoryEntry(InsuranceRecheck.Step, "insurance-listed", Details: new JsonObject
            {
                ["since"] = listed.Since.ToString("yyyy-MM-dd"), ["source"] = listed.Source, ["comparisonId"] = listed.ComparisonId,
            }));
            Record(record.Id, new HistoryEntry(task.Step, "task-created", Details: new JsonObject { ["role"] = task.Role, ["regionCode"] = task.RegionCode }));
            Notify("taskAssigned", task);
            MoveVersion(record, actor.Username);
        }
        RequireTransaction();
        await SaveAsync(ct);
    }

    private async Task<CommandResult> DecideInsuranceRecheckAsync(TaskRecord task, CaseRecord record, List<TaskRecord> openTasks,
        List<HistoryRecord> history, CompleteTaskCommand command, Actor actor, CancellationToken ct)
    {
        if (command.Outcome is not (InsuranceRecheck.Insured or InsuranceRecheck.NotInsured))
            throw new InvalidInput("outcome", $"应为 {InsuranceRecheck.Insured} 或 {InsuranceRecheck.NotInsured} (must be one of the task's outcomes)");
        if (command.Outcome == InsuranceRecheck.NotInsured && string.IsNullOrWhiteSpace(command.Comment))
            throw new InvalidInput("comment", "认定未参保须写明核实情况 (not insured needs what the check found)");
        (task.Status, task.Outcome, task.CompletedBy, task.CompletedAt) = (TaskStatus.Completed, command.Outcome, actor.Username, Now);
        task.Version++;
        openTasks.Remove(task);
        Notify("taskRemoved", task);
        Record(record.Id, new HistoryEntry(task.Step, "completed", command.Outcome, command.Comment));
        if (command.Outcome == InsuranceRecheck.Insured && record.Status == CaseStatus.Open)
        {
            var procedure = await catalog.GetAsync(db, record.DefinitionVersionId, ct);
            var run = await CaseRun.BeginAsync(this, record, procedure, actor,
                new Reach(MayEnd: true, MayReleaseClaim: true, MayVerifyUnique: false, SubProcedures: [], MayPayAtOnce: false, MayTouchBenefit: true),
                ct, openTasks);
            TakeDownNotices(record.Id);
            run.EndHere(CaseStatus.Rejected, "已参加失业保险，不予救助", "refused-as-insured",
                command.Comment is { Length: > 0 } comment ? comment : "经复核已参加失业保险，不属于未参保失业人员救助范围");
            run.Finish();
        }
        else MoveVersion(record, actor.Username);
        await SaveAsync(ct);
        return new CommandResult(record, openTasks, [.. history, .. RecordedFor(record.Id)], null);
    }
}
