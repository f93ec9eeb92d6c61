namespace Braid.Cdc.Tests;

public sealed record Customer(int Id, string FirstName, string Email);

/// <summary>Hand-written Debezium change events (JSON converter), in the shapes its PostgreSQL connector writes.</summary>
internal static class Corpus
{
    public const string Create = """
        {"before":null,"after":{"id":1004,"first_name":"Anne","email":"annek@noanswer.org"},
         "source":{"version":"2.7.0.Final","connector":"postgresql","name":"dbserver1","ts_ms":1559033904863,"snapshot":"false","db":"postgres","schema":"public","table":"customers","txId":555,"lsn":24023128},
         "op":"c","ts_ms":1559033904870}
        """;

    public const string Update = """
        {"before":{"id":1004,"first_name":"Anne","email":"annek@noanswer.org"},"after":{"id":1004,"first_name":"Anne Marie","email":"annek@noanswer.org"},
         "source":{"connector":"postgresql","ts_ms":1559033905000,"snapshot":"false"},"op":"u","ts_ms":1559033905010}
        """;

    public const string Delete = """
        {"before":{"id":1004,"first_name":null,"email":null},"after":null,"source":{"connector":"postgresql","ts_ms":1559033906000,"snapshot":"false"},"op":"d","ts_ms":1559033906010}
        """;

    public const string SnapshotRead = """
        {"before":null,"after":{"id":1001,"first_name":"Sally","email":"sally.thomas@acme.com"},"source":{"connector":"postgresql","ts_ms":1559033800000,"snapshot":"last"},"op":"r","ts_ms":1559033800005}
        """;

    /// <summary>With schemas.enable=true: the envelope wrapped with its schema (abbreviated).</summary>
    public const string CreateWithSchema = """
        {"schema":{"type":"struct","name":"dbserver1.public.customers.Envelope","optional":false,"fields":[
           {"type":"struct","field":"before","optional":true,"fields":[{"type":"int32","field":"id"},{"type":"string","field":"first_name"},{"type":"string","field":"email"}]},
           {"type":"struct","field":"after","optional":true,"fields":[{"type":"int32","field":"id"},{"type":"string","field":"first_name"},{"type":"string","field":"email"}]},
           {"type":"struct","field":"source","fields":[{"type":"int64","field":"ts_ms"}]},{"type":"string","field":"op"},{"type":"int64","field":"ts_ms","optional":true}]},
         "payload":{"before":null,"after":{"id":1002,"first_name":"George","email":"gbailey@foobar.com"},"source":{"ts_ms":1559033904900,"snapshot":"false"},"op":"c","ts_ms":1559033904905}}
        """;

    public const string KeySchemaless = """{"id":1004}""";

    public const string KeyWithSchema = """{"schema":{"type":"struct","name":"dbserver1.public.customers.Key","optional":false,"fields":[{"type":"int32","optional":false,"field":"id"}]},"payload":{"id":1002}}""";

    /// <summary>Malformed envelopes and the reason each must name.</summary>
    public static TheoryData<string, string> Malformed => new()
    {
        { "not json", "not JSON" },
        { "[1,2]", "expected a JSON object" },
        { """{"before":null,"after":{"id":1}}""", "no 'op' field" },
        { """{"op":5,"after":{"id":1}}""", "'op' is Number" },
        { """{"op":"x","after":{"id":1}}""", "unknown op 'x'" },
        { """{"op":"t","source":{"ts_ms":1}}""", "truncate" },
        { """{"op":"c","after":null}""", "has no 'after' row" },
        { """{"op":"d","before":{"id":1,"first_name":"a","email":"b"},"after":{"id":1,"first_name":"a","email":"b"}}""", "non-null 'after'" },
        { """{"op":"c","after":"oops"}""", "'after' is String" },
        { """{"op":"c","after":{"id":"not a number","first_name":"a","email":"b"}}""", "does not fit Customer" },
        { """{"op":"c","after":{"id":1,"first_name":"a","email":"b"},"source":{"ts_ms":"yesterday"}}""", "'source.ts_ms' is not a whole number" },
        { """{"op":"c","after":{"id":1,"first_name":"a","email":"b"},"source":{"ts_ms":-5}}""", "'source.ts_ms' is negative" },
        { """{"schema":{},"payload":7}""", "'payload' is Number" },
    };
}
