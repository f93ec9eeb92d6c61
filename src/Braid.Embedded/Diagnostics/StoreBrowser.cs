using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Braid.State;

namespace Braid.Embedded.Diagnostics;

/// <summary>
/// Looks keys up in a running application's stores through its interactive queries (committed state).
/// The page only has text: the key is converted to the store's key type (string, integers, or JSON for
/// other types), found from the store's own read interface.
/// </summary>
internal static class StoreBrowser
{
    private static readonly MethodInfo GetKv = typeof(BraidApplication).GetMethod(nameof(BraidApplication.GetKeyValueStore))!;
    private static readonly MethodInfo GetVersioned = typeof(BraidApplication).GetMethod(nameof(BraidApplication.GetVersionedStore))!;

    public static StoreLookup Lookup(BraidApplication app, string store, string key, long? asOf)
    {
        try
        {
            var views = app.StoreViews(store);
            if (views.Count == 0) return new StoreLookup(store, key, false, null, "no task of this instance holds the store");
            var type = views[0].GetType();
            if (Find(type, typeof(IVersionedKeyValueStore<,>)) is { } versioned)
                return Versioned(app, store, key, asOf, versioned.GetGenericArguments());
            if (Find(type, typeof(IReadOnlyKeyValueStore<,>)) is not { } kv)
                return new StoreLookup(store, key, false, null, $"store '{store}' is a {type.Name}: the browser reads key-value and versioned stores");
            var args = kv.GetGenericArguments();
            var view = GetKv.MakeGenericMethod(args).Invoke(app, [store, null])!;
            var tryGet = kv.GetMethod("TryGet")!;
            object?[] call = [ParseKey(key, args[0]), null];
            bool found = (bool)tryGet.Invoke(view, call)!;
            return new StoreLookup(store, key, found, found ? call[1] : null, null);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            return new StoreLookup(store, key, false, null, e.InnerException.Message);
        }
        catch (Exception e) when (e is StreamsException or InvalidOperationException or FormatException or JsonException or OverflowException)
        {
            return new StoreLookup(store, key, false, null, e.Message);
        }
    }

    private static StoreLookup Versioned(BraidApplication app, string store, string key, long? asOf, Type[] args)
    {
        var view = GetVersioned.MakeGenericMethod(args).Invoke(app, [store, null])!;
        var iface = Find(view.GetType(), typeof(IReadOnlyVersionedStore<,>))!;
        var method = iface.GetMethods().First(m => m.Name == "TryGet" && m.GetParameters().Length == (asOf is null ? 2 : 3));
        object?[] call = asOf is null ? [ParseKey(key, args[0]), null] : [ParseKey(key, args[0]), asOf.Value, null];
        bool found = (bool)method.Invoke(view, call)!;
        return new StoreLookup(store, key, found, found ? call[^1] : null, null);
    }

    private static Type? Find(Type type, Type generic) =>
        type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == generic);

    private static object ParseKey(string key, Type type) =>
        type == typeof(string) ? key
        : type == typeof(int) ? int.Parse(key, CultureInfo.InvariantCulture)
        : type == typeof(long) ? long.Parse(key, CultureInfo.InvariantCulture)
        : JsonSerializer.Deserialize(key, type, JsonSerializerOptions.Web)
          ?? throw new FormatException($"the key must be JSON for a {type.Name}");
}
