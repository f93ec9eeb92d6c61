namespace Braid.Sql;

/// <summary>The column types of <c>CREATE TABLE</c> / <c>CREATE STREAM</c>, and the types expressions compute.</summary>
public enum SqlType
{
    /// <summary>TEXT or VARCHAR: a <see cref="string"/>.</summary>
    Text,

    /// <summary>BIGINT or INT: a <see cref="long"/>.</summary>
    BigInt,

    /// <summary>DOUBLE (DOUBLE PRECISION, FLOAT): a <see cref="double"/>.</summary>
    Double,

    /// <summary>DECIMAL (NUMERIC): a <see cref="decimal"/>.</summary>
    Decimal,

    /// <summary>BOOLEAN: a <see cref="bool"/>.</summary>
    Boolean,

    /// <summary>TIMESTAMP: epoch milliseconds as a <see cref="long"/> (JSON input may also be an ISO-8601 string).</summary>
    Timestamp,

    /// <summary>A nested row (<c>table.*</c>).</summary>
    Row,

    /// <summary>An array (<c>array_agg</c>).</summary>
    Array,

    /// <summary>Only NULL is known (a NULL literal).</summary>
    Unknown,

    /// <summary>JSON: any JSON value as read (an object is a <see cref="SqlRow"/>, an array a <see cref="SqlArray"/>, a number <see cref="long"/> or <see cref="double"/>); read parts with <c>-&gt;</c> and <c>-&gt;&gt;</c>.</summary>
    Json,
}
