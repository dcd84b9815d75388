using System.Text.Json.Nodes;
using Workflows.Applicants;
using Workflows.Cases;
using Workflows.Definitions;
using Workflows.Payments;
using Workflows.Persistence;
using Workflows.Policies;

namespace Workflows.Runtime;

/// <summary>Automatic steps: named actions, policy rules and payments.</summary>
internal sealed partial class CaseRun
{
    private void RunAction(StepDefinition step)
    {
        switch (step.Action)
        {
            case StepActionNames.VerifyUnique:
                var oncePer = _procedure.Definition.OncePer!;
                var held = _claim is not null || Db.ChangeTracker.Entries<OncePerClaimRecord>().Any(e => e.Entity.CaseId == _case.Id);
                if (!held) throw new ConflictProblem(CaseEngine.OncePerMessage(oncePer));
                Record(step.Id, "duplicate-check-passed", details: new JsonObject
                {
                    ["scope"] = oncePer.Scope, ["subject"] = IdNumber.Mask(_case.ApplicantIdNumber),
                });
                break;
            case StepActionNames.ApplyRule:
                ApplyRule(step);
                break;
            case StepActionNames.Assign:
                var value = Scope().Json(step.Value!);
                _root["data"]![step.Output!] = value;
                _scope = null;
                Record(step.Id, "assigned", details: new JsonObject { ["field"] = step.Output, ["value"] = value?.DeepClone() });
                break;
            case StepActionNames.ApproveCase:
                _case.Status = CaseStatus.Approved;
                _case.Approved = true;
                Record(step.Id, "approved");
                break;
            default:
                RunBenefitAction(step);
                break;
        }
    }

    private void ApplyRule(StepDefinition step)
    {
        var standard = _standard is null
            ? throw new InvalidInput("regionCode", $"区划 {_case.RegionCode} 及其上级未设定低保标准，无法计算 (no MLG standard is set for this region)")
            : new Standard(_standard["urbanMonthly"]!.GetValue<decimal>(), _standard["ruralMonthly"]!.GetValue<decimal>(),
                _standard["effectiveFrom"]!.GetValue<string>(), _standard["regionCode"]!.GetValue<string>());
        var data = _root["data"]!.AsObject();
        var result = PolicyRules.Apply(step.Rule!, new PolicyInput(
            Household.From(_root["household"] as JsonObject), standard, data, _parameters));
        var answer = result.ToJson();
        answer["standardFrom"] = standard.EffectiveFrom;
        data[step.Output!] = answer;
        _scope = null;
        Record(step.Id, "rule-applied", details: new JsonObject { ["rule"] = step.Rule, ["answer"] = answer.DeepClone() });
    }

    private void Pay(StepDefinition step)
    {
        var amount = Scope().Money(step.Amount!);
        var basis = Basis(step, amount);
        if (amount == 0)
        {
            Record(step.Id, "no-payment", details: basis);
            return;
        }
        var atOnce = step.PaidAtOnce && DebitReserveFund(step, amount);
        var period = step.Period == "monthly" ? Period.Of(Now) : null;
        var instalment = _case.PaymentCount + 1;
        var payment = AddPayment(period, PaymentRecord.KeyFor(period, instalment), amount, basis, atOnce);
        _case.AmountFen = (_case.AmountFen ?? 0) + payment.AmountFen;
        _scope = null; // the payments seen by later expressions changed
        Record(step.Id, atOnce ? "paid-at-once" : "payment-created", details: basis);
        _engine.Notify(new OutboxEvent("paymentRequested", _case.Id, Payment: new PaymentRequest(payment.Id, amount, payment.PaymentKey)));
    }

    /// <summary>A payment of the case to its applicant, as the case names them now; counted on the case.</summary>
    private PaymentRecord AddPayment(string? period, string key, decimal amount, JsonObject basis, bool paid)
    {
        var payment = new PaymentRecord
        {
            Id = Guid.CreateVersion7(),
            CaseId = _case.Id,
            RegionCode = _case.RegionCode,
            Procedure = _case.Procedure,
            Period = period,
            Instalment = ++_case.PaymentCount,
            PaymentKey = key,
            AmountFen = Money.ToFen(amount),
            Status = paid ? PaymentStatus.Paid : PaymentStatus.Pending,
            CreatedAt = Now,
            BasisJson = basis.ToJsonString(),
            PayeeName = _case.ApplicantName,
            PayeeIdNumber = _case.ApplicantIdNumber,
            BankAccount = _case.ApplicantBankAccount,
            ResultAt = paid ? Now : null,
        };
        _engine.Pay(payment);
        return payment;
    }

    /// <summary>先行救助 is paid at once from the township's reserve fund, in this command's transaction. Above the balance
    /// nothing is debited: the payment waits for the county's payroll run, and the history says why, with the balance.</summary>
    private bool DebitReserveFund(StepDefinition step, decimal amount)
    {
        var fen = Money.ToFen(amount);
        var fund = _fund;
        var balance = fund?.BalanceFen ?? 0;
        if (fund is null || balance < fen) // a township that was never allocated a fund holds nothing
        {
            Record(step.Id, "reserve-fund-insufficient", details: new JsonObject
            {
                ["balance"] = Money.ToYuan(balance), ["amount"] = amount,
                ["message"] = $"乡镇备用金余额 {Money.ToYuan(balance)} 元，不足 {amount} 元：不能当场发放，转县级发放 " +
                              "(the reserve fund cannot cover it: the county pays it)",
            });
            return false;
        }
        fund.BalanceFen -= fen;
        fund.Version++;
        _engine.RequireTransaction();
        Db.ReserveFundEntries.Add(new ReserveFunds.ReserveFundEntryRecord
        {
            TownshipCode = fund.TownshipCode, At = Now, Kind = ReserveFunds.ReserveFundEntryKind.Payment, AmountFen = -fen,
            CaseId = _case.Id, BalanceAfterFen = fund.BalanceFen, By = _actor.Username,
        });
        return true;
    }
}
