namespace Braid.Postgres.Internal;

/// <summary>A schema-qualified table name, quoted for SQL.</summary>
internal sealed record TableName(string Schema, string Name)
{
    public static TableName Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        int dot = text.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? new TableName("public", text) : new TableName(text[..dot], text[(dot + 1)..]);
    }

    public string Quoted => $"{Quote(Schema)}.{Quote(Name)}";

    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public override string ToString() => $"{Schema}.{Name}";
}
