using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Workflows.Definitions;

/// <summary>A procedure (办事流程) as a province publishes it: data, never code.</summary>
public sealed class ProcedureDefinition
{
    public string Key { get; set; } = "";
    public string RegionCode { get; set; } = "";
    public string Name { get; set; } = "";
    /// <summary>Revision of a shipped file in workflows/: a higher one is published at start.</summary>
    public int? Revision { get; set; }
    public string? Description { get; set; }
    /// <summary>The province's numbers (thresholds, limits, multipliers), visible to expressions as <c>params</c>.</summary>
    public JsonObject Parameters { get; set; } = new();
    /// <summary>What each parameter means, for the admin who sets it: its Chinese name, unit and help, by parameter name.</summary>
    public Dictionary<string, ParameterLabel> ParameterLabels { get; set; } = new();
    /// <summary>Parameters that running cases read from the newest published version rather than their own: facts that
    /// become known while cases run (the day an epidemic ends), not rules a case was decided under.</summary>
    public List<string> LiveParameters { get; set; } = new();
    /// <summary>The application form the workbench renders and the service checks (<see cref="IntakeForm"/>).</summary>
    public IntakeForm? Intake { get; set; }
    /// <summary>Checks on the application itself; a failing one refuses it with 422 naming its field.</summary>
    public List<FieldRule> Rules { get; set; } = new();
    /// <summary>At most one case per subject within a region scope (e.g. one migrant-worker aid per ID per province).</summary>
    public OncePer? OncePer { get; set; }
    /// <summary>Outside lists (data comparison kinds, e.g. <c>unemployment-insurance</c>) whose people this procedure does
    /// not serve: an application of someone a list of the province names is refused with the list's source and date, and an
    /// open case of theirs gets a re-check task when the list arrives.</summary>
    public List<string> RefusedIfListed { get; set; } = new();
    /// <summary>Who may start a case of it, and through which route; absent: any official who accepts applications, through
    /// POST /api/cases.</summary>
    public StartedBy? StartedBy { get; set; }
    public string Start { get; set; } = "";
    public List<StepDefinition> Steps { get; set; } = new();
    /// <summary>Where the designer draws each step, kept with the version so a province's drawing survives publishing; the engine ignores it.</summary>
    public JsonObject? Layout { get; set; }

    public StepDefinition? Step(string id) => Steps.FirstOrDefault(s => s.Id == id);
}

public sealed class ParameterLabel
{
    public string Label { get; set; } = "";
    public string? Unit { get; set; }
    public string? Help { get; set; }
}

public sealed class StartedBy
{
    /// <summary>One of <see cref="StartRoutes"/>.</summary>
    public string Route { get; set; } = StartRoutes.Cases;
    /// <summary>The roles that may start it; absent: every role that accepts applications.</summary>
    public List<string>? Roles { get; set; }
}

/// <summary>How a case of a procedure comes to be.</summary>
public static class StartRoutes
{
    /// <summary>An application at the single window: POST /api/cases.</summary>
    public const string Cases = "cases";
    /// <summary>先行救助 on the spot: POST /api/emergency-aid only.</summary>
    public const string EmergencyAid = "emergency-aid";
    /// <summary>Only as another procedure's sub-procedure step (一事一议), never on its own.</summary>
    public const string SubProcedure = "sub-procedure";

    public static readonly string[] All = [Cases, EmergencyAid, SubProcedure];
}

public sealed class OncePer
{
    /// <summary>A region level: the subject may hold one case per region of this level.</summary>
    public string Scope { get; set; } = "province";
    /// <summary>What identifies the subject; only the applicant's ID number for now.</summary>
    public string Subject { get; set; } = "applicant.idNumber";
    public string? Message { get; set; }
}

public static class StepKinds
{
    public const string Task = "task";          // a human task for a role at a region level
    public const string Decision = "decision";  // automatic branch on conditions
    public const string Action = "action";      // a named built-in action (e.g. the duplicate check)
    public const string Payment = "payment";    // a payment of an amount expression
    public const string Timer = "timer";        // wait a number of working days
    public const string Notice = "notice";      // public notice (公示) for a number of working days, then next
    public const string SubProcedure = "subprocedure"; // runs another procedure as a child case, then next
    public const string End = "end";            // the case ends with a status
    public static readonly string[] All = [Task, Decision, Action, Payment, Timer, Notice, SubProcedure, End];
}

public sealed class StepDefinition
{
    public string Id { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Name { get; set; } = "";
    // task
    public string? Role { get; set; }
    public string? Level { get; set; }
    public Deadline? Deadline { get; set; }
    public List<OutcomeDefinition> Outcomes { get; set; } = new();
    public List<FieldRule> Form { get; set; } = new();
    // decision
    public List<Branch> Branches { get; set; } = new();
    // action, payment, timer
    public string? Next { get; set; }
    public string? Action { get; set; }
    public string? Amount { get; set; }
    /// <summary>A payment handed over when the step runs (e.g. from the township reserve fund), recorded as paid.</summary>
    public bool PaidAtOnce { get; set; }
    /// <summary>Payment steps: <c>monthly</c> pays for the current month (period YYYY-MM, once per case per period,
    /// which the database enforces). Timer steps: <c>monthly</c> waits until the first day of the next month.</summary>
    public string? Period { get; set; }
    public int? WorkingDays { get; set; }
    /// <summary>With <c>action: "apply-rule"</c>: the policy rule to apply, and the <c>data</c> field its answer goes to.</summary>
    public string? Rule { get; set; }
    public string? Output { get; set; }
    /// <summary>Sub-procedure steps: the key of the procedure the child case runs (resolved for the case's region).</summary>
    public string? Procedure { get; set; }
    /// <summary>With <c>action: "assign"</c>: the expression whose value is written to <c>data[output]</c>.</summary>
    public string? Value { get; set; }
    /// <summary>With <c>action: "gradual-exit"</c>: the expression giving how many more months the benefit runs. Monthly
    /// timers: how many months to wait (1 when absent), e.g. until the next periodic review.</summary>
    public string? Months { get; set; }
    /// <summary>With <c>action: "grant-benefit"</c>: expressions giving the benefit's first and last month (YYYY-MM, or a
    /// date whose month is taken). Absent, it runs from this month until ended. A first month already past is paid as
    /// arrears (补发): one pending payment per month, which the county's next run takes.</summary>
    public string? From { get; set; }
    public string? Until { get; set; }
    // end
    public string? Status { get; set; }
    /// <summary>End steps: an expression giving the written reason recorded with the decision (else the last comment).</summary>
    public string? Reason { get; set; }
}

public sealed class Deadline
{
    public int WorkingDays { get; set; }
    /// <summary><c>remind</c>, <c>escalate</c> (to the level above) or <c>auto</c> (take <see cref="Outcome"/>).</summary>
    public string OnTimeout { get; set; } = "remind";
    public string? Outcome { get; set; }
    /// <summary>Role that takes over an escalated task at the level above.</summary>
    public string? EscalateTo { get; set; }
    /// <summary>Remind again every this many working days while the task stays open past its deadline; none: once.</summary>
    public int? RemindEveryWorkingDays { get; set; }
}

public sealed class OutcomeDefinition
{
    public string Name { get; set; } = "";
    public string? Label { get; set; }
    public string To { get; set; } = "";
    public bool RequiresComment { get; set; }
    /// <summary>Offered only when this holds as the task is created (e.g. exits while a province has not suspended them).</summary>
    public string? When { get; set; }
}

public sealed class Branch
{
    /// <summary>Condition; the last branch may omit it (otherwise).</summary>
    public string? When { get; set; }
    public string To { get; set; } = "";
}

/// <summary>A rule on one field: required, and/or an expression that must hold.</summary>
public sealed class FieldRule
{
    public string Field { get; set; } = "";
    public bool Required { get; set; }
    /// <summary>Only check when this holds.</summary>
    public string? When { get; set; }
    public string? Check { get; set; }
    public string Message { get; set; } = "";
}

public static class DefinitionJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = false,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static ProcedureDefinition Parse(string json) =>
        JsonSerializer.Deserialize<ProcedureDefinition>(json, Options)
        ?? throw new JsonException("The definition is empty.");

    public static string Write(ProcedureDefinition definition) => JsonSerializer.Serialize(definition, Options);

    /// <summary>What the service adds to a definition it shows (API.md, Definitions): accepted back on write, and ignored.</summary>
    public static readonly string[] ReadOnlyFields = ["version", "publishedAt"];

    /// <summary>The definition without the read-only fields, so that a document fetched with GET saves back unchanged; text
    /// that is not a JSON object, or holds none of them, is returned as it came (a draft may be anything).</summary>
    public static string WithoutReadOnlyFields(string json)
    {
        try
        {
            if (JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }) is not JsonObject definition
                || !ReadOnlyFields.Any(definition.ContainsKey))
                return json;
            foreach (var field in ReadOnlyFields) definition.Remove(field);
            return definition.ToJsonString(Options);
        }
        catch (Exception e) when (e is JsonException or ArgumentException) { return json; }
    }
}
