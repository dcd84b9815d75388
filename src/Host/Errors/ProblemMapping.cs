using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Workflows.Definitions;
using Workflows.Runtime;

namespace Workflows.Host.Errors;

/// <summary>Turns the engine's refusals into RFC 9457 problem documents with the status API.md names.</summary>
public sealed partial class ProblemMapping(IProblemDetailsService problems, ILogger<ProblemMapping> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        ProblemDetails problem = exception switch
        {
            InvalidInput e => new HttpValidationProblemDetails(e.Errors.ToDictionary(x => x.Key, x => x.Value))
            {
                Status = StatusCodes.Status422UnprocessableEntity, Title = e.Title, Detail = e.Message,
            },
            NotFoundProblem e => new ProblemDetails { Status = StatusCodes.Status404NotFound, Title = e.Title, Detail = e.Message },
            ConflictProblem e => new ProblemDetails { Status = StatusCodes.Status409Conflict, Title = e.Title, Detail = e.Message },
            ForbiddenProblem e => new ProblemDetails { Status = StatusCodes.Status403Forbidden, Title = e.Title, Detail = e.Message },
            ExpressionFailedException e => new ProblemDetails
            {
                Status = StatusCodes.Status422UnprocessableEntity,
                Title = "A rule of the procedure could not be evaluated on this case",
                Detail = e.Message,
            },
            Microsoft.EntityFrameworkCore.DbUpdateException e when Workflows.Persistence.DbErrors.IsUniqueViolation(e) => new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict, Title = "Conflict", Detail = "A record with the same key was written at the same time.",
            },
            BadHttpRequestException { InnerException: System.Text.Json.JsonException json } => Unreadable(json),
            BadHttpRequestException e when BadParameter().Match(e.Message) is { Success: true } parameter =>
                new HttpValidationProblemDetails(new Dictionary<string, string[]>
                {
                    [parameter.Groups[1].Value] = [$"无法识别的值 '{parameter.Groups[2].Value}' (a value of the wrong kind)"],
                })
                {
                    Status = StatusCodes.Status400BadRequest, Title = "A parameter has a value of the wrong kind", Detail = e.Message,
                },
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } e => new HttpValidationProblemDetails(
                new Dictionary<string, string[]> { ["body"] = ["请求内容超过此地址允许的大小 (the body is larger than this route accepts)"] })
            {
                Status = StatusCodes.Status413PayloadTooLarge, Title = "The request body is too large", Detail = e.Message,
            },
            BadHttpRequestException e => new HttpValidationProblemDetails(new Dictionary<string, string[]>
            {
                ["body"] = ["请求内容缺失或无法读取 (the request body is missing or cannot be read)"],
            })
            {
                Status = StatusCodes.Status400BadRequest, Title = "The request body could not be read", Detail = e.InnerException?.Message ?? e.Message,
            },
            _ => new ProblemDetails { Status = StatusCodes.Status500InternalServerError, Title = "Internal error" },
        };
        if (problem.Status == StatusCodes.Status500InternalServerError)
            logger.LogError(exception, "Unhandled error on {Method} {Path}", http.Request.Method, http.Request.Path);
        http.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>ASP.NET Core's words for a route or query value it could not bind: <c>Failed to bind parameter "int? page" from "abc".</c></summary>
    [System.Text.RegularExpressions.GeneratedRegex("^Failed to bind parameter \"(?:[^\"]* )?([A-Za-z0-9_]+)\" from \"(.*)\"\\.?$")]
    private static partial System.Text.RegularExpressions.Regex BadParameter();

    /// <summary>A body that is not JSON is 400; JSON with a value of the wrong kind where a field is (a number for a name)
    /// is 422 naming that field, as every other bad field is.</summary>
    private static HttpValidationProblemDetails Unreadable(System.Text.Json.JsonException e)
    {
        var field = e.Path is { Length: > 1 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : "";
        var control = e.Message.StartsWith(PlainText.Refusal, StringComparison.Ordinal);
        var wrongKind = field.Length > 0 && (control || e.Message.Contains("could not be converted", StringComparison.Ordinal));
        return new HttpValidationProblemDetails(new Dictionary<string, string[]>
        {
            [field.Length > 0 ? field : "body"] =
                [control ? PlainText.Refusal : wrongKind ? "类型不符 (a value of the wrong kind for this field)" : "不是有效的 JSON (not valid JSON)"],
        })
        {
            Status = wrongKind ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status400BadRequest,
            Title = wrongKind ? "A field has a value of the wrong kind" : "The request body is not valid JSON",
            Detail = e.Message,
        };
    }
}
