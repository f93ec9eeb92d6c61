using System.Net;
using System.Text.Json;

namespace Braid.Queries;

/// <summary>
/// What travels between <see cref="BraidQueryClient"/> and <see cref="BraidQueryEndpoints"/>: JSON with the web defaults,
/// and store errors as their exception type and message, so a remote refusal reads exactly as a local one.
/// </summary>
internal static class QueryWire
{
    // Absent values are left out (not "null"), so a value type such as ValueAndTimestamp<long> reads back as its default.
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    public sealed record Error(string Type, string Store, string Message);

    public sealed record Answer<T>(bool Found, T? Value);

    public static HttpStatusCode Status(InvalidStateStoreException e) => e switch
    {
        UnknownStateStoreException => HttpStatusCode.NotFound,
        StateStoreNotAvailableException => HttpStatusCode.ServiceUnavailable,
        StateStoreMigratedException => HttpStatusCode.Conflict,
        _ => HttpStatusCode.BadRequest,
    };

    public static InvalidStateStoreException Rebuild(Error e) => e.Type switch
    {
        nameof(UnknownStateStoreException) => new UnknownStateStoreException(e.Store, e.Message),
        nameof(StateStoreNotAvailableException) => new StateStoreNotAvailableException(e.Store, e.Message),
        nameof(StateStoreMigratedException) => new StateStoreMigratedException(e.Store, e.Message),
        _ => new InvalidStateStoreException(e.Store, e.Message),
    };
}
