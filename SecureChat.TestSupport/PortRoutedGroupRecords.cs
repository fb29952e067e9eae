using System.Collections.Concurrent;
using System.Net;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Transport;

namespace SecureChat.TestSupport;

/// <summary>
/// One link's group records, handed at each record to the owner a test chose for the link's client port, or to the
/// hub's own handler when none was chosen. The choice is made per record, not when the link is accepted, so a test
/// may name a raw client's port once it has connected (its records come only after its handshake). Thread-safe.
/// </summary>
internal sealed class PortRoutedGroupRecords(Link link, IHubGroupRecords hub, ConcurrentDictionary<int, IHubGroupRecords> owners) : IHubGroupRecords
{
    private IHubGroupRecords Owner =>
        link.RemoteEndPoint is IPEndPoint ip && owners.TryGetValue(ip.Port, out IHubGroupRecords? owner) ? owner : hub;

    public void KeyPackagesReceived(KeyPackagesRecord record) => Owner.KeyPackagesReceived(record);

    public void GroupCommitReceived(GroupCommitRecord record) => Owner.GroupCommitReceived(record);

    public void GroupMessageReceived(GroupMessageRecord record) => Owner.GroupMessageReceived(record);
}
