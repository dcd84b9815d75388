using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Workflows.Persistence;

namespace Workflows.Host.Auth;

/// <summary>
/// Whether a token still speaks for its user (API.md, Administration, continued): its user exists, is not disabled, and
/// has the stamp the token was issued with. One indexed read per request, against the database every host shares, so a
/// demoted or disabled user's old token is refused on the very next request wherever it lands.
/// </summary>
public static class TokenStamps
{
    /// <summary>What decides whether a token still holds: the user's stamp and status.</summary>
    public sealed record UserState(int Stamp, bool Disabled)
    {
        public bool Admits(int tokenStamp) => !Disabled && Stamp == tokenStamp;
    }

    private static readonly PerModel<Func<WorkflowDb, string, Task<UserState?>>> StateOf = new(() =>
        EF.CompileAsyncQuery((WorkflowDb db, string username) =>
            db.Users.Where(u => u.Username == username).Select(u => new UserState(u.Stamp, u.Disabled)).FirstOrDefault()));

    public static async Task<bool> HoldsAsync(ClaimsPrincipal principal, WorkflowDb db)
    {
        if (principal.Identity?.Name is not { } username) return false;
        var state = await StateOf.For(db)(db, username);
        return state is not null && state.Admits(Tokens.StampOf(principal));
    }
}
