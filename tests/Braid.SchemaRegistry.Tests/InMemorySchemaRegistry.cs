using System.Net;
using Confluent.SchemaRegistry;

namespace Braid.SchemaRegistry.Tests;

/// <summary>
/// An in-process Schema Registry with the registry's own rules for what serdes use: an id per distinct
/// schema (the same schema under two subjects keeps one id), a version per subject, 40401/40403 errors for
/// unknown subjects and ids. Associations (there are none), compatibility checks, metadata and rule sets are not
/// modelled: those calls throw NotSupportedException so a serde that starts using them fails loudly here.
/// </summary>
internal sealed class InMemorySchemaRegistry : ISchemaRegistryClient
{
    private readonly object _gate = new();
    private readonly Dictionary<int, Schema> _byId = new();
    private readonly Dictionary<string, List<RegisteredSchema>> _subjects = new();

    /// <summary>Every registry call the serdes made, in order (tests check caching with it).</summary>
    public List<string> Calls { get; } = new();

    public IEnumerable<KeyValuePair<string, string>> Config => [];
    public IAuthenticationHeaderValueProvider AuthHeaderProvider => null!;
    public IWebProxy Proxy => null!;
    public int MaxCachedSchemas => 1000;

    public Task<int> RegisterSchemaAsync(string subject, string avroSchema, bool normalize = false) =>
        RegisterSchemaAsync(subject, new Schema(avroSchema, SchemaType.Avro), normalize);

    public async Task<int> RegisterSchemaAsync(string subject, Schema schema, bool normalize = false) =>
        (await RegisterSchemaWithResponseAsync(subject, schema, normalize)).Id;

    public Task<RegisteredSchema> RegisterSchemaWithResponseAsync(string subject, Schema schema, bool normalize = false)
    {
        lock (_gate)
        {
            Calls.Add($"register {subject}");
            if (!_subjects.TryGetValue(subject, out var versions)) _subjects[subject] = versions = new();
            var existing = versions.FirstOrDefault(v => Same(v.Schema, schema));
            if (existing is not null) return Task.FromResult(existing);
            int id = _byId.FirstOrDefault(kv => Same(kv.Value, schema)).Key;
            if (id == 0) _byId[id = _byId.Count + 1] = schema;
            var registered = new RegisteredSchema(subject, versions.Count + 1, id, Guid(id), schema.SchemaString, schema.SchemaType, schema.References ?? new());
            versions.Add(registered);
            return Task.FromResult(registered);
        }
    }

    public Task<int> GetSchemaIdAsync(string subject, string avroSchema, bool normalize = false) =>
        GetSchemaIdAsync(subject, new Schema(avroSchema, SchemaType.Avro), normalize);

    public async Task<int> GetSchemaIdAsync(string subject, Schema schema, bool normalize = false) =>
        (await LookupSchemaAsync(subject, schema, true, normalize)).Id;

    public Task<RegisteredSchema> LookupSchemaAsync(string subject, Schema schema, bool ignoreDeletedSchemas, bool normalize = false)
    {
        lock (_gate)
        {
            Calls.Add($"lookup {subject}");
            if (!_subjects.TryGetValue(subject, out var versions)) throw NotFound($"Subject '{subject}' not found.", 40401);
            return Task.FromResult(versions.FirstOrDefault(v => Same(v.Schema, schema)) ?? throw NotFound($"Schema not found under '{subject}'.", 40403));
        }
    }

    public Task<Schema> GetSchemaAsync(int id, string format = null!)
    {
        lock (_gate)
        {
            Calls.Add($"get id {id}");
            return Task.FromResult(_byId.TryGetValue(id, out var s) ? s : throw NotFound($"Schema {id} not found.", 40403));
        }
    }

    public Task<Schema> GetSchemaBySubjectAndIdAsync(string subject, int id, string format = null!) => GetSchemaAsync(id, format);

    public Task<RegisteredSchema> GetRegisteredSchemaAsync(string subject, int version, bool ignoreDeletedSchemas = true)
    {
        lock (_gate)
        {
            Calls.Add($"get {subject} v{version}");
            var versions = Versions(subject);
            return Task.FromResult(version >= 1 && version <= versions.Count ? versions[version - 1] : throw NotFound($"Version {version} of '{subject}' not found.", 40402));
        }
    }

    public async Task<string> GetSchemaAsync(string subject, int version) => (await GetRegisteredSchemaAsync(subject, version)).SchemaString;

    public Task<RegisteredSchema> GetLatestSchemaAsync(string subject)
    {
        lock (_gate)
        {
            Calls.Add($"latest {subject}");
            return Task.FromResult(Versions(subject)[^1]);
        }
    }

    public Task<List<string>> GetAllSubjectsAsync()
    {
        lock (_gate) return Task.FromResult(_subjects.Keys.ToList());
    }

    public Task<List<int>> GetSubjectVersionsAsync(string subject)
    {
        lock (_gate) return Task.FromResult(Versions(subject).Select(v => v.Version).ToList());
    }

    public string ConstructKeySubjectName(string topic, string recordType = null!) => topic + "-key";
    public string ConstructValueSubjectName(string topic, string recordType = null!) => topic + "-value";
    public void ClearLatestCaches() { }
    public void ClearCaches() { }
    public void Dispose() { }

    public Task<Schema> GetSchemaByGuidAsync(string guid, string format = null!)
    {
        lock (_gate)
        {
            Calls.Add($"get guid {guid}");
            var id = _byId.Keys.FirstOrDefault(i => Guid(i) == guid);
            return Task.FromResult(id != 0 ? _byId[id] : throw NotFound($"Schema {guid} not found.", 40403));
        }
    }

    /// <summary>A stable GUID per schema id (the registry gives each schema both).</summary>
    private static string Guid(int id) => new System.Guid(id, 0, 0, new byte[8]).ToString();
    public Task<RegisteredSchema> GetLatestWithMetadataAsync(string subject, IDictionary<string, string> metadata, bool ignoreDeletedSchemas) => throw Unsupported();
    public Task<bool> IsCompatibleAsync(string subject, string avroSchema) => throw Unsupported();
    public Task<bool> IsCompatibleAsync(string subject, Schema schema) => throw Unsupported();
    public Task<Compatibility> GetCompatibilityAsync(string subject = null!) => throw Unsupported();
    public Task<Compatibility> UpdateCompatibilityAsync(Compatibility compatibility, string subject = null!) => throw Unsupported();
    public Task<List<Association>> GetAssociationsByResourceNameAsync(string resourceName, string resourceNamespace, string resourceType,
        List<string> associationTypes, string lifecycle, int offset, int limit) => Task.FromResult(new List<Association>()); // none: subjects come from the topic
    public Task<AssociationResponse> CreateAssociationAsync(AssociationCreateOrUpdateRequest request) => throw Unsupported();
    public Task DeleteAssociationsAsync(string resourceId, string resourceType, List<string> associationTypes, bool cascadeLifecycle) => throw Unsupported();

    private List<RegisteredSchema> Versions(string subject) =>
        _subjects.TryGetValue(subject, out var v) && v.Count > 0 ? v : throw NotFound($"Subject '{subject}' not found.", 40401);

    private static bool Same(Schema a, Schema b) =>
        a.SchemaType == b.SchemaType && a.SchemaString == b.SchemaString
        && (a.References ?? new()).Select(r => (r.Name, r.Subject, r.Version)).SequenceEqual((b.References ?? new()).Select(r => (r.Name, r.Subject, r.Version)));

    private static SchemaRegistryException NotFound(string message, int code) => new(message, HttpStatusCode.NotFound, code);

    private static NotSupportedException Unsupported() => new("The in-memory registry models subjects, versions and ids only.");
}
