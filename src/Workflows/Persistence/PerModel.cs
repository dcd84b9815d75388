using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Workflows.Persistence;

/// <summary>
/// A compiled query for each model it meets. EF Core binds a compiled query to the first model that runs it,
/// and each provider (SQLite, PostgreSQL) has its own model — both can live in one process, as in the tests.
/// Compiling skips translating the LINQ tree and looking it up in the query cache on every call, which the
/// officials' hottest reads pay for otherwise.
/// </summary>
public sealed class PerModel<TQuery>(Func<TQuery> compile) where TQuery : class
{
    private readonly ConditionalWeakTable<IModel, TQuery> _compiled = new();

    public TQuery For(DbContext db) => _compiled.GetValue(db.Model, _ => compile());
}
