namespace Braid.Serialization;

/// <summary>How the buffers' entry serdes write a byte array inside an entry: a 4-byte length, then the bytes.</summary>
internal static class LengthPrefixed
{
    public static void Write(BinaryWriter w, byte[] bytes)
    {
        w.Write(bytes.Length);
        w.Write(bytes);
    }

    public static byte[] Read(BinaryReader r)
    {
        int n = r.ReadInt32();
        if (n < 0) throw new SerializationException($"Corrupt buffer entry: a length of {n}.");
        return r.ReadBytes(n);
    }
}
