using System.Globalization;
using System.Text.Json.Nodes;
using Workflows.Benefits;
using Workflows.Definitions;
using Workflows.Payments;
using Workflows.Payroll;
using Workflows.Regions;

namespace Workflows.Runtime;

/// <summary>The benefit actions: a case's monthly benefit granted, changed, put on a gradual exit or ended. They write the
/// benefit and its change history in the command's own save; the money comes from the county's payroll runs.</summary>
internal sealed partial class CaseRun
{
    private BenefitRecord? _benefit;

    private string ThisMonth => Period.Of(Now);

    private void RunBenefitAction(StepDefinition step)
    {
        switch (step.Action)
        {
            case StepActionNames.GrantBenefit: GrantBenefit(step); break;
            case StepActionNames.ChangeBenefit: ChangeBenefit(step); break;
            case StepActionNames.GradualExit: StartGradualExit(step); break;
            case StepActionNames.EndBenefit: EndBenefit(step); break;
        }
        _scope = null; // later expressions see the benefit as it now is
    }

    /// <summary>How an amount was reached, kept with the payment or benefit it sets: the expression and what it read.</summary>
    private JsonObject Basis(StepDefinition step, decimal amount) => new()
    {
        ["expression"] = step.Amount,
        ["params"] = _parameters.DeepClone(),
        ["data"] = _root["data"]!.DeepClone(),
        ["standard"] = _standard?.DeepClone(),
        ["amount"] = amount,
    };

    private void GrantBenefit(StepDefinition step)
    {
        var amount = Scope().Money(step.Amount!);
        var basis = Basis(step, amount);
        var from = step.From is null ? ThisMonth : MonthOf(step, step.From);
        var until = step.Until is null ? null : MonthOf(step, step.Until);
        if (until is not null && string.CompareOrdinal(until, from) < 0)
            throw new InvalidOperationException($"Step '{step.Id}': the last month {until} is before the first {from}.");
        var starts = _benefit is null or { Status: BenefitStatus.Ended };
        if (_benefit is null)
        {
            _benefit = new BenefitRecord
            {
                Id = Guid.CreateVersion7(), CaseId = _case.Id, Procedure = _case.Procedure, RegionCode = _case.RegionCode,
                CreatedAt = Now,
            };
            Db.Benefits.Add(_benefit);
            // Whom it keeps, by keyed hash: a death list finds them without opening the case.
            Db.BenefitPersons.AddRange(BenefitPersons.Records(_benefit, _case, _root, _engine.Db.Cipher
                ?? throw new InvalidOperationException("Granting a benefit needs a context that seals personal data.")));
        }
        if (starts) _benefit.FromPeriod = from;
        (_benefit.MonthlyAmountFen, _benefit.BasisJson, _benefit.Status, _benefit.UntilPeriod, _benefit.Reason, _benefit.UpdatedAt) =
            (Money.ToFen(amount), basis.ToJsonString(), BenefitStatus.Active, until, null, Now);
        _case.MonthlyAmountFen = _benefit.MonthlyAmountFen;
        Changed("granted", null);
        basis["from"] = _benefit.FromPeriod;
        basis["until"] = until;
        Record(step.Id, "benefit-granted", details: basis);
        if (starts) PayArrears(step, amount, basis);
    }

    /// <summary>追发 (arrears): months of a starting benefit that no run will pay any more — those before this month, and
    /// this month too when the county's regular run of it was drawn already (当月审批、当月发放) — become pending payments
    /// of the case, which the county's next run takes; the (case, period) key keeps any run from paying a month twice.
    /// Whether this month's run was drawn is asked as the command saves, under the run's month lock
    /// (<see cref="PayrollRuns.RegularRunDrawnAsync"/>): a run drawn at the same moment either sees this benefit or is
    /// seen by it, and the month is never left to neither.</summary>
    private void PayArrears(StepDefinition step, decimal amount, JsonObject basis)
    {
        var benefit = _benefit!;
        string NoLaterThanUntil(string month) =>
            benefit.UntilPeriod is { } until && string.CompareOrdinal(until, month) < 0 ? until : month;
        PayMonths(step, amount, basis, benefit.FromPeriod, NoLaterThanUntil(Period.After(ThisMonth, -1)));
        var month = ThisMonth;
        if (string.CompareOrdinal(benefit.FromPeriod, month) > 0 || NoLaterThanUntil(month) != month) return;
        var county = RegionCode.AtLevel(_case.RegionCode, RegionLevel.County);
        _engine.BeforeSave(async ct =>
        {
            if (!await PayrollRuns.RegularRunDrawnAsync(Db, county, month, ct)) return 0;
            PayMonths(step, amount, basis, month, month);
            return 1;
        });
    }

    private void PayMonths(StepDefinition step, decimal amount, JsonObject basis, string first, string last)
    {
        for (var period = first; string.CompareOrdinal(period, last) <= 0; period = Period.After(period, 1))
        {
            var payment = AddPayment(period, period, amount, basis, paid: false);
            Record(step.Id, "payment-created", details: new JsonObject { ["period"] = payment.Period, ["amount"] = amount });
        }
    }

    /// <summary>A month an expression gives, as YYYY-MM: written so, or the month of a YYYY-MM-DD date; at most ten years
    /// from now either way, so a mistyped year cannot make arrears of centuries.</summary>
    private string MonthOf(StepDefinition step, string expression)
    {
        var value = Scope().Evaluate(expression).ToString();
        var isDate = value.Length == 10 && DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);
        var month = isDate ? value[..7] : value;
        if (!Period.IsWellFormed(month))
            throw new InvalidOperationException($"Step '{step.Id}': '{expression}' gave '{value}', not a month (YYYY-MM) or a date.");
        if (string.CompareOrdinal(month, Period.After(ThisMonth, -120)) < 0 || string.CompareOrdinal(month, Period.After(ThisMonth, 120)) > 0)
            throw new InvalidOperationException($"Step '{step.Id}': the month {month} is more than ten years from now.");
        return month;
    }

    private void ChangeBenefit(StepDefinition step)
    {
        var benefit = RequireBenefit(step);
        var amount = Scope().Money(step.Amount!);
        var was = Money.ToYuan(benefit.MonthlyAmountFen);
        (benefit.MonthlyAmountFen, benefit.BasisJson, benefit.UpdatedAt) = (Money.ToFen(amount), Basis(step, amount).ToJsonString(), Now);
        _case.MonthlyAmountFen = benefit.MonthlyAmountFen;
        Changed("changed", _lastComment);
        Record(step.Id, "benefit-changed", details: new JsonObject { ["from"] = was, ["to"] = amount, ["expression"] = step.Amount });
    }

    private void StartGradualExit(StepDefinition step)
    {
        var benefit = RequireBenefit(step);
        var months = (int)Scope().Money(step.Months!);
        if (months < 0) throw new InvalidOperationException($"Step '{step.Id}': months must not be negative, got {months}.");
        (benefit.UntilPeriod, benefit.UpdatedAt) = (Period.After(ThisMonth, months), Now);
        Changed("gradual-exit", _lastComment);
        Record(step.Id, "benefit-gradual-exit", details: new JsonObject { ["months"] = months, ["until"] = benefit.UntilPeriod });
    }

    /// <summary>The benefit is paid through this month (or the end of a gradual exit, if sooner) and never after.</summary>
    private void EndBenefit(StepDefinition step)
    {
        var benefit = RequireBenefit(step);
        var last = benefit.UntilPeriod is { } until && string.CompareOrdinal(until, ThisMonth) < 0 ? until : ThisMonth;
        (benefit.Status, benefit.UntilPeriod, benefit.Reason, benefit.UpdatedAt) = (BenefitStatus.Ended, last, _lastComment, Now);
        _engine.CancelPaymentsAfter(_case.Id, last);
        Changed("ended", _lastComment);
        Record(step.Id, "benefit-ended", details: new JsonObject { ["until"] = benefit.UntilPeriod, ["reason"] = _lastComment });
    }

    private BenefitRecord RequireBenefit(StepDefinition step) =>
        _benefit ?? throw new InvalidOperationException($"Step '{step.Id}' ({step.Action}) found no benefit: grant it first.");

    private void Changed(string change, string? reason) =>
        Db.BenefitChanges.Add(BenefitChangeRecord.Of(_benefit!, change, reason, _actor.Username, Now));
}
