using Braid.Kafka.FailoverHarness;

// Usage: dotnet run -c Release --project tests/Braid.Kafka.FailoverHarness -- [--instances N] [--standbys S] [--kills K]
//        [--records R] [--seed X]
// A librdkafka mock cluster runs in this process; N instances run as child processes connected to it by bootstrap
// servers (a count per key and a stream–table join, at-least-once, state on disk); K times a random instance is
// killed with SIGKILL at a random moment and restarted once its tasks run elsewhere. Prints one summary line; exit
// code 1 when an input is not reflected in the outputs or an instance crashed on its own.
if (args.Length > 0 && args[0] == "child") return await FailoverChild.RunAsync(args[1..]);
var options = HarnessOptions.Parse(args);
var result = await FailoverHarness.RunAsync(options, Console.Out);
return result.Lost == 0 && result.Crashed == 0 ? 0 : 1;
