namespace Braid.Sql;

/// <summary>An expression failed on a record's values (division by zero, overflow): the record cannot be processed.</summary>
/// <param name="message">What failed, and where in the SQL text.</param>
public sealed class SqlEvaluationException(string message) : Exception(message);
