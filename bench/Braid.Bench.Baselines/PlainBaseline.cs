using System.Text;

namespace Braid.Bench.Baselines;

/// <summary>
/// Hand-written joins on Dictionary/List: the "limit". With <c>serdes</c>, inputs are the pre-serialised UTF-8
/// byte[]s (decoded to strings on the way in) and every output key and value is encoded to a new byte[].
/// </summary>
internal sealed class PlainBaseline(string name, bool serdes) : IBaseline
{
    public string Name => name;

    public IPreparedRun Prepare(Dataset data, int n) =>
        serdes ? new PlainRun<Utf8Sink>(data, n, true) : new PlainRun<CountingSink>(data, n, false);

    /// <summary>Counts outputs of the plain join for the first n records: the reference for consistency checks.</summary>
    public static long ReferenceCount(Dataset data, int n)
    {
        using var run = new PlainRun<CountingSink>(data, n, false);
        return run.Execute();
    }

    private sealed class PlainRun<TSink> : IPreparedRun where TSink : struct, ISink
    {
        private readonly Dataset _d;
        private readonly int _n;
        private readonly bool _serdes;
        private readonly PlainStreamTableJoin<TSink>? _st;
        private readonly PlainStreamStreamJoin<TSink>? _ss;
        private readonly PlainTableTableJoin<TSink>? _tt;
        private readonly PlainWindowedCount<TSink>? _wc;

        public PlainRun(Dataset d, int n, bool serdes)
        {
            (_d, _n, _serdes) = (d, n, serdes);
            int cap = d.Keys.Length;
            switch (d.Workload)
            {
                case Workload.StreamTable:
                    _st = new PlainStreamTableJoin<TSink>(cap);
                    for (int k = 0; k < d.TableValues.Length; k++) // preload, untimed, through the same edge
                        _st.LoadTable(Key(k), serdes ? Encoding.UTF8.GetString(d.TableValueBytes[k]) : d.TableValues[k]);
                    break;
                case Workload.StreamStreamInner or Workload.StreamStreamLeft:
                    _ss = new PlainStreamStreamJoin<TSink>(d.Workload == Workload.StreamStreamLeft, cap);
                    break;
                case Workload.WindowedCount:
                    _wc = new PlainWindowedCount<TSink>(cap);
                    break;
                default:
                    _tt = new PlainTableTableJoin<TSink>(cap);
                    break;
            }
        }

        private string Key(int keyIdx) => _serdes ? Encoding.UTF8.GetString(_d.KeyBytes[keyIdx]) : _d.Keys[keyIdx];
        private string Value(int i) => _serdes ? Encoding.UTF8.GetString(_d.ValueBytes[i]) : _d.Values[i];

        public long Execute()
        {
            var d = _d;
            int[] idx = d.KeyIdx;
            long[] ts = d.Ts;
            if (_st is { } st)
            {
                for (int i = 0; i < _n; i++) st.ProcessStream(Key(idx[i]), Value(i));
                return st.Sink.Outputs;
            }
            if (_ss is { } ss)
            {
                for (int i = 0; i < _n; i++)
                {
                    if ((i & 1) == 0) ss.ProcessLeft(Key(idx[i]), Value(i), ts[i]);
                    else ss.ProcessRight(Key(idx[i]), Value(i), ts[i]);
                }
                return ss.Sink.Outputs;
            }
            if (_wc is { } wc)
            {
                for (int i = 0; i < _n; i++) wc.Process(Key(idx[i]), ts[i]);
                return wc.Sink.Outputs;
            }
            var tt = _tt!;
            for (int i = 0; i < _n; i++)
            {
                if ((i & 1) == 0) tt.ProcessA(Key(idx[i]), Value(i));
                else tt.ProcessB(Key(idx[i]), Value(i));
            }
            return tt.Sink.Outputs;
        }

        public void Dispose() { }
    }
}
