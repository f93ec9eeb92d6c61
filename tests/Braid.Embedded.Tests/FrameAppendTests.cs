using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Braid.Embedded.Logs;
using Braid.Embedded.Logs.Files;
using Braid.Internal;
using CsCheck;
using Microsoft.Extensions.Logging.Abstractions;

namespace Braid.Embedded.Tests;

/// <summary>
/// A task's sink encodes its record into a frame buffer at the send, and the commit seals (offset, checksum) and writes the
/// frames (issue 19, session 12). What reaches disk must be unchanged: every segment file byte for byte what the log format
/// (docs/embedded.md; <see cref="RecordFormat"/>) says, split over segments by the rule that always applied (a segment is
/// rolled once full; an append's frames continue in a segment while it is under the segment size), whatever the batches,
/// records, headers and segment size. The model below encodes from the format's definition, not through the product's
/// encoder. Kept reads (<see cref="AppendedTail"/>: the frames in memory) and file reads must both give the records back.
/// </summary>
public class FrameAppendTests
{
    private static readonly Gen<byte[]?> Bytes = Gen.Frequency((1, Gen.Const((byte[]?)null)), (6, Gen.Byte.Array[0, 40].Select(b => (byte[]?)b)));

    private static readonly Gen<RawRecord> Record =
        Gen.Select(Bytes, Bytes, Gen.Long[-5, 1L << 40], Gen.Frequency((4, Gen.Const(0)), (1, Gen.Int[1, 3])), Gen.String[0, 6])
            .Select((k, v, ts, headers, name) => new RawRecord("t", 0, -1, k, v, ts,
                headers == 0 ? null : Enumerable.Range(0, headers).Aggregate(new Headers(), (h, i) => h.Add(name + i, i % 2 == 0 ? null : [(byte)i]))));

    [Fact]
    public void SegmentFiles_AreTheFormatsBytes_ForAnyRecordsBatchesAndSegmentSize_AndKeptReadsEqualFileReads()
    {
        Gen.Select(Record.Array[0, 20].Array[1, 8], Gen.Int[60, 600]).Sample((batches, segmentBytes) =>
        {
            using var dir = new TempDir();
            var fs = new FaultInjectionLogFileSystem(null);
            var all = batches.SelectMany(b => b).ToList();
            using (var log = PartitionLog.Open("t", 0, dir.Path, segmentBytes, LogRecoveryRule.For(null), NullLogger.Instance, fs))
            {
                log.Read(0, 1, new List<RawRecord>(), kept: true); // a task reads this log: its appends are kept
                foreach (var batch in batches)
                {
                    var frames = new FrameBuffer(minBlockBytes: 64); // tiny blocks: batches cross block boundaries (review, s12)
                    foreach (var r in batch) frames.Add(r);
                    log.AppendFrames(frames, keep: true);
                    frames.Clear();
                }
                log.VisibleEnd = log.EndOffset;
                Assert.Equal(all.Count, log.EndOffset);
                // Every append was kept (far under the cap): a task's reads, in odd fetch sizes across the appends, touch no file.
                long before = fs.ReadBytes;
                var kept = ReadAll(log, kept: true);
                Assert.Equal(before, fs.ReadBytes);
                var fromFile = ReadAll(log, kept: false);
                AssertRecords(all, kept);
                AssertRecords(all, fromFile);
            }
            var expected = ModelSegments(batches, segmentBytes);
            var files = Directory.GetFiles(dir.Path, "*.log").OrderBy(f => f, StringComparer.Ordinal).ToList();
            Assert.Equal(expected.Select(e => LogSegment.FileName(e.Base)), files.Select(Path.GetFileName));
            for (int i = 0; i < files.Count; i++) Assert.Equal(expected[i].Bytes, File.ReadAllBytes(files[i]));
        });
    }

    private static List<RawRecord> ReadAll(PartitionLog log, bool kept)
    {
        var got = new List<RawRecord>();
        long next = 0;
        // Odd fetch sizes: reads start and end inside the kept buffers and segments.
        while (next < log.VisibleEnd) next = log.Read(next, 3, got, kept);
        return got;
    }

    private static void AssertRecords(IReadOnlyList<RawRecord> want, IReadOnlyList<RawRecord> got)
    {
        Assert.Equal(want.Count, got.Count);
        for (int i = 0; i < want.Count; i++)
        {
            Assert.Equal(i, got[i].Offset);
            Assert.Equal(want[i].Timestamp, got[i].Timestamp);
            Assert.Equal(want[i].Key, got[i].Key);
            Assert.Equal(want[i].Value, got[i].Value);
            Assert.Equal(want[i].Headers?.Select(h => (h.Key, h.Value)), got[i].Headers?.Select(h => (h.Key, h.Value)));
        }
    }

    /// <summary>
    /// The files the format and the segment rule give: frame = body length (int32 LE), CRC-32 of the body (uint32 LE), body
    /// = offset, timestamp (int64 LE), key and value (int32 LE length, -1 for null, then the bytes), header count, then per
    /// header its UTF-8 name and value the same way. An append starts a new segment when the last one holds the segment
    /// size or more, and puts a frame in the current segment while the bytes before it leave the segment under the size
    /// (the first frame of each segment write always goes in).
    /// </summary>
    private static List<(long Base, byte[] Bytes)> ModelSegments(RawRecord[][] batches, int segmentBytes)
    {
        var segments = new List<(long Base, List<byte> Bytes)> { (0, new List<byte>()) };
        long offset = 0;
        foreach (var batch in batches)
        {
            int i = 0;
            while (i < batch.Length)
            {
                if (segments[^1].Bytes.Count >= segmentBytes) segments.Add((offset, new List<byte>()));
                var seg = segments[^1].Bytes;
                for (bool first = true; i < batch.Length && (first || seg.Count < segmentBytes); first = false)
                    seg.AddRange(Frame(batch[i++], offset++));
            }
        }
        return segments.Select(s => (s.Base, s.Bytes.ToArray())).ToList();
    }

    private static byte[] Frame(RawRecord r, long offset)
    {
        var body = new List<byte>();
        void Int64(long v) { var b = new byte[8]; BinaryPrimitives.WriteInt64LittleEndian(b, v); body.AddRange(b); }
        void Int32(int v) { var b = new byte[4]; BinaryPrimitives.WriteInt32LittleEndian(b, v); body.AddRange(b); }
        void Bytes(byte[]? b) { Int32(b?.Length ?? -1); if (b is not null) body.AddRange(b); }
        Int64(offset);
        Int64(r.Timestamp);
        Bytes(r.Key);
        Bytes(r.Value);
        Int32(r.Headers?.Count ?? 0);
        foreach (var h in r.Headers ?? [])
        {
            Bytes(Encoding.UTF8.GetBytes(h.Key));
            Bytes(h.Value);
        }
        var frame = new byte[8 + body.Count];
        BinaryPrimitives.WriteInt32LittleEndian(frame, body.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(4), Crc32.HashToUInt32(body.ToArray()));
        body.CopyTo(frame, 8);
        return frame;
    }
}
