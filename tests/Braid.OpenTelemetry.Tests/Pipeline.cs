using System.Diagnostics;
using System.Text;
using Braid.Serialization;

namespace Braid.OpenTelemetry.Tests;

/// <summary>The topology the tests trace: re-key, a repartition topic, then an output topic.</summary>
internal static class Pipeline
{
    public static Topology Build(string input, string output)
    {
        var builder = new StreamsBuilder();
        builder.Stream(input, Consumed.With(Serdes.String, Serdes.String))
            .SelectKey((_, v) => v!.Split(':')[0])
            .Repartition(new Repartitioned<string, string> { Name = input + "-by-user" })
            .MapValues(v => v!.ToUpperInvariant())
            .To(output, Produced.With(Serdes.String, Serdes.String));
        return builder.Build();
    }

    public static Headers TraceHeaders(ActivityTraceId trace, ActivitySpanId span, string? state = null)
    {
        var h = new Headers().Add("other", [1, 2]).Add(BraidTelemetry.TraceParentHeader, Encoding.UTF8.GetBytes($"00-{trace}-{span}-01"));
        if (state is not null) h.Add(BraidTelemetry.TraceStateHeader, Encoding.UTF8.GetBytes(state));
        return h;
    }

    public static string? Header(Headers? headers, string key) =>
        headers is not null && headers.TryGetLast(key, out var h) && h.Value is not null ? Encoding.UTF8.GetString(h.Value) : null;
}
