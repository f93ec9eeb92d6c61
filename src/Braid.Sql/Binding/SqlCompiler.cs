using Braid.Sql.Runtime;
using Braid.Sql.Syntax;

namespace Braid.Sql.Binding;

/// <summary>
/// Compiles statements in order into one <see cref="StreamsBuilder"/>: sources become DSL sources, each
/// view's SELECT is bound by <see cref="QueryBinder"/>, and later statements may read earlier views by name.
/// </summary>
internal sealed class SqlCompiler
{
    private static readonly string[] SourceOptions = ["topic", "format", "timestamp", "versioned"];
    private static readonly string[] ViewOptions = ["topic"];

    private readonly StreamsBuilder _builder = new();
    private readonly Dictionary<string, Relation> _relations = new(StringComparer.Ordinal);
    private readonly List<SqlSource> _sources = [];
    private readonly List<SqlView> _views = [];

    public SqlProgram Compile(string sql)
    {
        foreach (var statement in Parser.Parse(sql))
        {
            switch (statement)
            {
                case CreateSource s: AddSource(s); break;
                case CreateView v: AddView(v); break;
                case InsertInto i: AddInsert(i); break;
                case SelectStatement q:
                    throw q.Pos.Error("a bare SELECT is a pull query: run it in the braid sql shell against a running view; in a program write CREATE MATERIALIZED VIEW name AS SELECT ....");
            }
        }
        if (_sources.Count == 0) throw new SqlException("the program declares no CREATE TABLE or CREATE STREAM source.", 1, 1);
        return new SqlProgram(_builder.Build(), _sources, _views);
    }

    private void CheckNewName(string name, Pos at)
    {
        if (_relations.ContainsKey(name)) throw at.Error($"{name} is already defined.");
    }

    private void AddSource(CreateSource s)
    {
        CheckNewName(s.Name, s.Pos);
        CheckOptions(s.With, SourceOptions);
        var seen = new HashSet<string>();
        foreach (var c in s.Columns)
            if (!seen.Add(c.Name)) throw c.Pos.Error($"column {c.Name} is declared twice.");
        if (s.IsTable && s.PrimaryKey.Count == 0) throw s.Pos.Error($"table {s.Name} needs a PRIMARY KEY (the key of its topic's records); declare a STREAM for events without one.");
        foreach (var (k, pos) in s.PrimaryKey)
            if (!seen.Contains(k)) throw pos.Error($"primary-key column {k} is not declared in {s.Name}.");
        if (s.With.TryGetValue("format", out var format) && !string.Equals(format.Value, "json", StringComparison.OrdinalIgnoreCase))
            throw format.Pos.Error($"format '{format.Value}' is not supported; 'json' is (other formats plug in as serdes through the C# API).");
        string? timeColumn = null;
        if (s.With.TryGetValue("timestamp", out var ts))
        {
            var col = s.Columns.FirstOrDefault(c => c.Name == ts.Value.ToLowerInvariant() || c.Name == ts.Value)
                ?? throw ts.Pos.Error($"timestamp column '{ts.Value}' is not a column of {s.Name}.");
            if (col.Type is not (SqlType.Timestamp or SqlType.BigInt)) throw ts.Pos.Error($"timestamp column {col.Name} must be TIMESTAMP or BIGINT (epoch milliseconds), it is {SqlTypes.Name(col.Type)}.");
            timeColumn = col.Name;
        }
        TimeSpan? retention = null;
        if (s.With.TryGetValue("versioned", out var versioned))
        {
            if (!s.IsTable) throw versioned.Pos.Error("only a table can be versioned (a stream keeps every event anyway).");
            retention = TimeSpan.FromMilliseconds(Durations.Parse(versioned.Value, versioned.Pos));
        }
        string topic = s.With.TryGetValue("topic", out var t) ? t.Value : s.Name;
        var columns = s.Columns.Select(c => new SqlColumn(c.Name, c.Type) { Element = c.Element }).ToList();
        var source = new SqlSource(s.Name, s.IsTable, topic, columns, s.PrimaryKey.Select(k => k.Name).ToList(), retention, timeColumn);
        _sources.Add(source);

        var schema = new Schema(columns.Select(c => new Column(s.Name, c.Name, c.Type, c.Element)).ToList());
        int[] key = source.PrimaryKey.Select(k => columns.FindIndex(c => c.Name == k)).ToArray();
        int? timePos = timeColumn is null ? null : columns.FindIndex(c => c.Name == timeColumn);
        var names = schema.Names;
        var raw = _builder.Stream(topic, Consumed.With(source.KeySerde, source.ValueSerde));
        var stream = raw.ProcessValues(() => new SourceRowProcessor(names, key, timePos, s.IsTable));
        if (s.IsTable)
        {
            var table = stream.ToTable(new Materialized<SqlRow, SqlRow>
            {
                StoreName = s.Name + "-source",
                KeySerde = SqlRowSerde.Instance,
                ValueSerde = SqlRowSerde.Instance,
                VersionedHistoryRetention = retention,
            });
            _relations[s.Name] = new Relation { Schema = schema, Key = key, KeyColumns = source.PrimaryKey.Select(k => columns.First(c => c.Name == k)).ToList(), Table = table, VersionedRetention = retention, TimeColumn = timePos, IsSourceRelation = true };
        }
        else
        {
            // A keyed stream's tombstones travel beside its events (they are not events; see Relation.Deletes).
            var deletes = key.Length == 0 ? null : raw.Filter((k, v) => v is null && k is not null);
            var keyColumns = source.PrimaryKey.Select(k => columns.First(c => c.Name == k)).ToList();
            _relations[s.Name] = new Relation { Schema = schema, Key = key, KeyColumns = keyColumns, Stream = stream, TimeColumn = timePos, Deletes = deletes, IsSourceRelation = true };
        }
    }

    private void AddView(CreateView v)
    {
        CheckNewName(v.Name, v.Pos);
        CheckOptions(v.With, ViewOptions);
        var rel = new QueryBinder(_relations).Bind(v.Query);
        string topic = v.With.TryGetValue("topic", out var t) ? t.Value : v.Name;
        var keyColumns = rel.KeyColumns;
        var columns = rel.Schema.Columns.Select(c => new SqlColumn(c.Name, c.Type) { Element = c.Element }).ToList();
        if (!v.IsStream)
        {
            if (!rel.IsTable)
                throw v.Query.Pos.Error("this query produces a stream (events, no primary key): write CREATE STREAM name AS SELECT, or GROUP BY to make a table.");
            var view = new SqlView(v.Name, true, topic, v.Name, keyColumns, columns);
            var stored = rel.Table!.MapValues((_, row) => row, new Materialized<SqlRow, SqlRow> { StoreName = v.Name, KeySerde = SqlRowSerde.Instance, ValueSerde = SqlRowSerde.Instance });
            stored.ToStream().To(topic, Produced.With(view.KeySerde, view.ValueSerde));
            _views.Add(view);
            _relations[v.Name] = new Relation { Schema = rel.Schema.Requalify(v.Name), Key = rel.Key, KeyColumns = rel.KeyColumns, Table = stored, VersionedRetention = rel.VersionedRetention, TimeColumn = rel.TimeColumn };
        }
        else
        {
            var stream = rel.Stream ?? rel.Table!.ToStream().Filter((_, row) => row is not null);
            var view = new SqlView(v.Name, false, topic, null, keyColumns, columns);
            stream.To(topic, Produced.With(view.KeySerde, view.ValueSerde));
            _views.Add(view);
            _relations[v.Name] = new Relation { Schema = rel.Schema.Requalify(v.Name), Key = rel.Key, KeyColumns = rel.KeyColumns, Stream = stream, TimeColumn = rel.TimeColumn };
        }
    }

    private void AddInsert(InsertInto i)
    {
        var view = _views.FirstOrDefault(v => v.Name == i.Target);
        if (view is null || view.IsTable)
            throw i.TargetPos.Error(view is null
                ? $"INSERT INTO needs a stream defined earlier by CREATE STREAM {i.Target} AS SELECT ... (sources are fed by their topics)."
                : $"{i.Target} is a materialized view; INSERT INTO writes to a stream defined by CREATE STREAM ... AS SELECT.");
        var target = _relations[i.Target];
        var rel = new QueryBinder(_relations).Bind(i.Query);
        if (rel.IsTable) throw i.Query.Pos.Error("INSERT INTO a stream needs a query over streams; this query produces a table.");
        if (rel.Schema.Count != target.Schema.Count || rel.Schema.Columns.Zip(target.Schema.Columns).Any(p => p.First.Name != p.Second.Name || p.First.Type != p.Second.Type && p.First.Type != SqlType.Unknown))
            throw i.Query.Pos.Error($"INSERT INTO {i.Target} needs the columns {string.Join(", ", target.Schema.Columns.Select(c => $"{c.Name} {SqlTypes.Name(c.Type)}"))} in this order; the SELECT gives {string.Join(", ", rel.Schema.Columns.Select(c => $"{c.Name} {SqlTypes.Name(c.Type)}"))}.");
        rel.Stream!.To(view.Topic, Produced.With(view.KeySerde, view.ValueSerde));
        // The merged stream's time column is only known when both parts carry the record timestamp in the same column.
        _relations[i.Target] = new Relation
        {
            Schema = target.Schema, Key = target.Key, KeyColumns = target.KeyColumns, Stream = target.Stream!.Merge(rel.Stream),
            TimeColumn = target.TimeColumn == rel.TimeColumn ? target.TimeColumn : null,
        };
    }

    private static void CheckOptions(IReadOnlyDictionary<string, WithOption> options, string[] allowed)
    {
        foreach (var (name, option) in options)
            if (!allowed.Contains(name)) throw option.Pos.Error($"unknown option {name}; supported here: {string.Join(", ", allowed)}.");
    }
}
