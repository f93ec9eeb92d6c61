namespace Braid.Sql;

/// <summary>Type names, parsing of SQL type names, and coercion of computed values to a column type.</summary>
internal static class SqlTypes
{
    public static string Name(SqlType t) => t switch
    {
        SqlType.Text => "TEXT",
        SqlType.BigInt => "BIGINT",
        SqlType.Double => "DOUBLE",
        SqlType.Decimal => "DECIMAL",
        SqlType.Boolean => "BOOLEAN",
        SqlType.Timestamp => "TIMESTAMP",
        SqlType.Row => "ROW",
        SqlType.Array => "ARRAY",
        SqlType.Json => "JSON",
        _ => "NULL",
    };

    public const string Supported = "TEXT, VARCHAR, BIGINT, INT, INTEGER, DOUBLE, FLOAT, DECIMAL, NUMERIC, BOOLEAN, TIMESTAMP, JSON";

    public static SqlType? Parse(string name) => name.ToUpperInvariant() switch
    {
        "TEXT" or "VARCHAR" or "STRING" => SqlType.Text,
        "BIGINT" or "INT" or "INTEGER" or "SMALLINT" => SqlType.BigInt,
        "DOUBLE" or "FLOAT" or "REAL" => SqlType.Double,
        "DECIMAL" or "NUMERIC" => SqlType.Decimal,
        "BOOLEAN" or "BOOL" => SqlType.Boolean,
        "TIMESTAMP" => SqlType.Timestamp,
        "JSON" or "JSONB" => SqlType.Json,
        _ => null,
    };

    public static bool IsNumeric(SqlType t) => t is SqlType.BigInt or SqlType.Double or SqlType.Decimal or SqlType.Timestamp;
}
