namespace SecureChat.Engine.Hub.Groups;

/// <summary>
/// A key package the hub keeps or handed out: the MLSMessage exactly as its client sent it (what a GroupTask or a
/// KeyPackageRelay carries) and its KeyPackageRef (RFC 9420 section 5.2), by which the hub knows it in a commit's Add
/// and a Welcome's <c>new_member</c>. Immutable.
/// </summary>
internal sealed record StoredKeyPackage(byte[] Message, byte[] Reference)
{
    public bool IsReference(ReadOnlySpan<byte> reference) => Reference.AsSpan().SequenceEqual(reference);
}
