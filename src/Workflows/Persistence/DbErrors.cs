using Microsoft.EntityFrameworkCore;

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

    /// <summary>The unique index <paramref name="index"/> refused the write. PostgreSQL names the index; SQLite names
    /// its columns instead (<paramref name="table"/>.<paramref name="columns"/>).</summary>
    public static bool IsUniqueViolation(DbUpdateException e, string index, string table, params string[] columns) => e.InnerException switch
    {
        Npgsql.PostgresException pg => pg.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation && pg.ConstraintName == index,
        Microsoft.Data.Sqlite.SqliteException sqlite => sqlite.SqliteErrorCode == 19
            && sqlite.Message.Contains(string.Join(", ", columns.Select(c => $"{table}.{c}")), StringComparison.Ordinal),
        _ => false,
    };
}
