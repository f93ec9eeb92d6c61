using System.Buffers.Binary;
using System.Text;

namespace Braid.Sql;

/// <summary>
/// The exact binary form of rows inside a topology (internal topics and stores): a type tag per value, so
/// a BIGINT stays a long and a DECIMAL keeps its scale through a repartition. Deterministic — equal rows
/// of equal types give equal bytes — which keyed stores and partitioning need. User topics use JSON
/// (<see cref="SqlJson"/>); this format never leaves the topology.
/// </summary>
internal static class RowCodec
{
    private const byte Null = 0, False = 1, True = 2, Long = 3, Double = 4, Decimal = 5, Text = 6, Row = 7, Array = 8;

    public static byte[] Encode(SqlRow row)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true)) WriteRow(w, row);
        return ms.ToArray();
    }

    public static SqlRow Decode(ReadOnlySpan<byte> data)
    {
        var r = new BinaryReader(new MemoryStream(data.ToArray()), Encoding.UTF8);
        var row = ReadRow(r);
        if (r.BaseStream.Position != r.BaseStream.Length) throw new Serialization.SerializationException("Trailing bytes after an encoded SQL row.");
        return row;
    }

    private static void WriteRow(BinaryWriter w, SqlRow row)
    {
        w.Write7BitEncodedInt(row.Count);
        for (int i = 0; i < row.Count; i++)
        {
            w.Write(row.Names[i]);
            WriteValue(w, row[i]);
        }
    }

    private static void WriteValue(BinaryWriter w, object? v)
    {
        switch (v)
        {
            case null: w.Write(Null); break;
            case bool b: w.Write(b ? True : False); break;
            case long l: w.Write(Long); w.Write(l); break;
            case double d: w.Write(Double); w.Write(d); break;
            case decimal m: w.Write(Decimal); w.Write(m); break;
            case string s: w.Write(Text); w.Write(s); break;
            case SqlRow r: w.Write(Row); WriteRow(w, r); break;
            case SqlArray a:
                w.Write(Array);
                w.Write7BitEncodedInt(a.Count);
                foreach (var item in a) WriteValue(w, item);
                break;
            default: throw new ArgumentException($"{v.GetType().Name} is not a SQL value.");
        }
    }

    private static SqlRow ReadRow(BinaryReader r)
    {
        int n = r.Read7BitEncodedInt();
        var names = new string[n];
        var values = new object?[n];
        for (int i = 0; i < n; i++)
        {
            names[i] = r.ReadString();
            values[i] = ReadValue(r);
        }
        return SqlRow.Unchecked(names, values);
    }

    private static object? ReadValue(BinaryReader r)
    {
        byte tag = r.ReadByte();
        switch (tag)
        {
            case Null: return null;
            case False: return false;
            case True: return true;
            case Long: return r.ReadInt64();
            case Double: return r.ReadDouble();
            case Decimal: return r.ReadDecimal();
            case Text: return r.ReadString();
            case Row: return ReadRow(r);
            case Array:
                int n = r.Read7BitEncodedInt();
                var items = new object?[n];
                for (int i = 0; i < n; i++) items[i] = ReadValue(r);
                return new SqlArray(items);
            default: throw new Serialization.SerializationException($"Unknown SQL value tag {tag} in an encoded row.");
        }
    }

    /// <summary>A canonical text form of values, used as a join attribute (equal values, equal text).</summary>
    public static string Canonical(IReadOnlyList<object?> values)
    {
        var sb = new StringBuilder();
        foreach (var v in values)
        {
            // Numbers by value so a BIGINT 1 matches a DECIMAL 1.0 on the other side.
            sb.Append(v switch
            {
                null => "n",
                long l => "#" + ((decimal)l).ToString(System.Globalization.CultureInfo.InvariantCulture),
                decimal m => "#" + (m / 1.000000000000000000000000000000000m).ToString(System.Globalization.CultureInfo.InvariantCulture),
                double d => "#" + d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                _ => "j" + SqlJson.WriteValue(v),
            });
            sb.Append('\u0001');
        }
        return sb.ToString();
    }
}
