using Braid.Serialization;

namespace Braid.Embedded.Tests;

/// <summary>Issue 15: damaged or changed state directories end in a typed error, never a silent skip or cut.</summary>
public class RecoveryFaultTests
{
    private static async Task<string> ProcessAndClose(BraidApplicationOptions options, int records)
    {
        await using var app = new BraidApplication(CountingTopology.Build(), options);
        CountingTopology.Produce(app, 0, records);
        await app.StartAsync();
        await app.WaitForIdleAsync(TestOptions.Idle);
        return app.AppDirectory;
    }

    // Row 1.
    [Theory]
    [InlineData(ProcessingGuarantee.AtLeastOnce, ProcessingGuarantee.ExactlyOnce)]
    [InlineData(ProcessingGuarantee.ExactlyOnce, ProcessingGuarantee.AtLeastOnce)]
    public async Task SwitchingGuarantee_KeepsCommittedOutput_AndProcessesNewInputOnce(ProcessingGuarantee first, ProcessingGuarantee second)
    {
        using var dir = new TempDir();
        await ProcessAndClose(TestOptions.For(dir.Path) with { ProcessingGuarantee = first }, 40);
        await using var app = new BraidApplication(CountingTopology.Build(), TestOptions.For(dir.Path) with { ProcessingGuarantee = second });
        CountingTopology.Produce(app, 40, 20);
        await app.StartAsync();
        await app.WaitForIdleAsync(TestOptions.Idle);
        CountingTopology.AssertExactlyOnce(app, 60);
    }

    // Row 2 (a few bytes cut from the input log's end, below the committed input offset).
    [Fact]
    public async Task InputLogEndingBelowTheCommittedOffset_FailsNamingTopicPartitionAndOffsets()
    {
        using var dir = new TempDir();
        string appDir = await ProcessAndClose(TestOptions.For(dir.Path), 60);
        string segment = CountingTopology.SegmentOf(appDir, "in", 0);
        using (var f = new FileStream(segment, FileMode.Open)) f.SetLength(f.Length - 5);
        var e = Assert.Throws<CorruptLogException>(() => new BraidApplication(CountingTopology.Build(), TestOptions.For(dir.Path)));
        Assert.Equal("in", e.Topic);
        Assert.Equal(0, e.Partition);
        Assert.Equal(segment, e.FilePath);
        Assert.Contains("offset 59", e.Message);
        Assert.Contains("committed offset 60", e.Message);
    }

    // Row 2 (a flipped bit in the last record's length field, below the committed input offset).
    [Fact]
    public async Task FlippedLengthBelowTheCommittedOffset_FailsInsteadOfReusingOffsets()
    {
        using var dir = new TempDir();
        string appDir = await ProcessAndClose(TestOptions.For(dir.Path), 60);
        string segment = CountingTopology.SegmentOf(appDir, "in", 0);
        long lastFrame = FramePositions(segment).Last();
        FlipBit(segment, lastFrame + 2, 3);
        var e = Assert.Throws<CorruptLogException>(() => new BraidApplication(CountingTopology.Build(), TestOptions.For(dir.Path)));
        Assert.Equal(lastFrame, e.Position);
        Assert.Contains("committed offset 60", e.Message);
    }

    // Row 3.
    [Fact]
    public async Task FlippedLengthInTheMiddleOfTheLastSegment_IsDamageNotATornTail()
    {
        using var dir = new TempDir();
        string appDir;
        await using (var app = new BraidApplication(CountingTopology.Build(), TestOptions.For(dir.Path)))
        {
            CountingTopology.Produce(app, 0, 100);
            appDir = app.AppDirectory;
        }
        string segment = CountingTopology.SegmentOf(appDir, "in", 0);
        var frames = FramePositions(segment);
        long length = new FileInfo(segment).Length;
        FlipBit(segment, frames[50] + 1, 6);
        var e = Assert.Throws<CorruptLogException>(() => new BraidApplication(CountingTopology.Build(), TestOptions.For(dir.Path)));
        Assert.Equal(frames[50], e.Position);
        Assert.Contains("offset 50", e.Message);
        Assert.Contains($"valid record follows at byte {frames[51]}", e.Message);
        Assert.Equal(length, new FileInfo(segment).Length);
    }

    // Row 7 (a sealed segment in the middle deleted).
    [Fact]
    public async Task DeletedSealedSegment_FailsNamingTheMissingOffsets_InsteadOfJumpingTheGap()
    {
        using var dir = new TempDir();
        var options = TestOptions.For(dir.Path) with { SegmentBytes = 1024 };
        string appDir;
        await using (var app = new BraidApplication(CountingTopology.Build(), options))
        {
            CountingTopology.Produce(app, 0, 1000);
            appDir = app.AppDirectory;
        }
        var segments = Directory.GetFiles(Path.Combine(appDir, "topics", "in", "0"), "*.log").Order().ToList();
        Assert.True(segments.Count > 4);
        File.Delete(segments[2]);
        await using var reopened = new BraidApplication(CountingTopology.Build(), options);
        await reopened.StartAsync();
        var e = await Assert.ThrowsAsync<StreamsException>(() => reopened.WaitForIdleAsync(TestOptions.Idle));
        var corrupt = Assert.IsType<CorruptLogException>(Unwrap(e));
        Assert.Equal("in", corrupt.Topic);
        Assert.Contains("are missing between this segment and " + Path.GetFileName(segments[3]), corrupt.Message);
        Assert.DoesNotContain("V999", CountingTopology.Read(reopened).Out);
    }

    // Row 7 (the first segment deleted: nothing may delete it without retention).
    [Fact]
    public async Task DeletedFirstSegment_WithoutRetention_FailsAtOpen()
    {
        using var dir = new TempDir();
        var options = TestOptions.For(dir.Path) with { SegmentBytes = 1024 };
        string appDir;
        await using (var app = new BraidApplication(CountingTopology.Build(), options))
        {
            CountingTopology.Produce(app, 0, 200);
            appDir = app.AppDirectory;
        }
        File.Delete(Directory.GetFiles(Path.Combine(appDir, "topics", "in", "0"), "*.log").Order().First());
        var e = Assert.Throws<CorruptLogException>(() => new BraidApplication(CountingTopology.Build(), options));
        Assert.Contains("00000000000000000000.log is missing", e.Message);
    }

    // Row 8.
    [Fact]
    public async Task FewerPartitionsThanOnDisk_IsAConfigErrorNamingTheTopic()
    {
        using var dir = new TempDir();
        var two = TestOptions.For(dir.Path) with { Topics = [new TopicOptions { Name = "in", Partitions = 2 }] };
        await ProcessAndClose(two, 50);
        var one = two with { Topics = [new TopicOptions { Name = "in", Partitions = 1 }] };
        var e = Assert.Throws<ConfigException>(() => new BraidApplication(CountingTopology.Build(), one));
        Assert.Equal("Topics[in].Partitions", e.Key);
        Assert.Contains("has 2 partitions", e.Message);
        // The same options as before still open and keep everything.
        await using var again = new BraidApplication(CountingTopology.Build(), two);
        await again.StartAsync();
        await again.WaitForIdleAsync(TestOptions.Idle);
        Assert.Equal(50, CountingTopology.Read(again).Out.Count);
    }

    // Row 6.
    [Fact]
    public async Task OversizedRecord_IsRejectedAtSend_AndTheLogStaysReadable()
    {
        using var dir = new TempDir();
        await using (var app = new BraidApplication(CountingTopology.Build(), TestOptions.For(dir.Path)))
        {
            var producer = app.CreateProducer("in", Serdes.String, Serdes.ByteArray);
            var e = Assert.Throws<RecordTooLargeException>(() => producer.Send("k", new byte[70 * 1024 * 1024], 1));
            Assert.Equal("in", e.Topic);
            Assert.True(e.Size > RecordTooLargeException.MaxRecordBytes);
            Assert.Throws<RecordTooLargeException>(() => producer.Send([new("a", [1], 1), new("k", new byte[70 * 1024 * 1024], 2)]));
            CountingTopology.Produce(app, 0, 10);
        }
        await using var reopened = new BraidApplication(CountingTopology.Build(), TestOptions.For(dir.Path));
        await reopened.StartAsync();
        await reopened.WaitForIdleAsync(TestOptions.Idle);
        CountingTopology.AssertExactlyOnce(reopened, 10);
    }

    [Fact]
    public async Task OversizedRecordAtASink_FailsTheTaskBeforeItsCommit()
    {
        using var dir = new TempDir();
        var b = new StreamsBuilder();
        b.Stream("in", Consumed.With(Serdes.String, Serdes.String)).MapValues(v => new byte[65 * 1024 * 1024]).To("out", Produced.With(Serdes.String, Serdes.ByteArray));
        await using var app = new BraidApplication(b.Build(), TestOptions.For(dir.Path));
        app.CreateProducer("in", Serdes.String, Serdes.String).Send("k", "v", 1);
        await app.StartAsync();
        var e = await Assert.ThrowsAsync<StreamsException>(() => app.WaitForIdleAsync(TestOptions.Idle));
        var tooLarge = Assert.IsType<RecordTooLargeException>(Unwrap(e));
        Assert.Equal("out", tooLarge.Topic);
        Assert.Empty(app.CreateReader("out", Serdes.String, Serdes.ByteArray).ReadToEnd());
    }

    private static Exception Unwrap(Exception e)
    {
        while (e.InnerException is not null && e is not CorruptLogException and not RecordTooLargeException) e = e.InnerException;
        return e;
    }

    internal static List<long> FramePositions(string segment)
    {
        var bytes = File.ReadAllBytes(segment);
        var list = new List<long>();
        for (long p = 0; p + 8 <= bytes.Length; p += 8 + BitConverter.ToInt32(bytes, (int)p)) list.Add(p);
        return list;
    }

    internal static void FlipBit(string file, long position, int bit)
    {
        using var f = new FileStream(file, FileMode.Open);
        f.Position = position;
        int b = f.ReadByte();
        f.Position = position;
        f.WriteByte((byte)(b ^ (1 << bit)));
    }
}
