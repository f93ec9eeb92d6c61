using System.Text;

namespace Braid.Bench.Baselines;

/// <summary>Where plain joins send their results. Struct implementations let the JIT specialise the join engines.</summary>
internal interface ISink
{
    long Outputs { get; }
    void Emit(string key, string value);
}

/// <summary>Counts outputs (and sums value lengths so the joined strings are observably used).</summary>
internal struct CountingSink : ISink
{
    private long _outputs;
    public long Chars;
    public readonly long Outputs => _outputs;

    public void Emit(string key, string value)
    {
        _outputs++;
        Chars += value.Length;
    }
}

/// <summary>Serialises every output key and value to a fresh UTF-8 byte[] (what a producer would be handed), then counts.</summary>
internal struct Utf8Sink : ISink
{
    private long _outputs;
    public long Bytes;
    public readonly long Outputs => _outputs;

    public void Emit(string key, string value)
    {
        byte[] k = Encoding.UTF8.GetBytes(key);
        byte[] v = Encoding.UTF8.GetBytes(value);
        _outputs++;
        Bytes += k.Length + v.Length;
    }
}
