using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Workflows.Access;
using Workflows.Benefits;
using Workflows.Calendar;
using Workflows.Cases;
using Workflows.DataComparison;
using Workflows.Payments;
using Workflows.Payroll;
using Workflows.Policies;
using Workflows.Regions;
using Workflows.Tasks;
using TaskStatus = Workflows.Tasks.TaskStatus;

namespace Workflows.Runtime;

/// <summary>The township's confirmation of a death a register reported (API.md, Data comparison). Like a bank-account
/// correction it is no step of the procedure: it stands beside whatever step the case is at.</summary>
public static class DeathConfirmation
{
    public const string Step = "death-confirmation";
    public const string Confirm = "confirm";
    public const string Dispute = "dispute";

    public static TaskRecord TaskFor(CaseRecord record, DeathMatchRecord match, DateTime now) => new()
    {
        Id = Guid.CreateVersion7(), CaseId = record.Id, Procedure = record.Procedure, Step = Step,
        Name = $"核实死亡信息：{match.Name}（{match.Source}，{match.DiedOn:yyyy-MM-dd}）",
        Role = Roles.TownshipOfficer, Level = RegionCode.NameOf(RegionLevel.Township), RegionCode = record.RegionCode,
        Outcomes = $"{Confirm},{Dispute}", CreatedAt = now,
    };
}

/// <summary>What a death list does to the cases it names, and what the township's answer does after.</summary>
public sealed partial class CaseEngine
{
    /// <summary>
    /// The matches of one import, in its transaction and one save: per case, the benefit suspended from the earliest
    /// month after a date, payments of those months not yet sent cancelled (a run's counted anew), and a confirmation task
    /// per person for the township. Whatever else the caller added to the context is saved with them.
    /// </summary>
    public async Task ApplyDeathMatchesAsync(IReadOnlyList<DeathMatchRecord> matches, Actor actor, CancellationToken ct = default)
    {
        foreach (var ofCase in matches.GroupBy(m => m.CaseId))
        {
            var record = await db.Cases.SingleAsync(c => c.Id == ofCase.Key, ct);
            var benefit = await db.Benefits.SingleAsync(b => b.CaseId == ofCase.Key, ct);
            var from = ofCase.Min(m => m.SuspendedFromPeriod)!;
            Suspend(benefit, from, actor);
            HoldMonths(record, from);
            // A price subsidy of a held month stays: it was counted for the living too, and is not paid again if cancelled.
            CancelPaymentsAfter(record.Id, Period.After(from, -1), includePriceSubsidies: false);
            foreach (var match in ofCase)
            {
                var task = DeathConfirmation.TaskFor(record, match, Now);
                match.TaskId = task.Id;
                db.DeathMatches.Add(match);
                db.Tasks.Add(task);
                Record(record.Id, new HistoryEntry(DeathConfirmation.Step, "death-matched", Details: new JsonObject
                {
                    ["name"] = match.Name, ["relation"] = match.Relation, ["diedOn"] = match.DiedOn.ToString("yyyy-MM-dd"),
                    ["source"] = match.Source, ["suspendedFrom"] = benefit.SuspendedFromPeriod, ["comparisonId"] = match.ComparisonId,
                }));
                Record(record.Id, new HistoryEntry(task.Step, "task-created", Details: new JsonObject { ["role"] = task.Role, ["regionCode"] = task.RegionCode }));
                Notify("taskAssigned", task);
            }
            MoveVersion(record, actor.Username);
        }
        RequireTransaction();
        await SaveAsync(ct);
    }

    /// <summary>A county's run of a held month that is being drawn while this command runs would pay it after the
    /// cancellation looked: the months from <paramref name="from"/> through next month are locked as a grant locks its
    /// month (<see cref="PayrollRuns.RegularRunDrawnAsync"/>), so the run sees the benefit held or the cancellation sees its
    /// payment.</summary>
    private void HoldMonths(CaseRecord record, string from)
    {
        var county = RegionCode.AtLevel(record.RegionCode, RegionLevel.County);
        var last = Period.After(Period.Of(Now), 1);
        BeforeSave(async ct =>
        {
            for (var month = from; string.CompareOrdinal(month, last) <= 0; month = Period.After(month, 1))
                await PayrollRuns.RegularRunDrawnAsync(db, county, month, ct);
            return 0;
        });
    }

    private void Suspend(BenefitRecord benefit, string from, Actor actor)
    {
        var earlier = benefit is { Status: BenefitStatus.Suspended, SuspendedFromPeriod: { } held } && string.CompareOrdinal(held, from) <= 0;
        if (!earlier) (benefit.Status, benefit.SuspendedFromPeriod) = (BenefitStatus.Suspended, from);
        benefit.UpdatedAt = Now;
        BenefitChanged(benefit, "suspended", $"数据比对：死亡，{benefit.SuspendedFromPeriod} 起暂停发放", actor);
    }

    private void BenefitChanged(BenefitRecord benefit, string change, string? reason, Actor actor) =>
        db.BenefitChanges.Add(BenefitChangeRecord.Of(benefit, change, reason, actor.Username, Now));

    /// <summary>
    /// The township's answer. <c>confirm</c>: the person's support ends with the month of death — the whole benefit, and
    /// the case closed, when it kept them alone or they were the applicant; else a 低保 household's amount is computed again
    /// for the members who remain (the rule's arithmetic in the history), paid from the month held back. <c>dispute</c>:
    /// the benefit runs again, and the months held back are paid by the next run.
    /// </summary>
    private async Task<CommandResult> DecideDeathMatchAsync(TaskRecord task, CaseRecord record, List<TaskRecord> openTasks,
        List<HistoryRecord> history, CompleteTaskCommand command, Actor actor, CancellationToken ct)
    {
        if (command.Outcome is not (DeathConfirmation.Confirm or DeathConfirmation.Dispute))
            throw new InvalidInput("outcome", $"应为 {DeathConfirmation.Confirm} 或 {DeathConfirmation.Dispute} (must be one of the task's outcomes)");
        if (command.Outcome == DeathConfirmation.Dispute && string.IsNullOrWhiteSpace(command.Comment))
            throw new InvalidInput("comment", "认定比对有误须写明核实情况 (a dispute needs what the check found)");
        // The held months are asked under their locks (PayHeldBackAsync), which last as long as this transaction.
        await using var transaction = db.IsPostgres ? await db.Database.BeginTransactionAsync(ct) : null;
        var match = await db.DeathMatches.SingleAsync(m => m.TaskId == task.Id, ct);
        var benefit = await db.Benefits.SingleAsync(b => b.Id == match.BenefitId, ct);
        (match.Status, match.DecidedBy, match.DecidedAt) =
            (command.Outcome == DeathConfirmation.Confirm ? MatchStatus.Confirmed : MatchStatus.Disputed, actor.Username, Now);
        (task.Status, task.Outcome, task.CompletedBy, task.CompletedAt) = (TaskStatus.Completed, command.Outcome, actor.Username, Now);
        task.Version++;
        openTasks.Remove(task);
        Notify("taskRemoved", task);
        Record(record.Id, new HistoryEntry(task.Step, "completed", command.Outcome, command.Comment,
            new JsonObject { ["name"] = match.Name, ["relation"] = match.Relation }));
        // Another person of the case still waiting for their answer keeps the benefit held from their month.
        var stillHeldFrom = await db.DeathMatches
            .Where(m => m.CaseId == record.Id && m.Id != match.Id && m.Status == MatchStatus.Open)
            .MinAsync(m => (string?)m.SuspendedFromPeriod, ct);
        var heldFrom = benefit.SuspendedFromPeriod ?? match.SuspendedFromPeriod;

        if (command.Outcome == DeathConfirmation.Dispute)
        {
            Resume(benefit, stillHeldFrom, "restored", "数据比对有误，恢复发放", actor);
            await PayHeldBackAsync(record, benefit, heldFrom, stillHeldFrom, ct);
            MoveVersion(record, actor.Username);
        }
        else
        {
            // The payee is the applicant, whatever the household calls them: their death ends the benefit.
            var payeeDied = match.Relation == "self" || match.Person == Cipher.Lookup(record.ApplicantIdNumber);
            var remaining = payeeDied || benefit.Procedure != "dibao" ? null : WithoutMember(record, match);
            var recomputed = remaining is null ? null : await RecomputeAsync(record, remaining, ct);
            if (recomputed is { Eligible: true } result)
            {
                var was = benefit.MonthlyAmountFen;
                record.DataJson = remaining!.ToJsonString();
                (benefit.MonthlyAmountFen, benefit.BasisJson) = (Money.ToFen(result.MonthlyAmount), result.Basis.ToJsonString());
                record.MonthlyAmountFen = benefit.MonthlyAmountFen;
                Resume(benefit, stillHeldFrom, "changed", $"{match.Name} 死亡，按剩余家庭成员重新核定", actor);
                Record(record.Id, new HistoryEntry(DeathConfirmation.Step, "benefit-changed", Details: new JsonObject
                {
                    ["from"] = Money.ToYuan(was), ["to"] = result.MonthlyAmount, ["arithmetic"] = result.Basis["arithmetic"]?.DeepClone(),
                }));
                await PayHeldBackAsync(record, benefit, heldFrom, stillHeldFrom, ct);
                MoveVersion(record, actor.Username);
            }
            else
            {
                var reason = recomputed is null ? $"{match.Name} 死亡（{match.Source}，{match.DiedOn:yyyy-MM-dd}）"
                    : $"{match.Name} 死亡，剩余家庭成员不再符合条件：{string.Join("；", recomputed.Basis["arithmetic"]!.AsArray().Select(a => a!.GetValue<string>()))}";
                (benefit.Status, benefit.UntilPeriod, benefit.SuspendedFromPeriod, benefit.Reason, benefit.UpdatedAt) =
                    (BenefitStatus.Ended, Period.After(match.SuspendedFromPeriod, -1), null, reason, Now);
                BenefitChanged(benefit, "ended", reason, actor);
                await EndCaseAsync(record, openTasks, reason, actor, ct);
            }
        }
        await SaveAsync(ct);
        if (transaction is not null) await transaction.CommitAsync(ct);
        return new CommandResult(record, openTasks, [.. history, .. RecordedFor(record.Id)], null);
    }

    /// <summary>The benefit runs again, or stays held from the month of another person still to be answered for.</summary>
    private void Resume(BenefitRecord benefit, string? stillHeldFrom, string change, string reason, Actor actor)
    {
        (benefit.Status, benefit.SuspendedFromPeriod) = stillHeldFrom is null ? (BenefitStatus.Active, null) : (BenefitStatus.Suspended, stillHeldFrom);
        benefit.UpdatedAt = Now;
        BenefitChanged(benefit, change, reason, actor);
    }

    /// <summary>The months held from <paramref name="heldFrom"/> that are held no longer (all, or those before
    /// <paramref name="stillHeldFrom"/>), within the benefit's own months and through the latest month a regular run was
    /// drawn for: a payment cancelled then becomes pending again at the benefit's amount now; a month whose regular run
    /// passed it by gets a pending payment; either way the county's next run takes it. Later months the runs pay as usual.
    /// Each month is asked under its lock, as a grant asks (<see cref="PayrollRuns.RegularRunDrawnAsync"/>).</summary>
    private async Task PayHeldBackAsync(CaseRecord record, BenefitRecord benefit, string heldFrom, string? stillHeldFrom, CancellationToken ct)
    {
        var county = RegionCode.AtLevel(record.RegionCode, RegionLevel.County);
        var first = string.CompareOrdinal(heldFrom, benefit.FromPeriod) < 0 ? benefit.FromPeriod : heldFrom;
        var drawn = await PayrollRuns.RegularOf(db, county).MaxAsync(r => (string?)r.Period, ct);
        var last = drawn is not null && string.CompareOrdinal(drawn, Period.Of(Now)) > 0 ? drawn : Period.Of(Now);
        if (benefit.UntilPeriod is { } until && string.CompareOrdinal(until, last) < 0) last = until;
        if (stillHeldFrom is not null && string.CompareOrdinal(Period.After(stillHeldFrom, -1), last) < 0) last = Period.After(stillHeldFrom, -1);
        for (var month = first; string.CompareOrdinal(month, last) <= 0; month = Period.After(month, 1))
        {
            var key = PaymentRecord.KeyFor(month, 0);
            var existing = await db.Payments.FirstOrDefaultAsync(p => p.CaseId == record.Id && p.PaymentKey == key, ct);
            if (existing is { Status: PaymentStatus.Cancelled })
            {
                (existing.Status, existing.RunId, existing.AmountFen, existing.BasisJson) =
                    (PaymentStatus.Pending, null, benefit.MonthlyAmountFen, benefit.BasisJson);
                (existing.BankAccount, existing.PayeeName) = (record.ApplicantBankAccount, record.ApplicantName);
            }
            else if (existing is null && await PayrollRuns.RegularRunDrawnAsync(db, county, month, ct))
                Pay(new PaymentRecord
                {
                    Id = Guid.CreateVersion7(), CaseId = record.Id, RegionCode = record.RegionCode, Procedure = benefit.Procedure,
                    Period = month, Instalment = Period.MonthsBetween(benefit.FromPeriod, month) + 1, PaymentKey = key,
                    AmountFen = benefit.MonthlyAmountFen, CreatedAt = Now, BasisJson = benefit.BasisJson,
                    PayeeName = record.ApplicantName, PayeeIdNumber = record.ApplicantIdNumber, BankAccount = record.ApplicantBankAccount,
                });
            else continue;
            Record(record.Id, new HistoryEntry(DeathConfirmation.Step, "payment-created", Details: new JsonObject
            {
                ["period"] = month, ["amount"] = Money.ToYuan(benefit.MonthlyAmountFen), ["heldBack"] = true,
            }));
        }
    }

    /// <summary>The case's documents without the member who died (matched by the keyed hash of their ID number).</summary>
    private JsonObject WithoutMember(CaseRecord record, DeathMatchRecord match)
    {
        var root = JsonNode.Parse(record.DataJson)!.AsObject();
        if (root["household"]?["members"] is JsonArray members)
            foreach (var member in members.OfType<JsonObject>().ToList())
                if (member["idNumber"] is JsonValue id && id.TryGetValue<string>(out var number) && Cipher.Lookup(number) == match.Person)
                    members.Remove(member);
        return root;
    }

    private sealed record Recomputed(bool Eligible, decimal MonthlyAmount, JsonObject Basis);

    /// <summary>The 补差 of the members who remain, by the rule every shipped 低保 applies (<c>dibao-subsidy</c>), with the
    /// region's standard today and the parameters of the case's version.</summary>
    private async Task<Recomputed?> RecomputeAsync(CaseRecord record, JsonObject root, CancellationToken ct)
    {
        var household = Household.From(root["household"] as JsonObject);
        if (household.Members.Count == 0) return null;
        var standard = await Standards.FindAsync(db, record.RegionCode, WorkingDayCalendar.ChinaDate(Now), ct)
            ?? throw new ConflictProblem($"区划 {record.RegionCode} 及其上级未设定低保标准，无法为剩余家庭成员重新核定 (no MLG standard to compute the household again)");
        var procedure = await catalog.GetAsync(db, record.DefinitionVersionId, ct);
        var result = PolicyRules.Apply("dibao-subsidy", new PolicyInput(household,
            new Standard(Money.ToYuan(standard.UrbanMonthlyFen), Money.ToYuan(standard.RuralMonthlyFen),
                standard.EffectiveFrom.ToString("yyyy-MM-dd"), standard.RegionCode),
            root["data"] as JsonObject ?? new JsonObject(), procedure.Definition.Parameters));
        var answer = result.ToJson();
        var eligible = answer["eligible"] is JsonValue e && e.GetValue<bool>();
        var amount = answer["monthlyAmount"] is JsonValue a ? a.GetValue<decimal>() : 0m;
        var basis = new JsonObject { ["rule"] = "dibao-subsidy", ["arithmetic"] = answer["arithmetic"]?.DeepClone(), ["amount"] = amount };
        return new Recomputed(eligible && amount > 0, amount, basis);
    }

    /// <summary>A recipient's death confirmed: the case ends as closed where it stands (its tasks and timers cancelled).</summary>
    private async Task EndCaseAsync(CaseRecord record, List<TaskRecord> openTasks, string reason, Actor actor, CancellationToken ct)
    {
        if (record.Status is CaseStatus.Closed or CaseStatus.Rejected or CaseStatus.Withdrawn)
        {
            MoveVersion(record, actor.Username);
            return;
        }
        var procedure = await catalog.GetAsync(db, record.DefinitionVersionId, ct);
        var run = await CaseRun.BeginAsync(this, record, procedure, actor,
            new Reach(MayEnd: true, MayReleaseClaim: false, MayVerifyUnique: false, SubProcedures: [], MayPayAtOnce: false, MayTouchBenefit: true),
            ct, openTasks);
        run.EndHere(CaseStatus.Closed, "死亡，终止保障", "closed-by-death", reason);
        run.Finish();
    }
}
