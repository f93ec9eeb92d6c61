using System.Reflection;
using System.Runtime.Loader;

namespace Braid.Cli;

/// <summary>
/// Loads a user's topology from a built assembly: a public static method (no parameters) or property of a
/// type that returns a <see cref="Topology"/> or a <see cref="StreamsBuilder"/>. The assembly's own
/// dependencies resolve from its folder (its .deps.json); Braid itself resolves to the tool's copy, so the
/// returned object is a Topology this process understands.
/// </summary>
internal static class UserTopology
{
    public static Topology Load(string assemblyPath, string typeName, string? memberName)
    {
        var path = Path.GetFullPath(assemblyPath);
        if (!File.Exists(path)) throw new FileNotFoundException($"--assembly: no file '{path}'. Build your project first (dotnet build) and pass its .dll.");
        var resolver = new AssemblyDependencyResolver(path);
        AssemblyLoadContext.Default.Resolving += (ctx, name) =>
            resolver.ResolveAssemblyToPath(name) is { } p ? ctx.LoadFromAssemblyPath(p) : null;
        var assembly = AssemblyLoadContext.Default.LoadFromAssemblyPath(path);
        var type = assembly.GetType(typeName, throwOnError: false)
            ?? throw new InvalidOperationException($"--type: '{typeName}' is not a type in {Path.GetFileName(path)} (give the full name, namespace included).");
        var candidates = type.GetMembers(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m switch
            {
                MethodInfo mi => mi.GetParameters().Length == 0 && !mi.IsSpecialName && Builds(mi.ReturnType),
                PropertyInfo pi => pi.GetIndexParameters().Length == 0 && Builds(pi.PropertyType),
                _ => false,
            })
            .Where(m => memberName is null || m.Name == memberName)
            .ToList();
        if (candidates.Count != 1)
        {
            var what = memberName is null ? "a public static method or property with no parameters that returns a Topology or StreamsBuilder" : $"a public static member '{memberName}' that returns a Topology or StreamsBuilder";
            var suffix = candidates.Count > 1 ? $" It has {candidates.Count} ({string.Join(", ", candidates.Select(c => c.Name))}): choose one with --member." : "";
            throw new InvalidOperationException($"--type: {typeName} must have exactly one {what}.{suffix}");
        }
        object? built = candidates[0] switch
        {
            MethodInfo mi => Invoke(() => mi.Invoke(null, null)),
            PropertyInfo pi => Invoke(() => pi.GetValue(null)),
            _ => null,
        };
        return built switch
        {
            Topology t => t,
            StreamsBuilder b => b.Build(),
            _ => throw new InvalidOperationException($"{typeName}.{candidates[0].Name} returned null, not a topology."),
        };
    }

    private static bool Builds(Type t) => t == typeof(Topology) || t == typeof(StreamsBuilder);

    // The user's code threw: report its exception, not the reflection wrapper.
    private static object? Invoke(Func<object?> call)
    {
        try
        {
            return call();
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw new InvalidOperationException($"building the topology threw {e.InnerException.GetType().Name}: {e.InnerException.Message}", e.InnerException);
        }
    }
}
