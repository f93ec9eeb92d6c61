using Braid.Cdc;
using Braid.Embedded;
using Braid.Postgres.Internal;
using Braid.Serialization;

namespace Braid.Postgres;

/// <summary>
/// A Braid table kept equal to a PostgreSQL table — the local copy of the database. Add the table to
/// the topology with <see cref="AddTo"/>, build the <see cref="BraidApplication"/>, then
/// <see cref="StartAsync"/> the replication: an initial consistent snapshot, then the changes streamed
/// from a logical replication slot (pgoutput) are appended, exactly once, to an embedded topic
/// (<see cref="Topic"/>) as Debezium-style change events, which the table reads like any input.
/// </summary>
/// <typeparam name="TKey">The primary-key type.</typeparam>
/// <typeparam name="TValue">The row type.</typeparam>
public sealed class PostgresTableSource<TKey, TValue>
{
    private readonly PostgresTableOptions<TKey, TValue> _options;
    private readonly TableName _table;

    /// <summary>Checks the options (nothing is contacted yet).</summary>
    /// <param name="options">Connection, table, publication, slot, topic.</param>
    public PostgresTableSource(PostgresTableOptions<TKey, TValue> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ConnectionString)) throw new ConfigException(nameof(options.ConnectionString), "must not be empty");
        if (string.IsNullOrWhiteSpace(options.Publication)) throw new ConfigException(nameof(options.Publication), "must not be empty");
        _options = options;
        _table = TableName.Parse(options.Table);
        Topic = options.Topic ?? $"postgres.{_table.Schema}.{_table.Name}";
        Slot = options.Slot ?? $"braid_{_table.Schema}_{_table.Name}".ToLowerInvariant();
        if (Slot.Length > 63 || Slot.Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_')))
            throw new ConfigException(nameof(options.Slot), $"'{Slot}' is not a valid slot name (lower-case letters, digits and _, at most 63)");
        KeySerde = options.KeySerde ?? Serdes.Default<TKey>();
        // A delete of a key known only by its bytes (a truncate, a row a broken snapshot left) has no headers to give back.
        if (KeySerde.WritesHeaders)
            throw new ConfigException(nameof(options.KeySerde), $"{KeySerde.Name} writes record headers (a schema id in headers?); a PostgreSQL table's key serde must carry everything in the key bytes");
        (options.Reconnect ?? throw new ConfigException(nameof(options.Reconnect), "must not be null (use PostgresReconnect.Never to turn reconnecting off)")).Validate();
        if (options.HeartbeatInterval is { } hb && hb <= TimeSpan.Zero) throw new ConfigException(nameof(options.HeartbeatInterval), "must be positive (null turns heartbeats off)");
    }

    /// <summary>The embedded topic holding the change events.</summary>
    public string Topic { get; }

    /// <summary>The replication slot.</summary>
    public string Slot { get; }

    /// <summary>The key serde used in the topic and the table.</summary>
    public Serde<TKey> KeySerde { get; }

    /// <summary>Adds the table to a topology (reads <see cref="Topic"/> with <see cref="Debezium.Table{TKey,TValue}"/>).</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The table.</returns>
    public KTable<TKey, TValue> AddTo(StreamsBuilder builder) =>
        builder.Table(Topic, new DebeziumTableOptions<TKey, TValue>
        {
            KeySerde = KeySerde,
            JsonOptions = _options.JsonOptions,
            Timestamp = _options.Timestamp,
            Materialized = _options.Materialized,
        });

    /// <summary>
    /// Adds the table to a topology as a GlobalKTable (reads <see cref="Topic"/> with
    /// <see cref="Debezium.GlobalTable{TKey,TValue}"/>): every stream thread sees every row, so a stream can be
    /// joined with it by any key mapping, without co-partitioning. Use either this or <see cref="AddTo"/> for one source.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The global table.</returns>
    public GlobalKTable<TKey, TValue> AddGlobalTo(StreamsBuilder builder) =>
        builder.GlobalTable(Topic, new DebeziumTableOptions<TKey, TValue>
        {
            KeySerde = KeySerde,
            JsonOptions = _options.JsonOptions,
            Materialized = _options.Materialized,
        });

    /// <summary>
    /// Checks the server (wal_level, table, publication, key, slot), takes the initial snapshot if the
    /// application has none yet, and starts streaming in the background. Returns once streaming has
    /// started; every error before that throws a <see cref="PostgresSourceException"/>, later ones end
    /// <see cref="PostgresReplication.Completion"/>.
    /// </summary>
    /// <param name="app">The application whose topology reads <see cref="Topic"/> (constructed; started or not).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running replication; dispose it to stop.</returns>
    public Task<PostgresReplication> StartAsync(BraidApplication app, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        var time = _options.TimeProvider ?? TimeProvider.System;
        var settings = new ReplicationSettings(_options.ConnectionString, _options.Publication, Slot, _options.Reconnect, _options.HeartbeatInterval, time);
        return PostgresReplication.StartAsync(app, settings, _table, Topic,
            (table, database) => new ChangeEncoder<TKey>(table, KeySerde, _options.JsonOptions ?? DebeziumSerdes.DefaultJsonOptions,
                _options.TimeProvider ?? TimeProvider.System, database, Topic),
            cancellationToken);
    }
}
