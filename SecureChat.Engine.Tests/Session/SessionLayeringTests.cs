using System.Reflection;
using System.Text.RegularExpressions;
using SecureChat.Engine.Session;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Session;

/// <summary>
/// The session is sans-I/O: it may use the crypto primitives and the wire formats, never the config directory
/// (identity key file, trust files), which does file I/O. The trust decision reaches it through an interface it
/// defines; what it needs to check a signature lives beside the primitives.
/// </summary>
public sealed partial class SessionLayeringTests(ITestOutputHelper output)
{
    private const string SessionNamespace = "SecureChat.Engine.Session";
    private const string IdentityNamespace = "SecureChat.Engine.Identity";

    [Fact]
    public void No_session_source_file_imports_or_names_the_identity_namespace()
    {
        string folder = Path.Combine(VectorFiles.RepositoryRoot, "SecureChat.Engine", "Session");
        string[] files = Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories);
        files.Length.ShouldBeGreaterThan(20, $"the session's sources were not found under {folder}");

        var offending = new List<string>();
        foreach (string file in files)
        {
            string[] lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                if (IdentityReference().IsMatch(lines[i]))
                {
                    offending.Add($"{Path.GetRelativePath(folder, file)}:{i + 1}: {lines[i].Trim()}");
                }
            }
        }

        output.WriteLine($"{files.Length} session source files scanned, {offending.Count} lines name {IdentityNamespace}");
        offending.ShouldBeEmpty(string.Join(Environment.NewLine, offending));
    }

    [Fact]
    public void No_session_type_has_a_member_signature_or_base_type_from_the_identity_namespace()
    {
        Type[] sessionTypes = typeof(SecureSession).Assembly.GetTypes()
            .Where(t => t.Namespace is { } ns && (ns == SessionNamespace || ns.StartsWith(SessionNamespace + ".", StringComparison.Ordinal)))
            .ToArray();
        sessionTypes.Length.ShouldBeGreaterThan(20);

        var offending = new List<string>();
        foreach (Type type in sessionTypes)
        {
            foreach ((string where, Type used) in SignatureTypes(type))
            {
                if (Referenced(used).Any(IsIdentity))
                {
                    offending.Add($"{type.FullName}.{where}: {used}");
                }
            }
        }

        output.WriteLine($"{sessionTypes.Length} session types checked, {offending.Count} members use {IdentityNamespace}");
        offending.ShouldBeEmpty(string.Join(Environment.NewLine, offending));
    }

    private static bool IsIdentity(Type type) =>
        type.Namespace is { } ns && (ns == IdentityNamespace || ns.StartsWith(IdentityNamespace + ".", StringComparison.Ordinal));

    /// <summary>Every type a declaration of <paramref name="type"/> names: base, interfaces, fields, properties, events, parameters, returns.</summary>
    private static IEnumerable<(string Where, Type Used)> SignatureTypes(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        if (type.BaseType is { } baseType)
        {
            yield return ("(base)", baseType);
        }

        foreach (Type face in type.GetInterfaces())
        {
            yield return ("(interface)", face);
        }

        foreach (FieldInfo field in type.GetFields(all))
        {
            yield return (field.Name, field.FieldType);
        }

        foreach (PropertyInfo property in type.GetProperties(all))
        {
            yield return (property.Name, property.PropertyType);
        }

        foreach (EventInfo e in type.GetEvents(all))
        {
            yield return (e.Name, e.EventHandlerType!);
        }

        foreach (MethodBase method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
        {
            if (method is MethodInfo info)
            {
                yield return (method.Name + "(return)", info.ReturnType);
            }

            foreach (ParameterInfo parameter in method.GetParameters())
            {
                yield return ($"{method.Name}({parameter.Name})", parameter.ParameterType);
            }
        }
    }

    /// <summary>The type itself and every type inside it (array elements, generic arguments, by-ref targets).</summary>
    private static IEnumerable<Type> Referenced(Type type)
    {
        yield return type;
        if (type.HasElementType)
        {
            foreach (Type inner in Referenced(type.GetElementType()!))
            {
                yield return inner;
            }
        }

        if (type.IsGenericType)
        {
            foreach (Type argument in type.GetGenericArguments())
            {
                foreach (Type inner in Referenced(argument))
                {
                    yield return inner;
                }
            }
        }
    }

    /// <summary>A using directive for, or a qualified name in, the identity namespace.</summary>
    [GeneratedRegex(@"\bSecureChat\.Engine\.Identity\b")]
    private static partial Regex IdentityReference();
}
