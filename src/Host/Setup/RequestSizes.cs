using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Workflows.Host.Setup;

/// <summary>
/// How large a request body may be, per route (Kestrel refuses more with 413 before it is read): 1 MB for every JSON
/// request — the largest application with its household is a few KB —, a definition up to its own limit and a little
/// over (so the validator, not the server, says what is wrong with one just over it), a bank's return file up to 256 MB.
/// </summary>
public static class RequestSizes
{
    public const long DefaultBytes = 1024 * 1024;
    public const long DefinitionBytes = 2 * 1024 * 1024;
    public const long BankReturnBytes = 256L * 1024 * 1024;

    public static void LimitRequestSizes(this IServiceCollection services) =>
        services.Configure<KestrelServerOptions>(options => options.Limits.MaxRequestBodySize = DefaultBytes);
}
