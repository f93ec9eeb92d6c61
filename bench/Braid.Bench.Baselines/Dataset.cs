using System.Text;

namespace Braid.Bench.Baselines;

/// <summary>
/// Deterministic input for one workload, generated from a seed before any timing starts and shared by all
/// implementations. Record i: key = Keys[KeyIdx[i]] (uniform over the key space, SplitMix64), value = "v{i:D7}",
/// timestamp = T0 + i * step + jitter (jitter uniform in [0, jitterMs]), side = i % 2 (0 = left / table A,
/// 1 = right / table B) for the two-input workloads; stream-table sends every record to the stream side and
/// preloads the table with one value per key ("t{k:D5}"); windowed-count sends every record to one stream. fk-table-table: left rows (even i) carry their foreign key
/// in the value, "{foreign key}|v{i:D7}" (foreign key uniform over the same key space); right rows are plain.
/// </summary>
internal sealed class Dataset
{
    public const long T0 = 1_700_000_000_000L;

    public required Workload Workload { get; init; }
    public required int Count { get; init; }
    public required string[] Keys { get; init; }
    public required byte[][] KeyBytes { get; init; }
    public required int[] KeyIdx { get; init; }
    public required string[] Values { get; init; }
    public required byte[][] ValueBytes { get; init; }
    public required long[] Ts { get; init; }
    public required DateTime[] TsDateTime { get; init; }
    /// <summary>Stream–table only: table value per key index, loaded before timing.</summary>
    public required string[] TableValues { get; init; }
    public required byte[][] TableValueBytes { get; init; }

    /// <summary>The foreign key of a fk-table-table left row: the key prefix of its value.</summary>
    public static string ForeignKeyOf(string leftValue) => leftValue[..leftValue.IndexOf('|')];

    /// <summary>True when record i goes to the left stream / table A.</summary>
    public bool IsLeft(int i) => Workload is Workload.StreamTable or Workload.WindowedCount || (i & 1) == 0;

    public static Dataset Create(Workload w, int count, int keyCount, long seed, int stepMs, int jitterMs)
    {
        var rng = new SplitMix64(seed ^ ((long)w + 1) * 0x5851F42D4C957F2DL);
        var keys = new string[keyCount];
        var keyBytes = new byte[keyCount][];
        for (int k = 0; k < keyCount; k++)
        {
            keys[k] = "k" + k.ToString("D5");
            keyBytes[k] = Encoding.UTF8.GetBytes(keys[k]);
        }
        var idx = new int[count];
        var values = new string[count];
        var valueBytes = new byte[count][];
        var ts = new long[count];
        var tsDt = new DateTime[count];
        for (int i = 0; i < count; i++)
        {
            idx[i] = (int)(rng.Next() % (ulong)keyCount);
            values[i] = "v" + i.ToString("D7");
            if (w == Workload.ForeignKey && (i & 1) == 0) values[i] = keys[rng.Next() % (ulong)keyCount] + "|" + values[i];
            valueBytes[i] = Encoding.UTF8.GetBytes(values[i]);
            long jitter = jitterMs == 0 ? 0 : (long)(rng.Next() % (ulong)(jitterMs + 1));
            ts[i] = T0 + (long)i * stepMs + jitter;
            tsDt[i] = DateTime.UnixEpoch.AddMilliseconds(ts[i]);
        }
        bool hasTable = w == Workload.StreamTable;
        var tableValues = new string[hasTable ? keyCount : 0];
        var tableValueBytes = new byte[tableValues.Length][];
        for (int k = 0; k < tableValues.Length; k++)
        {
            tableValues[k] = "t" + k.ToString("D5");
            tableValueBytes[k] = Encoding.UTF8.GetBytes(tableValues[k]);
        }
        return new Dataset
        {
            Workload = w, Count = count, Keys = keys, KeyBytes = keyBytes, KeyIdx = idx, Values = values,
            ValueBytes = valueBytes, Ts = ts, TsDateTime = tsDt, TableValues = tableValues, TableValueBytes = tableValueBytes,
        };
    }

    private struct SplitMix64(long seed)
    {
        private ulong _state = (ulong)seed;

        public ulong Next()
        {
            ulong z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
