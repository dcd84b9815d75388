using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;
using Scalar.AspNetCore;
using Workflows.Access;
using Workflows.Calendar;
using Workflows.Definitions;
using Workflows.Host.Admin;
using Workflows.Host.Audit;
using Workflows.Host.Auth;
using Workflows.Host.Benefits;
using Workflows.Host.Calendar;
using Workflows.Host.Cases;
using Workflows.Host.Clock;
using Workflows.Host.Definitions;
using Workflows.Host.Errors;
using Workflows.Host.Idempotency;
using Workflows.Host.Notices;
using Workflows.Host.Notifications;
using Workflows.Host.Payments;
using Workflows.Host.Payroll;
using Workflows.Host.ReserveFunds;
using Workflows.Host.Setup;
using Workflows.Host.Tasks;
using Workflows.Host.Timers;
using Workflows.Persistence;
using Workflows.Runtime;
using Workflows.Timers;

// An operator's command (README, Operating) runs against the configured database and exits; without one, the service runs.
var command = OperatorCommands.Of(args);
var builder = WebApplication.CreateBuilder(Workflows.Host.Demo.DemoData.TakeSwitch(command is null ? args : args[1..]));
var configuration = builder.Configuration;
var services = builder.Services;
Workflows.Host.Demo.DemoData.RefuseOnPostgres(configuration);

var manualClock = configuration["Clock:Mode"] == "Manual";
if (manualClock)
    services.AddSingleton(new ManualClock(configuration.GetValue<DateTimeOffset?>("Clock:Start") ?? DateTimeOffset.UtcNow));
services.AddSingleton<TimeProvider>(sp => manualClock ? sp.GetRequiredService<ManualClock>() : TimeProvider.System);

services.AddWorkflowDatabase(configuration);
builder.AddWorkflowTelemetry();
services.AddSingleton<WorkingDayCalendar>(); // filled from the database at start (Database.PrepareAsync)
services.AddSingleton<ProvisionalDeadlines>();
services.AddHostedService<CalendarRefresher>();
services.AddSingleton<DefinitionCatalog>();
services.AddScoped<CaseEngine>();
services.AddSingleton<OutboxSignal>();
services.AddSingleton<Func<WorkflowDb, CaseEngine>>(sp => db => new CaseEngine(db,
    sp.GetRequiredService<DefinitionCatalog>(), sp.GetRequiredService<WorkingDayCalendar>(), sp.GetRequiredService<TimeProvider>(),
    sp.GetRequiredService<OutboxSignal>()));
services.AddSingleton<TimerMetrics>();
services.AddSingleton(new TimerRetries(TimeSpan.FromSeconds(configuration.GetValue("Timers:RetrySeconds", 30.0)),
    configuration.GetValue("Timers:MaxAttempts", 5)));
services.AddSingleton(new TimerClaims(configuration.GetValue("Timers:BatchSize", 50),
    TimeSpan.FromSeconds(configuration.GetValue("Timers:LeaseSeconds", 120.0))));
services.AddSingleton<TimerRunner>();
if (!manualClock) services.AddHostedService<TimerWorker>();
services.AddScoped<Workflows.Complaints.ComplaintDesk>();
var complaintDays = configuration.GetSection("Complaints:WorkingDays");
services.AddSingleton(new Workflows.Complaints.ComplaintLimits(complaintDays.Get<int?>() ?? 15,
    complaintDays.GetChildren().ToDictionary(c => c.Key, c => int.Parse(c.Value!, System.Globalization.CultureInfo.InvariantCulture))));
if (!manualClock) services.AddHostedService<Workflows.Host.Complaints.ComplaintDeadlines>();
// A host may leave sending to the others (Outbox:Dispatch=false); with the Redis backplane any host reaches every client.
if (configuration.GetValue("Outbox:Dispatch", true)) services.AddHostedService<OutboxDispatcher>();
services.AddSingleton<HubSessions>();
services.AddHostedService<StaleHubSessions>();
services.AddHostedService<ExpiredIdempotencyKeys>();
var signalR = services.AddSignalR();
if (configuration["SignalR:Redis"] is { Length: > 0 } redis) signalR.AddStackExchangeRedis(redis);

services.AddSingleton<PasswordHasher<UserRecord>>();
services.AddSingleton<Tokens>();
services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<Tokens, TimeProvider>((options, tokens, clock) =>
{
    options.MapInboundClaims = false;
    // Browsers cannot set headers on WebSockets: the hub takes the token from the query string.
    options.Events = new JwtBearerEvents
    {
        OnMessageReceived = context =>
        {
            if (context.Request.Path.StartsWithSegments(TaskHub.Path) && context.Request.Query["access_token"] is { Count: > 0 } token)
                context.Token = token;
            return Task.CompletedTask;
        },
        // A token signed before its user was changed or disabled no longer speaks for them.
        OnTokenValidated = async context =>
        {
            if (!await TokenStamps.HoldsAsync(context.Principal!, context.HttpContext.RequestServices.GetRequiredService<WorkflowDb>()))
                context.Fail("账户已变更或停用，请重新登录 (the user was changed or disabled after this token was issued)");
        },
    };
    options.TokenValidationParameters = new TokenValidationParameters
    {
        ValidIssuer = Tokens.Issuer,
        ValidAudience = Tokens.Issuer,
        IssuerSigningKeyResolver = (_, _, _, _) => [tokens.Key],
        NameClaimType = ClaimTypes.Name,
        RoleClaimType = ClaimTypes.Role,
        // Expiry is judged on the service clock, so the manual test clock and tokens agree.
        LifetimeValidator = (notBefore, expires, _, _) =>
        {
            var now = clock.GetUtcNow().UtcDateTime;
            return (notBefore is null || notBefore <= now.AddMinutes(1)) && (expires is null || expires > now);
        },
    };
});
services.AddAuthorization();
services.AddRateLimits(configuration);
services.LimitRequestSizes();
services.AddProblemDetails();
services.AddExceptionHandler<ProblemMapping>();
services.AddOpenApi();
services.ConfigureHttpJsonOptions(o =>
{
    o.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
    o.SerializerOptions.Converters.Add(new PlainText());
    // A key given twice would be read one way here and another way by someone else: refused as the body is read.
    o.SerializerOptions.AllowDuplicateProperties = false;
});

var app = builder.Build();
await Database.PrepareAsync(app.Services, configuration, app.Logger);
if (command is not null)
{
    Environment.ExitCode = await OperatorCommands.RunAsync(command, app.Services, Console.Out);
    return;
}
if (Workflows.Host.Demo.DemoData.Enabled(configuration)) await Workflows.Host.Demo.DemoData.SeedAsync(app.Services, configuration, app.Logger, Console.Out);

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseDefaultFiles(); // the workbench (src/Designer, built into wwwroot) at "/"
app.UseStaticFiles();
app.UseRateLimiter();
app.UseAuthentication();
app.UseMiddleware<IdempotencyMiddleware>();
app.UseAuthorization();

app.MapOpenApi();
app.MapScalarApiReference();
if (!File.Exists(Path.Combine(app.Environment.WebRootPath ?? "wwwroot", "index.html")))
    app.MapGet("/", () => Results.Redirect("/scalar")).ExcludeFromDescription(); // built without the front end
app.MapHealth();
app.MapAuth();
app.MapAdmin();
app.MapCalendars();
app.MapTimers();
app.MapCases();
Workflows.Host.Complaints.ComplaintEndpoints.MapComplaints(app);
app.MapAudit();
app.MapEmergencyAid();
app.MapPublicNotices();
app.MapTasks();
app.MapPayments();
app.MapPayroll();
Workflows.Host.PriceSubsidies.PriceSubsidyEndpoints.MapPriceSubsidies(app);
Workflows.Host.DataComparison.DataComparisonEndpoints.MapDataComparisons(app);
Workflows.Host.Reports.ReportEndpoints.MapReports(app);
app.MapBenefits();
app.MapReserveFunds();
app.MapDefinitions();
app.MapHub<TaskHub>(TaskHub.Path);
if (manualClock) app.MapTestClock();

await app.RunAsync();

public partial class Program;
