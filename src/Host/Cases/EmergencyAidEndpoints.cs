using System.Text.Json.Nodes;
using Workflows.Access;
using Workflows.Calendar;
using Workflows.Definitions;
using Workflows.Host.Auth;
using Workflows.Persistence;
using Workflows.Runtime;

namespace Workflows.Host.Cases;

/// <summary>
/// POST /api/emergency-aid (API.md, 先行救助): pay first, document later. It starts the region's
/// <c>emergency-aid</c> procedure, which decides by its own parameters whether the township may pay at once
/// or the case goes to the county's case-by-case decision (一事一议).
/// </summary>
public static class EmergencyAidEndpoints
{
    public const string Procedure = "emergency-aid";

    public sealed record EmergencyAidRequest(string? RegionCode, ApplicantInput? Applicant, decimal? Amount, string? Reason);

    public static void MapEmergencyAid(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/emergency-aid", async (EmergencyAidRequest body, HttpContext http, CaseEngine engine, WorkflowDb db,
            DefinitionCatalog catalog, WorkingDayCalendar calendar, TimeProvider clock, CancellationToken ct) =>
        {
            var actor = http.User.Actor();
            // Who may pay first is the procedure's own startedBy, checked as the case starts.
            var data = new JsonObject { ["amount"] = body.Amount, ["reason"] = body.Reason?.Trim() };
            var command = new StartCaseCommand(Procedure, body.RegionCode, body.Applicant, Household: null, data) { Route = StartRoutes.EmergencyAid };
            try
            {
                var started = await engine.StartAsync(command, actor, ct);
                return TypedResults.Created($"/api/cases/{started.Case.Id}",
                    Disclosure.Masked(await CaseViews.LoadAsync(db, catalog, calendar, started, clock.GetUtcNow().UtcDateTime, ct)));
            }
            catch (InvalidInput e)
            {
                // The request names amount and reason at the top level; so do its errors.
                throw new InvalidInput(e.Errors.ToDictionary(x => x.Key.Replace("data.", ""), x => x.Value));
            }
        }).WithTags("Emergency aid").RequireAuthorization();
    }
}
