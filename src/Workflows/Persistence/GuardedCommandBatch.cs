using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Update;
#pragma warning disable EF1001 // Npgsql's batch is in its Internal namespace; the versions are pinned in Directory.Packages.props.
using Npgsql.EntityFrameworkCore.PostgreSQL.Update.Internal;

namespace Workflows.Persistence;

/// <summary>
/// PostgreSQL runs the statements of one batch (one Sync) as one implicit transaction: if any fails, none is
/// kept. EF Core still wraps a batch of several statements in a transaction of its own, because it checks each
/// UPDATE's row count — an optimistic-concurrency failure — only after the batch, when an implicit transaction
/// would have committed already. That costs the command path a round trip (COMMIT) on every command.
/// A command of <see cref="Runtime.CaseEngine"/> does not need it: its history row carries the case's new version
/// under a unique index, so a second command that read the same version fails inside the database and nothing
/// of it is kept (<see cref="WorkflowDb.SavingGuardedCommand"/>). When EF Core needs more than one batch for a
/// save, it still begins a transaction, as it does for any save.
/// </summary>
internal sealed class GuardedCommandBatch(ModificationCommandBatchFactoryDependencies dependencies, int maxBatchSize)
    : NpgsqlModificationCommandBatch(dependencies, maxBatchSize)
{
    private readonly bool _guarded = dependencies.CurrentContext.Context is WorkflowDb { SavingGuardedCommand: true };

    public override bool RequiresTransaction => base.RequiresTransaction && !_guarded;
}

internal sealed class GuardedCommandBatchFactory(ModificationCommandBatchFactoryDependencies dependencies, IDbContextOptions options)
    : IModificationCommandBatchFactory
{
    private const int NpgsqlDefaultMaxBatchSize = 1000;
    private readonly int _maxBatchSize = options.Extensions.OfType<RelationalOptionsExtension>().FirstOrDefault()?.MaxBatchSize
        ?? NpgsqlDefaultMaxBatchSize;

    public ModificationCommandBatch Create() => new GuardedCommandBatch(dependencies, _maxBatchSize);
}
