using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Braid.Postgres.Internal;
using Braid.Serialization;
using Braid.Tests.Shared;

namespace Braid.Postgres.Tests;

/// <summary>
/// The primary key goes into the change topic serialized with that topic's key context, as the table's source reads
/// it back — a Schema Registry key serde needs it (no database needed here: the encoder alone).
/// </summary>
public sealed class KeySerdeContextTests
{
    [Fact]
    public void ThePrimaryKey_IsSerializedWithTheChangeTopicsKeyContext()
    {
        var table = new PgTableInfo(TableName.Parse("public.items"), [new PgColumn("sku", 25), new PgColumn("name", 25)], ["sku"]);
        var encoder = new ChangeEncoder<string>(table, new TopicTaggedSerde(), JsonSerializerOptions.Web, TimeProvider.System, "shop", "postgres.public.items");
        var key = encoder.KeyOf(new JsonObject { ["sku"] = "A-1", ["name"] = "lamp" });
        Assert.Equal("postgres.public.items/Key|A-1", Encoding.UTF8.GetString(key));
    }

    [Fact]
    public void AKeySerdeThatWritesHeaders_IsRefusedUpFront_NamingKeySerde()
    {
        var e = Assert.Throws<ConfigException>(() => new PostgresTableSource<string, string>(new PostgresTableOptions<string, string>
        {
            ConnectionString = "Host=127.0.0.1",
            Table = "public.items",
            Publication = "items",
            KeySerde = new TopicTaggedSerde(writesHeaders: true),
        }));
        Assert.Contains("KeySerde", e.Message, StringComparison.Ordinal);
        Assert.Contains("writes record headers", e.Message, StringComparison.Ordinal);
    }
}
