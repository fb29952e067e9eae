using SecureChat.Engine.Mls.Codec;

namespace SecureChat.Engine.Mls.Messages;

/// <summary>
/// RequiredCapabilities (RFC 9420 section 11.1): the extension, proposal and credential types every member of a
/// group must support; the data of the required_capabilities extension. Values are kept as numbers.
/// Immutable; thread-safe.
/// </summary>
internal sealed record RequiredCapabilities(IReadOnlyList<ushort> ExtensionTypes, IReadOnlyList<ushort> ProposalTypes, IReadOnlyList<ushort> CredentialTypes)
{
    /// <summary>
    /// Section 7.2: the extension types (application_id through external_senders) and proposal types (add through
    /// group_context_extensions) the RFC itself defines are supported by every client and are not listed in its
    /// capabilities; requiring one is met by any client.
    /// </summary>
    private static readonly ushort[] s_defaultExtensions = [1, 2, 3, 4, 5];
    private static readonly ushort[] s_defaultProposals = [1, 2, 3, 4, 5, 6, 7];

    public byte[] Encode() => MlsWriter.Encode(w =>
    {
        w.Vector(ExtensionTypes, static (w, v) => w.U16(v));
        w.Vector(ProposalTypes, static (w, v) => w.U16(v));
        w.Vector(CredentialTypes, static (w, v) => w.U16(v));
    });

    /// <summary>Parses a required_capabilities extension's data; <see cref="MlsFormatException"/> when malformed.</summary>
    public static RequiredCapabilities Decode(ReadOnlySpan<byte> data)
    {
        MlsReader r = new(data);
        RequiredCapabilities value = new(ReadList(ref r), ReadList(ref r), ReadList(ref r));
        r.ExpectEnd();
        return value;
    }

    /// <summary>True when <paramref name="capabilities"/> lists every required type (section 11.1).</summary>
    public bool AreMetBy(Capabilities capabilities) =>
        ExtensionTypes.All(t => IsDefault(t, s_defaultExtensions) || capabilities.Extensions.Contains(t))
        && ProposalTypes.All(t => IsDefault(t, s_defaultProposals) || capabilities.Proposals.Contains(t))
        && CredentialTypes.All(capabilities.Credentials.Contains);

    private static bool IsDefault(ushort type, ushort[] defaults) => defaults.Contains(type);

    private static List<ushort> ReadList(ref MlsReader r) => r.VectorOf(static (ref MlsReader r) => r.U16());
}
