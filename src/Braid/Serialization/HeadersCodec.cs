namespace Braid.Serialization;

/// <summary>
/// How buffers that hold records (grace buffer, suppression buffer, held non-joined records) persist a record's
/// headers: count (4 bytes), then per header its name (a BinaryWriter string), a presence byte and, when
/// present, a 4-byte length and the bytes.
/// </summary>
internal static class HeadersCodec
{
    public static void Write(BinaryWriter w, Headers headers)
    {
        w.Write(headers.Count);
        foreach (var h in headers)
        {
            w.Write(h.Key);
            w.Write(h.Value is not null);
            if (h.Value is not null)
            {
                w.Write(h.Value.Length);
                w.Write(h.Value);
            }
        }
    }

    public static Headers Read(BinaryReader r)
    {
        var headers = new Headers();
        int n = r.ReadInt32();
        if (n < 0) throw new SerializationException($"Corrupt headers: count {n}.");
        for (int i = 0; i < n; i++)
        {
            string name = r.ReadString();
            headers.Add(name, r.ReadBoolean() ? r.ReadBytes(r.ReadInt32()) : null);
        }
        return headers;
    }
}
