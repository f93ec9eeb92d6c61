using Braid.Cli;
using Spectre.Console.Cli;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("braid");
    // `braid --version`: the package version (informational version without the SourceLink commit suffix).
    config.SetApplicationVersion(CliVersion.Current);
    config.AddCommand<DemoCommand>("demo")
        .WithDescription("Run the five seed demos (or one, by name) and print their inputs and results.")
        .WithExample("demo")
        .WithExample("demo", "timelines");
    config.AddCommand<TopologyCommand>("topology")
        .WithDescription("Print a sample topology's description (text, mermaid or dot).");
    config.AddCommand<UiCommand>("ui")
        .WithDescription("Serve the live dashboard (http://127.0.0.1:5050/braid/) for the product-views sample, or with --state-dir / --bootstrap-servers for an application running in another process (embedded or Kafka).")
        .WithExample("ui")
        .WithExample("ui", "--port", "8080", "--rate", "1000")
        .WithExample("ui", "--state-dir", "/var/lib/orders", "--application-id", "orders-app")
        .WithExample("ui", "--bootstrap-servers", "localhost:9092", "--application-id", "orders-app");
    config.AddCommand<DocsCommand>("docs")
        .WithDescription("Regenerate a generated docs page (joins: docs/joins.md from the conformance vectors).")
        .WithExample("docs", "joins")
        .WithExample("docs", "joins", "--check");
    config.AddCommand<SqlCommand>("sql")
        .WithDescription("Run a SQL program (CREATE TABLE / STREAM / MATERIALIZED VIEW) over JSON-lines inputs, or open the SQL shell.")
        .WithExample("sql", "samples/sql/timelines/timelines.sql", "--input", "tweets=samples/sql/timelines/tweets.jsonl", "--input", "follows=samples/sql/timelines/follows.jsonl", "--format", "jsonl")
        .WithExample("sql");
    config.AddCommand<ConformanceCommand>("conformance")
        .WithDescription("Replay Kafka Streams join vectors (kafka-join-vectors/1) through the TopologyTestDriver.");
    config.SetExceptionHandler((ex, _) =>
    {
        // One unwrapped line on stderr, whatever the terminal width, so scripts can read it.
        Console.Error.WriteLine($"error: {ex.Message.ReplaceLineEndings(" ")}");
        return ex is CommandParseException or CommandRuntimeException ? ExitCodes.Usage : ExitCodes.Failure;
    });
});
return app.Run(args);
