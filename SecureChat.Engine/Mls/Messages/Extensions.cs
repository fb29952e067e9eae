using SecureChat.Engine.Mls.Codec;

namespace SecureChat.Engine.Mls.Messages;

/// <summary>
/// Extension lists (RFC 9420 section 13.4, <c>Extension extensions&lt;V&gt;</c>): reading and writing them, finding
/// one by type, and the rule that a list holds each type at most once. Stateless and thread-safe.
/// </summary>
internal static class Extensions
{
    public static void Write(MlsWriter w, IReadOnlyList<Extension> extensions) =>
        w.Vector(extensions, static (w, e) => e.Write(w));

    public static List<Extension> Read(ref MlsReader r) => r.VectorOf(Extension.Read);

    /// <summary>The extension of <paramref name="type"/>, or null when the list has none.</summary>
    public static Extension? Find(IReadOnlyList<Extension> extensions, ExtensionType type)
    {
        foreach (Extension e in extensions)
        {
            if (e.Type == type)
            {
                return e;
            }
        }

        return null;
    }

    /// <summary>True when no type appears twice (section 13.4: a list MUST NOT).</summary>
    public static bool AreDistinct(IReadOnlyList<Extension> extensions)
    {
        HashSet<ExtensionType> seen = [];
        foreach (Extension e in extensions)
        {
            if (!seen.Add(e.Type))
            {
                return false;
            }
        }

        return true;
    }
}
