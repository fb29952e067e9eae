namespace SecureChat.Engine.Hub.Groups;

/// <summary>
/// An identity waiting to be added to a group (PROTOCOL.md 4.8), with the key package the hub took for it, or none
/// while the hub holds no key package of it (it waits for a KeyPackages). Not thread-safe: used under the hub's lock.
/// </summary>
internal sealed class PendingJoiner(string identity)
{
    public string Identity { get; } = identity;

    public StoredKeyPackage? KeyPackage { get; set; }
}
