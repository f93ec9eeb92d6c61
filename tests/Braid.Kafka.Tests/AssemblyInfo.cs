// Every test runs its own cluster and consumer groups; running them one at a time keeps group timings
// (session timeouts, rebalances) predictable on a 2-core machine.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
