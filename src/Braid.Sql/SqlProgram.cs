namespace Braid.Sql;

/// <summary>
/// A compiled SQL program: the topology (run it on any host — the TopologyTestDriver, the embedded runtime or
/// Kafka) and what it reads and maintains.
/// </summary>
public sealed class SqlProgram
{
    internal SqlProgram(Topology topology, IReadOnlyList<SqlSource> sources, IReadOnlyList<SqlView> views)
    {
        Topology = topology;
        Sources = sources;
        Views = views;
    }

    /// <summary>The topology every statement compiled into.</summary>
    public Topology Topology { get; }

    /// <summary>The declared tables and streams, in statement order.</summary>
    public IReadOnlyList<SqlSource> Sources { get; }

    /// <summary>The materialized views and derived streams, in statement order.</summary>
    public IReadOnlyList<SqlView> Views { get; }

    /// <summary>The view or derived stream named <paramref name="name"/>.</summary>
    /// <param name="name">The name as in SQL (case-insensitive).</param>
    /// <returns>The view.</returns>
    /// <exception cref="KeyNotFoundException">No such view.</exception>
    public SqlView View(string name) =>
        Views.FirstOrDefault(v => string.Equals(v.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new KeyNotFoundException($"no view named {name} (views: {string.Join(", ", Views.Select(v => v.Name))}).");

    /// <summary>The source named <paramref name="name"/>.</summary>
    /// <param name="name">The name as in SQL (case-insensitive).</param>
    /// <returns>The source.</returns>
    /// <exception cref="KeyNotFoundException">No such source.</exception>
    public SqlSource Source(string name) =>
        Sources.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new KeyNotFoundException($"no table or stream named {name} (sources: {string.Join(", ", Sources.Select(s => s.Name))}).");
}
