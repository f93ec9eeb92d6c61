using Microsoft.Extensions.Logging.Abstractions;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.Mock;
using Streamiz.Kafka.Net.SerDes;
using Streamiz.Kafka.Net.State;
using Streamiz.Kafka.Net.State.Supplier;
using Streamiz.Kafka.Net.Stream;
using Streamiz.Kafka.Net.Table;

namespace Braid.Bench.Baselines;

/// <summary>
/// Streamiz.Kafka.Net in its synchronous TopologyTestDriver, with RocksDB (persistent) or in-memory stores.
/// Outputs are counted by a Foreach sink inside the topology (TestOutputTopic is quadratic and never used).
/// Each run gets a fresh driver and, for RocksDB, a fresh state directory that is deleted afterwards.
/// </summary>
internal sealed class StreamizBaseline(string name, bool inMemory) : IBaseline
{
    private const string Left = "left", Right = "right";

    public string Name => name;

    public IPreparedRun Prepare(Dataset data, int n) => new StreamizRun(data, n, inMemory);

    private sealed class Counter { public long Value; }

    private static Topology Build(Workload w, bool inMemory, Counter counter)
    {
        var builder = new StreamBuilder();
        switch (w)
        {
            case Workload.StreamTable:
            {
                var table = builder.Table(Right, Store("table-store"));
                builder.Stream<string, string>(Left)
                    .Join(table, (v, t) => JoinSpec.Join(v, t))
                    .Foreach((_, _, _) => counter.Value++);
                break;
            }
            case Workload.StreamStreamInner or Workload.StreamStreamLeft:
            {
                var windows = JoinWindowOptions.Of(TimeSpan.FromMilliseconds(JoinSpec.AfterMs), TimeSpan.FromMilliseconds(JoinSpec.GraceMs));
                var props = StreamJoinProps.With<string, string, string>(WindowStore("join-left"), WindowStore("join-right"));
                var left = builder.Stream<string, string>(Left);
                var right = builder.Stream<string, string>(Right);
                var joined = w == Workload.StreamStreamInner
                    ? left.Join(right, (l, r) => JoinSpec.Join(l, r), windows, props)
                    : left.LeftJoin(right, (l, r) => JoinSpec.Join(l, r), windows, props);
                joined.Foreach((_, _, _) => counter.Value++);
                break;
            }
            case Workload.WindowedCount:
            {
                var size = TimeSpan.FromMilliseconds(JoinSpec.WindowSizeMs);
                var store = inMemory
                    ? InMemoryWindows.As<string, long, StringSerDes, Int64SerDes>("count-store", size)
                    : RocksDbWindows.As<string, long, StringSerDes, Int64SerDes>("count-store", null, size);
                builder.Stream<string, string>(Left).GroupByKey()
                    .WindowedBy(TumblingWindowOptions.Of(size, TimeSpan.Zero))
                    .Count(store)
                    .ToStream().Foreach((_, _, _) => counter.Value++);
                break;
            }
            default:
            {
                var a = builder.Table(Left, Store("table-a-store"));
                var b = builder.Table(Right, Store("table-b-store"));
                a.Join(b, (va, vb) => JoinSpec.Join(va, vb)).ToStream().Foreach((_, _, _) => counter.Value++);
                break;
            }
        }
        return builder.Build();

        Materialized<string, string, IKeyValueStore<Streamiz.Kafka.Net.Crosscutting.Bytes, byte[]>> Store(string storeName) =>
            inMemory ? InMemory.As<string, string>(storeName) : RocksDb.As<string, string>(storeName);

        // Same settings Streamiz derives for its default join stores: retention = size + grace, window = size
        // (size = before + after = 10 s), segment interval max(size + grace / 2, 60 s), retain duplicates.
        IWindowBytesStoreSupplier WindowStore(string storeName)
        {
            var size = TimeSpan.FromMilliseconds(JoinSpec.BeforeMs + JoinSpec.AfterMs);
            var retention = size + TimeSpan.FromMilliseconds(JoinSpec.GraceMs);
            long segment = Math.Max((long)size.TotalMilliseconds + JoinSpec.GraceMs / 2, 60_000L);
            return inMemory
                ? Stores.InMemoryWindowStore(storeName, retention, size, true)
                : Stores.PersistentWindowStore(storeName, retention, size, segment, true);
        }
    }

    private sealed class StreamizRun : IPreparedRun
    {
        private readonly Dataset _d;
        private readonly int _n;
        private readonly Counter _counter = new();
        private readonly string _stateDir;
        private readonly TopologyTestDriver _driver;
        private readonly TestInputTopic<string, string> _left, _right;

        public StreamizRun(Dataset d, int n, bool inMemory)
        {
            (_d, _n) = (d, n);
            _stateDir = Path.Combine(Path.GetTempPath(), "braid-baselines-" + Guid.NewGuid().ToString("N"));
            var config = new StreamConfig<StringSerDes, StringSerDes>
            {
                ApplicationId = "braid-baselines-" + d.Workload.Name(),
                StateDir = _stateDir,
                Logger = NullLoggerFactory.Instance,
            };
            _driver = new TopologyTestDriver(Build(d.Workload, inMemory, _counter), config, TopologyTestDriver.Mode.SYNC_TASK);
            _left = _driver.CreateInputTopic<string, string>(Left);
            // Streamiz refuses an input topic its topology does not read; the windowed count reads only one.
            _right = d.Workload == Workload.WindowedCount ? _left : _driver.CreateInputTopic<string, string>(Right);
            if (d.Workload == Workload.StreamTable)
            {
                // Preload all table keys before timing; timestamps precede every stream record.
                var t = DateTime.UnixEpoch.AddMilliseconds(Dataset.T0 - 1);
                for (int k = 0; k < d.TableValues.Length; k++)
                    _right.PipeInput(d.Keys[k], d.TableValues[k], t, null);
            }
            _counter.Value = 0;
        }

        public long Execute()
        {
            var d = _d;
            for (int i = 0; i < _n; i++)
            {
                var topic = d.IsLeft(i) ? _left : _right;
                topic.PipeInput(d.Keys[d.KeyIdx[i]], d.Values[i], d.TsDateTime[i], null);
            }
            return _counter.Value;
        }

        public void Dispose()
        {
            _driver.Dispose();
            try { if (Directory.Exists(_stateDir)) Directory.Delete(_stateDir, recursive: true); }
            catch (IOException) { /* best effort: a leftover temp dir must not fail the benchmark */ }
        }
    }
}
