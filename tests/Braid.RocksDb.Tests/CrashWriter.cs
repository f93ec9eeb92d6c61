using System.Buffers.Binary;
using Braid.Internal.State;
using Braid.Processors;
using Braid.Serialization;
using Braid.State;

namespace Braid.RocksDb.Tests;

/// <summary>
/// The child process of the kill -9 test: commits generation after generation, each commit setting
/// every key of two tasks to the generation number and the "generation" metadata entry with it, and
/// prints each generation once its commit returned. It never stops on its own.
/// </summary>
internal static class CrashWriter
{
    public const int KeysPerTask = 5_000;
    public const string GenerationKey = "generation";
    public static readonly TaskId[] Tasks = [new(0, 0), new(0, 1)];

    public static KeyValueStoreBuilder<int, long> Store { get; } = Stores.KeyValue("kv", Serdes.Int32, Serdes.Int64);

    public static int Run(string stateDirectory)
    {
        using var backend = RocksDbStateBackend.Open(stateDirectory);
        var tasks = Tasks.Select(backend.OpenTask).ToArray();
        var stores = tasks.Select(t => t.Stores.CreateKeyValueStore(Store)).ToArray();
        var generationBytes = new byte[8];
        var metadata = new Dictionary<string, byte[]?> { [GenerationKey] = generationBytes };
        for (long generation = 1; ; generation++)
        {
            foreach (var store in stores)
                for (int key = 0; key < KeysPerTask; key++) store.Put(key, generation);
            BinaryPrimitives.WriteInt64BigEndian(generationBytes, generation);
            backend.Commit(tasks, metadata);
            Console.Out.WriteLine(generation);
            Console.Out.Flush();
        }
    }

    public static long ReadGeneration(IStateBackend backend) =>
        backend.ReadMetadata(GenerationKey) is { } bytes ? BinaryPrimitives.ReadInt64BigEndian(bytes) : 0;
}
