// Spans and metrics are process-wide (one ActivitySource, one Meter): tests that attach listeners run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
