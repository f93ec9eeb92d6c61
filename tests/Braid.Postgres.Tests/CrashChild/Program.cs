using Braid.Embedded;
using Braid.Postgres.Tests;

// The crash test's child: runs the shop application against PostgreSQL until it is killed (SIGKILL).
// Usage: <dll> <state dir> <connection string>
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: Braid.Postgres.CrashChild <state dir> <connection string>");
    return 2;
}
var source = Shop.Source(args[1]);
// Slow the snapshot a little and say where it is, so the parent can aim a kill between two snapshot batches.
Braid.Postgres.Internal.SnapshotCopy.OnBatchAppended = rows =>
{
    Console.WriteLine($"snapshot rows {rows}");
    Thread.Sleep(30);
};
await using var app = new BraidApplication(Shop.Build(source), Shop.Options(args[0]));
Console.WriteLine("starting replication");
await using var replication = await source.StartAsync(app);
await app.StartAsync();
Console.WriteLine($"running snapshot={replication.SnapshotRows}");
while (true)
{
    await Task.WhenAny(replication.Completion, Task.Delay(200));
    if (replication.Completion.IsCompleted)
    {
        await replication.Completion;
        return 3;
    }
    Console.WriteLine($"streamed {replication.StreamedChanges}");
}
