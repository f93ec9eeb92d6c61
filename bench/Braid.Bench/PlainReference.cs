using Braid.Bench.Baselines;

namespace Braid.Bench;

/// <summary>
/// Plain C# (Dictionary/List, no serdes) for every record-driven workload, run in this process: the reference output
/// count every Braid row is checked against, and the "plain" row for workloads the baselines tool does not run.
/// </summary>
internal static class PlainReference
{
    public const long VersionedHistoryRetentionMs = 60_000;

    public static long Count(Dataset data)
    {
        var (run, outputs) = Prepare(data);
        run();
        return outputs();
    }

    public static (Action Run, Func<long> Outputs) Prepare(Dataset d)
    {
        int cap = d.Keys.Length;
        switch (d.Workload)
        {
            case Workload.StreamTable:
                {
                    var st = new PlainStreamTableJoin<CountingSink>(cap);
                    for (int k = 0; k < d.TableValues.Length; k++) st.LoadTable(d.Keys[k], d.TableValues[k]);
                    return (() => { for (int i = 0; i < d.Count; i++) st.ProcessStream(d.Keys[d.KeyIdx[i]], d.Values[i]); }, () => st.Sink.Outputs);
                }
            case Workload.StreamStreamInner or Workload.StreamStreamLeft:
                {
                    var ss = new PlainStreamStreamJoin<CountingSink>(d.Workload == Workload.StreamStreamLeft, cap);
                    return (() =>
                    {
                        for (int i = 0; i < d.Count; i++)
                        {
                            if (d.IsLeft(i)) ss.ProcessLeft(d.Keys[d.KeyIdx[i]], d.Values[i], d.Ts[i]);
                            else ss.ProcessRight(d.Keys[d.KeyIdx[i]], d.Values[i], d.Ts[i]);
                        }
                    }, () => ss.Sink.Outputs);
                }
            case Workload.StreamStreamOuter:
                {
                    var outer = new PlainStreamStreamOuterJoin(cap);
                    return (() =>
                    {
                        for (int i = 0; i < d.Count; i++)
                        {
                            if (d.IsLeft(i)) outer.Process(true, d.Keys[d.KeyIdx[i]], d.Values[i], d.Ts[i]);
                            else outer.Process(false, d.Keys[d.KeyIdx[i]], d.Values[i], d.Ts[i]);
                        }
                    }, () => outer.Outputs);
                }
            case Workload.TableTable:
                {
                    var tt = new PlainTableTableJoin<CountingSink>(cap);
                    return (() =>
                    {
                        for (int i = 0; i < d.Count; i++)
                        {
                            if (d.IsLeft(i)) tt.ProcessA(d.Keys[d.KeyIdx[i]], d.Values[i]);
                            else tt.ProcessB(d.Keys[d.KeyIdx[i]], d.Values[i]);
                        }
                    }, () => tt.Sink.Outputs);
                }
            case Workload.WindowedCount:
                {
                    var wc = new PlainWindowedCount<CountingSink>(cap);
                    return (() => { for (int i = 0; i < d.Count; i++) wc.Process(d.Keys[d.KeyIdx[i]], d.Ts[i]); }, () => wc.Sink.Outputs);
                }
            case Workload.ForeignKey:
                {
                    var fk = new PlainForeignKeyJoin(cap);
                    return (() =>
                    {
                        for (int i = 0; i < d.Count; i++)
                        {
                            if (d.IsLeft(i)) fk.ProcessLeft(d.Keys[d.KeyIdx[i]], d.Values[i]);
                            else fk.ProcessRight(d.Keys[d.KeyIdx[i]], d.Values[i]);
                        }
                    }, () => fk.Outputs);
                }
            case Workload.VersionedStreamTable:
                {
                    var vt = new PlainVersionedStreamTableJoin(cap, VersionedHistoryRetentionMs);
                    return (() =>
                    {
                        for (int i = 0; i < d.Count; i++)
                        {
                            if (d.IsLeft(i)) vt.ProcessStream(d.Keys[d.KeyIdx[i]], d.Values[i], d.Ts[i]);
                            else vt.ProcessTable(d.Keys[d.KeyIdx[i]], d.Values[i], d.Ts[i]);
                        }
                    }, () => vt.Outputs);
                }
            default:
                throw new NotSupportedException($"no plain reference for {d.Workload.Name()}");
        }
    }
}
