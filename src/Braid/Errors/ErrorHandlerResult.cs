namespace Braid;

/// <summary>What to do with a record whose processing or output failed.</summary>
public enum ErrorHandlerResponse
{
    /// <summary>Stop the task with a <see cref="RecordProcessingException"/> naming node, topic, partition and offset.</summary>
    Fail,

    /// <summary>Drop the record at the failing node (counted in the dropped-records metric and logged) and go on.</summary>
    Continue,
}

/// <summary>A processing or production handler's decision, and the dead-letter records to write (KIP-1034).</summary>
/// <param name="Response">Fail or continue.</param>
/// <param name="DeadLetters">Records to write to dead-letter topics; written with the task's output, so under
/// exactly-once they commit together with the offsets that skip the failed record.</param>
public sealed record ErrorHandlerResult(ErrorHandlerResponse Response, IReadOnlyList<DeadLetterRecord> DeadLetters)
{
    /// <summary>Fail, with no dead-letter record.</summary>
    public static ErrorHandlerResult Fail { get; } = new(ErrorHandlerResponse.Fail, []);

    /// <summary>Continue, with no dead-letter record.</summary>
    public static ErrorHandlerResult Continue { get; } = new(ErrorHandlerResponse.Continue, []);
}
