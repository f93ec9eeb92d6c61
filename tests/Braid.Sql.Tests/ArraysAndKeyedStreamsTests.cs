using System.Text.Json;
using Braid.Serialization;

namespace Braid.Sql.Tests;

/// <summary>
/// ARRAY source columns, UNNEST, <c>= ANY</c>/<c>ALL</c>, streams with KEY columns whose tombstones delete a group,
/// HAVING over a stream, and windows re-timestamped from their DESCRIPTOR column after a join. Examples with the
/// expected output spelled out (the SQLite and model property tests cover tables and joins at random).
/// </summary>
public sealed class ArraysAndKeyedStreamsTests
{
    private static List<string> Values(SqlDriver braid, string stream) => braid.Stream(stream).Select(l =>
    {
        using var doc = JsonDocument.Parse(l);
        return doc.RootElement.GetProperty("value").GetRawText();
    }).ToList();

    [Fact]
    public void Unnest_gives_one_row_per_element_in_order_and_LEFT_JOIN_keeps_rows_with_no_elements()
    {
        // Would catch: elements reordered or lost, a NULL element dropped, ordinality 0-based, an empty or NULL
        // array producing a row under CROSS JOIN or none under LEFT JOIN, the element type lost.
        using var braid = new SqlDriver("""
            CREATE STREAM s (id TEXT, xs BIGINT[]);
            CREATE STREAM c AS SELECT s.id, u.x, u.n FROM s CROSS JOIN UNNEST(s.xs) WITH ORDINALITY AS u (x, n);
            CREATE STREAM l AS SELECT s.id, e FROM s LEFT JOIN UNNEST(s.xs) AS e ON TRUE;
            """);
        braid.Send("s", """{"key": "a", "value": {"id": "a", "xs": [3, 1, null]}, "ts": 1}""");
        braid.Send("s", """{"key": "b", "value": {"id": "b", "xs": []}, "ts": 2}""");
        braid.Send("s", """{"key": "c", "value": {"id": "c", "xs": null}, "ts": 3}""");
        Assert.Equal(["""{"id":"a","x":3,"n":1}""", """{"id":"a","x":1,"n":2}""", """{"id":"a","x":null,"n":3}"""], Values(braid, "c"));
        Assert.Equal(["""{"id":"a","e":3}""", """{"id":"a","e":1}""", """{"id":"a","e":null}""", """{"id":"b","e":null}""", """{"id":"c","e":null}"""], Values(braid, "l"));
        Assert.Equal(SqlType.BigInt, braid.Program.View("c").Columns[1].Type);
    }

    [Fact]
    public void An_array_element_of_the_wrong_type_is_an_error_naming_column_and_position()
    {
        var program = BraidSql.Compile("CREATE STREAM s (id TEXT, xs BIGINT ARRAY);");
        var e = Assert.Throws<SerializationException>(() => SqlJsonLines.ParseInput(program.Source("s"), """{"key": 1, "value": {"xs": [1, "two"]}, "ts": 0}""", "in.jsonl:7"));
        Assert.Contains("in.jsonl:7", e.Message);
        Assert.Contains("column xs[2]", e.Message);
        var notArray = Assert.Throws<SerializationException>(() => SqlJsonLines.ParseInput(program.Source("s"), """{"key": 1, "value": {"xs": 5}, "ts": 0}""", "in.jsonl:8"));
        Assert.Contains("expected a JSON array of BIGINT", notArray.Message);
    }

    [Fact]
    public void Any_and_all_follow_PostgreSQL_three_valued_logic()
    {
        // Would catch: NULL elements or an empty array treated like SQL IN on a list, ALL and ANY swapped,
        // a NULL array giving FALSE.
        using var braid = new SqlDriver("""
            CREATE STREAM s (x BIGINT, xs ARRAY<BIGINT>);
            CREATE STREAM r AS SELECT s.x = ANY(s.xs) AS any_eq, s.x > ALL(s.xs) AS all_gt, cardinality(s.xs) AS n FROM s;
            """);
        string[] inputs = ["""{"x": 1, "xs": [1, 2]}""", """{"x": 3, "xs": [1, 2]}""", """{"x": 1, "xs": [2, null]}""", """{"x": 3, "xs": [2, null]}""",
            """{"x": 3, "xs": []}""", """{"x": null, "xs": [1]}""", """{"x": 1, "xs": null}"""];
        foreach (var (input, i) in inputs.Select((x, i) => (x, i))) braid.Send("s", $$"""{"key": {{i}}, "value": {{input}}, "ts": {{i}}}""");
        Assert.Equal(
        [
            """{"any_eq":true,"all_gt":false,"n":2}""", """{"any_eq":false,"all_gt":true,"n":2}""", """{"any_eq":null,"all_gt":false,"n":2}""",
            """{"any_eq":null,"all_gt":null,"n":2}""", """{"any_eq":false,"all_gt":true,"n":0}""", """{"any_eq":null,"all_gt":null,"n":1}""",
            """{"any_eq":null,"all_gt":null,"n":null}""",
        ], Values(braid, "r"));
    }

    [Fact]
    public void A_tombstone_on_a_keyed_stream_deletes_its_group_and_a_later_event_starts_a_new_one()
    {
        // Would catch: the tombstone ignored; the group's state kept (a later event would count 3, not 1); the
        // wrong group deleted; a GROUP BY on other columns touched by it; HAVING not deleting a group that stops
        // matching, or showing one that does not match yet.
        using var braid = new SqlDriver("""
            CREATE STREAM e (k TEXT KEY, v BIGINT);
            CREATE MATERIALIZED VIEW g AS SELECT k, COUNT(*) AS n, SUM(v) AS total FROM e GROUP BY k;
            CREATE MATERIALIZED VIEW busy AS SELECT k, COUNT(*) AS n FROM e GROUP BY k HAVING COUNT(*) >= 2;
            CREATE MATERIALIZED VIEW by_v AS SELECT v, COUNT(*) AS n FROM e GROUP BY v;
            """);
        braid.Send("e", """{"key": "a", "value": {"v": 1}, "ts": 1}""");
        Assert.Empty(braid.View("busy"));
        braid.Send("e", """{"key": "a", "value": {"v": 2}, "ts": 2}""");
        braid.Send("e", """{"key": "b", "value": {"v": 1}, "ts": 3}""");
        Assert.Equal(["""{"key":"a","value":{"k":"a","n":2}}"""], braid.View("busy"));
        braid.Send("e", """{"key": "a", "value": null, "ts": 4}""");
        Assert.Equal(["""{"key":"b","value":{"k":"b","n":1,"total":1}}"""], braid.View("g"));
        Assert.Empty(braid.View("busy"));
        Assert.Equal(["""{"key":1,"value":{"v":1,"n":2}}""", """{"key":2,"value":{"v":2,"n":1}}"""], braid.View("by_v"));
        braid.Send("e", """{"key": "a", "value": {"v": 7}, "ts": 5}""");
        Assert.Equal(["""{"key":"a","value":{"k":"a","n":1,"total":7}}""", """{"key":"b","value":{"k":"b","n":1,"total":1}}"""], braid.View("g"));
    }

    [Fact]
    public void A_window_after_a_stream_join_follows_its_DESCRIPTOR_column_not_the_joined_record_time()
    {
        // A joined record's timestamp is the later side's (Kafka); windowing by a.ts must use a.ts. Would catch
        // the window assigned from the record timestamp (the 12:20 window instead of 12:00).
        using var braid = new SqlDriver("""
            CREATE STREAM a (k TEXT, ts TIMESTAMP) WITH (timestamp = 'ts');
            CREATE STREAM b (k TEXT, ts TIMESTAMP) WITH (timestamp = 'ts');
            CREATE STREAM j AS SELECT a.k, a.ts AS a_ts, b.ts AS b_ts FROM a JOIN b
                ON a.k = b.k AND b.ts BETWEEN a.ts - INTERVAL '1' HOUR AND a.ts + INTERVAL '1' HOUR;
            CREATE MATERIALIZED VIEW w AS SELECT k, window_start, COUNT(*) AS n
                FROM TABLE(TUMBLE(TABLE j, DESCRIPTOR(a_ts), INTERVAL '10' MINUTE)) GROUP BY k, window_start, window_end;
            """);
        const long T0 = 1_609_502_400_000; // 12:00
        braid.Send("a", $$"""{"key": null, "value": {"k": "x"}, "ts": {{T0 + 300_000}}}""");
        braid.Send("b", $$"""{"key": null, "value": {"k": "x"}, "ts": {{T0 + 1_500_000}}}""");
        var row = Assert.Single(braid.Rows("w"));
        Assert.Equal(T0, row.Value["window_start"]);
        Assert.Equal(1L, row.Value["n"]);
    }
}

/// <summary>JSON source columns and PostgreSQL's -&gt; / -&gt;&gt; operators.</summary>
public sealed class JsonColumnTests
{
    [Fact]
    public void Json_columns_keep_any_JSON_and_arrows_read_fields_and_elements()
    {
        // Would catch: a JSON object flattened or re-typed, ->> returning JSON (quoted) text, -> on an array
        // 1-based, a missing field or a non-object value being an error instead of NULL, GROUP BY on ->> not
        // matching the SELECT item.
        using var braid = new SqlDriver("""
            CREATE STREAM s (id TEXT, payload JSONB);
            CREATE STREAM r AS SELECT s.id, s.payload->>'name' AS name, s.payload->'tags'->0 AS first_tag, s.payload->'tags'->>-1 AS last_tag,
                CAST(s.payload->'n' AS BIGINT) + 1 AS n1, s.payload->'missing' AS missing, s.payload AS raw FROM s;
            CREATE MATERIALIZED VIEW by_country AS SELECT s.payload->>'country' AS country, COUNT(*) AS n FROM s GROUP BY s.payload->>'country';
            """);
        braid.Send("s", """{"key": 1, "value": {"id": "a", "payload": {"name": "ann", "tags": ["x", "y"], "n": 41, "country": "fr"}}, "ts": 1}""");
        braid.Send("s", """{"key": 2, "value": {"id": "b", "payload": "hello"}, "ts": 2}""");
        braid.Send("s", """{"key": 3, "value": {"id": "c", "payload": null}, "ts": 3}""");
        var values = braid.Stream("r").Select(l => JsonDocument.Parse(l).RootElement.GetProperty("value").GetRawText()).ToList();
        Assert.Equal(
        [
            """{"id":"a","name":"ann","first_tag":"x","last_tag":"y","n1":42,"missing":null,"raw":{"name":"ann","tags":["x","y"],"n":41,"country":"fr"}}""",
            """{"id":"b","name":null,"first_tag":null,"last_tag":null,"n1":null,"missing":null,"raw":"hello"}""",
            """{"id":"c","name":null,"first_tag":null,"last_tag":null,"n1":null,"missing":null,"raw":null}""",
        ], values);
        Assert.Equal(["""{"key":null,"value":{"country":null,"n":2}}""", """{"key":"fr","value":{"country":"fr","n":1}}"""], braid.View("by_country"));
        Assert.Equal(SqlType.Json, braid.Program.View("r").Columns[^1].Type);
    }

    [Fact]
    public void Comparing_a_JSON_part_with_a_number_asks_for_a_CAST()
    {
        var e = Assert.Throws<SqlException>(() => BraidSql.Compile("""
            CREATE STREAM s (payload JSON);
            CREATE STREAM r AS SELECT s.payload FROM s WHERE s.payload->'n' > 3;
            """));
        Assert.Contains("cannot compare JSON with BIGINT", e.Problem);
        Assert.Equal((2, 65), (e.Line, e.Column));
    }
}
