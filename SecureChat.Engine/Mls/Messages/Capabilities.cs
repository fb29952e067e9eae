using SecureChat.Engine.Mls.Codec;

namespace SecureChat.Engine.Mls.Messages;

/// <summary>
/// Capabilities (RFC 9420 section 7.2): what a client supports. Every list keeps its values as numbers, GREASE
/// values (section 13.5) and unknown registrations included, in wire order. Immutable; thread-safe.
/// </summary>
internal sealed record Capabilities(
    IReadOnlyList<ushort> Versions,
    IReadOnlyList<ushort> CipherSuites,
    IReadOnlyList<ushort> Extensions,
    IReadOnlyList<ushort> Proposals,
    IReadOnlyList<ushort> Credentials)
{
    public void Write(MlsWriter w)
    {
        WriteList(w, Versions);
        WriteList(w, CipherSuites);
        WriteList(w, Extensions);
        WriteList(w, Proposals);
        WriteList(w, Credentials);
    }

    public static Capabilities Read(ref MlsReader r) =>
        new(ReadList(ref r), ReadList(ref r), ReadList(ref r), ReadList(ref r), ReadList(ref r));

    private static void WriteList(MlsWriter w, IReadOnlyList<ushort> values) =>
        w.Vector(values, static (w, v) => w.U16(v));

    private static List<ushort> ReadList(ref MlsReader r) => r.VectorOf(static (ref MlsReader r) => r.U16());
}
