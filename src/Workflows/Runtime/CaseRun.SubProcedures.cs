using System.Text.Json.Nodes;
using Workflows.Cases;
using Workflows.Definitions;

namespace Workflows.Runtime;

/// <summary>Sub-procedures (一事一议): child cases and their decision returning to the parent.</summary>
internal sealed partial class CaseRun
{
    /// <summary>Runs another procedure (e.g. 一事一议 at the county coordination mechanism) as a child case of the same
    /// applicant and region; this case waits in the step until the child ends, then takes its decision.</summary>
    private void StartChild(StepDefinition step)
    {
        var procedure = _children[step.Procedure!];
        var child = new CaseRecord
        {
            Id = Guid.CreateVersion7(),
            Procedure = procedure.Definition.Key,
            RegionCode = _case.RegionCode,
            ProvinceCode = _case.ProvinceCode,
            DefinitionVersionId = procedure.Version.Id,
            Step = procedure.Definition.Start,
            ApplicantName = _case.ApplicantName,
            ApplicantIdNumber = _case.ApplicantIdNumber,
            ApplicantBankAccount = _case.ApplicantBankAccount,
            CreatedAt = Now,
            UpdatedAt = Now,
            CreatedBy = _actor.Username,
            ParentCaseId = _case.Id,
            DataJson = _root.ToJsonString(),
        };
        Db.Cases.Add(child);
        Record(step.Id, "subprocedure-started", details: new JsonObject { ["procedure"] = child.Procedure, ["caseId"] = child.Id });
        var run = new CaseRun(_engine, child, procedure, _actor, [], null) { _standard = _standard, _parent = this };
        run.Record(child.Step, "started", details: new JsonObject { ["parentCaseId"] = _case.Id, ["version"] = procedure.Version.Version });
        run.EnterStart();
        run.Finish();
    }

    /// <summary>The child case ended: its decision goes to <c>data[output]</c> and this case moves on.</summary>
    private void ResumeFromChild(CaseRecord child, JsonObject childData)
    {
        var step = CurrentStep;
        if (step.Kind != StepKinds.SubProcedure) return; // the parent moved on meanwhile; nothing waits for this child
        _root["data"]![step.Output!] = new JsonObject
        {
            ["caseId"] = child.Id,
            ["approved"] = child.Approved == true,
            ["amount"] = childData["amount"]?.DeepClone(),
            ["reason"] = child.Reason,
        };
        _scope = null;
        Record(step.Id, "subprocedure-ended", outcome: child.Status, details: new JsonObject { ["caseId"] = child.Id });
        _childDone = true;
        if (!_entering) AdvanceAutomatically();
    }
}
