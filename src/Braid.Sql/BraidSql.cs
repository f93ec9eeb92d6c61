using Braid.Sql.Binding;

namespace Braid.Sql;

/// <summary>
/// Braid SQL: compile <c>CREATE TABLE</c>, <c>CREATE STREAM</c>, <c>CREATE MATERIALIZED VIEW … AS SELECT</c>,
/// <c>CREATE STREAM … AS SELECT</c> and <c>INSERT INTO … SELECT</c> statements into one <see cref="Topology"/>
/// whose views are kept up to date as the inputs change. The dialect and each construct's DSL mapping are in
/// docs/sql.md.
/// </summary>
public static class BraidSql
{
    /// <summary>Compiles a SQL program.</summary>
    /// <param name="sql">One or more statements separated by semicolons.</param>
    /// <returns>The topology and the description of its sources and views.</returns>
    /// <exception cref="SqlException">A syntax error, unknown name, type error or unsupported construct, with its line and column.</exception>
    public static SqlProgram Compile(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        return new SqlCompiler().Compile(sql);
    }
}
