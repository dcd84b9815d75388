using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Workflows.Persistence;

public static class DbErrors
{
    /// <summary>A unique constraint refused the write, on either provider.</summary>
    public static bool IsUniqueViolation(DbUpdateException e) => e.InnerException switch
    {
        Npgsql.PostgresException pg => pg.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation,
        Microsoft.Data.Sqlite.SqliteException sqlite => sqlite.SqliteErrorCode == 19,
        _ => false,
    };

    /// <summary>The model's unique index <paramref name="index"/> refused the write. PostgreSQL names the index;
    /// SQLite names its columns instead, as table.column.</summary>
    public static bool IsUniqueViolation(DbUpdateException e, IReadOnlyIndex index) => e.InnerException switch
    {
        Npgsql.PostgresException pg => pg.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation && pg.ConstraintName == index.GetDatabaseName(),
        Microsoft.Data.Sqlite.SqliteException sqlite => sqlite.SqliteErrorCode == 19
            && sqlite.Message.Contains(SqliteColumns(index), StringComparison.Ordinal),
        _ => false,
    };

    private static string SqliteColumns(IReadOnlyIndex index)
    {
        var table = index.DeclaringEntityType.GetTableName();
        return string.Join(", ", index.Properties.Select(p => $"{table}.{p.GetColumnName()}"));
    }
}
