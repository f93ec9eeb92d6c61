using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Braid.Serialization;
using Braid.Testing;

namespace Braid.Bench;

/// <summary>
/// What tracing and metrics cost per record (`--tracing [--records N]`): the same stateless topology on the test
/// driver, with nothing listening, with a tracer sampling every record (spans made and stopped, not exported), and
/// with a meter listener on every instrument. One run per mode, in that order, each after a warm-up; prints ratios.
/// </summary>
internal static class TracingStudy
{
    public static void Run(string[] args)
    {
        int at = Array.IndexOf(args, "--records");
        int n = at >= 0 ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : 200_000;
        var headers = new Headers().Add(BraidTelemetry.TraceParentHeader, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"u8.ToArray());
        // The machine is shared: the modes take turns in rounds, each measured in CPU time, and each keeps its best round.
        string?[] modes = [null, "trace", "metrics"];
        var best = new double[modes.Length];
        const int Rounds = 5;
        Run(n / 10, headers); // warm-up
        for (int round = 0; round < Rounds; round++)
            for (int m = 0; m < modes.Length; m++) best[m] = Math.Max(best[m], Measure(n / Rounds, headers, modes[m]));
        Console.WriteLine($"no listener            {best[0],12:N0} records per CPU-second");
        Console.WriteLine($"tracer sampling all    {best[1],12:N0} records per CPU-second");
        Console.WriteLine($"meter listener         {best[2],12:N0} records per CPU-second");
        Console.WriteLine($"tracing study ({n} records, one run, best of {Rounds} rounds): traced/off = {best[1] / best[0]:F2}, metered/off = {best[2] / best[0]:F2} (records per CPU-second ratios)");
    }

    private static double Measure(int n, Headers headers, string? mode)
    {
        using var activities = mode == "trace" ? new ActivityListener
        {
            ShouldListenTo = s => s.Name == BraidTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        } : null;
        if (activities is not null) ActivitySource.AddActivityListener(activities);
        using var meters = mode == "metrics" ? new MeterListener() : null;
        if (meters is not null)
        {
            meters.InstrumentPublished = (i, l) => { if (i.Meter.Name == BraidTelemetry.MeterName) l.EnableMeasurementEvents(i); };
            meters.SetMeasurementEventCallback<long>((_, _, _, _) => { });
            meters.SetMeasurementEventCallback<double>((_, _, _, _) => { });
            meters.Start();
        }
        // CPU time, not wall time: on a shared machine wall time mostly measures the neighbours' load.
        var process = System.Diagnostics.Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        Run(n, headers);
        process.Refresh();
        return n / (process.TotalProcessorTime - cpu).TotalSeconds;
    }

    private static void Run(int n, Headers headers)
    {
        var builder = new StreamsBuilder();
        builder.Stream("in", Consumed.With(Serdes.String, Serdes.String))
            .MapValues(v => v!.Length)
            .Filter((_, v) => v % 7 != 3)
            .To("out", Produced.With(Serdes.String, Serdes.Int32));
        using var driver = new TopologyTestDriver(builder.Build());
        var input = driver.CreateInputTopic("in", Serdes.String, Serdes.String);
        var output = driver.CreateOutputTopic("out", Serdes.String, Serdes.Int32);
        for (int i = 0; i < n; i++)
        {
            input.PipeInput("k" + (i % 1000), "value-" + i, i, headers);
            if (i % 10_000 == 0) output.ReadRecordsToList();
        }
    }
}
