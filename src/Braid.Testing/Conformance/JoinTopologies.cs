using Braid.Serialization;

namespace Braid.Testing.Conformance;

/// <summary>
/// Builds, for a vector case, the join it describes between topics "left" and "right", writing to
/// "output" — written the way a user would, with the public DSL. Join families not built yet, and
/// options this runner does not know, are skips with a reason, never guesses.
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

    /// <summary>True once versioned tables exist; until then cases that need them are skipped.</summary>
    internal static bool VersionedTablesAvailable { get; set; } = true;

    /// <summary>Lets later join families register their builders (stream–stream, foreign-key, …).</summary>
    internal static void Register(string family, Func<VectorCase, StreamsBuilder, string?> build) => Families[family] = build;

    public static bool TryBuild(VectorCase c, out Topology topology, out string skipReason)
    {
        topology = null!;
        if (!Families.TryGetValue(c.Join, out var build))
        {
            skipReason = $"join family '{c.Join}' is not built yet";
            return false;
        }
        if (!VersionedTablesAvailable && (c.OptionIsTrue("leftVersioned") || c.OptionIsTrue("rightVersioned")))
        {
            skipReason = "versioned tables are not built yet";
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
        Func<string?, string, string?>? mapper = c.OptionString("keyMapper") switch
        {
            null or "identity" => (k, _) => k,
            "secondCommaToken" => (_, v) => v.Split(',') is { Length: > 1 } t ? t[1] : null,
            _ => null,
        };
        if (mapper is null) return $"unknown keyMapper '{c.OptionString("keyMapper")}'";
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
        Func<string, string?>? extractor = c.OptionString("foreignKeyExtractor") switch
        {
            "identity" => v => v,
            "afterPipe" => v => v.Split('|') is { Length: > 1 } t ? t[1] : null,
            _ => null,
        };
        if (extractor is null) return $"unknown foreignKeyExtractor '{c.OptionString("foreignKeyExtractor")}'";
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
