using Braid.Serialization;

namespace Braid.Conformance;

/// <summary>
/// Builds, for a vector case, the join it describes between topics "left" and "right", writing to
/// "output" — written the way a user would, with the public DSL. Every named function of the vector
/// format (shared/vectors/README.md, "Named functions") is known; a name the README does not define, or a
/// join family it does not list, is a skip with that reason, never a guess.
/// </summary>
internal static class JoinTopologies
{
    private static readonly Consumed<string, string> Strings = Consumed.With(Serdes.String, Serdes.String);
    private static readonly Produced<string, string> Out = Produced.With(Serdes.String, Serdes.String);

    /// <summary>Family builders; each returns null when it built the topology, else a skip reason.</summary>
    private static readonly Dictionary<string, Func<VectorCase, StreamsBuilder, string?>> Families = new()
    {
        ["stream-table"] = StreamTable,
        ["stream-globaltable"] = StreamGlobalTable,
        ["table-table"] = TableTable,
        ["versioned-stream-table"] = StreamTable,
        ["stream-stream"] = StreamStream,
        ["fk-table-table"] = ForeignKeyTableTable,
    };

    /// <summary>The README's <c>keyMapper</c> functions (GlobalKTable joins): stream key and value → table key.</summary>
    internal static readonly Dictionary<string, Func<string?, string, string?>> KeyMappers = new()
    {
        ["identity"] = (k, _) => k,
        ["secondCommaToken"] = (_, v) => v.Split(',') is { Length: > 1 } t ? t[1] : null,
        ["alwaysNull"] = (_, _) => null,
    };

    /// <summary>The README's <c>foreignKeyExtractor</c> functions: left value → foreign key.</summary>
    internal static readonly Dictionary<string, Func<string, string?>> ForeignKeyExtractors = new()
    {
        ["identity"] = v => v,
        // Java's split('|')[1] throws when there is no '|'; the vectors never pipe such a value.
        ["afterPipe"] = v => v.Split('|') is { Length: > 1 } t ? t[1] : null,
        ["afterPipeOrNull"] = v => v.Split('|') is { Length: > 1 } t && t[1] != "returnNull" ? t[1] : null,
        ["alwaysNull"] = _ => null,
    };

    public static bool TryBuild(VectorCase c, out Topology topology, out string skipReason)
    {
        topology = null!;
        if (!Families.TryGetValue(c.Join, out var build))
        {
            skipReason = $"join family '{c.Join}' is not one the vector README defines";
            return false;
        }
        var builder = new StreamsBuilder();
        var reason = build(c, builder);
        if (reason is not null)
        {
            skipReason = reason;
            return false;
        }
        topology = builder.Build();
        skipReason = "";
        return true;
    }

    private static Materialized<string, string> TableOptions(VectorCase c, string side)
    {
        long? history = c.OptionLong("historyRetentionMs");
        bool versioned = c.OptionIsTrue(side + "Versioned");
        return new Materialized<string, string>
        {
            StoreName = side + "-table",
            VersionedHistoryRetention = versioned ? TimeSpan.FromMilliseconds(history ?? 300_000) : null,
        };
    }

    private static string? StreamTable(VectorCase c, StreamsBuilder b)
    {
        var stream = b.Stream(ConformanceRunner.LeftTopic, Strings);
        var table = b.Table(ConformanceRunner.RightTopic, Strings, TableOptions(c, "right"));
        long? grace = c.OptionLong("streamTableGraceMs");
        var joined = new Joined<string, string, string> { GracePeriod = grace is null ? null : TimeSpan.FromMilliseconds(grace.Value) };
        var result = c.Kind switch
        {
            "inner" => stream.Join(table, (l, r) => c.Join2(l, r), joined),
            "left" => stream.LeftJoin(table, (l, r) => c.Join2(l, r), joined),
            _ => null,
        };
        if (result is null) return $"a stream–table join has no '{c.Kind}' variant";
        result.To(ConformanceRunner.OutputTopic, Out);
        return null;
    }

    private static string? StreamGlobalTable(VectorCase c, StreamsBuilder b)
    {
        string mapperName = c.OptionString("keyMapper") ?? "identity";
        if (!KeyMappers.TryGetValue(mapperName, out var mapper)) return $"keyMapper '{mapperName}' is not a function the vector README defines";
        var stream = b.Stream(ConformanceRunner.LeftTopic, Strings);
        var table = b.GlobalTable(ConformanceRunner.RightTopic, Strings, new Materialized<string, string> { StoreName = "global-table" });
        var result = c.Kind switch
        {
            "inner" => stream.Join(table, mapper, (l, r) => c.Join2(l, r)),
            "left" => stream.LeftJoin(table, mapper, (l, r) => c.Join2(l, r)),
            _ => null,
        };
        if (result is null) return $"a stream–globaltable join has no '{c.Kind}' variant";
        result.To(ConformanceRunner.OutputTopic, Out);
        return null;
    }

    private static string? TableTable(VectorCase c, StreamsBuilder b)
    {
        var left = b.Table(ConformanceRunner.LeftTopic, Strings, TableOptions(c, "left"));
        var right = b.Table(ConformanceRunner.RightTopic, Strings, TableOptions(c, "right"));
        var result = c.Kind switch
        {
            "inner" => left.Join(right, (l, r) => c.Join2(l, r)),
            "left" => left.LeftJoin(right, (l, r) => c.Join2(l, r)),
            "outer" => left.OuterJoin(right, (l, r) => c.Join2(l, r)),
            _ => null,
        };
        if (result is null) return $"a table–table join has no '{c.Kind}' variant";
        result.ToStream().To(ConformanceRunner.OutputTopic, Out);
        return null;
    }

    private static string? StreamStream(VectorCase c, StreamsBuilder b)
    {
        if (c.Window is null) return "a stream–stream case needs a window";
        var windows = JoinWindows.OfTimeDifferenceAndGrace(TimeSpan.Zero, TimeSpan.FromMilliseconds(c.Window.GraceMs))
            .Before(TimeSpan.FromMilliseconds(c.Window.BeforeMs))
            .After(TimeSpan.FromMilliseconds(c.Window.AfterMs));
        // rightValueType "long": the tests render the right value by string concatenation, as the template does.
        bool self = c.OptionIsTrue("selfJoin");
        if (self && c.Steps.Any(s => s.Side != "left")) return "a self-join case must pipe every record into the left topic";
        var left = b.Stream(ConformanceRunner.LeftTopic, Strings);
        // selfJoin: the source joins its own topic; the vector's steps all go to the left topic.
        var right = self ? left : b.Stream(ConformanceRunner.RightTopic, Strings);
        var result = c.Kind switch
        {
            "inner" => left.Join(right, (l, r) => c.Join2(l, r), windows),
            "left" => left.LeftJoin(right, (l, r) => c.Join2(l, r), windows),
            "outer" => left.OuterJoin(right, (l, r) => c.Join2(l, r), windows),
            _ => null,
        };
        if (result is null) return $"a stream–stream join has no '{c.Kind}' variant";
        result.To(ConformanceRunner.OutputTopic, Out);
        return null;
    }

    private static string? ForeignKeyTableTable(VectorCase c, StreamsBuilder b)
    {
        string extractorName = c.OptionString("foreignKeyExtractor") ?? "identity";
        if (!ForeignKeyExtractors.TryGetValue(extractorName, out var extractor))
            return $"foreignKeyExtractor '{extractorName}' is not a function the vector README defines";
        var left = b.Table(ConformanceRunner.LeftTopic, Strings, TableOptions(c, "left"));
        var right = b.Table(ConformanceRunner.RightTopic, Strings, TableOptions(c, "right"));
        var result = c.Kind switch
        {
            "inner" => left.Join(right, extractor, (l, r) => c.Join2(l, r)),
            "left" => left.LeftJoin(right, extractor, (l, r) => c.Join2(l, r)),
            _ => null,
        };
        if (result is null) return $"a foreign-key join has no '{c.Kind}' variant (Kafka has inner and left only)";
        result.ToStream().To(ConformanceRunner.OutputTopic, Out);
        return null;
    }
}
